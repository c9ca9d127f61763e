"""HTTP routes of logistics: company events, their sign-ups and attendance."""

import uuid
from typing import Annotated, Any

from fastapi import Request, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.company_events import CompanyEvent, EventSignup
from services.logistics.domain import company_events as rules
from services.logistics.domain.meeting_access import require_staff, resolve_person
from services.logistics.schemas.company_events import (
    AttendanceWrite,
    CompanyEventCreate,
    CompanyEventRead,
    CompanyEventUpdate,
    EventKind,
    EventStatus,
    SignupCreate,
    SignupRead,
    SignupStatus,
)
from shared.contracts.page import Page
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.params import me_or_id_query
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/logistics", tags=["logistics: company events"])
STAFF_403: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not logistics staff (`logistics_only`)."}
}


def _read(event: CompanyEvent, taken: int, waiting: int) -> CompanyEventRead:
    return CompanyEventRead(
        id=event.id,
        title=event.title,
        kind=event.kind,
        description=event.description,
        location=event.location,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        signup_deadline=event.signup_deadline,
        capacity=event.capacity,
        status=event.status,
        taken=taken,
        waitlisted=waiting,
        places_left=max(event.capacity - taken, 0),
        version=event.version,
        created_at=event.created_at,
        updated_at=event.updated_at,
    )


async def event_read(session: AsyncSession, event: CompanyEvent) -> CompanyEventRead:
    """An event with its counts."""
    taken, waiting = (await rules.counts(session, [event.id]))[event.id]
    return _read(event, taken, waiting)


@router.post(
    "/company-events",
    status_code=201,
    response_model=CompanyEventRead,
    summary="Announce a company event",
    responses={**STAFF_403, 422: {"description": "Times out of order or a late deadline."}},
)
async def create_company_event(
    payload: CompanyEventCreate,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> CompanyEventRead:
    """A team-building or festival event with its places and sign-up deadline (logistics)."""
    require_staff(principal, "announce company events")
    event = await rules.create(session, principal, payload.model_dump())
    set_etag(response, event.version)
    response.headers["Location"] = f"/api/v1/logistics/company-events/{event.id}"
    return await event_read(session, event)


@router.get("/company-events", response_model=Page[CompanyEventRead], summary="List company events")
async def list_company_events(
    session: SessionDep,
    _principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("starts_at", "created_at")],
    kind: EventKind | None = None,
    status: EventStatus | None = None,
) -> Page[CompanyEventRead]:
    """Every company event (everyone may look), by start time."""
    query = select(CompanyEvent)
    if kind:
        query = query.where(CompanyEvent.kind == kind)
    if status:
        query = query.where(CompanyEvent.status == status)
    page: Page[CompanyEvent] = await paginate(
        session,
        query,
        params,
        sortable={"starts_at": CompanyEvent.starts_at, "created_at": CompanyEvent.created_at},
        id_column=CompanyEvent.id,
        default_sort="starts_at",
        to_item=lambda event: event,
    )
    numbers = await rules.counts(session, [e.id for e in page.items])
    return Page[CompanyEventRead](
        items=[_read(e, *numbers[e.id]) for e in page.items],
        next_cursor=page.next_cursor,
        total=page.total,
    )


@router.get(
    "/company-events/{event_id}", response_model=CompanyEventRead, summary="Read a company event"
)
async def read_company_event(
    event_id: uuid.UUID, response: Response, session: SessionDep, _principal: CurrentPrincipal
) -> CompanyEventRead:
    """One event with its places taken and waitlist."""
    event = await rules.get(session, event_id)
    set_etag(response, event.version)
    return await event_read(session, event)


@router.patch(
    "/company-events/{event_id}",
    response_model=CompanyEventRead,
    summary="Change a company event",
    responses={
        **STAFF_403,
        409: {"description": "Cancelled, or fewer places than are taken."},
        422: {"description": "Times out of order or a late deadline."},
    },
)
async def update_company_event(
    event_id: uuid.UUID,
    payload: CompanyEventUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> CompanyEventRead:
    """Change an event (logistics; honours If-Match); added places go to the waitlist in order."""
    event = await rules.get(session, event_id)
    require_staff(principal, "change company events")
    check_if_match(request, event.version)
    event = await rules.update_event(
        session, event, payload.model_dump(exclude_unset=True), runtime_of(request).now()
    )
    set_etag(response, event.version)
    return await event_read(session, event)


@router.post(
    "/company-events/{event_id}/cancel",
    response_model=CompanyEventRead,
    summary="Cancel a company event",
    responses={**STAFF_403, 409: {"description": "Already cancelled (`event_cancelled`)."}},
)
async def cancel_company_event(
    event_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> CompanyEventRead:
    """Call an event off (logistics; honours If-Match)."""
    event = await rules.get(session, event_id)
    require_staff(principal, "cancel company events")
    check_if_match(request, event.version)
    event = await rules.cancel_event(session, event)
    set_etag(response, event.version)
    return await event_read(session, event)


@router.post(
    "/company-events/{event_id}/signups",
    status_code=201,
    response_model=SignupRead,
    summary="Sign up for a company event",
    responses={
        403: {"description": "Signing up someone else without being logistics."},
        409: {
            "description": "After the deadline (`signup_closed`), twice (`already_signed_up`), "
            "or a cancelled event."
        },
    },
)
async def sign_up(
    event_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    payload: SignupCreate | None = None,
) -> EventSignup:
    """A place while one is free (``confirmed``), else a turn on the waitlist (``waitlisted``)."""
    event = await rules.get(session, event_id)
    signup = await rules.sign_up(
        session,
        principal,
        event,
        runtime_of(request).now(),
        payload.employee_id if payload else None,
    )
    set_etag(response, signup.version)
    response.headers["Location"] = (
        f"/api/v1/logistics/company-events/{event.id}/signups/{signup.id}"
    )
    return signup


@router.get(
    "/company-events/{event_id}/signups", response_model=Page[SignupRead], summary="List sign-ups"
)
async def list_signups(
    event_id: uuid.UUID,
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("queued_at")],
    status: SignupStatus | None = None,
    employee: Annotated[str | None, me_or_id_query()] = None,
) -> Page[SignupRead]:
    """An event's sign-ups in queue order: all for logistics and auditors, one's own for others."""
    event = await rules.get(session, event_id)
    query = rules.signup_visibility(principal).where(EventSignup.event_id == event.id)
    if status:
        query = query.where(EventSignup.status == status)
    person = resolve_person(principal, employee)
    if person:
        query = query.where(EventSignup.employee_id == person)
    return await paginate(
        session,
        query,
        params,
        sortable={"queued_at": EventSignup.queued_at},
        id_column=EventSignup.id,
        default_sort="queued_at",
        to_item=SignupRead.model_validate,
    )


@router.get(
    "/company-events/{event_id}/signups/{signup_id}",
    response_model=SignupRead,
    summary="Read a sign-up",
)
async def read_signup(
    event_id: uuid.UUID,
    signup_id: uuid.UUID,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> EventSignup:
    """One sign-up: one's own, or any for logistics and auditors (404 otherwise)."""
    event = await rules.get(session, event_id)
    signup = await rules.get_signup(session, principal, event, signup_id)
    set_etag(response, signup.version)
    return signup


@router.post(
    "/company-events/{event_id}/signups/{signup_id}/cancel",
    response_model=SignupRead,
    summary="Withdraw a sign-up",
    responses={409: {"description": "Already cancelled (`signup_cancelled`)."}},
)
async def cancel_signup(
    event_id: uuid.UUID,
    signup_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> EventSignup:
    """Withdraw (honours If-Match); a place it held goes to the first person waiting."""
    event = await rules.get(session, event_id)
    signup = await rules.get_signup(session, principal, event, signup_id)
    check_if_match(request, signup.version)
    signup = await rules.cancel_signup(session, principal, signup)
    set_etag(response, signup.version)
    return signup


@router.post(
    "/company-events/{event_id}/signups/{signup_id}/attendance",
    response_model=SignupRead,
    summary="Record attendance",
    responses={
        **STAFF_403,
        409: {"description": "Before the event starts, or a sign-up without a place."},
    },
)
async def record_attendance(
    event_id: uuid.UUID,
    signup_id: uuid.UUID,
    payload: AttendanceWrite,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> EventSignup:
    """Whether a confirmed person came (logistics, once the event has started)."""
    event = await rules.get(session, event_id)
    signup = await rules.get_signup(session, principal, event, signup_id)
    require_staff(principal, "record attendance")
    signup = await rules.record_attendance(
        session, event, signup, payload.attended, runtime_of(request).now()
    )
    set_etag(response, signup.version)
    return signup
