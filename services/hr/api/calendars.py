"""``/api/v1/hr/calendars``: the working calendar and leave types."""

from datetime import date
from typing import Annotated

from fastapi import Query, Request, Response

from services.hr.api.deps import HrStaff
from services.hr.db.models import LeaveType
from services.hr.domain import calendar_days, leave_types
from services.hr.domain.calendar import working_days
from services.hr.domain.holiday_library import LIBRARY, library_days
from services.hr.domain.leave import calendar_for
from services.hr.schemas import (
    CalendarRead,
    CalendarUpdate,
    LeaveTypeRead,
    LeaveTypeUpdate,
    SpecialDay,
    WorkingDays,
)
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.errors import Unprocessable
from shared.kit.routing import SessionDep, service_router

router = service_router(prefix="/api/v1/hr", tags=["hr: calendar and leave types"])


async def _read(session: SessionDep, year: int) -> CalendarRead:
    configured, rows = await calendar_days.year_of(session, year)
    days = [(row.day, row.kind, row.name) for row in rows]
    if configured is not None:
        note = configured.note
    elif (known := library_days(year)) is not None:
        days = list(known)
        note = (
            f"{year} is not set up yet: these are China's public holidays and make-up working "
            f"days from the {LIBRARY} library; HR confirms or corrects them by setting the year"
        )
    else:
        note = (
            f"{year} is not set up yet and the {LIBRARY} library does not know it: "
            "only weekends are rest days"
        )
    return CalendarRead(
        year=year,
        configured=configured is not None,
        note=note,
        holidays=[SpecialDay(date=day, name=name) for day, kind, name in days if kind == "holiday"],
        workdays=[SpecialDay(date=day, name=name) for day, kind, name in days if kind == "workday"],
        version=configured.version if configured else None,
    )


@router.get("/calendars/{year}", response_model=CalendarRead, summary="A year's working calendar")
async def read_calendar(
    year: int, session: SessionDep, _principal: CurrentPrincipal, response: Response
) -> CalendarRead:
    """Public holidays and make-up working days. ``configured: false``: HR has not set the year
    up, and the days are the holiday library's (or weekends only, when it does not know the
    year; the note says which)."""
    calendar = await _read(session, year)
    if calendar.version:
        set_etag(response, calendar.version)
    return calendar


@router.put(
    "/calendars/{year}", response_model=CalendarRead, summary="Set a year's working calendar"
)
async def set_calendar(
    year: int,
    payload: CalendarUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    _hr: HrStaff,
) -> CalendarRead:
    """Replace the year's holidays and make-up days (HR). A make-up day must be a Saturday or Sunday."""
    calendar_days.check_special_days(
        year, [h.date for h in payload.holidays], [w.date for w in payload.workdays]
    )
    await calendar_days.set_year(
        session,
        year,
        payload.note,
        [
            *((entry.date, "holiday", entry.name) for entry in payload.holidays),
            *((entry.date, "workday", entry.name) for entry in payload.workdays),
        ],
        lambda version: check_if_match(request, version),
    )
    calendar = await _read(session, year)
    set_etag(response, calendar.version or 1)
    return calendar


@router.get(
    "/calendars/{year}/working-days", response_model=WorkingDays, summary="Count working days"
)
async def count_working_days(
    year: int,
    session: SessionDep,
    _principal: CurrentPrincipal,
    from_: Annotated[date, Query(alias="from")],
    to: Annotated[date, Query()],
) -> WorkingDays:
    """Working days from ``from`` to ``to`` inclusive, by the calendar (weekends only where not set up)."""
    if to < from_:
        raise Unprocessable("'to' is before 'from'", code="dates_out_of_order")
    if (to - from_).days > 3660:
        raise Unprocessable("count at most ten years at a time", code="range_too_long")
    years = set(range(from_.year, to.year + 1))
    configured = await calendar_days.configured_years(session, years)
    return WorkingDays(
        from_date=from_,
        to_date=to,
        working_days=working_days(await calendar_for(session, from_, to), from_, to),
        configured_years=sorted(configured),
        unconfigured_years=sorted(years - configured),
    )


@router.get("/leave-types", response_model=list[LeaveTypeRead], summary="Leave types")
async def list_leave_types(session: SessionDep, _principal: CurrentPrincipal) -> list[LeaveType]:
    """Every leave type and how it is counted."""
    return await leave_types.all_types(session)


@router.patch("/leave-types/{code}", response_model=LeaveTypeRead, summary="Change a leave type")
async def update_leave_type(
    code: str, payload: LeaveTypeUpdate, request: Request, session: SessionDep, _hr: HrStaff
) -> LeaveType:
    """Rename, mark paid/unpaid, require a document, or retire a type (HR)."""
    kind = await leave_types.by_code(session, code)
    check_if_match(request, kind.version)
    return await leave_types.change(session, kind, payload.model_dump(exclude_unset=True))
