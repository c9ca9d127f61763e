"""Working days: weekends, public holidays and make-up working days (调休), as pure functions."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

HALF = Decimal("0.5")
StartPortion = Literal["full", "afternoon"]
EndPortion = Literal["full", "morning"]
DayBasis = Literal["working", "calendar"]


@dataclass(frozen=True)
class Calendar:
    """The special days of some years; any other Saturday or Sunday is a rest day."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        """Make-up working days work; holidays rest; otherwise Monday to Friday."""
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def days_between(start: date, end: date) -> Iterable[date]:
    """Every date from ``start`` to ``end`` inclusive."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def working_days(calendar: Calendar, start: date, end: date) -> int:
    """How many working days lie between ``start`` and ``end`` inclusive."""
    return sum(1 for day in days_between(start, end) if calendar.is_working_day(day))


def leave_days(
    calendar: Calendar,
    start: date,
    end: date,
    *,
    start_portion: StartPortion = "full",
    end_portion: EndPortion = "full",
    basis: DayBasis = "working",
) -> Decimal:
    """Days a leave from ``start`` to ``end`` uses: counted days, less half a day for a leave
    that starts in the afternoon or ends at noon (only where that day counts)."""
    if end < start:
        raise ValueError("the leave ends before it starts")
    if start == end and start_portion == "afternoon" and end_portion == "morning":
        raise ValueError("a leave cannot start in the afternoon and end at noon of the same day")

    def counts(day: date) -> bool:
        return basis == "calendar" or calendar.is_working_day(day)

    total = Decimal(sum(1 for day in days_between(start, end) if counts(day)))
    if start_portion == "afternoon" and counts(start):
        total -= HALF
    if end_portion == "morning" and counts(end):
        total -= HALF
    return total
