"""Spaces and facilities: unique keys, warranty, who may change them."""

from typing import Any

from tests.logistics.conftest import API, LogisticsService
from tests.logistics.supplies_helpers import EMPLOYEE, ok


async def space(service: LogisticsService, room: str = "301") -> dict[str, Any]:
    return ok(
        await service.client.post(
            f"{API}/spaces",
            json={"building": "总部大楼", "floor": "3F", "room": room, "kind": "office"},
            headers=service.staff(),
        ),
        201,
    )


async def test_a_facility_in_a_space_with_its_warranty(logistics: LogisticsService) -> None:
    room = await space(logistics)

    expired = ok(
        await logistics.client.post(
            f"{API}/facilities",
            json={
                "asset_tag": "PRN-1",
                "name": "打印机",
                "category": "it",
                "space_id": room["id"],
                "purchased_on": "2023-01-01",
                "warranty_until": "2026-03-10",
            },
            headers=logistics.staff(),
        ),
        201,
    )
    covered = ok(
        await logistics.client.post(
            f"{API}/facilities",
            json={
                "asset_tag": "AC-1",
                "name": "空调",
                "category": "hvac",
                "warranty_until": "2026-03-11",
            },
            headers=logistics.staff(),
        ),
        201,
    )
    in_room = ok(
        await logistics.client.get(
            f"{API}/facilities",
            params={"space_id": room["id"]},
            headers=logistics.employee(EMPLOYEE),
        )
    )["items"]

    assert expired["under_warranty"] is False
    assert covered["under_warranty"] is True  # the last day still counts
    assert [f["asset_tag"] for f in in_room] == ["PRN-1"]


async def test_asset_tags_and_rooms_are_unique(logistics: LogisticsService) -> None:
    await space(logistics)
    body = {"asset_tag": "AC-1", "name": "空调", "category": "hvac"}
    ok(await logistics.client.post(f"{API}/facilities", json=body, headers=logistics.staff()), 201)

    tag = await logistics.client.post(f"{API}/facilities", json=body, headers=logistics.staff())
    room = await logistics.client.post(
        f"{API}/spaces",
        json={"building": "总部大楼", "floor": "3F", "room": "301", "kind": "pantry"},
        headers=logistics.staff(),
    )

    assert (tag.status_code, tag.json()["code"]) == (409, "duplicate_asset_tag")
    assert (room.status_code, room.json()["code"]) == (409, "duplicate_space")


async def test_a_warranty_cannot_end_before_the_purchase(logistics: LogisticsService) -> None:
    answer = await logistics.client.post(
        f"{API}/facilities",
        json={
            "asset_tag": "AC-1",
            "name": "空调",
            "category": "hvac",
            "purchased_on": "2026-01-01",
            "warranty_until": "2025-12-31",
        },
        headers=logistics.staff(),
    )

    assert (answer.status_code, answer.json()["code"]) == (422, "warranty_before_purchase")


async def test_moving_a_facility_honours_if_match_and_only_staff_may(
    logistics: LogisticsService,
) -> None:
    first, second = await space(logistics, "301"), await space(logistics, "302")
    item = ok(
        await logistics.client.post(
            f"{API}/facilities",
            json={"asset_tag": "AC-1", "name": "空调", "category": "hvac", "space_id": first["id"]},
            headers=logistics.staff(),
        ),
        201,
    )
    etag = f'"{item["version"]}"'

    by_employee = await logistics.client.patch(
        f"{API}/facilities/{item['id']}",
        json={"space_id": second["id"]},
        headers={**logistics.employee(EMPLOYEE), "If-Match": etag},
    )
    moved = ok(
        await logistics.client.patch(
            f"{API}/facilities/{item['id']}",
            json={"space_id": second["id"]},
            headers={**logistics.staff(), "If-Match": etag},
        )
    )
    stale = await logistics.client.patch(
        f"{API}/facilities/{item['id']}",
        json={"status": "retired"},
        headers={**logistics.staff(), "If-Match": etag},
    )

    assert (by_employee.status_code, by_employee.json()["code"]) == (403, "logistics_only")
    assert moved["space_id"] == second["id"]
    assert stale.status_code == 412
