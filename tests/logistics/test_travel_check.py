"""The travel-standard check, line by line, at its boundaries."""

from datetime import date
from decimal import Decimal

import pytest

from services.logistics.domain.travel_check import (
    Receipt,
    Standard,
    check_receipts,
    trip_days,
)

START, END = date(2026, 3, 2), date(2026, 3, 4)
STANDARD = Standard(Decimal("500.00"), Decimal("120.00"), "business")


def check(*receipts: Receipt, standard: Standard | None = STANDARD) -> list[tuple[bool, tuple]]:
    found = check_receipts(
        list(receipts), trip_start=START, trip_end=END, standard_on=lambda _day: standard
    )
    return [(line.within_standard, line.findings) for line in found]


@pytest.mark.parametrize(
    ("amount", "nights", "within"),
    [("1000.00", 2, True), ("1000.01", 2, False), ("500.00", 1, True), ("500.01", 1, False)],
)
def test_a_hotel_is_capped_per_night(amount: str, nights: int, within: bool) -> None:
    [(ok, findings)] = check(Receipt("hotel", Decimal(amount), START, nights=nights))
    assert ok is within
    assert findings == (() if within else ("over_hotel_cap",))


def test_a_hotel_without_nights_is_flagged_and_its_allowance_is_the_nights_cap() -> None:
    assert check(Receipt("hotel", Decimal("10.00"), START)) == [(False, ("nights_missing",))]
    [line] = check_receipts(
        [Receipt("hotel", Decimal("900.00"), START, nights=2)],
        trip_start=START,
        trip_end=END,
        standard_on=lambda _d: STANDARD,
    )
    assert line.allowed == Decimal("1000.00")


def test_meals_are_capped_per_day_together() -> None:
    day_one = [Receipt("meals", Decimal("60.00"), START), Receipt("meals", Decimal("60.00"), START)]
    day_two = [Receipt("meals", Decimal("60.00"), END), Receipt("meals", Decimal("60.01"), END)]
    assert check(*day_one) == [(True, ()), (True, ())]
    assert check(*day_two) == [(False, ("over_per_diem",)), (False, ("over_per_diem",))]
    # one day over does not flag another day
    assert [ok for ok, _ in check(*day_one, *day_two)] == [True, True, False, False]


@pytest.mark.parametrize(
    ("travelled", "within"),
    [("economy", True), ("premium", True), ("business", True), ("first", False)],
)
def test_transport_class_at_most_the_standards(travelled: str, within: bool) -> None:
    [(ok, findings)] = check(
        Receipt("transport", Decimal("900.00"), START, transport_class=travelled)
    )
    assert ok is within
    assert findings == (() if within else ("over_transport_class",))


def test_transport_without_a_class_is_flagged() -> None:
    assert check(Receipt("transport", Decimal("9.00"), START)) == [(False, ("class_missing",))]


@pytest.mark.parametrize(
    ("day", "within"),
    [(date(2026, 3, 1), False), (START, True), (END, True), (date(2026, 3, 5), False)],
)
def test_lines_are_dated_within_the_trip(day: date, within: bool) -> None:
    [(ok, findings)] = check(Receipt("other", Decimal("1.00"), day))
    assert ok is within
    assert findings == (() if within else ("outside_trip",))


def test_uncapped_categories_pass_and_no_standard_is_flagged() -> None:
    assert check(
        Receipt("local_transport", Decimal("9999.00"), START),
        Receipt("other", Decimal("1.00"), END),
    ) == [(True, ()), (True, ())]
    assert check(Receipt("other", Decimal("1.00"), START), standard=None) == [
        (False, ("no_standard",))
    ]


def test_each_line_uses_the_standard_in_force_on_its_day() -> None:
    cheaper = Standard(Decimal("300.00"), Decimal("100.00"), "economy")
    found = check_receipts(
        [
            Receipt("hotel", Decimal("400.00"), START, nights=1),
            Receipt("hotel", Decimal("400.00"), END, nights=1),
        ],
        trip_start=START,
        trip_end=END,
        standard_on=lambda day: STANDARD if day < END else cheaper,
    )
    assert [line.within_standard for line in found] == [True, False]


def test_trip_days_count_both_ends() -> None:
    assert trip_days(START, START) == 1 and trip_days(START, END) == 3
