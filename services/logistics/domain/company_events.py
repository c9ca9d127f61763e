"""Company events: places, sign-ups, a waitlist promoted in order, and attendance.

Race-safe by the database: a place is taken by one conditional update of the event's counter
row (``taken < capacity``), which locks the row until the sign-up commits, so concurrent
sign-ups queue on it and never exceed capacity; the counter's check constraint is the last
word. A freed place goes to the first person waiting, in the same transaction.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.company_events import CompanyEvent, CompanyEventSeats, EventSignup
from services.logistics.domain.meeting_access import employee_of, is_staff, reads_all
from shared.contracts.logistics_meeting_events import (
    CompanyEventCancelled,
    CompanyEventCreated,
    CompanyEventEvent,
    CompanyEventUpdated,
    SignupAttended,
    SignupCancelled,
    SignupConfirmed,
    SignupEvent,
    SignupPromoted,
    SignupWaitlisted,
)
from shared.contracts.principal import Principal
from shared.kit.errors import Conflict, Forbidden, Unprocessable, not_found
from shared.kit.outbox import record_event


def check_schedule(starts_at: datetime, ends_at: datetime, deadline: datetime) -> None:
    """An event ends after it starts, and sign-ups close no later than it starts."""
    if ends_at <= starts_at:
        raise Unprocessable("the event ends before it starts", code="times_out_of_order")
    if deadline > starts_at:
        raise Unprocessable(
            "sign-ups must close no later than the event starts", code="deadline_after_start"
        )


async def _event(
    session: AsyncSession, model: type[CompanyEventEvent], event: CompanyEvent
) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type="company_event",
        subject_id=event.id,
        data=model(
            title=event.title,
            kind=event.kind,
            starts_at=event.starts_at,
            capacity=event.capacity,
            signup_deadline=event.signup_deadline,
            status=event.status,
        ),
    )


async def _signup_event(
    session: AsyncSession, model: type[SignupEvent], signup: EventSignup, **extra: Any
) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type="event_signup",
        subject_id=signup.id,
        data=model(
            event_id=signup.event_id, employee_id=signup.employee_id, status=signup.status, **extra
        ),
    )


async def create(
    session: AsyncSession, principal: Principal, fields: dict[str, Any]
) -> CompanyEvent:
    """Announce an event with its places (logistics)."""
    check_schedule(fields["starts_at"], fields["ends_at"], fields["signup_deadline"])
    event = CompanyEvent(**fields, status="open", created_by=principal.sub)
    session.add(event)
    await session.flush()
    session.add(CompanyEventSeats(event_id=event.id, capacity=event.capacity, taken=0))
    await session.flush()
    await _event(session, CompanyEventCreated, event)
    return event


async def get(session: AsyncSession, event_id: uuid.UUID) -> CompanyEvent:
    """An event (every employee may see company events), or 404."""
    event = await session.get(CompanyEvent, event_id)
    if event is None:
        raise not_found("company event", event_id)
    return event


async def counts(
    session: AsyncSession, event_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, int]]:
    """Per event: places taken and people waiting."""
    taken = dict(
        (
            await session.execute(
                select(CompanyEventSeats.event_id, CompanyEventSeats.taken).where(
                    CompanyEventSeats.event_id.in_(event_ids)
                )
            )
        )
        .tuples()
        .all()
    )
    waiting = dict(
        (
            await session.execute(
                select(EventSignup.event_id, func.count())
                .where(EventSignup.event_id.in_(event_ids), EventSignup.status == "waitlisted")
                .group_by(EventSignup.event_id)
            )
        )
        .tuples()
        .all()
    )
    return {i: (taken.get(i, 0), waiting.get(i, 0)) for i in event_ids}


async def update_event(
    session: AsyncSession, event: CompanyEvent, changes: dict[str, Any], now: datetime
) -> CompanyEvent:
    """Change an event. Fewer places than are taken is refused (409 ``capacity_below_signups``);
    more places go at once to the people waiting, in order."""
    if event.status != "open":
        raise Conflict("the event is cancelled", code="event_cancelled")
    for key, value in changes.items():
        if value is not None:
            setattr(event, key, value)
    check_schedule(event.starts_at, event.ends_at, event.signup_deadline)
    if "capacity" in changes and changes["capacity"] is not None:
        seats = await _seats(session, event.id, lock=True)
        if event.capacity < seats.taken:
            raise Conflict(
                f"{seats.taken} places are taken; the capacity cannot go below that",
                code="capacity_below_signups",
                taken=seats.taken,
            )
        seats.capacity = event.capacity
        await session.flush()
        while await _promote_first(session, event.id):
            pass
    await session.flush()
    await _event(session, CompanyEventUpdated, event)
    return event


async def cancel_event(session: AsyncSession, event: CompanyEvent) -> CompanyEvent:
    """Call an event off (its sign-ups stay as they were, for the record)."""
    if event.status != "open":
        raise Conflict("the event is already cancelled", code="event_cancelled")
    event.status = "cancelled"
    await session.flush()
    await _event(session, CompanyEventCancelled, event)
    return event


async def _seats(
    session: AsyncSession, event_id: uuid.UUID, *, lock: bool = False
) -> CompanyEventSeats:
    query = select(CompanyEventSeats).where(CompanyEventSeats.event_id == event_id)
    if lock:
        query = query.with_for_update()
    seats = await session.scalar(query.execution_options(populate_existing=True))
    assert seats is not None
    return seats


async def _take_place(session: AsyncSession, event_id: uuid.UUID) -> bool:
    """Take one place if one is free: the conditional update locks the counter row."""
    result = await session.execute(
        update(CompanyEventSeats)
        .where(
            CompanyEventSeats.event_id == event_id,
            CompanyEventSeats.taken < CompanyEventSeats.capacity,
        )
        .values(taken=CompanyEventSeats.taken + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def _free_place(session: AsyncSession, event_id: uuid.UUID) -> None:
    await session.execute(
        update(CompanyEventSeats)
        .where(CompanyEventSeats.event_id == event_id)
        .values(taken=CompanyEventSeats.taken - 1)
        .execution_options(synchronize_session=False)
    )


async def _promote_first(session: AsyncSession, event_id: uuid.UUID) -> EventSignup | None:
    """Give a free place to the first person waiting (nothing when none waits or none is free)."""
    query = (
        select(EventSignup)
        .where(EventSignup.event_id == event_id, EventSignup.status == "waitlisted")
        .order_by(EventSignup.queued_at, EventSignup.id)
        .limit(1)
    )
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    first = await session.scalar(query)
    if first is None or not await _take_place(session, event_id):
        return None
    first.status = "confirmed"
    await session.flush()
    await _signup_event(session, SignupPromoted, first)
    return first


async def sign_up(
    session: AsyncSession,
    principal: Principal,
    event: CompanyEvent,
    now: datetime,
    employee_id: uuid.UUID | None,
) -> EventSignup:
    """Sign up (oneself; logistics for anyone): a place while one is free, else the waitlist.
    After the deadline it is 409 ``signup_closed``; twice is 409 ``already_signed_up``."""
    if employee_id not in (None, principal.employee_id) and not is_staff(principal):
        raise Forbidden("only logistics staff sign up someone else", code="logistics_only")
    person = employee_id or employee_of(principal)
    if event.status != "open":
        raise Conflict("the event is cancelled", code="event_cancelled")
    if now > event.signup_deadline:
        raise Conflict(
            f"sign-ups closed at {event.signup_deadline.isoformat()}", code="signup_closed"
        )
    live = await session.scalar(
        select(EventSignup.id).where(
            EventSignup.event_id == event.id,
            EventSignup.employee_id == person,
            EventSignup.status != "cancelled",
        )
    )
    if live is not None:
        raise Conflict("already signed up for this event", code="already_signed_up")
    placed = await _take_place(session, event.id)
    signup = EventSignup(
        event_id=event.id,
        employee_id=person,
        status="confirmed" if placed else "waitlisted",
        queued_at=now,
    )
    session.add(signup)
    try:
        await session.flush()
    except IntegrityError as exc:  # the same person's concurrent sign-up won
        raise Conflict("already signed up for this event", code="already_signed_up") from exc
    await _signup_event(session, SignupConfirmed if placed else SignupWaitlisted, signup)
    return signup


def signup_visibility(principal: Principal) -> Select[tuple[EventSignup]]:
    """Sign-ups the caller may see: all for logistics and auditors, their own for others."""
    query = select(EventSignup)
    if reads_all(principal):
        return query
    if principal.employee_id is None:
        return query.where(EventSignup.id.is_(None))
    return query.where(EventSignup.employee_id == principal.employee_id)


async def get_signup(
    session: AsyncSession, principal: Principal, event: CompanyEvent, signup_id: uuid.UUID
) -> EventSignup:
    """A sign-up of the event the caller may see, or 404."""
    signup = await session.scalar(
        signup_visibility(principal).where(
            EventSignup.id == signup_id, EventSignup.event_id == event.id
        )
    )
    if signup is None:
        raise not_found("sign-up", signup_id)
    return signup


async def cancel_signup(
    session: AsyncSession, principal: Principal, signup: EventSignup
) -> EventSignup:
    """Withdraw a sign-up (its person or logistics); a place it held goes to the first waiting."""
    if not is_staff(principal) and signup.employee_id != principal.employee_id:
        raise Forbidden("only the person or logistics staff", code="logistics_only")
    if signup.status == "cancelled":
        raise Conflict("the sign-up is already cancelled", code="signup_cancelled")
    held_place = signup.status == "confirmed"
    signup.status = "cancelled"
    await session.flush()
    await _signup_event(session, SignupCancelled, signup)
    if held_place:
        await _free_place(session, signup.event_id)
        await _promote_first(session, signup.event_id)
    return signup


async def record_attendance(
    session: AsyncSession, event: CompanyEvent, signup: EventSignup, attended: bool, now: datetime
) -> EventSignup:
    """Record whether a confirmed person came (once the event has started)."""
    if now < event.starts_at:
        raise Conflict(
            "attendance is recorded once the event has started", code="event_not_started"
        )
    if signup.status != "confirmed":
        raise Conflict("only a confirmed sign-up has an attendance", code="signup_not_confirmed")
    signup.attended = attended
    await session.flush()
    await _signup_event(session, SignupAttended, signup, attended=attended)
    return signup
