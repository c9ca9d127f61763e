"""Budget execution: what each approved budget line allows, what approved spending has
committed and what is posted, per department, account and month — and the figures the budget
check at approval reads.

*Actual* is read from the ledger's per-account monthly balances by department
(``AccountBalance``, debits less credits), never from journal lines; an account's actual
includes its sub-accounts'. *Committed* is approved spending not posted yet: approved spending
requests not closed (in the month they expect to spend) and approved claims whose entry is not
posted. Spending on an account counts against the budget line of that account or of its
nearest ancestor the budget holds (``budget_rules.budget_account_for``).
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.budgets import Budget, BudgetLine
from services.finance.db.ledger import AccountBalance
from services.finance.db.spending import ExpenseClaim, ExpenseClaimLine, SpendingRequest
from services.finance.domain.budget_rules import NO_FIGURES, ZERO, Figures, budget_account_for

Key = tuple[uuid.UUID, str, int]  # department, budget account, month


@dataclass(frozen=True)
class Row:
    """Execution of one department's budget account in one month."""

    department_id: uuid.UUID
    account_code: str
    month: int
    figures: Figures


async def _actuals(
    session: AsyncSession, year: int, department_ids: Iterable[uuid.UUID], accounts: Iterable[str]
) -> list[tuple[uuid.UUID, str, int, Decimal]]:
    """Posted debits less credits per department, account (or sub-account) and month."""
    departments, codes = list(set(department_ids)), sorted(set(accounts))
    if not departments or not codes:
        return []
    under = or_(
        *(
            or_(AccountBalance.account_code == code, AccountBalance.account_code.like(f"{code}.%"))
            for code in codes
        )
    )
    rows = await session.execute(
        select(
            AccountBalance.department_id,
            AccountBalance.account_code,
            AccountBalance.month,
            func.sum(AccountBalance.debit - AccountBalance.credit),
        )
        .where(
            AccountBalance.year == year,
            AccountBalance.department_id.in_(departments),
            under,
        )
        .group_by(AccountBalance.department_id, AccountBalance.account_code, AccountBalance.month)
    )
    return [(d, a, m, Decimal(v or 0)) for d, a, m, v in rows.tuples() if d is not None]


async def _committed(
    session: AsyncSession, year: int, department_ids: Iterable[uuid.UUID]
) -> list[tuple[uuid.UUID, str, int, Decimal]]:
    """Approved spending not posted yet, per department, account and month."""
    departments = list(set(department_ids))
    if not departments:
        return []
    requests = await session.execute(
        select(
            SpendingRequest.department_id,
            SpendingRequest.account_code,
            SpendingRequest.expected_date,
            SpendingRequest.amount,
        ).where(
            SpendingRequest.year == year,
            SpendingRequest.status == "approved",
            SpendingRequest.department_id.in_(departments),
        )
    )
    found = [(d, a, when.month, amount) for d, a, when, amount in requests.tuples()]
    claims = await session.execute(
        select(
            ExpenseClaimLine.department_id,
            ExpenseClaimLine.account_code,
            ExpenseClaim.decided_at,
            ExpenseClaimLine.amount,
        )
        .join(ExpenseClaim, ExpenseClaim.id == ExpenseClaimLine.claim_id)
        .where(
            ExpenseClaim.year == year,
            ExpenseClaim.status == "approved",
            ExpenseClaim.journal_entry_id.is_(None),
            ExpenseClaimLine.department_id.in_(departments),
        )
    )
    found += [
        (d, a, decided.month if decided else 1, amount) for d, a, decided, amount in claims.tuples()
    ]
    return found


async def budget_lines(
    session: AsyncSession, year: int, department_ids: Iterable[uuid.UUID] | None
) -> list[tuple[uuid.UUID, str, int, Decimal]]:
    """The approved budgets' lines of a year (every department's when None)."""
    query = (
        select(Budget.department_id, BudgetLine.account_code, BudgetLine.month, BudgetLine.amount)
        .join(Budget, Budget.id == BudgetLine.budget_id)
        .where(Budget.year == year, Budget.status == "approved")
    )
    if department_ids is not None:
        query = query.where(Budget.department_id.in_(list(department_ids)))
    return [tuple(row) for row in (await session.execute(query)).tuples()]  # type: ignore[misc]


async def execution(
    session: AsyncSession,
    *,
    year: int,
    department_ids: Iterable[uuid.UUID] | None,
    account: str | None = None,
    month: int | None = None,
) -> list[Row]:
    """Execution of the approved budgets of ``year`` per department, budget account and month
    (the departments given, or all), ordered; ``account`` keeps the budget accounts at or under
    it, ``month`` one month. Spending on an account no budget line controls is left out."""
    lines = await budget_lines(session, year, department_ids)
    budgeted: dict[uuid.UUID, set[str]] = defaultdict(set)
    for department_id, code, _, _ in lines:
        budgeted[department_id].add(code)
    figures: dict[Key, Figures] = defaultdict(lambda: NO_FIGURES)
    for department_id, code, line_month, amount in lines:
        key = (department_id, code, line_month)
        figures[key] = figures[key] + Figures(amount, ZERO, ZERO)
    all_accounts = {code for codes in budgeted.values() for code in codes}
    for department_id, code, line_month, amount in await _actuals(
        session, year, budgeted, all_accounts
    ):
        held = budget_account_for(code, budgeted[department_id])
        if held is not None:
            key = (department_id, held, line_month)
            figures[key] = figures[key] + Figures(ZERO, ZERO, amount)
    for department_id, code, line_month, amount in await _committed(session, year, budgeted):
        held = budget_account_for(code, budgeted[department_id])
        if held is not None:
            key = (department_id, held, line_month)
            figures[key] = figures[key] + Figures(ZERO, amount, ZERO)
    rows = [
        Row(department_id, code, line_month, value)
        for (department_id, code, line_month), value in figures.items()
        if (account is None or code == account or code.startswith(account + "."))
        and (month is None or line_month == month)
    ]
    rows.sort(key=lambda r: (str(r.department_id), r.account_code, r.month))
    return rows


def total(rows: Iterable[Row]) -> Figures:
    """The rows added up."""
    result = NO_FIGURES
    for row in rows:
        result = result + row.figures
    return result


def by_department(rows: Iterable[Row]) -> dict[uuid.UUID, Figures]:
    """Each department's rows added up, in the rows' order."""
    found: dict[uuid.UUID, Figures] = {}
    for row in rows:
        found[row.department_id] = found.get(row.department_id, NO_FIGURES) + row.figures
    return found


async def remaining_by_account(session: AsyncSession, budget: Budget) -> dict[str, Decimal]:
    """What remains of each of the budget's accounts for the whole year (budget - committed -
    actual), as the budget check reads it."""
    yearly: dict[str, Figures] = defaultdict(lambda: NO_FIGURES)
    for row in await execution(session, year=budget.year, department_ids=[budget.department_id]):
        yearly[row.account_code] = yearly[row.account_code] + row.figures
    return {code: value.remaining for code, value in yearly.items()}
