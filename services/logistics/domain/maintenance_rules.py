"""When maintenance is due: pure functions over a schedule's rule.

A rule is either an interval — every N days, weeks or months counted from ``starts_on``
(months with ``dateutil.relativedelta`` from the start date each time, so a schedule starting on
the 31st falls on the last day of shorter months and returns to the 31st) — or a cron rule
(``croniter``), read at the granularity of days: the due dates are the days on which the rule
fires at least once.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from croniter import croniter
from dateutil.relativedelta import relativedelta

from services.logistics.domain.facilities_kinds import IntervalUnit


@dataclass(frozen=True)
class Rule:
    """A schedule's rule: ``interval_unit`` and ``interval_count``, or ``cron``."""

    starts_on: date
    interval_unit: IntervalUnit | None = None
    interval_count: int | None = None
    cron: str | None = None

    def describe(self) -> str:
        """``every 3 months`` or ``cron 0 9 1 * *``."""
        if self.cron is not None:
            return f"cron {self.cron}"
        plural = "" if self.interval_count == 1 else "s"
        return f"every {self.interval_count} {self.interval_unit}{plural}"


def cron_is_valid(expression: str) -> bool:
    """True for a five-field cron rule croniter understands."""
    return len(expression.split()) == 5 and bool(croniter.is_valid(expression))


def _occurrence(rule: Rule, index: int) -> date:
    count = (rule.interval_count or 1) * index
    if rule.interval_unit == "day":
        return rule.starts_on + timedelta(days=count)
    if rule.interval_unit == "week":
        return rule.starts_on + timedelta(weeks=count)
    return rule.starts_on + relativedelta(months=count)


def _cron_on_or_after(expression: str, day: date) -> date:
    start = datetime.combine(day, time(0), tzinfo=UTC) - timedelta(seconds=1)
    fired: datetime = croniter(expression, start).get_next(datetime)
    return fired.date()


def first_due(rule: Rule, today: date) -> date:
    """The first due date of a schedule set up ``today``: its first occurrence on or after both
    its start and today (dates before a schedule existed are not due)."""
    if rule.cron is not None:
        return _cron_on_or_after(rule.cron, max(rule.starts_on, today))
    if rule.starts_on >= today:
        return rule.starts_on
    return due_after(rule, today - timedelta(days=1))


def due_after(rule: Rule, due: date) -> date:
    """The next due date after ``due``."""
    if rule.cron is not None:
        return _cron_on_or_after(rule.cron, due + timedelta(days=1))
    # the first occurrence counted from the start that lies after ``due``
    step = {"day": 1, "week": 7, "month": 28}[rule.interval_unit or "day"] * (
        rule.interval_count or 1
    )
    index = max((due - rule.starts_on).days // step - 1, 0)
    while _occurrence(rule, index) <= due:
        index += 1
    return _occurrence(rule, index)


def due_dates(rule: Rule, next_due: date, today: date, *, limit: int) -> list[date]:
    """The due dates from ``next_due`` up to ``today`` (at most ``limit``), oldest first."""
    found: list[date] = []
    current = next_due
    while current <= today and len(found) < limit:
        found.append(current)
        current = due_after(rule, current)
    return found
