"""Helpers of the employee-payables tests: logistics' travel facts delivered as finance's
consumer delivers them (``tests/finance/posting_helpers.py``), and the payables' API."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from services.finance.db.ledger import JournalLine
from shared.contracts.logistics_travel_events import ReimbursementApproved, TravelAdvanceApproved
from shared.contracts.posting_facts import FactComponent
from shared.kit.outbox import kit_tables_of
from tests.finance.conftest import API, FinanceService
from tests.finance.posting_helpers import SALES, deliver, envelope

PAYABLES = f"{API}/employee-payables"
BOB = uuid.UUID("0193a8c0-0000-7000-8000-0000000000e2")


def _component(
    employee: uuid.UUID, name: str, amount: str, category: str | None = None
) -> FactComponent:
    return FactComponent(
        component=name,
        amount=Decimal(amount),
        category=category,
        employee_id=employee,
        department_id=SALES,
    )


async def advance(
    finance: FinanceService,
    employee: uuid.UUID,
    amount: str,
    *,
    trip: uuid.UUID | None = None,
    on: date = date(2026, 3, 2),
) -> uuid.UUID:
    """Deliver an approved trip's advance; returns the trip's id (the fact's source id)."""
    trip = trip or uuid.uuid4()
    fact = TravelAdvanceApproved(
        source_id=str(trip),
        occurred_on=on,
        memo=f"出差借支 {on}",
        components=[_component(employee, "advance", amount)],
        travel_request_id=trip,
        employee_id=employee,
    )
    assert await deliver(finance, envelope(fact.event_type, fact.model_dump(mode="json")))
    return trip


async def reimbursement(
    finance: FinanceService,
    employee: uuid.UUID,
    expenses: dict[str, str],
    *,
    advance_offset: str = "0.00",
    trip: uuid.UUID | None = None,
    on: date = date(2026, 3, 6),
) -> str:
    """Deliver an approved reimbursement (expenses by category, less the advance offset);
    returns its source id."""
    total = sum((Decimal(v) for v in expenses.values()), Decimal("0"))
    offset = Decimal(advance_offset)
    components = [_component(employee, "travel_expense", v, c) for c, v in expenses.items()]
    if offset > 0:
        components.append(_component(employee, "advance_offset", advance_offset))
    source = str(uuid.uuid4())
    fact = ReimbursementApproved(
        source_id=source,
        occurred_on=on,
        memo=f"差旅报销 {on}",
        components=components,
        travel_request_id=trip or uuid.uuid4(),
        employee_id=employee,
        total=total,
        advance_offset=offset,
        net_payable=total - offset,
        over_standard=False,
    )
    assert await deliver(finance, envelope(fact.event_type, fact.model_dump(mode="json")))
    return source


async def payables(
    finance: FinanceService, headers: dict[str, str], **params: str
) -> list[dict[str, Any]]:
    """The payables the caller sees (filters as query parameters), every page."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {**params, "limit": "100", **({"cursor": cursor} if cursor else {})}
        answer = await finance.client.get(PAYABLES, params=query, headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        found += body["items"]
        cursor = body.get("next_cursor")
        if not cursor:
            return found


async def payable_of(finance: FinanceService, source_id: str) -> dict[str, Any]:
    """The one payable of a fact (as finance staff sees it)."""
    [found] = [p for p in await payables(finance, finance.staff()) if p["source_id"] == source_id]
    return found


async def pay(
    finance: FinanceService,
    payable: dict[str, Any],
    headers: dict[str, str] | None = None,
    **body: Any,
) -> Any:
    """Pay a payable (finance staff by default), with its version as If-Match."""
    return await finance.client.post(
        f"{PAYABLES}/{payable['id']}/pay",
        json=body,
        headers={**(headers or finance.staff()), "If-Match": f'"{payable["version"]}"'},
    )


async def events(finance: FinanceService, event_type: str) -> list[dict[str, Any]]:
    """The payloads of ``event_type`` recorded in finance's outbox, oldest first."""
    async with finance.app.state.runtime.transaction() as session:
        outbox = kit_tables_of(session).outbox
        rows = await session.execute(
            select(outbox.c.data).where(outbox.c.type == event_type).order_by(outbox.c.occurred_at)
        )
        return [dict(row.data) for row in rows]


async def employee_balance(finance: FinanceService, account: str, employee: uuid.UUID) -> Decimal:
    """Debits less credits of ``account`` for one employee, over every posted line."""
    async with finance.app.state.runtime.sessionmaker() as session:
        row = (
            await session.execute(
                select(
                    func.coalesce(func.sum(JournalLine.debit), 0),
                    func.coalesce(func.sum(JournalLine.credit), 0),
                ).where(JournalLine.account_code == account, JournalLine.employee_id == employee)
            )
        ).one()
        return Decimal(row[0]) - Decimal(row[1])
