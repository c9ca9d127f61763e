"""The catalogue and pick-up points: who may change them, duplicates, If-Match, low stock."""

from pathlib import Path

from services.logistics.reference import load_reference_data
from shared.kit.testing import TokenMinter
from tests.conftest import TestDatabase
from tests.logistics.conftest import API, LogisticsService, start_logistics
from tests.logistics.supplies_helpers import (
    EMPLOYEE,
    assert_ledger_adds_up,
    move,
    ok,
    pickup_point,
    supply,
)


async def test_low_stock_lists_what_is_at_or_below_its_reorder_point(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    at = await supply(logistics, point, sku="AT", stock=10, reorder_point=10)
    await supply(logistics, point, sku="ABOVE", stock=11, reorder_point=10)
    below = await supply(logistics, point, sku="BELOW", stock=2, reorder_point=10)
    empty = await supply(logistics, point, sku="EMPTY", reorder_point=1)
    gone = await supply(logistics, point, sku="GONE", reorder_point=5)
    current = await logistics.client.get(f"{API}/supplies/{gone['id']}", headers=logistics.staff())
    ok(
        await logistics.client.patch(
            f"{API}/supplies/{gone['id']}",
            json={"active": False},
            headers={**logistics.staff(), "If-Match": current.headers["ETag"]},
        )
    )

    low = ok(await logistics.client.get(f"{API}/supplies/low-stock", headers=logistics.staff()))

    assert [(x["sku"], x["shortfall"]) for x in low] == [("BELOW", 8), ("EMPTY", 1), ("AT", 0)]
    assert {x["supply_id"] for x in low} == {at["id"], below["id"], empty["id"]}


async def test_employees_read_the_catalogue_but_only_staff_change_it(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=3)
    employee = logistics.employee(EMPLOYEE)

    listed = ok(await logistics.client.get(f"{API}/supplies", headers=employee))
    created = await logistics.client.post(
        f"{API}/supplies",
        json={
            "sku": "X",
            "name": "x",
            "unit": "个",
            "category": "c",
            "pickup_point_id": point["id"],
        },
        headers=employee,
    )
    low = await logistics.client.get(f"{API}/supplies/low-stock", headers=employee)

    assert [x["sku"] for x in listed["items"]] == [pen["sku"]]
    assert listed["items"][0]["on_hand"] == 3
    assert (created.status_code, created.json()["code"]) == (403, "logistics_only")
    assert low.status_code == 403


async def test_a_sku_or_pick_up_point_code_is_used_once(logistics: LogisticsService) -> None:
    point = await pickup_point(logistics)
    await supply(logistics, point, sku="PEN")

    again = await logistics.client.post(
        f"{API}/supplies",
        json={
            "sku": "PEN",
            "name": "x",
            "unit": "个",
            "category": "c",
            "pickup_point_id": point["id"],
        },
        headers=logistics.staff(),
    )
    same_point = await logistics.client.post(
        f"{API}/pickup-points", json={"code": "HQ-1F", "name": "x"}, headers=logistics.staff()
    )

    assert (again.status_code, again.json()["code"]) == (409, "duplicate_sku")
    assert (same_point.status_code, same_point.json()["code"]) == (409, "duplicate_pickup_point")


async def test_a_stale_if_match_changes_nothing(logistics: LogisticsService) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point)

    answer = await logistics.client.patch(
        f"{API}/supplies/{pen['id']}",
        json={"reorder_point": 99},
        headers={**logistics.staff(), "If-Match": '"41"'},
    )

    assert answer.status_code == 412
    found = ok(await logistics.client.get(f"{API}/supplies/{pen['id']}", headers=logistics.staff()))
    assert found["reorder_point"] == 0


async def test_issuing_an_inactive_sku_is_refused(logistics: LogisticsService) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=3)
    current = await logistics.client.get(f"{API}/supplies/{pen['id']}", headers=logistics.staff())
    ok(
        await logistics.client.patch(
            f"{API}/supplies/{pen['id']}",
            json={"active": False},
            headers={**logistics.staff(), "If-Match": current.headers["ETag"]},
        )
    )

    answer = await move(logistics, "issue", pen["id"], quantity=1)

    assert (answer.status_code, answer.json()["code"]) == (422, "inactive_supply")


async def test_a_supply_at_an_unknown_pick_up_point_is_refused(logistics: LogisticsService) -> None:
    answer = await logistics.client.post(
        f"{API}/supplies",
        json={
            "sku": "PEN",
            "name": "x",
            "unit": "个",
            "category": "c",
            "pickup_point_id": "0193a8c0-0000-7000-8000-00000000ffff",
        },
        headers=logistics.staff(),
    )

    assert (answer.status_code, answer.json()["code"]) == (422, "unknown_pickup_point")


async def test_the_demo_catalogue_has_stock_whose_ledger_adds_up(
    database_url: TestDatabase, minter: TokenMinter, tmp_path: Path
) -> None:
    async for service in start_logistics(database_url, minter, tmp_path, demo=True):
        # loading again adds nothing (the company's changes are kept)
        await load_reference_data(
            url=database_url.url, schema=database_url.schema, data_dir=tmp_path, demo=True
        )
        listed = ok(
            await service.client.get(
                f"{API}/supplies", params={"limit": 200}, headers=service.staff()
            )
        )["items"]
        points = ok(await service.client.get(f"{API}/pickup-points", headers=service.staff()))
        low = ok(await service.client.get(f"{API}/supplies/low-stock", headers=service.staff()))
        spaces = ok(await service.client.get(f"{API}/spaces", headers=service.staff()))["items"]
        facilities = ok(await service.client.get(f"{API}/facilities", headers=service.staff()))

        assert len(listed) == 10 and all(item["on_hand"] > 0 for item in listed)
        assert len(points["items"]) == 2
        assert {x["sku"] for x in low} == {"STICKY-76", "CUP-PAPER"}
        assert len(spaces) == 6 and len(facilities["items"]) == 5
        await assert_ledger_adds_up(service)
