"""What finance owes employees from logistics' travel facts, applied as finance's consumer
applies them, and paying it: the advance, the reimbursement less the advance, a reimbursement
its advance covered (nothing to pay), paying twice, and who may see and pay."""

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from services.finance.db.ledger import JournalEntry, JournalLine
from tests.finance.conftest import API, FinanceService
from tests.finance.employee_payables_helpers import (
    BOB,
    PAYABLES,
    advance,
    employee_balance,
    events,
    pay,
    payable_of,
    payables,
    reimbursement,
)
from tests.finance.posting_helpers import ALICE, deliver, envelope, exceptions, set_period

ADVANCE = "logistics.travel_advance.approved"
REIMBURSEMENT = "logistics.reimbursement.approved"


async def payment_lines(finance: FinanceService, entry_id: str) -> list[JournalLine]:
    async with finance.app.state.runtime.sessionmaker() as session:
        entry = await session.get(JournalEntry, uuid.UUID(entry_id))
        assert entry is not None and entry.source == "employee_payment"
        rows = await session.scalars(
            select(JournalLine)
            .where(JournalLine.entry_id == entry.id)
            .order_by(JournalLine.line_no)
        )
        return list(rows.all())


async def test_an_advance_is_owed_and_paid(finance: FinanceService) -> None:
    trip = await advance(finance, ALICE, "1000.00")
    owed = await payable_of(finance, str(trip))
    assert (owed["fact_type"], owed["employee_id"], owed["account_code"]) == (
        ADVANCE,
        str(ALICE),
        "2241",
    )
    assert (owed["amount"], owed["amount_paid"], owed["amount_due"], owed["status"]) == (
        "1000.00",
        "0.00",
        "1000.00",
        "open",
    )

    answer = await pay(finance, owed, paid_on="2026-03-03")
    assert answer.status_code == 200, answer.text
    paid = answer.json()
    assert (paid["status"], paid["amount_paid"], paid["amount_due"], paid["paid_on"]) == (
        "paid",
        "1000.00",
        "0.00",
        "2026-03-03",
    )
    assert answer.headers["ETag"] == f'"{paid["version"]}"'
    lines = await payment_lines(finance, paid["payment_entry_id"])
    assert [
        (line.account_code, line.debit, line.credit, line.employee_id, line.cash_flow_item)
        for line in lines
    ] == [
        ("2241", Decimal("1000.00"), Decimal("0.00"), ALICE, None),
        ("1002", Decimal("0.00"), Decimal("1000.00"), ALICE, "employee_payments"),
    ]
    assert await employee_balance(finance, "2241", ALICE) == 0  # nothing owed any more
    assert await employee_balance(finance, "1221", ALICE) == Decimal("1000.00")  # advanced
    [event] = await events(finance, "finance.employee_payable.paid")
    assert event == {
        "payable_id": paid["id"],
        "employee_id": str(ALICE),
        "fact_type": ADVANCE,
        "source_id": str(trip),
        "amount": "1000.00",
        "paid_on": "2026-03-03",
        "payment_entry_id": paid["payment_entry_id"],
    }
    assert [p["id"] for p in await payables(finance, finance.staff(), status="paid")] == [
        paid["id"]
    ]
    assert await payables(finance, finance.staff(), status="open") == []


async def test_the_reimbursement_less_the_advance_is_paid(finance: FinanceService) -> None:
    trip = await advance(finance, ALICE, "1000.00")
    assert (await pay(finance, await payable_of(finance, str(trip)))).status_code == 200
    source = await reimbursement(
        finance,
        ALICE,
        {"hotel": "900.00", "transport": "600.00"},
        advance_offset="1000.00",
        trip=trip,
    )
    owed = await payable_of(finance, source)
    assert (owed["fact_type"], owed["amount"], owed["status"]) == (REIMBURSEMENT, "500.00", "open")

    answer = await pay(finance, owed)
    assert answer.status_code == 200, answer.text
    assert answer.json()["paid_on"] == finance.now.date().isoformat()  # today by default
    assert await employee_balance(finance, "2241", ALICE) == 0
    assert await employee_balance(finance, "1221", ALICE) == 0  # the advance is settled
    assert await employee_balance(finance, "6602.02", ALICE) == Decimal("1500.00")
    assert await employee_balance(finance, "1002", ALICE) == Decimal("-1500.00")


async def test_a_reimbursement_the_advance_covers_owes_nothing(finance: FinanceService) -> None:
    trip = await advance(finance, ALICE, "1000.00")
    source = await reimbursement(
        finance, ALICE, {"hotel": "800.00"}, advance_offset="800.00", trip=trip
    )
    settled = await payable_of(finance, source)
    assert (settled["amount"], settled["amount_due"], settled["status"]) == (
        "0.00",
        "0.00",
        "settled",
    )
    answer = await pay(finance, settled)
    assert answer.status_code == 409
    assert answer.json()["code"] == "employee_payable_settled"
    assert await payables(finance, finance.staff(), status="settled") == [settled]
    assert await events(finance, "finance.employee_payable.paid") == []


async def test_paying_twice_is_refused(finance: FinanceService) -> None:
    owed = await payable_of(finance, str(await advance(finance, ALICE, "300.00")))
    first = await pay(finance, owed)
    assert first.status_code == 200
    stale = await pay(finance, owed)  # the version it was read at
    assert stale.status_code == 412
    again = await pay(finance, first.json())
    assert again.status_code == 409
    assert again.json()["code"] == "employee_payable_paid"
    assert await employee_balance(finance, "2241", ALICE) == 0  # paid once
    assert len(await events(finance, "finance.employee_payable.paid")) == 1


async def test_a_retried_payment_is_answered_again(finance: FinanceService) -> None:
    owed = await payable_of(finance, str(await advance(finance, ALICE, "300.00")))
    headers = {**finance.staff(), "Idempotency-Key": f"pay-{owed['id']}"}
    first = await pay(finance, owed, headers)
    retried = await pay(finance, owed, headers)
    assert (first.status_code, retried.status_code) == (200, 200)
    assert retried.json() == first.json()
    assert retried.headers.get("Idempotent-Replayed") == "true"
    assert await employee_balance(finance, "2241", ALICE) == 0


async def test_an_advance_is_paid_before_the_trip(finance: FinanceService) -> None:
    """logistics dates an advance on the trip's first day; finance pays it before the trip."""
    trip = await advance(finance, ALICE, "300.00", on=date(2026, 3, 20))
    answer = await pay(finance, await payable_of(finance, str(trip)))
    assert answer.status_code == 200, answer.text
    assert answer.json()["paid_on"] == "2026-03-11"


async def test_a_fact_delivered_again_owes_once(finance: FinanceService) -> None:
    trip = await advance(finance, ALICE, "1000.00")
    fact = {
        "source_id": str(trip),
        "occurred_on": "2026-03-02",
        "memo": "出差借支",
        "components": [{"component": "advance", "amount": "1000.00", "employee_id": str(ALICE)}],
        "travel_request_id": str(trip),
        "employee_id": str(ALICE),
    }
    await deliver(finance, envelope(ADVANCE, fact))  # a new event, the same fact
    assert len(await payables(finance, finance.staff())) == 1


async def test_a_parked_fact_owes_once_it_is_posted(finance: FinanceService) -> None:
    await set_period(finance, 2026, 2, "close")
    trip = await advance(finance, ALICE, "400.00", on=date(2026, 2, 27))
    assert await payables(finance, finance.staff()) == []  # parked: nothing posted, nothing owed
    [parked] = await exceptions(finance, status="open")
    await set_period(finance, 2026, 2, "reopen")
    retried = await finance.client.post(
        f"{API}/posting-exceptions/{parked['id']}/retry", headers=finance.staff()
    )
    assert retried.status_code == 200, retried.text
    owed = await payable_of(finance, str(trip))
    assert (owed["amount"], owed["status"], owed["entry_id"]) == (
        "400.00",
        "open",
        retried.json()["entry_id"],
    )


async def test_each_employee_sees_their_own(finance: FinanceService) -> None:
    mine = await payable_of(finance, str(await advance(finance, ALICE, "500.00")))
    theirs = await payable_of(finance, str(await advance(finance, BOB, "700.00")))
    alice, bob = finance.employee(ALICE, "alice"), finance.employee(BOB, "bob")

    assert [p["id"] for p in await payables(finance, alice)] == [mine["id"]]
    assert await payables(finance, alice, employee_id=str(BOB)) == []
    assert (await finance.client.get(f"{PAYABLES}/{mine['id']}", headers=alice)).status_code == 200
    assert (
        await finance.client.get(f"{PAYABLES}/{theirs['id']}", headers=alice)
    ).status_code == 404
    # seeing is not paying: their own is finance's to pay, someone else's is not there
    refused = await pay(finance, mine, alice)
    assert (refused.status_code, refused.json()["code"]) == (403, "finance_only")
    assert (await pay(finance, theirs, alice)).status_code == 404

    # the auditor reads all and pays nothing; someone without an employee sees nothing
    auditor = finance.auditor()
    assert {p["id"] for p in await payables(finance, auditor)} == {mine["id"], theirs["id"]}
    assert (await pay(finance, theirs, auditor)).status_code == 403
    stranger = finance.as_user("hr", username="hanna")
    assert await payables(finance, stranger) == []
    assert (
        await finance.client.get(f"{PAYABLES}/{mine['id']}", headers=stranger)
    ).status_code == 404

    # an admin pays, and the employee learns it was paid
    assert (await pay(finance, theirs, finance.admin())).status_code == 200
    [seen] = await payables(finance, bob)
    assert (seen["status"], seen["paid_on"]) == ("paid", date(2026, 3, 11).isoformat())
    assert await payables(finance, bob, status="open") == []
    assert (await payables(finance, finance.staff(), employee_id=str(ALICE)))[0]["id"] == mine["id"]


async def test_an_unknown_payable_is_not_found(finance: FinanceService) -> None:
    answer = await finance.client.post(
        f"{PAYABLES}/{uuid.uuid4()}/pay", json={}, headers=finance.staff()
    )
    assert answer.status_code == 404
    listed = await finance.client.get(PAYABLES, params={"status": "owed"}, headers=finance.staff())
    assert listed.status_code == 422
