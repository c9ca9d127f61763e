"""Pure rules of room bookings: when a booking may be made, and the occurrences of a series."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from shared.kit.errors import Unprocessable

Frequency = Literal["daily", "weekly"]
MAX_OCCURRENCES = 366
"""A series is checked and written whole, so it is bounded (a year of daily meetings)."""
MAX_LENGTH = timedelta(days=7)
"""One booking holds a room for at most a week."""


@dataclass(frozen=True)
class Recurrence:
    """Repeat every day or week, until a date (inclusive) or a number of times."""

    frequency: Frequency
    until: date | None = None
    count: int | None = None


def check_times(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    """A booking starts in the future, ends after it starts, and lasts at most a week."""
    if ends_at <= starts_at:
        raise Unprocessable("the booking ends before it starts", code="times_out_of_order")
    if starts_at < now:
        raise Unprocessable(
            f"the booking starts in the past ({starts_at.isoformat()})", code="booking_in_past"
        )
    if ends_at - starts_at > MAX_LENGTH:
        raise Unprocessable("a booking lasts at most 7 days", code="booking_too_long")


def check_capacity(attendees: int, capacity: int, room_name: str) -> None:
    """More attendees than the room holds is refused."""
    if attendees > capacity:
        raise Unprocessable(
            f"{room_name} holds {capacity}; {attendees} attendees do not fit",
            code="room_too_small",
            capacity=capacity,
            attendees=attendees,
        )


def occurrences(
    starts_at: datetime, ends_at: datetime, recurrence: Recurrence | None
) -> list[tuple[datetime, datetime]]:
    """Every (start, end) of a booking and its repetitions, the first one included.

    The series ends at ``until`` (the last occurrence starts on or before that date, in UTC)
    or after ``count`` occurrences; one of them must be given, and at most
    ``MAX_OCCURRENCES`` result.
    """
    if recurrence is None:
        return [(starts_at, ends_at)]
    if (recurrence.until is None) == (recurrence.count is None):
        raise Unprocessable(
            "a recurrence ends either on a date (until) or after a number of times (count)",
            code="invalid_recurrence",
        )
    step = timedelta(days=1 if recurrence.frequency == "daily" else 7)
    length = ends_at - starts_at
    if length > step:
        raise Unprocessable(
            "each occurrence must end before the next one starts", code="invalid_recurrence"
        )
    if recurrence.until is not None and recurrence.until < starts_at.date():
        raise Unprocessable("the recurrence ends before it starts", code="invalid_recurrence")
    result: list[tuple[datetime, datetime]] = []
    start = starts_at
    while True:
        if recurrence.count is not None and len(result) >= recurrence.count:
            break
        if recurrence.until is not None and start.date() > recurrence.until:
            break
        if len(result) >= MAX_OCCURRENCES:
            raise Unprocessable(
                f"a series holds at most {MAX_OCCURRENCES} occurrences",
                code="invalid_recurrence",
            )
        result.append((start, start + length))
        start += step
    return result
