"""A year's working calendar: its set-up and special days (holidays and make-up working days),
stored one audited row per day."""

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.models import CalendarDay, CalendarYear, DayKind
from shared.kit.db import touch
from shared.kit.errors import Unprocessable


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


async def year_of(
    session: AsyncSession, year: int
) -> tuple[CalendarYear | None, list[CalendarDay]]:
    """The year's set-up (None when HR has not set it up) and its special days, by date."""
    configured = await session.scalar(select(CalendarYear).where(CalendarYear.year == year))
    days = (
        await session.scalars(
            select(CalendarDay).where(CalendarDay.year == year).order_by(CalendarDay.day)
        )
    ).all()
    return configured, list(days)


def check_special_days(year: int, holidays: Sequence[date], workdays: Sequence[date]) -> None:
    """422 ``invalid_calendar`` unless every day is in ``year``, make-up days are weekend days,
    no day is both, and none is listed twice."""
    problems = [f"{day} is not in {year}" for day in [*holidays, *workdays] if day.year != year]
    problems += [
        f"{day} is a weekday; only a weekend day can be a make-up working day"
        for day in workdays
        if day.weekday() < 5
    ]
    problems += [
        f"{day} is both a holiday and a working day"
        for day in sorted(set(holidays) & set(workdays))
    ]
    if len(set(holidays)) != len(holidays) or len(set(workdays)) != len(workdays):
        problems.append("a date is listed twice")
    if problems:
        raise Unprocessable("; ".join(problems), code="invalid_calendar")


async def set_year(
    session: AsyncSession,
    year: int,
    note: str,
    wanted: Iterable[tuple[date, DayKind, str]],
    check_version: Callable[[int], None],
) -> None:
    """Set a year up (or change it): its note and exactly ``wanted`` special days.
    ``check_version`` is called with the version of a year already set up (``If-Match``)."""
    configured = await session.scalar(select(CalendarYear).where(CalendarYear.year == year))
    if configured is None:
        session.add(CalendarYear(year=year, note=note))
    else:
        check_version(configured.version)
        configured.note = note
        # The days live in their own rows: touch the year so its version (the ETag) moves even
        # when only the days change, or a stale If-Match would silently overwrite them.
        touch(configured)
    await replace_special_days(session, year, wanted)


async def configured_years(session: AsyncSession, years: Iterable[int]) -> set[int]:
    """Which of ``years`` HR has set up."""
    found = await session.scalars(select(CalendarYear.year).where(CalendarYear.year.in_(years)))
    return set(found.all())
