"""Room bookings: single or recurring, never two active ones of a room at once.

The database holds the rule (an exclusion constraint on PostgreSQL, a trigger on SQLite); the
code checks first so that a refusal lists the conflicting bookings, and maps the database's
refusal of a write that lost a race to the same 409 ``room_booked``.
"""

import uuid
from datetime import datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.meetings import Booking, Room
from services.logistics.domain.booking_rules import (
    MAX_LENGTH,
    Recurrence,
    check_capacity,
    check_times,
    occurrences,
)
from services.logistics.domain.meeting_access import employee_of, is_staff, reads_all
from shared.contracts.ids import new_id
from shared.contracts.logistics_meeting_events import (
    BookingCancelled,
    BookingCreated,
    BookingEvent,
    BookingMoved,
)
from shared.contracts.principal import Principal
from shared.kit.errors import Conflict, Forbidden, Unprocessable, not_found
from shared.kit.outbox import record_event

OVERLAP_MARKERS = ("bookings_no_overlap", "room_booked")


def is_overlap(exc: IntegrityError) -> bool:
    """True when the database refused a write because the room is booked at that time."""
    return any(marker in str(exc.orig) for marker in OVERLAP_MARKERS)


async def event(session: AsyncSession, model: type[BookingEvent], booking: Booking) -> None:
    """Record a booking's event."""
    await record_event(
        session,
        model.event_type,
        subject_type="booking",
        subject_id=booking.id,
        data=model(
            room_id=booking.room_id,
            booker_employee_id=booking.booker_employee_id,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            status=booking.status,
            series_id=booking.series_id,
            meeting_id=booking.meeting_id,
        ),
    )


async def bookable_room(session: AsyncSession, room_id: uuid.UUID) -> Room:
    """An active room (422 ``unknown_room`` otherwise), locked on PostgreSQL.

    The lock is for throughput, not correctness (the exclusion constraint is that): writers of
    one room queue on its row, and each then checks against what the one before committed,
    so a loser is refused by the check at once instead of waiting on the constraint behind a
    chain of other uncommitted inserts.
    """
    query = select(Room).where(Room.id == room_id)
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    room = await session.scalar(query)
    if room is None or not room.active:
        raise Unprocessable(f"there is no room {room_id} in use", code="unknown_room")
    return room


async def conflicts(
    session: AsyncSession,
    room_id: uuid.UUID,
    slots: list[tuple[datetime, datetime]],
    *,
    ignore: uuid.UUID | None = None,
) -> list[Booking]:
    """The active bookings of the room that overlap any of the slots."""
    found: list[Booking] = []
    for chunk in range(0, len(slots), 100):
        part = slots[chunk : chunk + 100]
        query = select(Booking).where(
            Booking.room_id == room_id,
            Booking.status == "active",
            or_(
                *(
                    and_(
                        Booking.starts_at < end,
                        Booking.starts_at > start - MAX_LENGTH,  # bounds the index range
                        Booking.ends_at > start,
                    )
                    for start, end in part
                )
            ),
        )
        if ignore is not None:
            query = query.where(Booking.id != ignore)
        found.extend((await session.scalars(query.order_by(Booking.starts_at))).all())
    return found


def refuse(room_name: str, taken: list[Booking]) -> Conflict:
    """409 ``room_booked`` listing the bookings in the way."""
    return Conflict(
        f"{room_name} is already booked at {len(taken)} of the requested time(s)",
        code="room_booked",
        conflicts=[
            {
                "booking_id": str(other.id),
                "starts_at": other.starts_at.isoformat(),
                "ends_at": other.ends_at.isoformat(),
            }
            for other in taken
        ],
    )


async def flush_or_refuse(session: AsyncSession, room: Room) -> None:
    """Flush; the database refusing an overlap (a race the check lost) is 409 ``room_booked``."""
    name = room.name  # the session is unusable after a refused flush
    try:
        await session.flush()
    except IntegrityError as exc:
        if is_overlap(exc):
            raise refuse(name, []) from exc
        raise


async def book(
    session: AsyncSession,
    principal: Principal,
    now: datetime,
    *,
    room_id: uuid.UUID,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    attendee_count: int,
    booker_employee_id: uuid.UUID | None,
    recurrence: Recurrence | None,
    meeting_id: uuid.UUID | None = None,
) -> list[Booking]:
    """Book a room once or as a series: every occurrence is checked, and all are booked or
    none (409 ``room_booked`` lists the occurrences in the way)."""
    if booker_employee_id not in (None, principal.employee_id) and not is_staff(principal):
        raise Forbidden("only logistics staff book for someone else", code="logistics_only")
    booker = booker_employee_id or principal.employee_id
    if booker is None and not is_staff(principal):
        booker = employee_of(principal)  # 422 no_employee
    check_times(starts_at, ends_at, now)
    slots = occurrences(starts_at, ends_at, recurrence)
    room = await bookable_room(session, room_id)
    check_capacity(attendee_count, room.capacity, room.name)
    taken = await conflicts(session, room.id, slots)
    if taken:
        raise refuse(room.name, taken)
    series_id = new_id() if len(slots) > 1 or recurrence is not None else None
    made = [
        Booking(
            room_id=room.id,
            booker_employee_id=booker,
            title=title,
            starts_at=start,
            ends_at=end,
            attendee_count=attendee_count,
            series_id=series_id,
            meeting_id=meeting_id,
            created_by=principal.sub,
        )
        for start, end in slots
    ]
    session.add_all(made)
    await flush_or_refuse(session, room)
    for booking in made:
        await event(session, BookingCreated, booking)
    return made


def visibility(principal: Principal) -> Select[tuple[Booking]]:
    """The bookings the caller may see: all for staff and auditors, their own for others."""
    query = select(Booking)
    if reads_all(principal):
        return query
    if principal.employee_id is None:
        return query.where(Booking.id.is_(None))
    return query.where(Booking.booker_employee_id == principal.employee_id)


async def get_visible(
    session: AsyncSession, principal: Principal, booking_id: uuid.UUID
) -> Booking:
    """A booking the caller may see, or 404."""
    booking = await session.scalar(visibility(principal).where(Booking.id == booking_id))
    if booking is None:
        raise not_found("booking", booking_id)
    return booking


async def cancel(
    session: AsyncSession,
    principal: Principal,
    booking: Booking,
    now: datetime,
    *,
    whole_series: bool,
) -> Booking:
    """Cancel a booking (its booker or staff); with ``whole_series``, also the series'
    occurrences after it that have not started. A meeting's booking goes with its meeting."""
    if not is_staff(principal) and booking.booker_employee_id != principal.employee_id:
        raise Forbidden(
            "only the booker or logistics staff cancel a booking", code="logistics_only"
        )
    if booking.meeting_id is not None:
        raise Conflict(
            "this booking belongs to a meeting; cancel or move the meeting",
            code="booking_of_meeting",
        )
    if booking.status != "active":
        raise Conflict("the booking is already cancelled", code="booking_not_active")
    if booking.ends_at <= now:
        raise Conflict("a booking that has ended cannot be cancelled", code="booking_not_active")
    targets = [booking]
    if whole_series and booking.series_id is not None:
        later = await session.scalars(
            select(Booking).where(
                Booking.series_id == booking.series_id,
                Booking.status == "active",
                Booking.starts_at > booking.starts_at,
                Booking.starts_at > now,
            )
        )
        targets.extend(later.all())
    for target in targets:
        target.status = "cancelled"
    await session.flush()
    for target in targets:
        await event(session, BookingCancelled, target)
    return booking


async def move(
    session: AsyncSession,
    booking: Booking,
    room: Room,
    starts_at: datetime,
    ends_at: datetime,
    attendee_count: int,
) -> None:
    """Move a booking to another time or room, under the same rule."""
    check_capacity(attendee_count, room.capacity, room.name)
    taken = await conflicts(session, room.id, [(starts_at, ends_at)], ignore=booking.id)
    if taken:
        raise refuse(room.name, taken)
    booking.room_id = room.id
    booking.starts_at = starts_at
    booking.ends_at = ends_at
    booking.attendee_count = attendee_count
    await flush_or_refuse(session, room)
    await event(session, BookingMoved, booking)
