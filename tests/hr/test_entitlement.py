"""Statutory annual leave (``annual_leave_entitlement``) at every boundary the rules draw.

Tiers by whole years of cumulative work: under 1 → 0, 1 to under 10 → 5, 10 to under 20 → 10,
20 and more → 15. Work is counted from the work start date (the hire date when unknown) up to
1 January of the year, or up to the hire date for someone who joins during the year; a joiner
gets ``days left in the year (hire date included) / 365 * entitlement``, the fraction dropped.
"""

from datetime import date, timedelta

import pytest

from services.hr.domain.entitlement import (
    annual_leave_entitlement,
    completed_years,
    full_entitlement,
)

D = date.fromisoformat
LONG_AGO = D("2000-01-01")  # hired long before any year under test


def case(case_id: str, year: int, hire: str, work_start: str | None, expected: int) -> object:
    return pytest.param(year, D(hire), D(work_start) if work_start else None, expected, id=case_id)


# ---- the tiers, counted up to 1 January for someone employed all year --------------------------

TIER_BOUNDARIES = [
    # year 2024: 2023-01-01 → 2024-01-01 is 365 days and exactly one year
    case("364-days-of-work-is-under-a-year", 2024, "2023-01-02", "2023-01-02", 0),
    case("365-days-is-exactly-one-year", 2024, "2023-01-01", "2023-01-01", 5),
    # across 29 Feb 2024 a year is 366 days: 365 days of work is not yet one
    case("365-days-across-a-leap-day-is-under-a-year", 2025, "2024-01-02", "2024-01-02", 0),
    case("366-days-across-a-leap-day-is-one-year", 2025, "2024-01-01", "2024-01-01", 5),
    case("work-starting-on-1-jan-of-the-year", 2025, "2025-01-01", "2025-01-01", 0),
    case("work-starting-after-1-jan-counts-nothing", 2025, LONG_AGO.isoformat(), "2025-06-01", 0),
    case("9-years-364-days", 2025, LONG_AGO.isoformat(), "2015-01-02", 5),
    case("exactly-10-years", 2025, LONG_AGO.isoformat(), "2015-01-01", 10),
    case("19-years", 2025, LONG_AGO.isoformat(), "2006-01-01", 10),
    case("19-years-364-days", 2025, LONG_AGO.isoformat(), "2005-01-02", 10),
    case("exactly-20-years", 2025, LONG_AGO.isoformat(), "2005-01-01", 15),
    case("35-years", 2025, LONG_AGO.isoformat(), "1990-01-01", 15),
    # reaching a tier during the year does not count until the next year
    case("10-years-reached-in-july-counts-next-year", 2025, LONG_AGO.isoformat(), "2015-07-01", 5),
    case("10-years-reached-in-july-the-year-after", 2026, LONG_AGO.isoformat(), "2015-07-01", 10),
    # no work start date: the hire date is where work starts
    case("no-work-start-9-years-364-days-since-hire", 2025, "2015-01-02", None, 5),
    case("no-work-start-10-years-since-hire", 2025, "2015-01-01", None, 10),
    case("no-work-start-under-a-year-since-hire", 2025, "2024-06-01", None, 0),
]


@pytest.mark.parametrize(("year", "hire", "work_start", "expected"), TIER_BOUNDARIES)
def test_tiers_by_cumulative_work_on_1_january(
    year: int, hire: date, work_start: date | None, expected: int
) -> None:
    assert annual_leave_entitlement(year, hire, work_start) == expected


# ---- joining during the year: pro-rated by the days left, the fraction dropped ------------------

JOINERS = [
    # 2025 has 365 days
    case("joins-1-jan-gets-all", 2025, "2025-01-01", "2010-01-01", 10),
    case("joins-2-jan-364-days-left-of-5", 2025, "2025-01-02", "2020-01-01", 4),
    case("joins-2-jan-364-days-left-of-10", 2025, "2025-01-02", "2010-01-01", 9),
    case("joins-2-jan-364-days-left-of-15", 2025, "2025-01-02", "2000-01-01", 14),
    case("joins-1-jul-184-days-left-of-5", 2025, "2025-07-01", "2020-01-01", 2),
    case("joins-1-jul-184-days-left-of-10", 2025, "2025-07-01", "2010-01-01", 5),
    case("joins-1-jul-184-days-left-of-15", 2025, "2025-07-01", "2000-01-01", 7),
    case("joins-31-dec-one-day-left-of-15", 2025, "2025-12-31", "2000-01-01", 0),
    case("joins-30-dec-two-days-left-of-15", 2025, "2025-12-30", "2000-01-01", 0),
    # 5 * 73 / 365 = 1 exactly; 5 * 72 / 365 = 0.98… → 0
    case("73-days-left-of-5-is-exactly-1", 2025, "2025-10-20", "2020-01-01", 1),
    case("72-days-left-of-5-drops-to-0", 2025, "2025-10-21", "2020-01-01", 0),
    case("73-days-left-of-10-is-exactly-2", 2025, "2025-10-20", "2010-01-01", 2),
    case("73-days-left-of-15-is-exactly-3", 2025, "2025-10-20", "2000-01-01", 3),
    case("72-days-left-of-15-drops-to-2", 2025, "2025-10-21", "2000-01-01", 2),
    # cumulative work is counted up to the hire date, not to 1 January nor to 31 December
    case("10-years-on-the-hire-date", 2025, "2025-06-01", "2015-06-01", 5),  # 10 * 214 / 365
    case("one-day-short-of-10-years-at-hire", 2025, "2025-05-31", "2015-06-01", 2),  # 5 * 215
    case("exactly-1-year-of-work-at-hire", 2025, "2025-03-01", "2024-03-01", 4),  # 5 * 306
    case("a-first-job-during-the-year", 2025, "2025-03-01", None, 0),
    case("one-day-short-of-a-year-at-hire", 2025, "2025-02-28", "2024-03-01", 0),
    # a leap year still divides by 365, and never gives more than the full entitlement
    case("leap-year-joins-1-jan-gets-all", 2024, "2024-01-01", "2010-01-01", 10),
    case("leap-year-joins-2-jan-365-days-left-gets-all", 2024, "2024-01-02", "2010-01-01", 10),
    case("leap-year-joins-3-jan-364-days-left", 2024, "2024-01-03", "2010-01-01", 9),
    case("leap-year-joins-1-jul-184-days-left", 2024, "2024-07-01", "2010-01-01", 5),
    case("leap-year-joins-29-feb-307-days-left-of-10", 2024, "2024-02-29", "2014-02-28", 8),
    case("leap-year-joins-29-feb-307-days-left-of-5", 2024, "2024-02-29", "2014-03-01", 4),
    case("leap-year-joins-31-dec", 2024, "2024-12-31", "2000-01-01", 0),
]


@pytest.mark.parametrize(("year", "hire", "work_start", "expected"), JOINERS)
def test_joiners_are_pro_rated_by_the_days_left(
    year: int, hire: date, work_start: date | None, expected: int
) -> None:
    assert annual_leave_entitlement(year, hire, work_start) == expected


# ---- work that started on 29 February -----------------------------------------------------------

LEAP_DAY_STARTS = [
    case("leap-day-start-1-jan-next-year-is-under-a-year", 2025, "2024-02-29", "2024-02-29", 0),
    case("leap-day-start-one-year-on-1-jan-2026", 2026, "2024-02-29", "2024-02-29", 5),
    # in a common year the anniversary of 29 Feb falls on 1 March
    case("leap-day-start-joins-28-feb-not-yet-a-year", 2025, "2025-02-28", "2024-02-29", 0),
    case("leap-day-start-joins-1-mar-one-year", 2025, "2025-03-01", "2024-02-29", 4),
    case("leap-day-start-10-years-on-1-jan", 2030, LONG_AGO.isoformat(), "2020-02-29", 5),
    case("leap-day-start-10-years-on-1-jan-after", 2031, LONG_AGO.isoformat(), "2020-02-29", 10),
]


@pytest.mark.parametrize(("year", "hire", "work_start", "expected"), LEAP_DAY_STARTS)
def test_work_started_on_29_february(
    year: int, hire: date, work_start: date | None, expected: int
) -> None:
    assert annual_leave_entitlement(year, hire, work_start) == expected


# ---- outside the year ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "hire", "work_start", "expected"),
    [
        case("hired-on-1-jan-of-the-next-year", 2025, "2026-01-01", "2000-01-01", 0),
        case("hired-years-later", 2025, "2030-05-01", "2000-01-01", 0),
        case("hired-the-year-before-counts-from-1-jan", 2025, "2024-12-31", "2000-01-01", 15),
    ],
)
def test_the_year_against_the_hire_date(
    year: int, hire: date, work_start: date | None, expected: int
) -> None:
    assert annual_leave_entitlement(year, hire, work_start) == expected


# ---- the parts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "days"),
    [(0, 0), (1, 5), (9, 5), (10, 10), (19, 10), (20, 15), (45, 15)],
    ids=lambda v: str(v),
)
def test_full_entitlement_by_whole_years(years: int, days: int) -> None:
    assert full_entitlement(years) == days


@pytest.mark.parametrize(
    ("start", "on", "years"),
    [
        ("2015-03-10", "2025-03-09", 9),
        ("2015-03-10", "2025-03-10", 10),
        ("2020-02-29", "2021-02-28", 0),
        ("2020-02-29", "2021-03-01", 1),
        ("2020-02-29", "2024-02-29", 4),
        ("2025-05-01", "2025-04-30", 0),  # before the start
        ("2025-05-01", "2025-05-01", 0),
    ],
    ids=lambda v: str(v),
)
def test_completed_years(start: str, on: str, years: int) -> None:
    assert completed_years(D(start), D(on)) == years


@pytest.mark.parametrize("year", [2024, 2025], ids=["leap-2024", "common-2025"])
@pytest.mark.parametrize(
    ("work_start", "full"),
    [("2020-01-01", 5), ("2010-01-01", 10), ("1995-01-01", 15)],
    ids=["tier-5", "tier-10", "tier-15"],
)
def test_every_hire_date_of_the_year(year: int, work_start: str, full: int) -> None:
    """Joining on any day: the formula, never more than the full days, never more for a later date."""
    day, previous = date(year, 1, 1), full
    while day.year == year:
        days_left = (date(year, 12, 31) - day).days + 1
        got = annual_leave_entitlement(year, day, D(work_start))
        assert got == min(full, days_left * full // 365), day
        assert 0 <= got <= previous, day
        previous = got
        day += timedelta(days=1)
    assert annual_leave_entitlement(year, date(year, 1, 1), D(work_start)) == full
