"""Reading the period balances posting keeps (``account_balances``, ``cash_flow_balances``).

Statements (F2), budget execution (F4) and anything else that needs figures read these
functions, never the journal lines: a year of balances is a few thousand rows however many
lines were posted. A month is ``(year, month)``; ranges include both ends.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.ledger import AccountBalance, CashFlowBalance

YearMonth = tuple[int, int]
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BalanceRow:
    """The posted debits and credits of one account in one month (and department)."""

    account_code: str
    year: int
    month: int
    department_id: uuid.UUID | None
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class Totals:
    """Debits and credits summed over a range."""

    debit: Decimal = ZERO
    credit: Decimal = ZERO

    @property
    def net_debit(self) -> Decimal:
        """Debits less credits (the balance of a debit-side account)."""
        return self.debit - self.credit


def _month_key(year: Any, month: Any) -> Any:
    return year * 100 + month


def _filtered(
    query: Any,
    start: YearMonth | None,
    end: YearMonth | None,
    department_id: uuid.UUID | None,
    account_prefix: str | None,
) -> Any:
    key = _month_key(AccountBalance.year, AccountBalance.month)
    if start is not None:
        query = query.where(key >= _month_key(*start))
    if end is not None:
        query = query.where(key <= _month_key(*end))
    if department_id is not None:
        query = query.where(AccountBalance.department_id == department_id)
    if account_prefix:
        # the account itself and its sub-accounts (6602 matches 6602.01, not 66021)
        query = query.where(
            or_(
                AccountBalance.account_code == account_prefix,
                AccountBalance.account_code.startswith(account_prefix + ".", autoescape=True),
            )
        )
    return query


async def monthly_balances(
    session: AsyncSession,
    *,
    start: YearMonth,
    end: YearMonth,
    department_id: uuid.UUID | None = None,
    account_prefix: str | None = None,
) -> list[BalanceRow]:
    """Every balance row from ``start`` to ``end`` (optionally of one department, and of one
    account with its sub-accounts), ordered by account, month and department."""
    columns = AccountBalance.__table__.c
    query = _filtered(
        select(
            columns.account_code,
            columns.year,
            columns.month,
            columns.department_id,
            columns.debit,
            columns.credit,
        ),
        start,
        end,
        department_id,
        account_prefix,
    ).order_by(columns.account_code, columns.year, columns.month, columns.department_key)
    return [
        BalanceRow(
            account_code=row.account_code,
            year=row.year,
            month=row.month,
            department_id=row.department_id,
            debit=Decimal(row.debit).quantize(ZERO),
            credit=Decimal(row.credit).quantize(ZERO),
        )
        for row in (await session.execute(query))
    ]


async def account_totals(
    session: AsyncSession,
    *,
    end: YearMonth,
    start: YearMonth | None = None,
    department_id: uuid.UUID | None = None,
    account_prefix: str | None = None,
) -> dict[str, Totals]:
    """Debits and credits per leaf account from ``start`` (None: from the first posting — an
    opening balance is ``account_totals(end=<month before>)``) to ``end``."""
    columns = AccountBalance.__table__.c
    query = _filtered(
        select(columns.account_code, func.sum(columns.debit), func.sum(columns.credit)),
        start,
        end,
        department_id,
        account_prefix,
    ).group_by(columns.account_code)
    return {
        code: Totals(Decimal(debit or 0).quantize(ZERO), Decimal(credit or 0).quantize(ZERO))
        for code, debit, credit in (await session.execute(query))
    }


async def cash_flow_totals(
    session: AsyncSession, *, end: YearMonth, start: YearMonth | None = None
) -> dict[str, Totals]:
    """Cash received (``debit``) and paid (``credit``) per cash-flow item over the range."""
    columns = CashFlowBalance.__table__.c
    key = _month_key(columns.year, columns.month)
    query = select(columns.item_code, func.sum(columns.debit), func.sum(columns.credit)).where(
        key <= _month_key(*end)
    )
    if start is not None:
        query = query.where(key >= _month_key(*start))
    totals: dict[str, Totals] = defaultdict(Totals)
    for code, debit, credit in await session.execute(query.group_by(columns.item_code)):
        totals[code] = Totals(
            Decimal(debit or 0).quantize(ZERO), Decimal(credit or 0).quantize(ZERO)
        )
    return dict(totals)
