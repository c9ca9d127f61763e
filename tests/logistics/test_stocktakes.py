"""Stocktakes: a count sheet frozen at a moment, counts entered, variances posted as adjustments
with a reason, and the variance report."""

from typing import Any

from tests.logistics.conftest import API, LogisticsService
from tests.logistics.supplies_helpers import (
    assert_ledger_adds_up,
    move,
    ok,
    pickup_point,
    read_supply,
    supply,
)


async def act(service: LogisticsService, take_id: str, verb: str, **body: Any) -> Any:
    return await service.client.post(
        f"{API}/stocktakes/{take_id}/{verb}", json=body, headers=service.staff()
    )


async def test_variances_against_the_frozen_sheet_become_adjustments(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, sku="PEN", stock=20, unit_cost="2.50")
    pad = await supply(logistics, point, sku="PAD", stock=5, unit_cost="8.00")
    cup = await supply(logistics, point, sku="CUP", stock=3, unit_cost="9.90")

    take = ok(
        await logistics.client.post(
            f"{API}/stocktakes", json={"pickup_point_id": point["id"]}, headers=logistics.staff()
        ),
        201,
    )
    ok(await move(logistics, "issue", pen["id"], quantity=2), 201)  # while counting
    ok(
        await act(
            logistics,
            take["id"],
            "counts",
            counts=[
                {"supply_id": pen["id"], "counted": 18},
                {"supply_id": pad["id"], "counted": 6},
            ],
        )
    )
    early = await act(logistics, take["id"], "post", reason="季度盘点")
    ok(await act(logistics, take["id"], "counts", counts=[{"supply_id": cup["id"], "counted": 3}]))
    posted = ok(await act(logistics, take["id"], "post", reason="季度盘点"))
    report = ok(
        await logistics.client.get(
            f"{API}/stocktakes/{take['id']}/variance", headers=logistics.auditor()
        )
    )
    again = await act(logistics, take["id"], "post", reason="again")

    assert {x["supply_id"]: x["expected"] for x in take["lines"]} == {
        pen["id"]: 20,
        pad["id"]: 5,
        cup["id"]: 3,
    }
    assert (early.status_code, early.json()["code"]) == (422, "counts_missing")
    assert posted["status"] == "posted"
    assert (await read_supply(logistics, pen["id"]))["on_hand"] == 16  # 20 - 2 issued - 2 short
    assert (await read_supply(logistics, pad["id"]))["on_hand"] == 6
    assert (await read_supply(logistics, cup["id"]))["on_hand"] == 3
    rows = {x["sku"]: x for x in report["lines"]}
    assert (rows["PEN"]["variance"], rows["PEN"]["value"]) == (-2, "-5.00")
    assert (rows["PAD"]["variance"], rows["PAD"]["value"]) == (1, "8.00")
    assert rows["CUP"]["variance"] == 0
    assert (report["shortage_value"], report["surplus_value"], report["net_value"]) == (
        "-5.00",
        "8.00",
        "3.00",
    )
    adjustments = ok(
        await logistics.client.get(
            f"{API}/stock-movements",
            params={"cause_type": "stocktake", "cause_id": take["id"]},
            headers=logistics.staff(),
        )
    )["items"]
    assert sorted(m["quantity"] for m in adjustments) == [-2, 1]
    assert {m["reason"] for m in adjustments} == {"季度盘点"}
    assert (again.status_code, again.json()["code"]) == (409, "stocktake_not_counting")
    await assert_ledger_adds_up(logistics)


async def test_one_count_at_a_time_per_pick_up_point(logistics: LogisticsService) -> None:
    point = await pickup_point(logistics)
    await supply(logistics, point, stock=1)
    body = {"pickup_point_id": point["id"]}
    first = ok(
        await logistics.client.post(f"{API}/stocktakes", json=body, headers=logistics.staff()), 201
    )

    second = await logistics.client.post(f"{API}/stocktakes", json=body, headers=logistics.staff())
    ok(await act(logistics, first["id"], "cancel"))
    third = await logistics.client.post(f"{API}/stocktakes", json=body, headers=logistics.staff())

    assert (second.status_code, second.json()["code"]) == (409, "stocktake_in_progress")
    assert third.status_code == 201


async def test_a_count_for_a_sku_not_on_the_sheet_is_refused(logistics: LogisticsService) -> None:
    front = await pickup_point(logistics, "HQ-1F")
    store = await pickup_point(logistics, "HQ-3F")
    await supply(logistics, front, sku="PEN", stock=1)
    paper = await supply(logistics, store, sku="PAPER", stock=1)
    take = ok(
        await logistics.client.post(
            f"{API}/stocktakes", json={"pickup_point_id": front["id"]}, headers=logistics.staff()
        ),
        201,
    )

    answer = await act(
        logistics, take["id"], "counts", counts=[{"supply_id": paper["id"], "counted": 1}]
    )

    assert (answer.status_code, answer.json()["code"]) == (422, "unknown_line")


async def test_employees_neither_see_nor_take_stock(logistics: LogisticsService) -> None:
    point = await pickup_point(logistics)
    take = ok(
        await logistics.client.post(
            f"{API}/stocktakes", json={"pickup_point_id": point["id"]}, headers=logistics.staff()
        ),
        201,
    )
    employee = logistics.employee("0193a8c0-0000-7000-8000-0000000000e1")

    started = await logistics.client.post(
        f"{API}/stocktakes", json={"pickup_point_id": point["id"]}, headers=employee
    )
    seen = await logistics.client.get(f"{API}/stocktakes/{take['id']}", headers=employee)
    auditor_posts = await logistics.client.post(
        f"{API}/stocktakes/{take['id']}/cancel", headers=logistics.auditor()
    )

    assert started.status_code == 403
    assert seen.status_code == 404
    assert (auditor_posts.status_code, auditor_posts.json()["code"]) == (403, "logistics_only")
