"""The facts logistics publishes (its own contracts) post by the default rules: a travel advance
and the reimbursement that settles it, and a purchase received from a supplier."""

import uuid
from datetime import date
from decimal import Decimal

from shared.contracts.logistics_events import PurchaseReceived
from shared.contracts.logistics_travel_events import ReimbursementApproved, TravelAdvanceApproved
from shared.contracts.posting_facts import FactComponent
from tests.finance.conftest import FinanceService
from tests.finance.posting_helpers import (
    ALICE,
    SALES,
    balance,
    deliver,
    entries_of,
    envelope,
    exceptions,
    lines_of,
)

TRIP = uuid.uuid4()
SUPPLIER = uuid.uuid4()


def travel(component: str, amount: str, category: str | None = None) -> FactComponent:
    return FactComponent(
        component=component,
        amount=Decimal(amount),
        category=category,
        employee_id=ALICE,
        department_id=SALES,
    )


async def test_an_advance_and_the_reimbursement_that_settles_it(finance: FinanceService) -> None:
    advance = TravelAdvanceApproved(
        source_id=str(TRIP),
        occurred_on=date(2026, 3, 2),
        memo="出差借支 北京 2026-03-02",
        components=[travel("advance", "1000.00")],
        travel_request_id=TRIP,
        employee_id=ALICE,
    )
    reimbursement = ReimbursementApproved(
        source_id=str(uuid.uuid4()),
        occurred_on=date(2026, 3, 6),
        memo="差旅报销",
        components=[
            travel("travel_expense", "900.00", "hotel"),
            travel("travel_expense", "600.00", "transport"),
            travel("advance_offset", "1000.00"),
        ],
        travel_request_id=TRIP,
        employee_id=ALICE,
        total=Decimal("1500.00"),
        advance_offset=Decimal("1000.00"),
        net_payable=Decimal("500.00"),
        over_standard=False,
    )
    for fact in (advance, reimbursement):
        assert await deliver(finance, envelope(fact.event_type, fact.model_dump(mode="json")))

    assert len(await entries_of(finance)) == 2
    assert await exceptions(finance) == []
    assert await balance(finance, "6602.02") == (Decimal("1500.00"), Decimal("0"))
    assert await balance(finance, "1221") == (Decimal("1000.00"), Decimal("1000.00"))  # settled
    debit, credit = await balance(finance, "2241")
    assert credit - debit == Decimal("1500.00")  # the advance owed, and the 500.00 net payable
    expense = (await lines_of(finance, (await entries_of(finance))[1].id))[0]
    assert (expense.employee_id, expense.department_id, expense.memo) == (
        ALICE,
        SALES,
        "travel_expense",
    )


async def test_a_purchase_received_is_owed_to_the_supplier(finance: FinanceService) -> None:
    received = PurchaseReceived(
        source_id=str(uuid.uuid4()),
        occurred_on=date(2026, 3, 9),
        memo="Purchase receipt 2026-03-09",
        components=[
            FactComponent(
                component="goods",
                amount=Decimal("480.00"),
                category="stationery",
                party_id=SUPPLIER,
                description="stationery supplies received",
            ),
            FactComponent(
                component="goods",
                amount=Decimal("300.00"),
                category="office",
                party_id=SUPPLIER,
            ),
        ],
        purchase_id=uuid.uuid4(),
        receipt_id=uuid.uuid4(),
        supplier_party_id=SUPPLIER,
        status="received",
    )
    assert await deliver(finance, envelope(received.event_type, received.model_dump(mode="json")))

    [entry] = await entries_of(finance)
    lines = await lines_of(finance, entry.id)
    assert [(line.account_code, line.debit, line.credit) for line in lines] == [
        ("1411", Decimal("480.00"), Decimal("0.00")),
        ("2202", Decimal("0.00"), Decimal("480.00")),
        ("6602.03", Decimal("300.00"), Decimal("0.00")),  # the office category's own rule
        ("2202", Decimal("0.00"), Decimal("300.00")),
    ]
    assert {line.party_id for line in lines} == {SUPPLIER}
