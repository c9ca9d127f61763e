"""China's public holidays and make-up working days from a maintained library (chinese-calendar
on PyPI, updated each year when the State Council publishes the next year's arrangement).

A year HR has not set up yet is read from here; once HR sets a year up (``PUT /calendars/{year}``),
HR's calendar is the one that counts. A year the library does not know yet stays weekends-only,
and the calendar says so. We use the library rather than a table of our own because the
arrangement changes every year and the library is where it is kept up to date.
"""

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from services.hr.db.models import DayKind

LIBRARY = "chinese-calendar"

# The library names its days in English; the calendar shows them as China does.
CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _name(english: str | None, workday: bool) -> str:
    chinese = CHINESE_NAMES.get(english or "", english or "")
    return f"{chinese}调休上班" if workday else chinese


@lru_cache(maxsize=64)
def library_days(year: int) -> tuple[tuple[date, DayKind, str], ...] | None:
    """The year's special days as the library knows them — its named holidays and the make-up
    working days on weekends — or None when it does not know the year."""
    try:
        first, last = date(year, 1, 1), date(year, 12, 31)
        chinese_calendar.is_workday(first)
        chinese_calendar.is_workday(last)
    except (NotImplementedError, ValueError, OverflowError):  # unknown, or no such year
        return None
    found: list[tuple[date, DayKind, str]] = []
    day = first
    while day <= last:
        is_holiday, english = chinese_calendar.get_holiday_detail(day)
        weekend = day.weekday() >= 5
        if is_holiday and english:  # a named holiday (plain weekends have no name)
            found.append((day, "holiday", _name(english, workday=False)))
        elif not is_holiday and weekend:
            found.append((day, "workday", _name(english, workday=True)))
        day += timedelta(days=1)
    return tuple(found)
