"""The cash plan: receipts and payments expected per week or month, from open invoices (by due
date) and approved spending, on top of the cash the ledger holds before the plan starts.

Amounts already overdue on the first day are expected in the first period (they are owed now).
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.ledger import AccountBalance, JournalEntry, JournalLine
from services.finance.db.receivables import Invoice
from services.finance.domain.invoices_math import ZERO
from services.finance.domain.spending import approved_spending
from shared.kit.errors import Unprocessable

CATEGORIES = (
    "receipts_invoiced",
    "receipts_scheduled",
    "payments_invoiced",
    "payments_scheduled",
    "payments_spending",
)
CASH_ACCOUNTS = ("1001", "1002", "1012")
LONGEST = timedelta(days=3 * 366)


@dataclass(frozen=True)
class Expected:
    """One expected movement of cash."""

    on: date
    amount: Decimal
    category: str


@dataclass
class PlanPeriod:
    """One week or month of the plan."""

    start: date
    end: date
    amounts: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, ZERO))

    @property
    def receipts(self) -> Decimal:
        return self.amounts["receipts_invoiced"] + self.amounts["receipts_scheduled"]

    @property
    def payments(self) -> Decimal:
        return (
            self.amounts["payments_invoiced"]
            + self.amounts["payments_scheduled"]
            + self.amounts["payments_spending"]
        )

    @property
    def net(self) -> Decimal:
        return self.receipts - self.payments


def check_range(start: date, end: date) -> None:
    """A plan runs forward, over three years at most."""
    if end < start:
        raise Unprocessable(f"'from' {start} is after 'to' {end}", code="invalid_range")
    if end - start > LONGEST:
        raise Unprocessable("a cash plan spans three years at most", code="invalid_range")


def periods(start: date, end: date, granularity: str) -> list[PlanPeriod]:
    """Calendar weeks (Monday to Sunday) or months covering the range, cut to it."""
    result = []
    cursor = start
    while True:
        if granularity == "week":
            length = 6 - cursor.weekday()
        else:
            length = calendar.monthrange(cursor.year, cursor.month)[1] - cursor.day
        last = end if (end - cursor).days <= length else cursor + timedelta(days=length)
        result.append(PlanPeriod(cursor, last))
        if last == end:
            return result
        cursor = last + timedelta(days=1)


def plan(start: date, end: date, granularity: str, items: Iterable[Expected]) -> list[PlanPeriod]:
    """Spread the expected movements over the periods (overdue ones into the first)."""
    result = periods(start, end, granularity)
    for item in items:
        if item.on > end or item.amount <= 0:
            continue
        on = max(item.on, start)
        for period in result:
            if period.start <= on <= period.end:
                period.amounts[item.category] += item.amount
                break
    return result


async def invoice_items(session: AsyncSession, end: date) -> list[Expected]:
    """What open and draft invoices due by ``end`` still bring in or take out."""
    rows = await session.execute(
        select(Invoice.kind, Invoice.status, Invoice.due_date, Invoice.gross, Invoice.paid).where(
            Invoice.status.in_(("draft", "open", "partly_paid")), Invoice.due_date <= end
        )
    )
    result = []
    for row in rows:
        side = "receipts" if row.kind == "receivable" else "payments"
        source = "scheduled" if row.status == "draft" else "invoiced"
        amount = Decimal(row.gross) - Decimal(row.paid)
        result.append(Expected(row.due_date, amount, f"{side}_{source}"))
    return result


async def spending_items(session: AsyncSession, end: date) -> list[Expected]:
    """Approved spending requests not yet posted, expected by ``end`` (overdue ones too)."""
    rows = await approved_spending(session, start=date.min, end=end)
    return [Expected(on, Decimal(amount), "payments_spending") for on, amount, _ in rows]


def _is_cash(column: Any) -> Any:
    return or_(*(or_(column == code, column.like(f"{code}.%")) for code in CASH_ACCOUNTS))


async def opening_cash(session: AsyncSession, start: date) -> Decimal:
    """Cash and bank on the ledger at the start of ``start``: the months before it from the
    balances, the days of its month before it from the posted lines."""
    months = await session.scalar(
        select(func.coalesce(func.sum(AccountBalance.debit - AccountBalance.credit), 0)).where(
            _is_cash(AccountBalance.account_code),
            or_(
                AccountBalance.year < start.year,
                and_(AccountBalance.year == start.year, AccountBalance.month < start.month),
            ),
        )
    )
    days = await session.scalar(
        select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            _is_cash(JournalLine.account_code),
            JournalEntry.status == "posted",
            JournalEntry.entry_date >= start.replace(day=1),
            JournalEntry.entry_date < start,
        )
    )
    return Decimal(months or 0) + Decimal(days or 0)
