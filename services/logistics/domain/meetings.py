"""Meetings: organiser, attendees, room (through a booking), agenda and materials; answers,
minutes and action items. Attendees are told of a meeting scheduled, moved or cancelled
through notices written in the same transaction (:mod:`notices`)."""

import uuid
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.meetings import (
    ActionItem,
    Booking,
    Meeting,
    MeetingAttendee,
    MeetingMinutes,
    Room,
)
from services.logistics.domain import bookings, notices
from services.logistics.domain.booking_rules import check_times
from services.logistics.domain.meeting_access import employee_of, is_staff, reads_all
from shared.contracts.logistics_meeting_events import (
    ActionItemCreated,
    ActionItemEvent,
    ActionItemUpdated,
    BookingCancelled,
    MeetingCancelled,
    MeetingEvent,
    MeetingInvitationAnswered,
    MeetingMinutesRecorded,
    MeetingMoved,
    MeetingScheduled,
    MeetingUpdated,
)
from shared.contracts.principal import Principal
from shared.kit.errors import Conflict, Forbidden, Unprocessable, not_found
from shared.kit.outbox import record_event


async def attendees_of(session: AsyncSession, meeting_id: uuid.UUID) -> list[MeetingAttendee]:
    """A meeting's attendees, in the order they were invited."""
    rows = await session.scalars(
        select(MeetingAttendee)
        .where(MeetingAttendee.meeting_id == meeting_id)
        .order_by(MeetingAttendee.created_at, MeetingAttendee.id)
    )
    return list(rows.all())


async def _event(
    session: AsyncSession, model: type[MeetingEvent], meeting: Meeting, people: list[uuid.UUID]
) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type="meeting",
        subject_id=meeting.id,
        data=model(
            organizer_employee_id=meeting.organizer_employee_id,
            title=meeting.title,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            room_id=meeting.room_id,
            attendee_ids=people,
            status=meeting.status,
        ),
    )


async def _where(session: AsyncSession, meeting: Meeting) -> str:
    """Where a meeting is held: its room's name, else its location."""
    if meeting.room_id is not None:
        name = await session.scalar(select(Room.name).where(Room.id == meeting.room_id))
        if name:
            return str(name)
    return meeting.location


def _people(organizer: uuid.UUID, attendee_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """The invited, each once, without the organiser (who is there anyway)."""
    seen: dict[uuid.UUID, None] = {}
    for person in attendee_ids:
        if person != organizer:
            seen.setdefault(person, None)
    return list(seen)


async def schedule(
    session: AsyncSession,
    principal: Principal,
    now: datetime,
    *,
    title: str,
    agenda: str,
    materials: list[dict[str, Any]],
    starts_at: datetime,
    ends_at: datetime,
    room_id: uuid.UUID | None,
    location: str,
    attendee_ids: list[uuid.UUID],
    organizer_employee_id: uuid.UUID | None,
) -> Meeting:
    """Schedule a meeting: with a room, the room is booked for it (409 ``room_booked``, 422
    ``room_too_small`` when the organiser and attendees do not fit); attendees get a notice."""
    if organizer_employee_id not in (None, principal.employee_id) and not is_staff(principal):
        raise Forbidden("only logistics staff schedule for someone else", code="logistics_only")
    organizer = organizer_employee_id or employee_of(principal)
    check_times(starts_at, ends_at, now)
    people = _people(organizer, attendee_ids)
    meeting = Meeting(
        organizer_employee_id=organizer,
        title=title,
        agenda=agenda,
        materials=materials,
        starts_at=starts_at,
        ends_at=ends_at,
        room_id=room_id,
        location=location,
        status="scheduled",
        created_by=principal.sub,
    )
    session.add(meeting)
    session.add_all(MeetingAttendee(meeting_id=meeting.id, employee_id=p) for p in people)
    await session.flush()
    if room_id is not None:
        [booking] = await bookings.book(
            session,
            principal,
            now,
            room_id=room_id,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            attendee_count=len(people) + 1,
            booker_employee_id=organizer,
            recurrence=None,
            meeting_id=meeting.id,
        )
        meeting.booking_id = booking.id
    notices.queue(session, meeting, "scheduled", people, now, where=await _where(session, meeting))
    await session.flush()
    await _event(session, MeetingScheduled, meeting, people)
    return meeting


def visibility(principal: Principal) -> Select[tuple[Meeting]]:
    """The meetings the caller may see: staff and auditors all; others those they organise or
    are invited to."""
    query = select(Meeting)
    if reads_all(principal):
        return query
    me = principal.employee_id
    if me is None:
        return query.where(Meeting.id.is_(None))
    invited = exists().where(
        MeetingAttendee.meeting_id == Meeting.id, MeetingAttendee.employee_id == me
    )
    return query.where(or_(Meeting.organizer_employee_id == me, invited))


async def get_visible(
    session: AsyncSession, principal: Principal, meeting_id: uuid.UUID
) -> Meeting:
    """A meeting the caller may see, or 404."""
    meeting = await session.scalar(visibility(principal).where(Meeting.id == meeting_id))
    if meeting is None:
        raise not_found("meeting", meeting_id)
    return meeting


def _require_organizer(principal: Principal, meeting: Meeting, what: str) -> None:
    if not is_staff(principal) and meeting.organizer_employee_id != principal.employee_id:
        raise Forbidden(f"only the organiser or logistics staff {what}", code="organizer_only")


def _require_scheduled(meeting: Meeting) -> None:
    if meeting.status != "scheduled":
        raise Conflict("the meeting is cancelled", code="meeting_cancelled")


async def update(
    session: AsyncSession,
    principal: Principal,
    meeting: Meeting,
    now: datetime,
    changes: dict[str, Any],
) -> Meeting:
    """Change a meeting. A new time or room moves its booking (the same rules as booking)
    and tells every attendee; new attendees are invited, removed ones told it is off for them."""
    _require_organizer(principal, meeting, "change a meeting")
    _require_scheduled(meeting)
    current = await attendees_of(session, meeting.id)
    old_people = [a.employee_id for a in current]
    people = old_people
    if "attendee_ids" in changes and changes["attendee_ids"] is not None:
        people = _people(meeting.organizer_employee_id, changes.pop("attendee_ids"))
        for attendee in current:
            if attendee.employee_id not in people:
                await session.delete(attendee)
        session.add_all(
            MeetingAttendee(meeting_id=meeting.id, employee_id=p)
            for p in people
            if p not in old_people
        )
    changes.pop("attendee_ids", None)
    starts_at = changes.pop("starts_at", None) or meeting.starts_at
    ends_at = changes.pop("ends_at", None) or meeting.ends_at
    # a room given moves the meeting there; an explicit null frees its room
    room_id = changes.pop("room_id") if "room_id" in changes else meeting.room_id
    moved = (starts_at, ends_at, room_id) != (meeting.starts_at, meeting.ends_at, meeting.room_id)
    if moved:
        check_times(starts_at, ends_at, now)
    for key, value in changes.items():
        if value is not None:
            setattr(meeting, key, value)
    meeting.starts_at, meeting.ends_at, meeting.room_id = starts_at, ends_at, room_id
    await session.flush()
    await _sync_booking(session, principal, meeting, now, len(people) + 1)
    added = [p for p in people if p not in old_people]
    removed = [p for p in old_people if p not in people]
    kept = [p for p in people if p in old_people]
    where = await _where(session, meeting)
    if moved:
        notices.queue(session, meeting, "moved", kept, now, where=where)
    notices.queue(session, meeting, "scheduled", added, now, where=where)
    notices.queue(
        session, meeting, "cancelled", removed, now, "You are no longer invited.", where=where
    )
    if moved:
        for attendee in await attendees_of(session, meeting.id):  # a new time asks again
            if attendee.employee_id in kept and attendee.response != "pending":
                attendee.response, attendee.responded_at = "pending", None
    await session.flush()
    await _event(session, MeetingMoved if moved else MeetingUpdated, meeting, people)
    return meeting


async def _sync_booking(
    session: AsyncSession, principal: Principal, meeting: Meeting, now: datetime, count: int
) -> None:
    """Make the meeting's booking match its room, time and head count."""
    booking = await session.get(Booking, meeting.booking_id) if meeting.booking_id else None
    if meeting.room_id is None:
        if booking is not None and booking.status == "active":
            booking.status = "cancelled"
            await session.flush()
            await bookings.event(session, BookingCancelled, booking)
        meeting.booking_id = None
        return
    if booking is None or booking.status != "active":
        [booking] = await bookings.book(
            session,
            principal,
            now,
            room_id=meeting.room_id,
            title=meeting.title,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            attendee_count=count,
            booker_employee_id=meeting.organizer_employee_id,
            recurrence=None,
            meeting_id=meeting.id,
        )
        meeting.booking_id = booking.id
        return
    if (booking.room_id, booking.starts_at, booking.ends_at, booking.attendee_count) == (
        meeting.room_id,
        meeting.starts_at,
        meeting.ends_at,
        count,
    ):
        return
    room = await bookings.bookable_room(session, meeting.room_id)
    await bookings.move(session, booking, room, meeting.starts_at, meeting.ends_at, count)


async def cancel(
    session: AsyncSession, principal: Principal, meeting: Meeting, now: datetime, reason: str
) -> Meeting:
    """Call a meeting off: its booking is released and every attendee is told."""
    _require_organizer(principal, meeting, "cancel a meeting")
    _require_scheduled(meeting)
    if meeting.ends_at <= now:
        raise Conflict("a meeting that has ended cannot be cancelled", code="meeting_over")
    meeting.status = "cancelled"
    if meeting.booking_id is not None:
        booking = await session.get(Booking, meeting.booking_id)
        if booking is not None and booking.status == "active":
            booking.status = "cancelled"
            await session.flush()
            await bookings.event(session, BookingCancelled, booking)
    people = [a.employee_id for a in await attendees_of(session, meeting.id)]
    notices.queue(
        session, meeting, "cancelled", people, now, reason, where=await _where(session, meeting)
    )
    await session.flush()
    await _event(session, MeetingCancelled, meeting, people)
    return meeting


async def answer(
    session: AsyncSession,
    principal: Principal,
    meeting: Meeting,
    response: Literal["accepted", "declined"],
    now: datetime,
) -> MeetingAttendee:
    """An attendee accepts or declines (again changes the answer)."""
    _require_scheduled(meeting)
    me = principal.employee_id
    attendee = await session.scalar(
        select(MeetingAttendee).where(
            MeetingAttendee.meeting_id == meeting.id, MeetingAttendee.employee_id == me
        )
    )
    if attendee is None or me is None:
        raise Forbidden("only an attendee answers an invitation", code="not_an_attendee")
    attendee.response = response
    attendee.responded_at = now
    await session.flush()
    await record_event(
        session,
        MeetingInvitationAnswered.event_type,
        subject_type="meeting",
        subject_id=meeting.id,
        data=MeetingInvitationAnswered(meeting_id=meeting.id, employee_id=me, response=response),
    )
    return attendee


# ---- minutes and action items -----------------------------------------------------------


async def minutes_of(session: AsyncSession, meeting: Meeting) -> MeetingMinutes:
    """A meeting's minutes, or 404 when none were written."""
    minutes = await session.scalar(
        select(MeetingMinutes).where(MeetingMinutes.meeting_id == meeting.id)
    )
    if minutes is None:
        raise not_found("minutes of meeting", meeting.id)
    return minutes


async def items_of(session: AsyncSession, meeting_id: uuid.UUID) -> list[ActionItem]:
    """A meeting's action items, oldest first."""
    rows = await session.scalars(
        select(ActionItem)
        .where(ActionItem.meeting_id == meeting_id)
        .order_by(ActionItem.created_at, ActionItem.id)
    )
    return list(rows.all())


async def _minutes_event(session: AsyncSession, minutes: MeetingMinutes) -> None:
    await record_event(
        session,
        MeetingMinutesRecorded.event_type,
        subject_type="meeting",
        subject_id=minutes.meeting_id,
        data=MeetingMinutesRecorded(
            meeting_id=minutes.meeting_id, decisions=len(minutes.decisions)
        ),
    )


async def record_minutes(
    session: AsyncSession,
    principal: Principal,
    meeting: Meeting,
    *,
    summary: str,
    decisions: list[str],
    items: list[dict[str, Any]],
) -> MeetingMinutes:
    """Write a meeting's minutes (once; later changes are a PATCH) with its action items."""
    _require_organizer(principal, meeting, "write minutes")
    _require_scheduled(meeting)
    if await session.scalar(
        select(MeetingMinutes.id).where(MeetingMinutes.meeting_id == meeting.id)
    ):
        raise Conflict("the meeting already has minutes; change them instead", code="minutes_exist")
    minutes = MeetingMinutes(
        meeting_id=meeting.id, summary=summary, decisions=decisions, created_by=principal.sub
    )
    session.add(minutes)
    await session.flush()
    for item in items:
        await add_item(session, principal, meeting, **item)
    await _minutes_event(session, minutes)
    return minutes


async def revise_minutes(
    session: AsyncSession,
    principal: Principal,
    meeting: Meeting,
    minutes: MeetingMinutes,
    changes: dict[str, Any],
) -> MeetingMinutes:
    """Change a meeting's summary or decisions."""
    _require_organizer(principal, meeting, "change minutes")
    for key, value in changes.items():
        if value is not None:
            setattr(minutes, key, value)
    await session.flush()
    await _minutes_event(session, minutes)
    return minutes


async def _item_event(
    session: AsyncSession, model: type[ActionItemEvent], item: ActionItem
) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type="action_item",
        subject_id=item.id,
        data=model(
            meeting_id=item.meeting_id,
            owner_employee_id=item.owner_employee_id,
            due_date=item.due_date,
            status=item.status,
        ),
    )


async def add_item(
    session: AsyncSession,
    principal: Principal,
    meeting: Meeting,
    *,
    title: str,
    owner_employee_id: uuid.UUID,
    due_date: date | None,
) -> ActionItem:
    """Give someone something to do (organiser or staff)."""
    _require_organizer(principal, meeting, "add action items")
    item = ActionItem(
        meeting_id=meeting.id,
        title=title,
        owner_employee_id=owner_employee_id,
        due_date=due_date,
        status="open",
        created_by=principal.sub,
    )
    session.add(item)
    await session.flush()
    await _item_event(session, ActionItemCreated, item)
    return item


def item_visibility(principal: Principal) -> Select[tuple[ActionItem]]:
    """Action items the caller may see: their own and those of meetings they may see."""
    query = select(ActionItem)
    if reads_all(principal):
        return query
    me = principal.employee_id
    if me is None:
        return query.where(ActionItem.id.is_(None))
    meetings = visibility(principal).with_only_columns(Meeting.id)
    return query.where(or_(ActionItem.owner_employee_id == me, ActionItem.meeting_id.in_(meetings)))


async def get_item(session: AsyncSession, principal: Principal, item_id: uuid.UUID) -> ActionItem:
    """An action item the caller may see, or 404."""
    item = await session.scalar(item_visibility(principal).where(ActionItem.id == item_id))
    if item is None:
        raise not_found("action item", item_id)
    return item


async def update_item(
    session: AsyncSession, principal: Principal, item: ActionItem, changes: dict[str, Any]
) -> ActionItem:
    """Change an action item: its owner may change its status; the organiser and staff anything."""
    meeting = await session.get(Meeting, item.meeting_id)
    assert meeting is not None
    organiser = is_staff(principal) or meeting.organizer_employee_id == principal.employee_id
    if not organiser:
        if item.owner_employee_id != principal.employee_id:
            raise Forbidden(
                "only the owner, the organiser or logistics staff", code="organizer_only"
            )
        if set(changes) - {"status"}:
            raise Forbidden("the owner changes only an item's status", code="organizer_only")
    if "owner_employee_id" in changes and changes["owner_employee_id"] is None:
        raise Unprocessable("an action item always has an owner", code="validation_error")
    for key, value in changes.items():
        setattr(item, key, value)
    await session.flush()
    await _item_event(session, ActionItemUpdated, item)
    return item
