"""The pure rules under rooms and bookings: free intervals, equipment, times and recurrences."""

from datetime import UTC, date, datetime, timedelta

import pytest

from services.logistics.domain.booking_rules import (
    MAX_OCCURRENCES,
    Recurrence,
    check_capacity,
    check_times,
    occurrences,
)
from services.logistics.domain.room_availability import free_intervals, has_equipment
from shared.kit.errors import Unprocessable

T0 = datetime(2026, 3, 12, 9, tzinfo=UTC)


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def test_a_room_with_no_booking_is_free_the_whole_window() -> None:
    assert free_intervals(h(0), h(9), []) == [(h(0), h(9))]


def test_bookings_cut_the_window_into_free_intervals() -> None:
    busy = [(h(1), h(2)), (h(4), h(5))]
    assert free_intervals(h(0), h(9), busy) == [(h(0), h(1)), (h(2), h(4)), (h(5), h(9))]


def test_overlapping_touching_and_unsorted_bookings_merge() -> None:
    busy = [(h(3), h(4)), (h(1), h(2)), (h(2), h(3)), (h(1.5), h(2.5))]
    assert free_intervals(h(0), h(9), busy) == [(h(0), h(1)), (h(4), h(9))]


def test_bookings_reaching_outside_the_window_are_clipped() -> None:
    busy = [(h(-2), h(1)), (h(8), h(12))]
    assert free_intervals(h(0), h(9), busy) == [(h(1), h(8))]


def test_a_fully_booked_room_has_no_free_interval() -> None:
    assert free_intervals(h(0), h(9), [(h(-1), h(10))]) == []
    assert free_intervals(h(0), h(9), [(h(0), h(5)), (h(5), h(9))]) == []


def test_equipment_must_all_be_there_whatever_the_case() -> None:
    assert has_equipment(["Projector", "whiteboard"], ["projector"])
    assert has_equipment(["projector"], [])
    assert not has_equipment(["projector"], ["projector", "video_conference"])


def test_a_booking_must_start_in_the_future_and_end_after_it_starts() -> None:
    check_times(h(1), h(2), now=h(0))
    check_times(h(0), h(1), now=h(0))  # starting right now is fine
    with pytest.raises(Unprocessable) as past:
        check_times(h(-1), h(1), now=h(0))
    assert past.value.code == "booking_in_past"
    for end in (h(1), h(0.5)):
        with pytest.raises(Unprocessable) as order:
            check_times(h(1), end, now=h(0))
        assert order.value.code == "times_out_of_order"
    with pytest.raises(Unprocessable) as long:
        check_times(h(1), h(1 + 7 * 24 + 1), now=h(0))
    assert long.value.code == "booking_too_long"


def test_attendees_must_fit_the_room() -> None:
    check_capacity(10, 10, "A")
    with pytest.raises(Unprocessable) as too_many:
        check_capacity(11, 10, "A")
    assert too_many.value.code == "room_too_small"


def test_a_single_booking_is_one_occurrence() -> None:
    assert occurrences(h(0), h(1), None) == [(h(0), h(1))]


def test_weekly_by_count_and_daily_until_a_date() -> None:
    weekly = occurrences(h(0), h(1), Recurrence("weekly", count=3))
    assert weekly == [(h(0), h(1)), (h(168), h(169)), (h(336), h(337))]
    daily = occurrences(h(0), h(1), Recurrence("daily", until=date(2026, 3, 14)))
    assert [start.date() for start, _ in daily] == [
        date(2026, 3, 12),
        date(2026, 3, 13),
        date(2026, 3, 14),
    ]


@pytest.mark.parametrize(
    "recurrence",
    [
        Recurrence("weekly"),
        Recurrence("weekly", until=date(2026, 4, 1), count=2),
        Recurrence("daily", until=date(2026, 3, 1)),
        Recurrence("daily", until=date(2028, 1, 1)),
    ],
)
def test_a_recurrence_needs_one_end_and_a_bounded_length(recurrence: Recurrence) -> None:
    with pytest.raises(Unprocessable) as refused:
        occurrences(h(0), h(1), recurrence)
    assert refused.value.code == "invalid_recurrence"


def test_occurrences_longer_than_their_period_are_refused() -> None:
    with pytest.raises(Unprocessable):
        occurrences(h(0), h(25), Recurrence("daily", count=2))


def test_a_year_of_daily_occurrences_is_the_most() -> None:
    assert len(occurrences(h(0), h(1), Recurrence("daily", count=MAX_OCCURRENCES))) == 366
