"""The statutory due dates and a filing's status, as pure functions (no database)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from services.finance.domain.tax_calendar import (
    filing_status,
    is_working_day,
    knows_holidays,
    needs_notice,
    next_working_day,
    periods_of,
)


def test_vat_is_due_by_the_fifteenth_of_the_next_month_moved_past_weekends_and_holidays() -> None:
    due = {p.start.month: p.statutory_due for p in periods_of("vat", "monthly", 2026)}

    assert len(due) == 12
    assert due[3] == date(2026, 4, 15)  # a Wednesday: as the statute says
    assert due[1] == date(2026, 2, 24)  # 15 Feb is in the Spring Festival holiday (15 to 23 Feb)
    assert due[2] == date(2026, 3, 16)  # 15 March is a Sunday
    assert due[12] == next_working_day(date(2027, 1, 15))


def test_cit_is_prepaid_after_each_quarter_and_reconciled_by_31_may() -> None:
    periods = periods_of("cit", "quarterly", 2025)

    assert [(p.kind, p.start, p.end) for p in periods] == [
        ("cit_prepayment", date(2025, 1, 1), date(2025, 3, 31)),
        ("cit_prepayment", date(2025, 4, 1), date(2025, 6, 30)),
        ("cit_prepayment", date(2025, 7, 1), date(2025, 9, 30)),
        ("cit_prepayment", date(2025, 10, 1), date(2025, 12, 31)),
        ("cit_annual", date(2025, 1, 1), date(2025, 12, 31)),
    ]
    assert periods[0].statutory_due == date(2025, 4, 15)
    assert periods[3].statutory_due == date(2026, 1, 15)
    assert periods[4].statutory_due == date(2026, 6, 1)  # 31 May 2026 is a Sunday


def test_a_small_scale_taxpayer_filing_quarterly_has_four_returns() -> None:
    periods = periods_of("vat", "quarterly", 2026)

    assert [(p.kind, p.end) for p in periods] == [
        ("quarterly", date(2026, 3, 31)),
        ("quarterly", date(2026, 6, 30)),
        ("quarterly", date(2026, 9, 30)),
        ("quarterly", date(2026, 12, 31)),
    ]
    assert periods[2].statutory_due == date(2026, 10, 15)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 11), True),  # a Wednesday
        (date(2026, 3, 14), False),  # a Saturday
        (date(2026, 10, 1), False),  # National Day, a Thursday
        (date(2026, 2, 14), True),  # a make-up Saturday (调休) before the Spring Festival
        (date(2026, 1, 4), True),  # a make-up Sunday after New Year
    ],
)
def test_working_days_follow_the_announced_holidays_and_make_up_days(
    day: date, working: bool
) -> None:
    assert is_working_day(day) is working
    assert (next_working_day(day) == day) is working


def test_a_year_the_holiday_library_does_not_know_moves_only_past_weekends() -> None:
    later = date(2099, 1, 1)
    assert not knows_holidays(later)
    assert next_working_day(date(2099, 1, 3)) == date(2099, 1, 5)  # Saturday → Monday
    assert next_working_day(date(2099, 1, 1)) == date(2099, 1, 1)  # a Thursday, holiday or not


def test_the_working_day_rule_can_be_given() -> None:
    never_on_the_fifteenth = lambda day: day.day != 15 and day.weekday() < 5  # noqa: E731
    due = periods_of("vat", "monthly", 2026, never_on_the_fifteenth)[2].statutory_due
    assert due == date(2026, 4, 16)


PERIOD_END, DUE = date(2026, 3, 31), date(2026, 4, 15)


@pytest.mark.parametrize(
    ("state", "amount", "today", "status"),
    [
        ("open", None, PERIOD_END, "upcoming"),
        ("open", None, PERIOD_END + timedelta(days=1), "due"),
        ("open", None, DUE, "due"),
        ("open", None, DUE + timedelta(days=1), "overdue"),
        ("filed", Decimal("100.00"), DUE, "filed"),
        ("filed", Decimal("100.00"), DUE + timedelta(days=1), "overdue"),  # filed, not paid
        ("filed", Decimal("0.00"), DUE + timedelta(days=30), "filed"),  # a nil return
        ("paid", Decimal("100.00"), DUE + timedelta(days=30), "paid"),
    ],
)
def test_a_filings_status_on_a_day(
    state: str, amount: Decimal | None, today: date, status: str
) -> None:
    assert (
        filing_status(
            state=state,  # type: ignore[arg-type]
            amount=amount,
            period_end=PERIOD_END,
            due_date=DUE,
            today=today,
        )
        == status
    )


@pytest.mark.parametrize(
    ("state", "amount", "notified", "today", "owed"),
    [
        ("open", None, None, DUE - timedelta(days=6), False),  # too early
        ("open", None, None, DUE - timedelta(days=5), True),
        ("open", None, None, DUE, True),
        ("open", None, None, DUE + timedelta(days=1), False),  # overdue: not "due soon"
        ("open", None, DUE, DUE - timedelta(days=2), False),  # told already
        ("open", None, DUE - timedelta(days=3), DUE - timedelta(days=2), True),  # date moved
        ("filed", Decimal("10.00"), None, DUE, True),  # still to pay
        ("filed", Decimal("0.00"), None, DUE, False),
        ("paid", Decimal("10.00"), None, DUE, False),
    ],
)
def test_a_due_soon_notice_is_owed_once_per_due_date(
    state: str, amount: Decimal | None, notified: date | None, today: date, owed: bool
) -> None:
    assert (
        needs_notice(
            state=state,  # type: ignore[arg-type]
            amount=amount,
            due_date=DUE,
            notified_due_date=notified,
            today=today,
            days_before=5,
        )
        is owed
    )
