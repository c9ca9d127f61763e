"""Purchases: approved at once up to the threshold or through workflow above it, received into
stock in parts, each receipt published as the posting fact finance turns into a payable."""

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from shared.contracts.logistics_events import PurchaseReceived
from tests.logistics.conftest import API, LogisticsService
from tests.logistics.supplies_helpers import (
    SUPPLIER,
    assert_ledger_adds_up,
    deliver,
    ok,
    pickup_point,
    read_supply,
    staff_with_employee,
    supply,
)


async def purchase(
    service: LogisticsService,
    lines: list[tuple[str, int, str]],
    headers: dict[str, str] | None = None,
) -> Any:
    return await service.client.post(
        f"{API}/purchases",
        json={
            "supplier_party_id": SUPPLIER,
            "lines": [{"supply_id": s, "quantity": q, "unit_price": p} for s, q, p in lines],
        },
        headers=headers or staff_with_employee(service),
    )


async def receive(service: LogisticsService, purchase_id: str, lines: list[tuple[str, int]]) -> Any:
    return await service.client.post(
        f"{API}/purchases/{purchase_id}/receipts",
        json={"lines": [{"line_id": i, "quantity": q} for i, q in lines]},
        headers=service.staff(),
    )


async def events(service: LogisticsService, event_type: str) -> list[Any]:
    runtime = service.app.state.runtime
    async with runtime.sessionmaker() as session:
        table = runtime.tables.outbox
        rows = (await session.execute(select(table).where(table.c.type == event_type))).all()
    return [row._mapping for row in rows]


async def test_a_small_purchase_is_approved_at_once_and_received_in_two_deliveries(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, sku="PEN")
    paper = await supply(logistics, point, sku="PAPER", category="paper")

    created = ok(
        await purchase(logistics, [(pen["id"], 100, "2.30"), (paper["id"], 10, "24.00")]), 201
    )
    first, second = created["lines"]
    part = ok(await receive(logistics, created["id"], [(first["id"], 60)]), 201)
    after_part = ok(
        await logistics.client.get(f"{API}/purchases/{created['id']}", headers=logistics.staff())
    )
    rest = ok(await receive(logistics, created["id"], [(first["id"], 40), (second["id"], 10)]), 201)
    done = ok(
        await logistics.client.get(f"{API}/purchases/{created['id']}", headers=logistics.auditor())
    )

    assert created["status"] == "approved" and created["needs_approval"] is False
    assert created["total"] == "470.00"
    assert logistics.workflow.starts() == 0
    assert part["amount"] == "138.00"
    assert after_part["status"] == "partially_received"
    assert rest["amount"] == "332.00"
    assert done["status"] == "received" and done["received_amount"] == "470.00"
    assert (await read_supply(logistics, pen["id"]))["on_hand"] == 100
    assert (await read_supply(logistics, paper["id"]))["on_hand"] == 10
    facts = await events(logistics, "logistics.purchase.received")
    assert len(facts) == 2
    second_fact = next(f for f in facts if f["data"]["source_id"] == rest["id"])
    components = {c["category"]: c for c in second_fact["data"]["components"]}
    assert {k: Decimal(v["amount"]) for k, v in components.items()} == {
        "stationery": Decimal("92.00"),
        "paper": Decimal("240.00"),
    }
    assert all(c["component"] == "goods" and c["party_id"] == SUPPLIER for c in components.values())
    PurchaseReceived.model_validate(second_fact["data"])
    await assert_ledger_adds_up(logistics)


async def test_receiving_more_than_ordered_is_refused(logistics: LogisticsService) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point)
    created = ok(await purchase(logistics, [(pen["id"], 10, "2.00")]), 201)
    [line] = created["lines"]
    ok(await receive(logistics, created["id"], [(line["id"], 7)]), 201)

    too_many = await receive(logistics, created["id"], [(line["id"], 4)])

    assert (too_many.status_code, too_many.json()["code"]) == (409, "over_receipt")
    assert too_many.json()["outstanding"] == 3
    assert (await read_supply(logistics, pen["id"]))["on_hand"] == 7


async def test_a_purchase_above_the_threshold_waits_for_workflow(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    toner = await supply(logistics, point, sku="TONER", category="printing")

    created = ok(await purchase(logistics, [(toner["id"], 10, "580.00")]), 201)
    [line] = created["lines"]
    early = await receive(logistics, created["id"], [(line["id"], 1)])
    await deliver(logistics, created["id"], "purchase", "approved")
    approved = ok(
        await logistics.client.get(f"{API}/purchases/{created['id']}", headers=logistics.staff())
    )

    assert created["status"] == "pending_approval" and created["needs_approval"] is True
    [started] = logistics.workflow.started()
    assert started["definition_key"] == "purchase"
    assert started["data"]["amount"] == "5800.00"
    assert (early.status_code, early.json()["code"]) == (409, "invalid_purchase_transition")
    assert approved["status"] == "approved"
    ok(await receive(logistics, created["id"], [(line["id"], 10)]), 201)


async def test_a_rejected_purchase_cannot_be_received(logistics: LogisticsService) -> None:
    point = await pickup_point(logistics)
    toner = await supply(logistics, point, sku="TONER")
    created = ok(await purchase(logistics, [(toner["id"], 10, "580.00")]), 201)

    await deliver(logistics, created["id"], "purchase", "rejected")
    found = ok(
        await logistics.client.get(f"{API}/purchases/{created['id']}", headers=logistics.staff())
    )
    answer = await receive(logistics, created["id"], [(created["lines"][0]["id"], 1)])

    assert found["status"] == "rejected"
    assert answer.status_code == 409


async def test_cancelling_a_pending_purchase_withdraws_its_approval(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    toner = await supply(logistics, point, sku="TONER")
    created = ok(await purchase(logistics, [(toner["id"], 10, "580.00")]), 201)

    cancelled = ok(
        await logistics.client.post(
            f"{API}/purchases/{created['id']}/cancel",
            json={"reason": "预算冻结"},
            headers=logistics.staff(),
        )
    )

    assert cancelled["status"] == "cancelled"
    assert logistics.workflow.withdrawn == [cancelled["workflow_instance_id"]]


async def test_the_threshold_is_the_policy_s(logistics: LogisticsService) -> None:
    point = await pickup_point(logistics)
    toner = await supply(logistics, point, sku="TONER")
    policy = await logistics.client.get(f"{API}/supplies/policy", headers=logistics.staff())
    changed = ok(
        await logistics.client.patch(
            f"{API}/supplies/policy",
            json={"purchase_approval_threshold": "10000.00"},
            headers={**logistics.staff(), "If-Match": policy.headers["ETag"]},
        )
    )
    stale = await logistics.client.patch(
        f"{API}/supplies/policy",
        json={"collection_days": 3},
        headers={**logistics.staff(), "If-Match": policy.headers["ETag"]},
    )

    created = ok(await purchase(logistics, [(toner["id"], 10, "580.00")]), 201)

    assert changed["purchase_approval_threshold"] == "10000.00"
    assert stale.status_code == 412
    assert created["status"] == "approved"


async def test_a_purchase_for_approval_needs_an_employee_behind_the_account(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    toner = await supply(logistics, point, sku="TONER")

    answer = await purchase(logistics, [(toner["id"], 10, "580.00")], headers=logistics.staff())

    assert (answer.status_code, answer.json()["code"]) == (422, "no_employee")


async def test_only_staff_record_purchases_and_employees_see_none(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point)
    created = ok(await purchase(logistics, [(pen["id"], 1, "2.00")]), 201)
    employee = logistics.employee("0193a8c0-0000-7000-8000-0000000000e1")

    refused = await purchase(logistics, [(pen["id"], 1, "2.00")], headers=employee)
    hidden = await logistics.client.get(f"{API}/purchases/{created['id']}", headers=employee)
    audited = await logistics.client.get(
        f"{API}/purchases/{created['id']}", headers=logistics.auditor()
    )
    auditor_receives = await logistics.client.post(
        f"{API}/purchases/{created['id']}/receipts",
        json={"lines": [{"line_id": created["lines"][0]["id"], "quantity": 1}]},
        headers=logistics.auditor(),
    )

    assert (refused.status_code, refused.json()["code"]) == (403, "logistics_only")
    assert hidden.status_code == 404
    assert audited.status_code == 200
    assert (auditor_receives.status_code, auditor_receives.json()["code"]) == (
        403,
        "logistics_only",
    )
