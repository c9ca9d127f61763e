"""HTTP routes of logistics: rooms, bookings, meetings, minutes and action items."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import Query, Request, Response
from pydantic import AwareDatetime
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.meetings import ActionItem, Booking, Meeting, MeetingAttendee, Room
from services.logistics.domain import bookings as booking_rules
from services.logistics.domain import meetings as meeting_rules
from services.logistics.domain import rooms as room_rules
from services.logistics.domain.booking_rules import Recurrence
from services.logistics.domain.meeting_access import require_staff, resolve_person
from services.logistics.schemas.meetings import (
    ActionItemIn,
    ActionItemRead,
    ActionItemStatus,
    ActionItemUpdate,
    AttendeeRead,
    AvailabilityRead,
    BookingCancel,
    BookingCreate,
    BookingRead,
    BookingStatus,
    FreeInterval,
    MeetingAnswer,
    MeetingCancel,
    MeetingCreate,
    MeetingRead,
    MeetingStatus,
    MeetingUpdate,
    MinutesRead,
    MinutesWrite,
    RoomAvailability,
    RoomCreate,
    RoomRead,
    RoomUpdate,
)
from shared.contracts.page import Page
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.params import me_or_id_query
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/logistics", tags=["logistics: meetings"])

Person = Annotated[str | None, me_or_id_query()]
STAFF_403: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not logistics staff (`logistics_only`)."}
}
BOOKING_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Booking for someone else without being logistics (`logistics_only`)."},
    409: {"description": "The room is booked then (`room_booked`, with the conflicts)."},
    422: {
        "description": "In the past (`booking_in_past`), ending before it starts "
        "(`times_out_of_order`), too many attendees (`room_too_small`), a bad recurrence."
    },
}
MEETING_CHANGE: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not the organiser or logistics (`organizer_only`)."},
    409: {"description": "The meeting is cancelled, or the room is booked then."},
    422: {"description": "A time in the past or out of order, a room too small."},
}


def now_of(request: Request) -> datetime:
    """The service clock's now."""
    return runtime_of(request).now()


# ---- rooms ------------------------------------------------------------------------------


@router.get(
    "/rooms/availability",
    response_model=AvailabilityRead,
    summary="Free rooms in a window",
    responses={422: {"description": "A window that ends first or spans over 31 days."}},
)
async def room_availability(
    session: SessionDep,
    _principal: CurrentPrincipal,
    from_: Annotated[AwareDatetime, Query(alias="from", description="Window start.")],
    to: Annotated[AwareDatetime, Query(description="Window end (at most 31 days on).")],
    capacity: Annotated[int | None, Query(ge=1, le=10000, description="Seats needed.")] = None,
    equipment: Annotated[
        list[Annotated[str, Query(max_length=200)]] | None,
        Query(max_length=20, description="Equipment needed (repeat for several)."),
    ] = None,
) -> AvailabilityRead:
    """Every active room holding ``capacity`` with all the ``equipment``, and its free
    intervals between ``from`` and ``to`` (rooms with no free time are left out)."""
    found = await room_rules.availability(
        session, from_, to, capacity=capacity, equipment=equipment or []
    )
    return AvailabilityRead.model_validate(
        {
            "from": from_,
            "to": to,
            "rooms": [
                RoomAvailability(
                    room_id=room.id,
                    name=room.name,
                    capacity=room.capacity,
                    equipment=room.equipment,
                    free=[FreeInterval(starts_at=s, ends_at=e) for s, e in free],
                )
                for room, free in found
            ],
        }
    )


@router.post(
    "/rooms",
    status_code=201,
    response_model=RoomRead,
    summary="Add a room",
    responses={**STAFF_403, 409: {"description": "The name is taken (`room_name_taken`)."}},
)
async def create_room(
    payload: RoomCreate, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> Room:
    """A new meeting room (logistics)."""
    require_staff(principal, "add rooms")
    room = await room_rules.create(session, **payload.model_dump())
    set_etag(response, room.version)
    response.headers["Location"] = f"/api/v1/logistics/rooms/{room.id}"
    return room


@router.get("/rooms", response_model=Page[RoomRead], summary="List rooms")
async def list_rooms(
    session: SessionDep,
    _principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("name", "capacity", "created_at")],
    active: bool | None = None,
    building: Annotated[str | None, Query(max_length=100)] = None,
    min_capacity: Annotated[int | None, Query(ge=1, le=10000)] = None,
) -> Page[RoomRead]:
    """Every room (everyone may look), by name."""
    query = select(Room)
    if active is not None:
        query = query.where(Room.active.is_(active))
    if building is not None:
        query = query.where(Room.building == building)
    if min_capacity is not None:
        query = query.where(Room.capacity >= min_capacity)
    return await paginate(
        session,
        query,
        params,
        sortable={"name": Room.name, "capacity": Room.capacity, "created_at": Room.created_at},
        id_column=Room.id,
        default_sort="name",
        to_item=RoomRead.model_validate,
    )


@router.get("/rooms/{room_id:uuid}", response_model=RoomRead, summary="Read a room")
async def read_room(
    room_id: uuid.UUID, response: Response, session: SessionDep, _principal: CurrentPrincipal
) -> Room:
    """One room."""
    room = await room_rules.get(session, room_id)
    set_etag(response, room.version)
    return room


@router.patch(
    "/rooms/{room_id:uuid}",
    response_model=RoomRead,
    summary="Change a room",
    responses={**STAFF_403, 409: {"description": "The name is taken (`room_name_taken`)."}},
)
async def update_room(
    room_id: uuid.UUID,
    payload: RoomUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> Room:
    """Change a room's name, place, capacity, equipment or whether it is in use (logistics)."""
    room = await room_rules.get(session, room_id)
    require_staff(principal, "change rooms")
    check_if_match(request, room.version)
    room = await room_rules.update(session, room, payload.model_dump(exclude_unset=True))
    set_etag(response, room.version)
    return room


# ---- bookings ---------------------------------------------------------------------------


@router.post(
    "/bookings",
    status_code=201,
    response_model=BookingRead,
    summary="Book a room",
    responses=BOOKING_ERRORS,
)
async def create_booking(
    payload: BookingCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> Booking:
    """Book a room once, or daily/weekly until a date or a number of times. A series is
    checked whole: every occurrence is booked or none, and 409 ``room_booked`` lists the
    occurrences in the way. The answer is the (first) booking; a series' others share its
    ``series_id`` (``GET /bookings?series_id=``)."""
    recurrence = (
        Recurrence(payload.recurrence.frequency, payload.recurrence.until, payload.recurrence.count)
        if payload.recurrence
        else None
    )
    made = await booking_rules.book(
        session,
        principal,
        now_of(request),
        room_id=payload.room_id,
        title=payload.title,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        attendee_count=payload.attendee_count,
        booker_employee_id=payload.booker_employee_id,
        recurrence=recurrence,
    )
    set_etag(response, made[0].version)
    response.headers["Location"] = f"/api/v1/logistics/bookings/{made[0].id}"
    return made[0]


@router.get("/bookings", response_model=Page[BookingRead], summary="List bookings")
async def list_bookings(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("starts_at", "created_at")],
    room_id: uuid.UUID | None = None,
    status: BookingStatus | None = None,
    series_id: uuid.UUID | None = None,
    booker: Person = None,
    from_: Annotated[
        AwareDatetime | None, Query(alias="from", description="Ending after this.")
    ] = None,
    to: Annotated[AwareDatetime | None, Query(description="Starting before this.")] = None,
) -> Page[BookingRead]:
    """The caller's own bookings (everyone's for logistics and auditors), by start time."""
    query = booking_rules.visibility(principal)
    if room_id:
        query = query.where(Booking.room_id == room_id)
    if status:
        query = query.where(Booking.status == status)
    if series_id:
        query = query.where(Booking.series_id == series_id)
    person = resolve_person(principal, booker)
    if person:
        query = query.where(Booking.booker_employee_id == person)
    if from_:
        query = query.where(Booking.ends_at > from_)
    if to:
        query = query.where(Booking.starts_at < to)
    return await paginate(
        session,
        query,
        params,
        sortable={"starts_at": Booking.starts_at, "created_at": Booking.created_at},
        id_column=Booking.id,
        default_sort="starts_at",
        to_item=BookingRead.model_validate,
    )


@router.get("/bookings/{booking_id}", response_model=BookingRead, summary="Read a booking")
async def read_booking(
    booking_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> Booking:
    """One booking the caller may see (404 otherwise)."""
    booking = await booking_rules.get_visible(session, principal, booking_id)
    set_etag(response, booking.version)
    return booking


@router.post(
    "/bookings/{booking_id}/cancel",
    response_model=BookingRead,
    summary="Cancel a booking",
    responses={
        403: {"description": "Not the booker or logistics (`logistics_only`)."},
        409: {"description": "Already cancelled or over, or a meeting's booking."},
    },
)
async def cancel_booking(
    booking_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    payload: BookingCancel | None = None,
) -> Booking:
    """Cancel a booking (its booker or logistics; honours If-Match); ``whole_series`` also
    cancels the series' later occurrences."""
    booking = await booking_rules.get_visible(session, principal, booking_id)
    check_if_match(request, booking.version)
    booking = await booking_rules.cancel(
        session,
        principal,
        booking,
        now_of(request),
        whole_series=payload.whole_series if payload else False,
    )
    set_etag(response, booking.version)
    return booking


# ---- meetings ---------------------------------------------------------------------------


async def meeting_read(session: AsyncSession, meeting: Meeting) -> MeetingRead:
    """A meeting with its attendees."""
    attendees = await meeting_rules.attendees_of(session, meeting.id)
    return _read(meeting, attendees)


def _read(meeting: Meeting, attendees: list[MeetingAttendee]) -> MeetingRead:
    return MeetingRead(
        id=meeting.id,
        organizer_employee_id=meeting.organizer_employee_id,
        title=meeting.title,
        agenda=meeting.agenda,
        materials=meeting.materials,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        room_id=meeting.room_id,
        booking_id=meeting.booking_id,
        location=meeting.location,
        status=meeting.status,
        attendees=[AttendeeRead.model_validate(a) for a in attendees],
        version=meeting.version,
        created_at=meeting.created_at,
        updated_at=meeting.updated_at,
    )


@router.post(
    "/meetings",
    status_code=201,
    response_model=MeetingRead,
    summary="Schedule a meeting",
    responses=BOOKING_ERRORS,
)
async def create_meeting(
    payload: MeetingCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> MeetingRead:
    """Schedule a meeting (the caller organises it; logistics may name the organiser). With a
    room, the room is booked for the organiser and attendees in the same step; the attendees
    get an invitation in their inbox."""
    fields = payload.model_dump()
    meeting = await meeting_rules.schedule(session, principal, now_of(request), **fields)
    set_etag(response, meeting.version)
    response.headers["Location"] = f"/api/v1/logistics/meetings/{meeting.id}"
    return await meeting_read(session, meeting)


@router.get("/meetings", response_model=Page[MeetingRead], summary="List meetings")
async def list_meetings(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("starts_at", "created_at")],
    status: MeetingStatus | None = None,
    organizer: Person = None,
    attendee: Person = None,
    from_: Annotated[
        AwareDatetime | None, Query(alias="from", description="Ending after this.")
    ] = None,
    to: Annotated[AwareDatetime | None, Query(description="Starting before this.")] = None,
) -> Page[MeetingRead]:
    """Meetings the caller organises or is invited to (all for logistics and auditors)."""
    query = meeting_rules.visibility(principal)
    if status:
        query = query.where(Meeting.status == status)
    organiser = resolve_person(principal, organizer)
    if organiser:
        query = query.where(Meeting.organizer_employee_id == organiser)
    invited = resolve_person(principal, attendee)
    if invited:
        query = query.where(
            Meeting.id.in_(
                select(MeetingAttendee.meeting_id).where(MeetingAttendee.employee_id == invited)
            )
        )
    if from_:
        query = query.where(Meeting.ends_at > from_)
    if to:
        query = query.where(Meeting.starts_at < to)
    page: Page[Meeting] = await paginate(
        session,
        query,
        params,
        sortable={"starts_at": Meeting.starts_at, "created_at": Meeting.created_at},
        id_column=Meeting.id,
        default_sort="starts_at",
        to_item=lambda meeting: meeting,
    )
    ids = [meeting.id for meeting in page.items]
    rows = await session.scalars(
        select(MeetingAttendee)
        .where(MeetingAttendee.meeting_id.in_(ids))
        .order_by(MeetingAttendee.created_at, MeetingAttendee.id)
    )
    by_meeting: dict[uuid.UUID, list[MeetingAttendee]] = {i: [] for i in ids}
    for row in rows.all():
        by_meeting[row.meeting_id].append(row)
    return Page[MeetingRead](
        items=[_read(m, by_meeting[m.id]) for m in page.items],
        next_cursor=page.next_cursor,
        total=page.total,
    )


@router.get("/meetings/{meeting_id}", response_model=MeetingRead, summary="Read a meeting")
async def read_meeting(
    meeting_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> MeetingRead:
    """A meeting its organiser, attendees, logistics and auditors see (404 for others)."""
    meeting = await meeting_rules.get_visible(session, principal, meeting_id)
    set_etag(response, meeting.version)
    return await meeting_read(session, meeting)


@router.patch(
    "/meetings/{meeting_id}",
    response_model=MeetingRead,
    summary="Change or move a meeting",
    responses=MEETING_CHANGE,
)
async def update_meeting(
    meeting_id: uuid.UUID,
    payload: MeetingUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> MeetingRead:
    """Change a meeting (organiser or logistics; honours If-Match). A new time or room moves its
    booking and tells the attendees (their answers are asked again); new attendees are
    invited, removed ones told."""
    meeting = await meeting_rules.get_visible(session, principal, meeting_id)
    check_if_match(request, meeting.version)
    changes = payload.model_dump(exclude_unset=True)
    meeting = await meeting_rules.update(session, principal, meeting, now_of(request), changes)
    set_etag(response, meeting.version)
    return await meeting_read(session, meeting)


@router.post(
    "/meetings/{meeting_id}/cancel",
    response_model=MeetingRead,
    summary="Cancel a meeting",
    responses={
        403: {"description": "Not the organiser or logistics (`organizer_only`)."},
        409: {"description": "Already cancelled (`meeting_cancelled`) or over (`meeting_over`)."},
    },
)
async def cancel_meeting(
    meeting_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    payload: MeetingCancel | None = None,
) -> MeetingRead:
    """Call a meeting off: its room is released and the attendees are told (honours If-Match)."""
    meeting = await meeting_rules.get_visible(session, principal, meeting_id)
    check_if_match(request, meeting.version)
    meeting = await meeting_rules.cancel(
        session, principal, meeting, now_of(request), payload.reason if payload else ""
    )
    set_etag(response, meeting.version)
    return await meeting_read(session, meeting)


@router.post(
    "/meetings/{meeting_id}/answer",
    response_model=MeetingRead,
    summary="Accept or decline a meeting",
    responses={
        403: {"description": "Not invited (`not_an_attendee`)."},
        409: {"description": "The meeting is cancelled (`meeting_cancelled`)."},
    },
)
async def answer_meeting(
    meeting_id: uuid.UUID,
    payload: MeetingAnswer,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> MeetingRead:
    """The caller, an attendee, accepts or declines (answering again changes the answer)."""
    meeting = await meeting_rules.get_visible(session, principal, meeting_id)
    await meeting_rules.answer(session, principal, meeting, payload.response, now_of(request))
    return await meeting_read(session, meeting)


# ---- minutes and action items -----------------------------------------------------------


async def minutes_read(session: AsyncSession, meeting: Meeting) -> MinutesRead:
    """A meeting's minutes with its action items."""
    minutes = await meeting_rules.minutes_of(session, meeting)
    items = await meeting_rules.items_of(session, meeting.id)
    return MinutesRead(
        id=minutes.id,
        meeting_id=minutes.meeting_id,
        summary=minutes.summary,
        decisions=minutes.decisions,
        action_items=[ActionItemRead.model_validate(item) for item in items],
        version=minutes.version,
        created_at=minutes.created_at,
        updated_at=minutes.updated_at,
    )


@router.post(
    "/meetings/{meeting_id}/minutes",
    status_code=201,
    response_model=MinutesRead,
    summary="Write a meeting's minutes",
    responses={
        403: {"description": "Not the organiser or logistics (`organizer_only`)."},
        409: {"description": "Minutes already written, or the meeting is cancelled."},
    },
)
async def write_minutes(
    meeting_id: uuid.UUID,
    payload: MinutesWrite,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> MinutesRead:
    """The summary, decisions and action items (owner, due date) of a meeting."""
    meeting = await meeting_rules.get_visible(session, principal, meeting_id)
    minutes = await meeting_rules.record_minutes(
        session,
        principal,
        meeting,
        summary=payload.summary,
        decisions=list(payload.decisions),
        items=[item.model_dump() for item in payload.action_items],
    )
    set_etag(response, minutes.version)
    return await minutes_read(session, meeting)


@router.get(
    "/meetings/{meeting_id}/minutes", response_model=MinutesRead, summary="Read the minutes"
)
async def read_minutes(
    meeting_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> MinutesRead:
    """A meeting's minutes (404 when none were written)."""
    meeting = await meeting_rules.get_visible(session, principal, meeting_id)
    read = await minutes_read(session, meeting)
    set_etag(response, read.version)
    return read


@router.patch(
    "/meetings/{meeting_id}/minutes",
    response_model=MinutesRead,
    summary="Change the minutes",
    responses={403: {"description": "Not the organiser or logistics (`organizer_only`)."}},
)
async def revise_minutes(
    meeting_id: uuid.UUID,
    payload: MinutesWrite,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> MinutesRead:
    """Replace the summary or decisions given; action items given are added (honours If-Match)."""
    meeting = await meeting_rules.get_visible(session, principal, meeting_id)
    minutes = await meeting_rules.minutes_of(session, meeting)
    check_if_match(request, minutes.version)
    changes = payload.model_dump(exclude_unset=True, exclude={"action_items"})
    await meeting_rules.revise_minutes(session, principal, meeting, minutes, changes)
    for item in payload.action_items:
        await meeting_rules.add_item(session, principal, meeting, **item.model_dump())
    set_etag(response, minutes.version)
    return await minutes_read(session, meeting)


@router.post(
    "/meetings/{meeting_id}/action-items",
    status_code=201,
    response_model=ActionItemRead,
    summary="Add an action item",
    responses={403: {"description": "Not the organiser or logistics (`organizer_only`)."}},
)
async def add_action_item(
    meeting_id: uuid.UUID,
    payload: ActionItemIn,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ActionItem:
    """Give someone something to do after a meeting."""
    meeting = await meeting_rules.get_visible(session, principal, meeting_id)
    item = await meeting_rules.add_item(session, principal, meeting, **payload.model_dump())
    set_etag(response, item.version)
    response.headers["Location"] = f"/api/v1/logistics/action-items/{item.id}"
    return item


@router.get("/action-items", response_model=Page[ActionItemRead], summary="List action items")
async def list_action_items(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at")],
    owner: Person = None,
    status: ActionItemStatus | None = None,
    meeting_id: uuid.UUID | None = None,
) -> Page[ActionItemRead]:
    """Action items the caller owns or whose meeting they may see (all for logistics and
    auditors); ``owner=me&status=open`` is one's open to-do list, oldest first."""
    query = meeting_rules.item_visibility(principal)
    person = resolve_person(principal, owner)
    if person:
        query = query.where(ActionItem.owner_employee_id == person)
    if status:
        query = query.where(ActionItem.status == status)
    if meeting_id:
        query = query.where(ActionItem.meeting_id == meeting_id)
    return await paginate(
        session,
        query,
        params,
        sortable={"created_at": ActionItem.created_at},
        id_column=ActionItem.id,
        default_sort="created_at",
        to_item=ActionItemRead.model_validate,
    )


@router.get("/action-items/{item_id}", response_model=ActionItemRead, summary="Read an action item")
async def read_action_item(
    item_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> ActionItem:
    """One action item the caller may see."""
    item = await meeting_rules.get_item(session, principal, item_id)
    set_etag(response, item.version)
    return item


@router.patch(
    "/action-items/{item_id}",
    response_model=ActionItemRead,
    summary="Change an action item",
    responses={403: {"description": "Not its owner, the organiser or logistics."}},
)
async def update_action_item(
    item_id: uuid.UUID,
    payload: ActionItemUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ActionItem:
    """Its owner marks it done (or open again); the organiser and logistics change anything
    (honours If-Match)."""
    item = await meeting_rules.get_item(session, principal, item_id)
    check_if_match(request, item.version)
    item = await meeting_rules.update_item(
        session, principal, item, payload.model_dump(exclude_unset=True)
    )
    set_etag(response, item.version)
    return item
