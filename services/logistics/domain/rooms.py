"""Meeting rooms: the catalogue logistics keeps, and the free-slot search."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.meetings import Booking, Room
from services.logistics.domain.booking_rules import MAX_LENGTH
from services.logistics.domain.room_availability import Interval, free_intervals, has_equipment
from shared.contracts.logistics_meeting_events import RoomCreated, RoomUpdated
from shared.kit.errors import Conflict, Unprocessable, not_found
from shared.kit.outbox import record_event

MAX_WINDOW = timedelta(days=31)


async def _event(session: AsyncSession, room: Room, created: bool) -> None:
    model = RoomCreated if created else RoomUpdated
    await record_event(
        session,
        model.event_type,
        subject_type="room",
        subject_id=room.id,
        data=model(
            name=room.name, capacity=room.capacity, equipment=room.equipment, active=room.active
        ),
    )


async def _flush_unique_name(session: AsyncSession, name: str) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(f"a room is already called {name!r}", code="room_name_taken") from exc


async def create(session: AsyncSession, **fields: object) -> Room:
    """A new room (409 ``room_name_taken`` for a name in use)."""
    name = str(fields["name"])
    if await session.scalar(select(Room.id).where(Room.name == name)):
        raise Conflict(f"a room is already called {name!r}", code="room_name_taken")
    room = Room(**fields)
    session.add(room)
    await _flush_unique_name(session, name)
    await _event(session, room, created=True)
    return room


async def get(session: AsyncSession, room_id: uuid.UUID) -> Room:
    """A room by id, or 404 (rooms are visible to every caller)."""
    room = await session.get(Room, room_id)
    if room is None:
        raise not_found("room", room_id)
    return room


async def update(session: AsyncSession, room: Room, changes: dict[str, object]) -> Room:
    """Change a room's fields; a room taken out of use keeps its bookings."""
    name = changes.get("name")
    if (
        name is not None
        and name != room.name
        and await session.scalar(select(Room.id).where(Room.name == name))
    ):
        raise Conflict(f"a room is already called {name!r}", code="room_name_taken")
    for key, value in changes.items():
        setattr(room, key, value)
    await _flush_unique_name(session, room.name)
    await _event(session, room, created=False)
    return room


def check_window(start: datetime, end: datetime) -> None:
    """A search window runs forward and spans at most 31 days."""
    if end <= start:
        raise Unprocessable("the window ends before it starts", code="times_out_of_order")
    if end - start > MAX_WINDOW:
        raise Unprocessable(
            "an availability search spans at most 31 days", code="availability_window_too_long"
        )


async def availability(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    *,
    capacity: int | None,
    equipment: list[str],
) -> list[tuple[Room, list[Interval]]]:
    """Every active room holding ``capacity`` with all of ``equipment``, and its free
    intervals in ``[start, end)``; rooms with no free time are left out."""
    check_window(start, end)
    query = select(Room).where(Room.active.is_(True)).order_by(Room.name)
    if capacity:
        query = query.where(Room.capacity >= capacity)
    rooms = [
        room
        for room in (await session.scalars(query)).all()
        if has_equipment(room.equipment, equipment)
    ]
    if not rooms:
        return []
    busy: dict[uuid.UUID, list[Interval]] = {room.id: [] for room in rooms}
    rows = await session.execute(
        select(Booking.room_id, Booking.starts_at, Booking.ends_at).where(
            Booking.status == "active",
            Booking.starts_at < end,
            # no booking is longer than MAX_LENGTH: this bounds the index range scanned
            Booking.starts_at > start - MAX_LENGTH,
            Booking.ends_at > start,
            Booking.room_id.in_(list(busy)),
        )
    )
    for room_id, busy_start, busy_end in rows.tuples():
        busy[room_id].append((busy_start, busy_end))
    result = []
    for room in rooms:
        free = free_intervals(start, end, busy[room.id])
        if free:
            result.append((room, free))
    return result
