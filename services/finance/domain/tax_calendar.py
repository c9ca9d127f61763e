"""The tax calendar as pure functions: working days, filing periods, statutory due dates, and the
status a filing shows on a given day.

Working days come from ``chinesecalendar`` (China's public holidays and make-up working days
(调休), as the State Council announces them each year, maintained upstream): a due date on a
weekend or a public holiday moves to the next working day, and a make-up Saturday counts as a
working day. For a year the library has no data for yet, only weekends move a date; generating
the calendar again once the library knows the year moves the dates that were not extended.
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

import chinese_calendar
from sqlalchemy import ColumnElement, and_, false, not_, or_

from services.finance.db.tax import FilingFrequency, FilingKind, FilingState, Tax, TaxFiling

FilingStatus = Literal["upcoming", "due", "filed", "paid", "overdue"]
FILING_STATUSES: tuple[FilingStatus, ...] = ("upcoming", "due", "filed", "paid", "overdue")
MONTHLY_DUE_DAY = 15
"""VAT, surcharges and IIT withheld: by the 15th of the month after the period."""
CIT_ANNUAL_DUE = (5, 31)
"""The annual CIT reconciliation: within five months after the year, by 31 May."""


def knows_holidays(day: date) -> bool:
    """True when the holiday library has data for ``day``'s year."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_working_day(day: date) -> bool:
    """A working day in mainland China: Monday to Friday unless a public holiday, and the
    make-up weekend days; weekends only for a year the library does not know."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def next_working_day(day: date, working: Callable[[date], bool] = is_working_day) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not working(day):
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class FilingPeriod:
    """One return the calendar holds: what it covers and when it is due by statute."""

    kind: FilingKind
    start: date
    end: date
    statutory_due: date


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _fifteenth_after(end: date) -> date:
    following = end + timedelta(days=1)
    return date(following.year, following.month, MONTHLY_DUE_DAY)


def periods_of(
    tax: Tax,
    frequency: FilingFrequency,
    year: int,
    working: Callable[[date], bool] = is_working_day,
) -> list[FilingPeriod]:
    """The returns of ``tax`` for the periods of ``year``, each due on a working day.

    Monthly (or quarterly, for a small-scale taxpayer's VAT and what goes with it): by the 15th
    of the following month. CIT: a prepayment within 15 days after each quarter, and the
    annual return by 31 May of the next year.
    """
    periods: list[FilingPeriod] = []
    if tax == "cit" or frequency == "quarterly":
        kind: FilingKind = "cit_prepayment" if tax == "cit" else "quarterly"
        for quarter in range(4):
            start = date(year, quarter * 3 + 1, 1)
            end = _month_end(year, quarter * 3 + 3)
            periods.append(
                FilingPeriod(kind, start, end, next_working_day(_fifteenth_after(end), working))
            )
        if tax == "cit":
            due = date(year + 1, *CIT_ANNUAL_DUE)
            periods.append(
                FilingPeriod(
                    "cit_annual",
                    date(year, 1, 1),
                    date(year, 12, 31),
                    next_working_day(due, working),
                )
            )
        return periods
    for month in range(1, 13):
        start, end = date(year, month, 1), _month_end(year, month)
        periods.append(
            FilingPeriod("monthly", start, end, next_working_day(_fifteenth_after(end), working))
        )
    return periods


def filing_status(
    *,
    state: FilingState,
    amount: Decimal | None,
    period_end: date,
    due_date: date,
    today: date,
) -> FilingStatus:
    """What a filing shows today.

    ``paid`` once paid; ``filed`` once filed (a nil return, with nothing to pay, stays
    ``filed``); ``overdue`` after the due date while it is not filed, or filed with tax still
    unpaid; ``due`` once its period has ended (the filing window is open); ``upcoming`` while
    its period runs.
    """
    if state == "paid":
        return "paid"
    settled = state == "filed" and amount == 0
    if not settled and today > due_date:
        return "overdue"
    if state == "filed":
        return "filed"
    return "due" if today > period_end else "upcoming"


def status_condition(status: FilingStatus, today: date) -> ColumnElement[bool]:
    """The rows whose :func:`filing_status` is ``status`` today, as SQL (for the list's filter;
    a test checks the two agree on every status)."""
    settled = and_(TaxFiling.state == "filed", TaxFiling.amount == 0)
    late = and_(TaxFiling.state != "paid", not_(settled), TaxFiling.due_date < today)
    if status == "paid":
        return TaxFiling.state == "paid"
    if status == "overdue":
        return late
    if status == "filed":
        return and_(TaxFiling.state == "filed", or_(settled, TaxFiling.due_date >= today))
    if status == "due":
        return and_(
            TaxFiling.state == "open", TaxFiling.due_date >= today, TaxFiling.period_end < today
        )
    if status == "upcoming":
        return and_(
            TaxFiling.state == "open", TaxFiling.due_date >= today, TaxFiling.period_end >= today
        )
    return false()


def needs_notice(
    *,
    state: FilingState,
    amount: Decimal | None,
    due_date: date,
    notified_due_date: date | None,
    today: date,
    days_before: int,
) -> bool:
    """True when a due-soon notice is owed: the filing is not settled, its due date is within
    ``days_before`` days from today, and no notice named that due date yet."""
    if state == "paid" or (state == "filed" and amount == 0):
        return False
    if notified_due_date == due_date:
        return False
    return today <= due_date <= today + timedelta(days=days_before)
