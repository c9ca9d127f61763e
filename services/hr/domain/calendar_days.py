"""A year's special days (holidays and make-up working days), stored one audited row per day."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.models import CalendarDay, DayKind


async def replace_special_days(
    session: AsyncSession, year: int, wanted: Iterable[tuple[date, DayKind, str]]
) -> None:
    """Make the year's special days exactly ``wanted`` (date, kind, name).

    Rows are added, changed and deleted one by one through the session — never by a bulk
    statement — so each change lands in the audit log; a day that stays as it was is untouched.
    """
    by_day = {day: (kind, name) for day, kind, name in wanted}
    existing = (await session.scalars(select(CalendarDay).where(CalendarDay.year == year))).all()
    for row in existing:
        if row.day not in by_day:
            await session.delete(row)
            continue
        kind, name = by_day.pop(row.day)
        if row.kind != kind:
            row.kind = kind
        if row.name != name:
            row.name = name
    for day, (kind, name) in sorted(by_day.items()):
        session.add(CalendarDay(year=year, day=day, kind=kind, name=name))
    await session.flush()
