"""Accounting periods: one per month, created when an entry is first dated in it (or for a
whole year on request), closed and reopened by finance.

A period's row is also its voucher counter. Everything that must not interleave with a
posting — taking the next voucher number, closing, reopening, writing a draft — locks that
row first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serializes writers itself), so the
numbers of a month run 1, 2, 3 … without gaps and nothing is posted into a month being closed.
"""

from typing import cast

from sqlalchemy import Executable, Table, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.ledger import JournalEntry, Period
from services.finance.domain import year_end
from shared.contracts.finance_events import PeriodClosed, PeriodReopened
from shared.contracts.ids import new_id
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, not_found
from shared.kit.outbox import record_event

SUBJECT_TYPE = "period"


def period_name(year: int, month: int) -> str:
    """``2026-03``."""
    return f"{year:04d}-{month:02d}"


def _upsert(session: AsyncSession, rows: list[dict[str, object]]) -> Executable:
    """``INSERT … ON CONFLICT (year, month) DO NOTHING`` on either database."""
    table = cast(Table, Period.__table__)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return (
            pg_insert(table).values(rows).on_conflict_do_nothing(index_elements=["year", "month"])
        )
    if dialect == "sqlite":
        return (
            sqlite_insert(table)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["year", "month"])
        )
    return insert(table).values(rows)  # pragma: no cover - the two databases above


def _new_row(year: int, month: int) -> dict[str, object]:
    now = utcnow()
    return {
        "id": new_id(),
        "year": year,
        "month": month,
        "ordinal": year * 100 + month,
        "status": "open",
        "last_voucher": 0,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


async def ensure(session: AsyncSession, months: list[tuple[int, int]]) -> None:
    """Create the periods of ``months`` that do not exist yet (concurrent callers agree)."""
    if months:
        await session.execute(_upsert(session, [_new_row(y, m) for y, m in months]))


async def _period(session: AsyncSession, year: int, month: int, *, key_share: bool) -> Period:
    query = (
        select(Period)
        .where(Period.year == year, Period.month == month)
        .with_for_update(key_share=key_share)
        .execution_options(populate_existing=True)
    )
    period = await session.scalar(query)
    if period is None:
        await ensure(session, [(year, month)])
        period = await session.scalar(query)
        assert period is not None
    return period


async def locked(session: AsyncSession, year: int, month: int) -> Period:
    """The period of a month, created when missing, its row locked ``FOR UPDATE`` until the
    transaction ends (closing and reopening: no posting or draft write meanwhile)."""
    return await _period(session, year, month, key_share=False)


async def shared(session: AsyncSession, year: int, month: int) -> Period:
    """The period of a month, created when missing, locked ``FOR KEY SHARE``: writing a draft
    keeps the month from being closed meanwhile without holding up postings."""
    return await _period(session, year, month, key_share=True)


async def take_voucher(session: AsyncSession, year: int, month: int) -> int:
    """The month's next voucher number, taken under the period row's lock (the ``UPDATE``
    holds it until the transaction ends, so numbers follow commits one by one and a rolled
    back posting gives its number back). 409 ``period_closed`` for a closed month, and then
    nothing is changed. The period is created when missing."""
    table = cast(Table, Period.__table__)
    take = (
        update(table)
        .where(table.c.year == year, table.c.month == month, table.c.status == "open")
        .values(last_voucher=table.c.last_voucher + 1)
        .returning(table.c.last_voucher)
    )
    seq = (await session.execute(take)).scalar_one_or_none()
    if seq is None:
        period = await _period(session, year, month, key_share=True)
        refuse_closed(period, "nothing more is posted into it")
        seq = (await session.execute(take)).scalar_one()
    return int(seq)


def refuse_closed(period: Period, what: str) -> None:
    """409 ``period_closed`` for a closed period."""
    if period.status == "closed":
        raise Conflict(
            f"period {period_name(period.year, period.month)} is closed; {what}",
            code="period_closed",
            period=period_name(period.year, period.month),
        )


async def get(session: AsyncSession, year: int, month: int) -> Period:
    """A period by year and month (404 when no entry was ever dated in it and it was not
    created)."""
    period = await session.scalar(select(Period).where(Period.year == year, Period.month == month))
    if period is None:
        raise not_found("period", period_name(year, month))
    return period


async def create_year(session: AsyncSession, year: int) -> list[Period]:
    """Make sure the twelve periods of ``year`` exist; returns them in order."""
    await ensure(session, [(year, month) for month in range(1, 13)])
    return list(
        (
            await session.scalars(select(Period).where(Period.year == year).order_by(Period.month))
        ).all()
    )


async def close(session: AsyncSession, year: int, month: int, *, actor: str | None) -> Period:
    """Close a month. Refused while it has drafts; closing December also posts the year-end
    carry-forward (``year_end.carry_forward``) in this transaction, before the close."""
    await get(session, year, month)  # 404 before creating anything
    period = await locked(session, year, month)
    refuse_closed(period, "it cannot be closed again")
    drafts = await session.scalar(
        select(func.count())
        .select_from(JournalEntry)
        .where(
            JournalEntry.year == year, JournalEntry.month == month, JournalEntry.status == "draft"
        )
    )
    if drafts:
        raise Conflict(
            f"period {period_name(year, month)} has {drafts} draft entries; post or delete them "
            "first",
            code="period_has_drafts",
            drafts=drafts,
        )
    if month == 12:
        await year_end.carry_forward(session, year=year, actor=actor)
        period = await locked(session, year, month)
        refuse_closed(period, "it was closed while the year-end entries were posted")
    period.status = "closed"
    period.closed_at = utcnow()
    period.closed_by = actor
    await session.flush()
    entries = await session.scalar(
        select(func.count())
        .select_from(JournalEntry)
        .where(
            JournalEntry.year == year, JournalEntry.month == month, JournalEntry.status == "posted"
        )
    )
    await record_event(
        session,
        "finance.period.closed",
        subject_type=SUBJECT_TYPE,
        subject_id=period.id,
        data=PeriodClosed(
            year=year, month=month, status="closed", actor=actor, entries=entries or 0
        ),
    )
    return period


async def reopen(
    session: AsyncSession, year: int, month: int, *, reason: str, actor: str | None
) -> Period:
    """Reopen a closed month (finance only, with a reason kept on the period and audited)."""
    await get(session, year, month)
    period = await locked(session, year, month)
    if period.status != "closed":
        raise Conflict(f"period {period_name(year, month)} is open", code="period_open")
    period.status = "open"
    period.reopened_at = utcnow()
    period.reopened_by = actor
    period.reopen_reason = reason
    await session.flush()
    await record_event(
        session,
        "finance.period.reopened",
        subject_type=SUBJECT_TYPE,
        subject_id=period.id,
        data=PeriodReopened(year=year, month=month, status="open", actor=actor, reason=reason),
    )
    return period
