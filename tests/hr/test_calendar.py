"""Working days and the days a leave uses (``working_days``, ``leave_days``), as pure functions.

The calendar of these tests is China's 2025 National Day: 1 to 8 October are holidays and two
weekend days are worked instead (Sunday 28 September and Saturday 11 October).
"""

from datetime import date
from decimal import Decimal

import pytest

from services.hr.domain.calendar import Calendar, leave_days, working_days

D = date.fromisoformat
NATIONAL_DAY = Calendar(
    holidays=frozenset(D(f"2025-10-0{n}") for n in range(1, 9)),
    workdays=frozenset({D("2025-09-28"), D("2025-10-11")}),
)
WEEKENDS_ONLY = Calendar()
# 2025-06-16 is a Monday
MON, TUE, WED, THU, FRI, SAT, SUN = (D(f"2025-06-{n}") for n in range(16, 23))
NEXT_MON = D("2025-06-23")


@pytest.mark.parametrize(
    ("calendar", "start", "end", "expected"),
    [
        pytest.param(WEEKENDS_ONLY, MON, FRI, 5, id="monday-to-friday"),
        pytest.param(WEEKENDS_ONLY, MON, SUN, 5, id="a-whole-week"),
        pytest.param(WEEKENDS_ONLY, SAT, SUN, 0, id="a-weekend"),
        pytest.param(WEEKENDS_ONLY, WED, WED, 1, id="one-weekday"),
        pytest.param(WEEKENDS_ONLY, SUN, SUN, 0, id="one-sunday"),
        pytest.param(WEEKENDS_ONLY, D("2025-10-01"), D("2025-10-08"), 6, id="unconfigured-october"),
        pytest.param(NATIONAL_DAY, D("2025-10-01"), D("2025-10-08"), 0, id="the-holiday-week"),
        pytest.param(NATIONAL_DAY, D("2025-10-01"), D("2025-10-01"), 0, id="one-holiday"),
        pytest.param(NATIONAL_DAY, D("2025-10-11"), D("2025-10-11"), 1, id="a-make-up-saturday"),
        pytest.param(NATIONAL_DAY, D("2025-09-28"), D("2025-09-28"), 1, id="a-make-up-sunday"),
        # 29, 30 Sep; 9, 10 Oct; Saturday 11 Oct worked; Sunday 12 Oct rests
        pytest.param(NATIONAL_DAY, D("2025-09-29"), D("2025-10-12"), 5, id="around-the-holidays"),
        pytest.param(
            NATIONAL_DAY, D("2025-09-27"), D("2025-10-12"), 6, id="with-both-make-up-days"
        ),
        pytest.param(NATIONAL_DAY, D("2025-09-01"), D("2025-09-30"), 23, id="september"),
        pytest.param(NATIONAL_DAY, D("2025-10-01"), D("2025-10-31"), 18, id="october"),
        pytest.param(WEEKENDS_ONLY, D("2025-01-01"), D("2025-12-31"), 261, id="a-common-year"),
        pytest.param(WEEKENDS_ONLY, D("2024-12-30"), D("2025-01-03"), 5, id="across-new-year"),
    ],
)
def test_working_days(calendar: Calendar, start: date, end: date, expected: int) -> None:
    assert working_days(calendar, start, end) == expected


def test_a_day_both_worked_and_a_holiday_is_worked() -> None:
    """The API refuses such a calendar; the pure function lets the make-up day win."""
    both = Calendar(holidays=frozenset({SAT}), workdays=frozenset({SAT}))
    assert both.is_working_day(SAT)


def test_a_holiday_on_a_weekend_rests_once() -> None:
    calendar = Calendar(holidays=frozenset({SAT}))
    assert working_days(calendar, MON, SUN) == 5


HALF = Decimal("0.5")


@pytest.mark.parametrize(
    ("start", "end", "portions", "basis", "calendar", "expected"),
    [
        pytest.param(MON, FRI, ("full", "full"), "working", WEEKENDS_ONLY, "5", id="a-week"),
        pytest.param(MON, SUN, ("full", "full"), "working", WEEKENDS_ONLY, "5", id="weekend-free"),
        pytest.param(
            MON, FRI, ("afternoon", "full"), "working", WEEKENDS_ONLY, "4.5", id="starts-at-noon"
        ),
        pytest.param(
            MON, FRI, ("full", "morning"), "working", WEEKENDS_ONLY, "4.5", id="ends-at-noon"
        ),
        pytest.param(
            MON, FRI, ("afternoon", "morning"), "working", WEEKENDS_ONLY, "4", id="both-halves"
        ),
        pytest.param(
            FRI,
            NEXT_MON,
            ("afternoon", "morning"),
            "working",
            WEEKENDS_ONLY,
            "1",
            id="friday-afternoon-to-monday-noon",
        ),
        pytest.param(WED, WED, ("full", "full"), "working", WEEKENDS_ONLY, "1", id="one-day"),
        pytest.param(
            WED, WED, ("afternoon", "full"), "working", WEEKENDS_ONLY, "0.5", id="one-afternoon"
        ),
        pytest.param(
            WED, WED, ("full", "morning"), "working", WEEKENDS_ONLY, "0.5", id="one-morning"
        ),
        # a half day only comes off a day that counts
        pytest.param(
            SAT,
            NEXT_MON,
            ("afternoon", "full"),
            "working",
            WEEKENDS_ONLY,
            "1",
            id="saturday-afternoon-is-not-a-half-day",
        ),
        pytest.param(
            D("2025-09-30"),
            D("2025-10-01"),
            ("full", "morning"),
            "working",
            NATIONAL_DAY,
            "1",
            id="ending-at-noon-on-a-holiday",
        ),
        pytest.param(
            D("2025-09-29"),
            D("2025-10-11"),
            ("full", "full"),
            "working",
            NATIONAL_DAY,
            "5",
            id="over-the-holidays",
        ),
        pytest.param(
            D("2025-09-28"),
            D("2025-09-30"),
            ("afternoon", "full"),
            "working",
            NATIONAL_DAY,
            "2.5",
            id="from-a-make-up-sunday-afternoon",
        ),
        pytest.param(
            D("2025-10-01"),
            D("2025-10-08"),
            ("full", "full"),
            "working",
            NATIONAL_DAY,
            "0",
            id="only-holidays",
        ),
        # calendar-day basis (marriage, maternity…): every day counts
        pytest.param(MON, SUN, ("full", "full"), "calendar", WEEKENDS_ONLY, "7", id="cal-a-week"),
        pytest.param(SAT, SUN, ("full", "full"), "calendar", WEEKENDS_ONLY, "2", id="cal-weekend"),
        pytest.param(
            D("2025-09-27"),
            D("2025-10-08"),
            ("full", "full"),
            "calendar",
            NATIONAL_DAY,
            "12",
            id="cal-holidays-and-make-up-days-all-count",
        ),
        pytest.param(
            SAT, SUN, ("afternoon", "full"), "calendar", WEEKENDS_ONLY, "1.5", id="cal-half-day"
        ),
    ],
)
def test_leave_days(
    start: date,
    end: date,
    portions: tuple[str, str],
    basis: str,
    calendar: Calendar,
    expected: str,
) -> None:
    start_portion, end_portion = portions
    assert leave_days(
        calendar,
        start,
        end,
        start_portion=start_portion,  # type: ignore[arg-type]
        end_portion=end_portion,  # type: ignore[arg-type]
        basis=basis,  # type: ignore[arg-type]
    ) == Decimal(expected)


def test_a_single_half_day_is_half_a_day() -> None:
    assert leave_days(WEEKENDS_ONLY, THU, THU, start_portion="afternoon") == HALF
    assert leave_days(WEEKENDS_ONLY, THU, THU, end_portion="morning") == HALF


def test_the_afternoon_to_the_morning_of_the_same_day_is_refused() -> None:
    with pytest.raises(ValueError, match="same day"):
        leave_days(WEEKENDS_ONLY, TUE, TUE, start_portion="afternoon", end_portion="morning")


def test_the_afternoon_to_the_next_morning_is_one_day() -> None:
    assert leave_days(
        WEEKENDS_ONLY, TUE, WED, start_portion="afternoon", end_portion="morning"
    ) == Decimal(1)


def test_a_leave_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        leave_days(WEEKENDS_ONLY, FRI, THU)
