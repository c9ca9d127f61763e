"""Statutory paid annual leave (China's Regulations on Paid Annual Leave for Employees), as pure functions.

- Cumulative work of less than 1 year: 0 days; 1 to under 10 years: 5; 10 to under 20: 10;
  20 years or more: 15 (Regulations, art. 3).
- An employee who joins during the year gets that year's entitlement pro-rated by the
  calendar days left in the year: days left / 365 * entitlement, the fraction of a day
  dropped (Implementing Measures, art. 5).

- An employee who leaves during the year earns that year's leave by the calendar days already
  worked in the year: days worked / 365 * the full year's entitlement, less the days already
  taken; the fraction of a day is not paid, and days taken beyond what was earned are not
  clawed back (Implementing Measures, art. 12).

Choices the law leaves open, made here: cumulative work is counted from the work start date
(the hire date when unknown) up to the first day of the year, or up to the hire date for
someone who joins during it; the days left count the hire date itself; the denominator is
365 in leap years too, and the result never exceeds the full entitlement.
"""

from datetime import date
from decimal import ROUND_FLOOR, Decimal

TIERS = ((20, 15), (10, 10), (1, 5))


def completed_years(start: date, on: date) -> int:
    """Whole years from ``start`` to ``on`` (an anniversary counts on its day; 29 Feb → 1 Mar)."""
    if on < start:
        return 0
    years = on.year - start.year
    anniversary_month_day = (start.month, start.day)
    if (on.month, on.day) < anniversary_month_day:
        years -= 1
    return years


def full_entitlement(cumulative_years: int) -> int:
    """Days of annual leave for a whole year of the given cumulative work."""
    for threshold, days in TIERS:
        if cumulative_years >= threshold:
            return days
    return 0


def annual_leave_entitlement(
    year: int, hire_date: date, work_start_date: date | None = None
) -> int:
    """Days of statutory annual leave an employee is entitled to in ``year``."""
    first_day = date(year, 1, 1)
    last_day = date(year, 12, 31)
    if hire_date > last_day:
        return 0
    counted_on = max(first_day, hire_date)
    days = full_entitlement(completed_years(work_start_date or hire_date, counted_on))
    if hire_date <= first_day:
        return days
    days_left = (last_day - hire_date).days + 1
    return min(days, days_left * days // 365)


def days_worked_in_year(year: int, hire_date: date, leave_date: date) -> int:
    """Calendar days with the company in ``year`` up to and including ``leave_date``."""
    first = max(date(year, 1, 1), hire_date)
    last = min(date(year, 12, 31), leave_date)
    return max(0, (last - first).days + 1)


def full_year_entitlement(year: int, hire_date: date, work_start_date: date | None = None) -> int:
    """The full year's days of annual leave (not pro-rated), by the work counted as above."""
    counted_on = max(date(year, 1, 1), hire_date)
    return full_entitlement(completed_years(work_start_date or hire_date, counted_on))


def earned_on_leaving(days_worked: int, full_year_days: int) -> Decimal:
    """What a leaver earned of the year's leave: days worked / 365 * the full year's days
    (exact; the caller drops the fraction where the law says so)."""
    return Decimal(days_worked * full_year_days) / Decimal(365)


def untaken_on_leaving(earned: Decimal, taken: Decimal) -> int:
    """Whole untaken days to pay a leaver: what was earned less what was taken, the fraction of
    a day dropped, never below zero (days taken beyond it are not clawed back)."""
    return max(0, int((earned - taken).to_integral_value(rounding=ROUND_FLOOR)))
