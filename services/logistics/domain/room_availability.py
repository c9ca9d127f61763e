"""Free time of rooms: a pure function over their bookings, so it can be tested exhaustively."""

from collections.abc import Iterable
from datetime import datetime

Interval = tuple[datetime, datetime]


def free_intervals(start: datetime, end: datetime, busy: Iterable[Interval]) -> list[Interval]:
    """The parts of ``[start, end)`` that no busy interval covers, in order.

    Busy intervals may overlap each other, touch, or reach outside the window; a free
    interval is never empty.
    """
    free: list[Interval] = []
    cursor = start
    for busy_start, busy_end in sorted(busy):
        if busy_end <= cursor:
            continue
        if busy_start >= end:
            break
        if busy_start > cursor:
            free.append((cursor, busy_start))
        cursor = max(cursor, busy_end)
        if cursor >= end:
            break
    if cursor < end:
        free.append((cursor, end))
    return free


def has_equipment(room_equipment: Iterable[str], wanted: Iterable[str]) -> bool:
    """True when the room has every wanted piece of equipment (case does not matter)."""
    held = {item.casefold() for item in room_equipment}
    return all(item.casefold() in held for item in wanted)
