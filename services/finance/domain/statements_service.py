"""Statements from the database: the line mappings, the chart and the ledger's monthly
balances read in a handful of aggregate queries, then built by ``domain/statements.py``.

Nothing here scans the journal: account figures come from ``account_balances`` and cash flows
from ``cash_flow_balances`` (both kept by ``post_entry``), through ``ledger_balances``. The only
lines read are those of the year-end closing entries (and of any reversal of them) inside the
range, found by their source through an index — a few dozen lines a year — so that the income
statement can leave them out.

A statement reads in several queries; :func:`snapshot` gives them one snapshot of the database
on PostgreSQL (``REPEATABLE READ``, read only), so an entry posted meanwhile is either wholly in
every figure or in none, and the ties never break for a moment under concurrent posting.
"""

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from services.finance.db.ledger import Account, JournalEntry, JournalLine
from services.finance.db.statements import StatementLine
from services.finance.domain import ledger_balances
from services.finance.domain import statements as build
from services.finance.domain.statements import (
    AccountInfo,
    Checks,
    LedgerFigures,
    LineDef,
    Movement,
    StatementKind,
    StatementRow,
    Term,
    TrialBalanceRow,
)
from services.finance.domain.statements_period import Month, MonthRange
from services.finance.domain.year_end import SOURCE as CLOSE_SOURCE

ZERO = Decimal("0.00")
YEAR_END_PREFIX = "year-end:"

TITLES: dict[StatementKind, tuple[str, str]] = {
    "balance_sheet": ("资产负债表", "Balance sheet"),
    "income_statement": ("利润表", "Income statement"),
    "cash_flow": ("现金流量表", "Cash-flow statement"),
}
COLUMNS: dict[StatementKind, tuple[str, str]] = {
    "balance_sheet": (
        "期末余额 Closing balance (at the period's end)",
        "上年年末余额 Balance at the end of the prior year",
    ),
    "income_statement": ("本期金额 Current period", "上期金额 Same period of the prior year"),
    "cash_flow": ("本期金额 Current period", "上期金额 Same period of the prior year"),
}


@asynccontextmanager
async def snapshot(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[AsyncSession]:
    """A session whose reads all see one snapshot (PostgreSQL: a read-only ``REPEATABLE READ``
    transaction, rolled back at the end; SQLite has one writer and reads as it is)."""
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        async with sessions(bind=connection) as session:
            try:
                yield session
            finally:
                await session.rollback()


def line_def(row: StatementLine) -> LineDef:
    """A stored line as the builders take it."""
    return LineDef(
        statement=row.statement,
        code=row.code,
        name=row.name,
        name_en=row.name_en,
        kind=row.kind,
        side=row.side,
        terms=tuple(Term(term.kind, term.ref, term.sign) for term in row.terms),
    )


async def load_lines(session: AsyncSession) -> dict[StatementKind, list[LineDef]]:
    """Every statement's lines, in order."""
    rows = (
        await session.scalars(
            select(StatementLine).order_by(StatementLine.statement, StatementLine.position)
        )
    ).all()
    result: dict[StatementKind, list[LineDef]] = {kind: [] for kind in build.STATEMENT_KINDS}
    for row in rows:
        result[row.statement].append(line_def(row))
    return result


async def load_accounts(session: AsyncSession) -> dict[str, AccountInfo]:
    """The chart, as the builders need it."""
    rows = await session.execute(
        select(Account.code, Account.name, Account.name_en, Account.category, Account.parent_code)
    )
    return {
        code: AccountInfo(code, name, name_en, category, parent)
        for code, name, name_en, category, parent in rows
    }


def _key(month: Month) -> tuple[int, int]:
    return (month.year, month.month)


async def _year_end_movements(session: AsyncSession, months: MonthRange) -> dict[str, Movement]:
    """The lines of the year-end closing entries posted in the range (and of their reversals,
    which cancel them), per account."""
    closing_ids = select(JournalEntry.id).where(
        JournalEntry.source == CLOSE_SOURCE,
        JournalEntry.source_id.startswith(YEAR_END_PREFIX, autoescape=True),
        JournalEntry.status == "posted",
    )
    ids = set((await session.scalars(closing_ids)).all())
    if not ids:
        return {}
    ids |= set(
        (
            await session.scalars(
                select(JournalEntry.id).where(
                    JournalEntry.reverses_id.in_(ids), JournalEntry.status == "posted"
                )
            )
        ).all()
    )
    month_key = JournalEntry.year * 100 + JournalEntry.month
    query = (
        select(JournalLine.account_code, func.sum(JournalLine.debit), func.sum(JournalLine.credit))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalEntry.id.in_(ids),
            month_key >= months.first.year * 100 + months.first.month,
            month_key <= months.last.year * 100 + months.last.month,
        )
        .group_by(JournalLine.account_code)
    )
    return {
        code: Movement(Decimal(debit or 0).quantize(ZERO), Decimal(credit or 0).quantize(ZERO))
        for code, debit, credit in await session.execute(query)
    }


async def load_figures(
    session: AsyncSession, months: MonthRange, accounts: Mapping[str, AccountInfo]
) -> LedgerFigures:
    """The range's figures from the monthly balances."""
    before = months.first.shifted(-1)
    opening = await ledger_balances.account_totals(session, end=_key(before))
    moved = await ledger_balances.account_totals(
        session, start=_key(months.first), end=_key(months.last)
    )
    flows = await ledger_balances.cash_flow_totals(
        session, start=_key(months.first), end=_key(months.last)
    )
    return LedgerFigures(
        accounts=accounts,
        opening={code: totals.net_debit for code, totals in opening.items()},
        movements={code: Movement(t.debit, t.credit) for code, t in moved.items()},
        closing_entries=await _year_end_movements(session, months),
        cash_flows={code: Movement(t.debit, t.credit) for code, t in flows.items()},
    )


@dataclass(frozen=True)
class BuiltStatement:
    """A statement ready to answer: its lines with both columns, and the ties."""

    statement: StatementKind
    months: MonthRange
    comparative_months: MonthRange
    rows: list[StatementRow]
    checks: Checks


@dataclass(frozen=True)
class BuiltTrialBalance:
    """A trial balance ready to answer."""

    months: MonthRange
    rows: list[TrialBalanceRow]
    totals: TrialBalanceRow
    checks: Checks


def _amounts(
    statement: StatementKind, lines: Sequence[LineDef], figures: LedgerFigures
) -> dict[str, Decimal | None]:
    if statement == "balance_sheet":
        return build.balance_sheet_amounts(lines, figures)
    if statement == "income_statement":
        return build.income_statement_amounts(lines, figures)
    return build.cash_flow_amounts(lines, figures)


def comparative_range(statement: StatementKind, months: MonthRange) -> MonthRange:
    """The balance sheet compares with the end of the prior year; the others with the same
    months a year earlier."""
    if statement == "balance_sheet":
        prior = months.last.year - 1
        return MonthRange(Month(prior, 1), Month(prior, 12))
    return months.prior_year()


async def build_statement(
    session: AsyncSession, statement: StatementKind, months: MonthRange
) -> BuiltStatement:
    """One statement over ``months`` with its comparative column and every tie."""
    lines = await load_lines(session)
    accounts = await load_accounts(session)
    figures = await load_figures(session, months, accounts)
    compared = comparative_range(statement, months)
    prior = await load_figures(session, compared, accounts)
    own = lines[statement]
    return BuiltStatement(
        statement=statement,
        months=months,
        comparative_months=compared,
        rows=build.rows(own, _amounts(statement, own, figures), _amounts(statement, own, prior)),
        checks=build.checks(lines, figures),
    )


async def build_trial_balance(
    session: AsyncSession, months: MonthRange, *, level: int | None = None
) -> BuiltTrialBalance:
    """The trial balance over ``months`` (summed up to ``level``) and every tie."""
    lines = await load_lines(session)
    accounts = await load_accounts(session)
    figures = await load_figures(session, months, accounts)
    rows, totals = build.trial_balance(figures, level=level)
    return BuiltTrialBalance(months, rows, totals, build.checks(lines, figures))
