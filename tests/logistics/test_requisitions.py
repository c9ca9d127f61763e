"""Requisitions: asked by an employee, approved in workflow, reserved, picked, collected (the
requester confirms; partial fulfilment allowed); one not collected in time releases its stock."""

import asyncio
from datetime import datetime, timedelta
from typing import Any

from services.logistics.domain.requisitions import expire_overdue
from tests.logistics.conftest import API, LogisticsService
from tests.logistics.supplies_helpers import (
    EMPLOYEE,
    OTHER_EMPLOYEE,
    approved_requisition,
    assert_ledger_adds_up,
    deliver,
    move,
    ok,
    outbox,
    pickup_point,
    read_supply,
    requisition,
    supply,
)


async def act(
    service: LogisticsService, requisition_id: str, verb: str, headers: dict[str, str], **body: Any
) -> Any:
    return await service.client.post(
        f"{API}/requisitions/{requisition_id}/{verb}", json=body, headers=headers
    )


async def test_an_approved_requisition_is_reserved_picked_and_collected(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=10)
    me = logistics.employee(EMPLOYEE)

    created = await requisition(logistics, EMPLOYEE, [(pen["id"], 4)], purpose="入职")
    [started] = logistics.workflow.started()
    await deliver(logistics, created["id"], "requisition", "approved")
    approved = ok(await logistics.client.get(f"{API}/requisitions/{created['id']}", headers=me))
    stock_after_approval = await read_supply(logistics, pen["id"])
    picked = ok(await act(logistics, created["id"], "pick", logistics.staff()))
    collected = ok(await act(logistics, created["id"], "collect", me))

    assert created["status"] == "pending"
    assert started["definition_key"] == "supply_requisition"
    assert started["subject"]["type"] == "requisition"
    assert approved["status"] == "approved" and approved["lines"][0]["reserved"] == 4
    assert approved["collect_by"] is not None
    assert (stock_after_approval["on_hand"], stock_after_approval["available"]) == (10, 6)
    assert picked["status"] == "picked" and picked["lines"][0]["picked"] == 4
    assert collected["status"] == "collected" and collected["lines"][0]["collected"] == 4
    after = await read_supply(logistics, pen["id"])
    assert (after["on_hand"], after["reserved"], after["available"]) == (6, 0, 6)
    [event] = await outbox(logistics, "logistics.requisition.collected")
    assert event["data"]["lines"][0]["collected"] == 4
    await assert_ledger_adds_up(logistics)


async def test_a_reservation_is_not_issued_to_others(logistics: LogisticsService) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=5)
    await approved_requisition(logistics, EMPLOYEE, [(pen["id"], 4)])

    taken = await move(logistics, "issue", pen["id"], quantity=2)
    other = await approved_requisition(logistics, OTHER_EMPLOYEE, [(pen["id"], 3)])

    assert (taken.status_code, taken.json()["code"]) == (409, "insufficient_stock")
    assert other["lines"][0]["reserved"] == 1  # what was left: partial fulfilment
    await assert_ledger_adds_up(logistics)


async def test_a_partial_collection_issues_what_was_taken_and_releases_the_rest(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=10, sku="PEN")
    pad = await supply(logistics, point, stock=10, sku="PAD")
    me = logistics.employee(EMPLOYEE)
    found = await approved_requisition(logistics, EMPLOYEE, [(pen["id"], 5), (pad["id"], 2)])
    pen_line, pad_line = found["lines"]

    picked = ok(
        await act(
            logistics,
            found["id"],
            "pick",
            logistics.staff(),
            lines=[
                {"line_id": pen_line["id"], "quantity": 4},
                {"line_id": pad_line["id"], "quantity": 2},
            ],
        )
    )
    too_many = await act(
        logistics, found["id"], "collect", me, lines=[{"line_id": pen_line["id"], "quantity": 5}]
    )
    collected = ok(
        await act(
            logistics,
            found["id"],
            "collect",
            me,
            lines=[{"line_id": pen_line["id"], "quantity": 3}],
        )
    )

    assert picked["lines"][0]["reserved"] == 4
    assert (too_many.status_code, too_many.json()["code"]) == (422, "quantity_too_large")
    assert [x["collected"] for x in collected["lines"]] == [3, 0]
    pens, pads = await read_supply(logistics, pen["id"]), await read_supply(logistics, pad["id"])
    assert (pens["on_hand"], pens["reserved"]) == (7, 0)
    assert (pads["on_hand"], pads["reserved"]) == (10, 0)
    await assert_ledger_adds_up(logistics)


async def test_only_the_requester_confirms_the_collection(logistics: LogisticsService) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=3)
    found = await approved_requisition(logistics, EMPLOYEE, [(pen["id"], 1)])
    ok(await act(logistics, found["id"], "pick", logistics.staff()))

    by_staff = await act(logistics, found["id"], "collect", logistics.staff())
    by_other = await act(logistics, found["id"], "collect", logistics.employee(OTHER_EMPLOYEE))
    pick_by_requester = await act(logistics, found["id"], "pick", logistics.employee(EMPLOYEE))

    assert (by_staff.status_code, by_staff.json()["code"]) == (403, "requester_only")
    assert by_other.status_code == 404
    assert pick_by_requester.status_code == 403
    assert (await read_supply(logistics, pen["id"]))["on_hand"] == 3


async def test_an_uncollected_requisition_releases_its_reservation_once(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=5)
    found = await approved_requisition(logistics, EMPLOYEE, [(pen["id"], 4)])
    runtime = logistics.app.state.runtime
    deadline = datetime.fromisoformat(found["collect_by"])

    early = await expire_overdue(runtime, deadline - timedelta(minutes=1))
    first = await expire_overdue(runtime, deadline + timedelta(days=1))
    again = await expire_overdue(runtime, deadline + timedelta(days=2))
    after = ok(
        await logistics.client.get(
            f"{API}/requisitions/{found['id']}", headers=logistics.employee(EMPLOYEE)
        )
    )
    late = await act(logistics, found["id"], "pick", logistics.staff())

    assert (early, first, again) == (0, 1, 0)
    assert after["status"] == "expired" and after["released_at"] is not None
    assert (await read_supply(logistics, pen["id"]))["available"] == 5
    assert len(await outbox(logistics, "logistics.requisition.expired")) == 1
    assert late.status_code == 409
    await assert_ledger_adds_up(logistics)


async def test_a_requisition_of_an_inactive_sku_is_refused(logistics: LogisticsService) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=5)
    current = await logistics.client.get(f"{API}/supplies/{pen['id']}", headers=logistics.staff())
    ok(
        await logistics.client.patch(
            f"{API}/supplies/{pen['id']}",
            json={"active": False},
            headers={**logistics.staff(), "If-Match": current.headers["ETag"]},
        )
    )

    answer = await logistics.client.post(
        f"{API}/requisitions",
        json={"lines": [{"supply_id": pen["id"], "quantity": 1}]},
        headers=logistics.employee(EMPLOYEE),
    )

    assert (answer.status_code, answer.json()["code"]) == (422, "inactive_supply")
    assert logistics.workflow.starts() == 0


async def test_a_rejected_requisition_reserves_nothing(logistics: LogisticsService) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=5)
    created = await requisition(logistics, EMPLOYEE, [(pen["id"], 2)])

    await deliver(logistics, created["id"], "requisition", "rejected")
    found = ok(
        await logistics.client.get(
            f"{API}/requisitions/{created['id']}", headers=logistics.employee(EMPLOYEE)
        )
    )

    assert found["status"] == "rejected"
    assert (await read_supply(logistics, pen["id"]))["reserved"] == 0


async def test_cancelling_releases_a_reservation_and_withdraws_a_pending_approval(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=5)
    me = logistics.employee(EMPLOYEE)
    pending = await requisition(logistics, EMPLOYEE, [(pen["id"], 1)])
    held = await approved_requisition(logistics, EMPLOYEE, [(pen["id"], 3)])

    withdrawn = ok(await act(logistics, pending["id"], "cancel", me, reason="不要了"))
    released = ok(await act(logistics, held["id"], "cancel", me))
    again = await act(logistics, held["id"], "cancel", me)

    assert withdrawn["status"] == "cancelled"
    assert logistics.workflow.withdrawn == [withdrawn["workflow_instance_id"]]
    assert released["status"] == "cancelled"
    assert (again.status_code, again.json()["code"]) == (409, "invalid_requisition_transition")
    assert (await read_supply(logistics, pen["id"]))["reserved"] == 0
    await assert_ledger_adds_up(logistics)


async def test_employees_see_their_own_requisitions_and_the_auditor_all(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=5)
    mine = await requisition(logistics, EMPLOYEE, [(pen["id"], 1)])
    theirs = await requisition(logistics, OTHER_EMPLOYEE, [(pen["id"], 1)])
    me = logistics.employee(EMPLOYEE)

    listed = ok(await logistics.client.get(f"{API}/requisitions", headers=me))["items"]
    hidden = await logistics.client.get(f"{API}/requisitions/{theirs['id']}", headers=me)
    everyone = ok(await logistics.client.get(f"{API}/requisitions", headers=logistics.auditor()))
    outsider = await logistics.client.get(
        f"{API}/requisitions/{mine['id']}", headers=logistics.as_user("finance")
    )

    assert [r["id"] for r in listed] == [mine["id"]]
    assert hidden.status_code == 404
    assert {r["id"] for r in everyone["items"]} == {mine["id"], theirs["id"]}
    assert outsider.status_code == 404


async def test_a_collection_racing_the_expiry_sweep_settles_the_stock_once(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=5)
    found = await approved_requisition(logistics, EMPLOYEE, [(pen["id"], 3)])
    ok(await act(logistics, found["id"], "pick", logistics.staff()))
    late = datetime.fromisoformat(found["collect_by"]) + timedelta(hours=1)

    collected, expired = await asyncio.gather(
        act(logistics, found["id"], "collect", logistics.employee(EMPLOYEE)),
        expire_overdue(logistics.app.state.runtime, late),
    )

    after = ok(
        await logistics.client.get(
            f"{API}/requisitions/{found['id']}", headers=logistics.employee(EMPLOYEE)
        )
    )
    stock = await read_supply(logistics, pen["id"])
    if after["status"] == "collected":
        assert collected.status_code == 200 and expired == 0
        assert (stock["on_hand"], stock["reserved"]) == (2, 0)
    else:
        assert after["status"] == "expired" and expired == 1
        assert collected.status_code in (409, 412)
        assert (stock["on_hand"], stock["reserved"]) == (5, 0)
    await assert_ledger_adds_up(logistics)
