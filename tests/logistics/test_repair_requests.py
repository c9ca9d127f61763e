"""Repair requests: filed by any employee, assigned, in progress, resolved with cost and parts
issued from supplies through the ledger, confirmed by the requester or closed after N days."""

from datetime import datetime, timedelta
from typing import Any

from services.logistics.domain.repairs import close_unconfirmed
from tests.logistics.conftest import API, LogisticsService
from tests.logistics.supplies_helpers import (
    EMPLOYEE,
    OTHER_EMPLOYEE,
    assert_ledger_adds_up,
    ok,
    outbox,
    pickup_point,
    read_supply,
    supply,
)


async def facility(service: LogisticsService) -> dict[str, Any]:
    return ok(
        await service.client.post(
            f"{API}/facilities",
            json={"asset_tag": "AC-1", "name": "空调", "category": "hvac"},
            headers=service.staff(),
        ),
        201,
    )


async def file(
    service: LogisticsService, facility_id: str, employee: object = EMPLOYEE
) -> dict[str, Any]:
    return ok(
        await service.client.post(
            f"{API}/repair-requests",
            json={
                "facility_id": facility_id,
                "description": "空调不制冷",
                "urgency": "high",
                "photo_ref": "files/ac.jpg",
            },
            headers=service.employee(employee),
        ),
        201,
    )


async def step(
    service: LogisticsService, repair_id: str, verb: str, headers: dict[str, str], **body: Any
) -> Any:
    return await service.client.post(
        f"{API}/repair-requests/{repair_id}/{verb}", json=body, headers=headers
    )


async def resolved(service: LogisticsService, **resolution: Any) -> dict[str, Any]:
    item = await facility(service)
    repair = await file(service, item["id"])
    ok(await step(service, repair["id"], "assign", service.staff(), assignee="王师傅"))
    ok(await step(service, repair["id"], "start", service.staff()))
    return ok(
        await step(
            service, repair["id"], "resolve", service.staff(), resolution="已修复", **resolution
        )
    )


async def test_a_repair_from_report_to_confirmation_uses_parts_from_stock(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    capacitor = await supply(logistics, point, sku="CAP-45UF", stock=5, category="spare_parts")
    item = await facility(logistics)
    me = logistics.employee(EMPLOYEE)

    repair = await file(logistics, item["id"])
    assigned = ok(
        await step(logistics, repair["id"], "assign", logistics.staff(), assignee="王师傅")
    )
    started = ok(await step(logistics, repair["id"], "start", logistics.staff()))
    during = ok(await logistics.client.get(f"{API}/facilities/{item['id']}", headers=me))
    done = ok(
        await step(
            logistics,
            repair["id"],
            "resolve",
            logistics.staff(),
            resolution="更换电容",
            cost="350.00",
            parts=[{"supply_id": capacitor["id"], "quantity": 2}],
        )
    )
    confirmed = ok(await step(logistics, repair["id"], "confirm", me))

    assert repair["status"] == "filed" and repair["photo_ref"] == "files/ac.jpg"
    assert assigned["status"] == "assigned" and assigned["assignee"] == "王师傅"
    assert started["status"] == "in_progress"
    assert during["status"] == "under_repair"
    assert done["status"] == "resolved" and done["cost"] == "350.00"
    assert [(p["supply_id"], p["quantity"]) for p in done["parts"]] == [(capacitor["id"], 2)]
    assert confirmed["status"] == "confirmed"
    assert (
        ok(await logistics.client.get(f"{API}/facilities/{item['id']}", headers=me))["status"]
        == "in_service"
    )
    assert (await read_supply(logistics, capacitor["id"]))["on_hand"] == 3
    assert [e["type"] for e in await outbox(logistics, "logistics.repair_request.confirmed")]
    await assert_ledger_adds_up(logistics)


async def test_parts_short_in_stock_leave_the_repair_unresolved(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    capacitor = await supply(logistics, point, sku="CAP", stock=1)
    item = await facility(logistics)
    repair = await file(logistics, item["id"])
    ok(await step(logistics, repair["id"], "assign", logistics.staff(), assignee="王师傅"))
    ok(await step(logistics, repair["id"], "start", logistics.staff()))

    answer = await step(
        logistics,
        repair["id"],
        "resolve",
        logistics.staff(),
        resolution="更换电容",
        parts=[{"supply_id": capacitor["id"], "quantity": 2}],
    )

    assert (answer.status_code, answer.json()["code"]) == (409, "insufficient_stock")
    found = ok(
        await logistics.client.get(
            f"{API}/repair-requests/{repair['id']}", headers=logistics.staff()
        )
    )
    assert found["status"] == "in_progress" and found["parts"] == []
    assert (await read_supply(logistics, capacitor["id"]))["on_hand"] == 1


async def test_an_unconfirmed_repair_closes_after_the_policy_s_days_once(
    logistics: LogisticsService,
) -> None:
    done = await resolved(logistics)
    runtime = logistics.app.state.runtime
    at = datetime.fromisoformat(done["resolved_at"])

    early = await close_unconfirmed(runtime, at + timedelta(days=6))
    closing = await close_unconfirmed(runtime, at + timedelta(days=7))
    again = await close_unconfirmed(runtime, at + timedelta(days=8))
    late = await step(logistics, done["id"], "confirm", logistics.employee(EMPLOYEE))

    assert (early, closing, again) == (0, 1, 0)
    found = ok(
        await logistics.client.get(f"{API}/repair-requests/{done['id']}", headers=logistics.staff())
    )
    assert found["status"] == "closed"
    assert (late.status_code, late.json()["code"]) == (409, "invalid_repair_transition")
    assert len(await outbox(logistics, "logistics.repair_request.closed")) == 1


async def test_steps_out_of_order_are_refused(logistics: LogisticsService) -> None:
    item = await facility(logistics)
    repair = await file(logistics, item["id"])

    start_unassigned = await step(logistics, repair["id"], "start", logistics.staff())
    confirm_early = await step(logistics, repair["id"], "confirm", logistics.employee(EMPLOYEE))

    for answer in (start_unassigned, confirm_early):
        assert (answer.status_code, answer.json()["code"]) == (409, "invalid_repair_transition")


async def test_employees_see_and_handle_only_their_own(logistics: LogisticsService) -> None:
    item = await facility(logistics)
    mine = await file(logistics, item["id"], EMPLOYEE)
    theirs = await file(logistics, item["id"], OTHER_EMPLOYEE)
    me = logistics.employee(EMPLOYEE)

    listed = ok(await logistics.client.get(f"{API}/repair-requests", headers=me))["items"]
    hidden = await logistics.client.get(f"{API}/repair-requests/{theirs['id']}", headers=me)
    assign_own = await step(logistics, mine["id"], "assign", me, assignee="我自己")
    all_of_them = ok(
        await logistics.client.get(f"{API}/repair-requests", headers=logistics.auditor())
    )["items"]
    outsider = await logistics.client.get(
        f"{API}/repair-requests/{mine['id']}", headers=logistics.as_user("hr")
    )
    withdrawn = ok(await step(logistics, mine["id"], "cancel", me, reason="好了"))

    assert [r["id"] for r in listed] == [mine["id"]]
    assert hidden.status_code == 404
    assert (assign_own.status_code, assign_own.json()["code"]) == (403, "logistics_only")
    assert len(all_of_them) == 2
    assert outsider.status_code == 404
    assert withdrawn["status"] == "cancelled"


async def test_a_repair_names_a_facility_or_a_space(logistics: LogisticsService) -> None:
    nothing = await logistics.client.post(
        f"{API}/repair-requests",
        json={"description": "坏了"},
        headers=logistics.employee(EMPLOYEE),
    )
    unknown = await logistics.client.post(
        f"{API}/repair-requests",
        json={"space_id": "0193a8c0-0000-7000-8000-00000000ffff", "description": "坏了"},
        headers=logistics.employee(EMPLOYEE),
    )

    assert (nothing.status_code, nothing.json()["code"]) == (422, "target_required")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_space")
