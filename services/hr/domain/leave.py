"""Leave requests: days from the calendar, balances reserved, approval through workflow.

A request's approval and, once the leave has started, its cancellation's approval run on the
kit's approval saga (:mod:`shared.kit.approvals`, declared at the end of this module as
``SAGA``). The rules here record; they never ask workflow to *start* an approval before what
they recorded is committed — the router commits, then ``SAGA`` starts it.
"""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.models import CalendarDay, Employee, LeaveBalance, LeaveRequest, LeaveType
from services.hr.domain import calendar_days, directory
from services.hr.domain.calendar import Calendar, EndPortion, StartPortion, leave_days
from services.hr.domain.holiday_library import library_days
from shared.contracts.principal import Principal
from shared.kit.approvals import Approval, ApprovalSaga, Backoff, StartRequest
from shared.kit.db import utcnow
from shared.kit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ServiceUnavailable,
    Unprocessable,
    not_found,
)
from shared.kit.outbox import record_event
from shared.kit.service_client import ServiceClient

LIVE = ("pending", "approved", "cancellation_pending")
SUBJECT_TYPE = "leave_request"
CANCELLATION_TYPE = "leave_cancellation"


def half_day_span(
    start: date, start_portion: StartPortion, end: date, end_portion: EndPortion
) -> tuple[int, int]:
    """A leave as a half-open range of half days, so a morning and an afternoon can sit side by side."""
    first = start.toordinal() * 2 + (1 if start_portion == "afternoon" else 0)
    last = end.toordinal() * 2 + (1 if end_portion == "morning" else 2)
    return first, last


def spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when two half-day ranges share a half day."""
    return a[0] < b[1] and b[0] < a[1]


async def calendar_for(session: AsyncSession, start: date, end: date) -> Calendar:
    """The special days between two dates: HR's for the years HR has set up, the holiday
    library's for the others (weekends only where the library does not know the year)."""
    rows = (
        await session.scalars(
            select(CalendarDay).where(CalendarDay.day >= start, CalendarDay.day <= end)
        )
    ).all()
    days = [(r.day, r.kind) for r in rows]
    years = set(range(start.year, end.year + 1))
    for year in sorted(years - await calendar_days.configured_years(session, years)):
        days += [
            (day, kind) for day, kind, _name in library_days(year) or () if start <= day <= end
        ]
    return Calendar(
        holidays=frozenset(day for day, kind in days if kind == "holiday"),
        workdays=frozenset(day for day, kind in days if kind == "workday"),
    )


async def leave_type(session: AsyncSession, code: str) -> LeaveType:
    """An active leave type by code (422 otherwise)."""
    found = await session.scalar(select(LeaveType).where(LeaveType.code == code))
    if found is None or not found.active:
        raise Unprocessable(f"there is no active leave type {code!r}", code="unknown_leave_type")
    return found


async def balance(
    session: AsyncSession, employee_id: uuid.UUID, year: int, code: str, *, lock: bool = False
) -> LeaveBalance | None:
    """The balance row, locked for update on PostgreSQL when asked."""
    query = select(LeaveBalance).where(
        LeaveBalance.employee_id == employee_id,
        LeaveBalance.year == year,
        LeaveBalance.leave_type == code,
    )
    if lock and session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    return await session.scalar(query)


async def _event(
    session: AsyncSession, event_type: str, request: LeaveRequest, **extra: Any
) -> None:
    await record_event(
        session,
        event_type,
        subject_type=SUBJECT_TYPE,
        subject_id=request.id,
        data={
            "employee_id": str(request.employee_id),
            "leave_type": request.leave_type,
            "start_date": request.start_date.isoformat(),
            "end_date": request.end_date.isoformat(),
            "days": f"{request.days:.1f}",  # as the API writes days, before and after a reload
            "status": request.status,
            **extra,
        },
    )


async def submit(
    session: AsyncSession,
    principal: Principal,
    *,
    employee_id: uuid.UUID | None,
    code: str,
    start: date,
    end: date,
    start_portion: StartPortion,
    end_portion: EndPortion,
    reason: str,
    attachment_ref: str | None,
) -> LeaveRequest:
    """Check and reserve the days: a ``pending`` request awaiting its ``leave`` approval, which
    is started once this is committed (nothing is kept if a check fails). ``employee_id``:
    whose leave (the caller's own when None; only HR and admins ask for someone else)."""
    employee_id = employee_id or principal.employee_id
    if employee_id is None:
        raise Unprocessable("this account is not linked to an employee", code="no_employee")
    if employee_id != principal.employee_id and not principal.has_role("hr", "admin"):
        raise Forbidden("you may only ask leave for yourself", code="forbidden")
    employee = await session.get(Employee, employee_id)
    if employee is None or employee.status == "left":
        raise Unprocessable(
            f"employee {employee_id} is unknown to hr or has left", code="unknown_employee"
        )
    kind = await leave_type(session, code)
    if end < start:
        raise Unprocessable("the leave ends before it starts", code="dates_out_of_order")
    if start.year != end.year and kind.uses_balance:
        raise Unprocessable(
            "a leave that uses a balance must start and end in the same year", code="spans_years"
        )
    if kind.requires_document and not attachment_ref:
        raise Unprocessable(
            f"{kind.name_en} leave needs a supporting document (attachment_ref)",
            code="document_required",
        )
    try:
        days = leave_days(
            await calendar_for(session, start, end),
            start,
            end,
            start_portion=start_portion,
            end_portion=end_portion,
            basis=kind.day_basis,
        )
    except ValueError as exc:
        raise Unprocessable(str(exc), code="invalid_leave_dates") from exc
    if days <= 0:
        raise Unprocessable("the leave covers no working day", code="no_working_days")
    if kind.min_unit and (days / kind.min_unit) % 1 != 0:
        raise Unprocessable(
            f"{kind.name_en} leave is taken in units of {kind.min_unit} day",
            code="invalid_leave_unit",
        )
    candidates = (
        await session.scalars(
            select(LeaveRequest).where(
                LeaveRequest.employee_id == employee_id,
                LeaveRequest.status.in_(LIVE),
                LeaveRequest.start_date <= end,
                LeaveRequest.end_date >= start,
            )
        )
    ).all()
    wanted = half_day_span(start, start_portion, end, end_portion)
    overlapping = next(
        (
            other.id
            for other in candidates
            if spans_overlap(
                wanted,
                half_day_span(
                    other.start_date, other.start_portion, other.end_date, other.end_portion
                ),
            )
        ),
        None,
    )
    if overlapping:
        raise Conflict(
            f"the dates overlap leave request {overlapping}",
            code="leave_overlap",
            overlapping_request_id=str(overlapping),
        )
    if kind.uses_balance:
        held = await balance(session, employee_id, start.year, code, lock=True)
        remaining = held.remaining if held else Decimal("0")
        if held is None or remaining < days:
            raise Unprocessable(
                f"{days} day(s) requested but only {remaining} left of {kind.name_en} leave in {start.year}",
                code="insufficient_leave_balance",
                requested=str(days),
                remaining=str(remaining),
            )
        held.pending += days
    request = LeaveRequest(
        employee_id=employee_id,
        department_id=employee.department_id,
        leave_type=code,
        start_date=start,
        start_portion=start_portion,
        end_date=end,
        end_portion=end_portion,
        days=days,
        balance_year=start.year,
        reason=reason,
        attachment_ref=attachment_ref,
        status="pending",
        created_by=principal.sub,
    )
    SAGA.begin(request, LEAVE_APPROVAL)
    session.add(request)
    await session.flush()
    await _event(session, "hr.leave_request.submitted", request)
    return request


async def get_visible(
    session: AsyncSession, principal: Principal, request_id: uuid.UUID
) -> LeaveRequest:
    """A request the caller may see, or 404."""
    people = await directory.leave_request_scope(session, principal)
    request = await session.get(LeaveRequest, request_id)
    if request is None or (people is not None and request.employee_id not in people):
        raise not_found("leave request", request_id)
    return request


async def visible_requests(
    session: AsyncSession,
    principal: Principal,
    *,
    employee_id: uuid.UUID | None = None,
    status: str | None = None,
    leave_type: str | None = None,
) -> Select[tuple[LeaveRequest]]:
    """The requests the caller may see (the same rule as :func:`get_visible`), filtered."""
    query = select(LeaveRequest)
    people = await directory.leave_request_scope(session, principal)
    if people is not None:
        query = query.where(LeaveRequest.employee_id.in_(people))
    if employee_id:
        query = query.where(LeaveRequest.employee_id == employee_id)
    if status:
        query = query.where(LeaveRequest.status == status)
    if leave_type:
        query = query.where(LeaveRequest.leave_type == leave_type)
    return query


async def absences(
    session: AsyncSession, principal: Principal, day: date, department_id: uuid.UUID | None
) -> list[tuple[LeaveRequest, str, str | None]]:
    """Approved leave covering ``day`` (of a department and its sub-departments, or everyone's):
    each request, the employee's name, and its leave type — only for those who may see that
    person's leave requests. Every employee may ask; a caller who is none gets 403."""
    if not principal.has_role("hr", "admin", "auditor", "gm") and principal.employee_id is None:
        raise Forbidden("only employees see who is away", code="forbidden")
    query = (
        select(LeaveRequest, Employee.name)
        .join(Employee, Employee.id == LeaveRequest.employee_id)
        .where(
            LeaveRequest.status.in_(("approved", "cancellation_pending")),
            LeaveRequest.start_date <= day,
            LeaveRequest.end_date >= day,
        )
    )
    if department_id is not None:
        scope = directory.subtree(await directory.departments(session), department_id)
        query = query.where(Employee.department_id.in_(scope))
    rows = (await session.execute(query.order_by(Employee.name))).tuples().all()
    people = await directory.leave_request_scope(session, principal)
    return [
        (leave, name, leave.leave_type if people is None or leave.employee_id in people else None)
        for leave, name in rows
    ]


async def cancel(
    session: AsyncSession,
    workflow: ServiceClient,
    principal: Principal,
    request: LeaveRequest,
    today: date,
) -> LeaveRequest:
    """Cancel: before it starts the days come back at once; once it started, cancelling needs
    approval (the request then awaits a ``leave_cancellation`` approval, started once committed).

    A pending request is cancelled only if workflow withdraws its approval: if workflow says
    the approval already ended, the cancellation is rolled back (409
    ``approval_already_completed``) and hr applies the outcome when it arrives, so the two
    services never disagree. A request whose approval workflow refused to start
    (``approval_refused``, its days already given back) is simply cancelled.
    """
    if principal.employee_id != request.employee_id and not principal.has_role("hr", "admin"):
        raise Forbidden("only the employee or HR cancels a leave request", code="forbidden")
    if request.status == "pending":
        await _release(session, request, "pending")
        request.status = "cancelled"
        request.decided_at = utcnow()
        await _event(
            session, "hr.leave_request.cancelled", request, reason="cancelled before approval"
        )
        # Written (and the row locked) before workflow is asked: the outcome that workflow
        # publishes at once then waits for this transaction, which it finds cancelled — or,
        # if workflow refuses, finds the request pending again after the rollback.
        await session.flush()
        await SAGA.withdraw(session, workflow, request, LEAVE_APPROVAL)
    elif request.status == "approval_refused":
        request.status = "cancelled"
        await _event(session, "hr.leave_request.cancelled", request, reason="approval refused")
    elif request.status == "approved" and request.start_date > today:
        await _release(session, request, "used")
        request.status = "cancelled"
        request.decided_at = utcnow()
        await _event(
            session, "hr.leave_request.cancelled", request, reason="cancelled before it started"
        )
    elif request.status == "approved":
        request.status = "cancellation_pending"
        SAGA.begin(request, CANCELLATION_APPROVAL)  # a refused earlier cancellation's is over
    else:
        raise Conflict(
            f"a {request.status.replace('_', ' ')} leave request cannot be cancelled",
            code="invalid_leave_transition",
        )
    await session.flush()
    return request


async def _release(session: AsyncSession, request: LeaveRequest, column: str) -> None:
    kind = await leave_type(session, request.leave_type)
    if not kind.uses_balance:
        return
    held = await balance(
        session, request.employee_id, request.balance_year, request.leave_type, lock=True
    )
    if held is None:
        raise NotFound("the balance of this request is gone", code="balance_missing")
    setattr(held, column, getattr(held, column) - request.days)


async def _move_to_used(session: AsyncSession, request: LeaveRequest) -> None:
    kind = await leave_type(session, request.leave_type)
    if not kind.uses_balance:
        return
    held = await balance(
        session, request.employee_id, request.balance_year, request.leave_type, lock=True
    )
    assert held is not None
    held.pending -= request.days
    held.used += request.days


# ---- the approvals, on the kit saga ------------------------------------------------------


async def _describe(session: AsyncSession, request: LeaveRequest) -> StartRequest:
    employee = await session.get(Employee, request.employee_id)
    kind = await session.scalar(select(LeaveType).where(LeaveType.code == request.leave_type))
    if employee is None or kind is None:
        raise ServiceUnavailable("the employee or leave type of this request is unknown to hr")
    cancellation = request.status == "cancellation_pending"
    # The same whether the request was just computed (1) or read back (1.0): the start is
    # asked again with one idempotency key, and workflow refuses another body under it.
    days = f"{request.days.normalize():f}"
    return StartRequest(
        requester_employee_id=employee.id,
        title=(
            f"撤销请假：{employee.name} {days} 天"
            if cancellation
            else f"{employee.name} {kind.name} {days} 天"
        ),
        summary=f"{request.start_date} – {request.end_date}: {request.reason}",
        data={"days": float(request.days), "leave_type": kind.code, "cancellation": cancellation},
    )


async def _approved(session: AsyncSession, request: LeaveRequest) -> None:
    await _move_to_used(session, request)
    await _decide(session, request, "approved", "hr.leave_request.approved")


async def _rejected(session: AsyncSession, request: LeaveRequest) -> None:
    await _release(session, request, "pending")
    await _decide(session, request, "rejected", "hr.leave_request.rejected", reason="rejected")


async def _withdrawn(session: AsyncSession, request: LeaveRequest) -> None:
    await _release(session, request, "pending")
    await _decide(session, request, "withdrawn", "hr.leave_request.cancelled", reason="withdrawn")


async def _refused(session: AsyncSession, request: LeaveRequest) -> None:
    """workflow will never start this approval (say, no approver for the employee): the days
    come back and the request ends ``approval_refused``."""
    await _release(session, request, "pending")
    await _decide(
        session,
        request,
        "approval_refused",
        "hr.leave_request.rejected",
        reason="approval refused by workflow",
    )


async def _cancellation_approved(session: AsyncSession, request: LeaveRequest) -> None:
    await _release(session, request, "used")
    await _decide(
        session, request, "cancelled", "hr.leave_request.cancelled", reason="cancellation approved"
    )


async def _cancellation_not_approved(session: AsyncSession, request: LeaveRequest) -> None:
    request.status = "approved"  # the leave stands; it may be cancelled again


async def _decide(
    session: AsyncSession, request: LeaveRequest, status: str, event_type: str, **extra: Any
) -> None:
    request.status = status
    request.decided_at = utcnow()
    await _event(session, event_type, request, **extra)


LEAVE_APPROVAL: Approval[LeaveRequest] = Approval(
    subject_type=SUBJECT_TYPE,
    definition_key="leave",
    instance_attr="workflow_instance_id",
    is_open=lambda request: request.status == "pending",
    describe=_describe,
    outcomes={"approved": _approved, "rejected": _rejected, "withdrawn": _withdrawn},
    refused=_refused,
)
CANCELLATION_APPROVAL: Approval[LeaveRequest] = Approval(
    subject_type=CANCELLATION_TYPE,
    definition_key="leave",
    instance_attr="cancellation_instance_id",
    is_open=lambda request: request.status == "cancellation_pending",
    describe=_describe,
    outcomes={
        "approved": _cancellation_approved,
        "rejected": _cancellation_not_approved,
        "withdrawn": _cancellation_not_approved,
    },
    refused=_cancellation_not_approved,
    repeatable=True,  # a leave may be asked to be cancelled again after a refusal
)
SAGA = ApprovalSaga("hr", LeaveRequest, [LEAVE_APPROVAL, CANCELLATION_APPROVAL], backoff=Backoff())
