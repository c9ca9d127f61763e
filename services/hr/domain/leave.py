"""Leave requests: days from the calendar, balances reserved, approval through workflow (a saga)."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.models import CalendarDay, Employee, LeaveBalance, LeaveRequest, LeaveType
from services.hr.domain.calendar import Calendar, leave_days
from shared.contracts.events import EventEnvelope
from shared.contracts.principal import Principal
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


def half_day_span(start: date, start_portion: str, end: date, end_portion: str) -> tuple[int, int]:
    """A leave as a half-open range of half days, so a morning and an afternoon can sit side by side."""
    first = start.toordinal() * 2 + (1 if start_portion == "afternoon" else 0)
    last = end.toordinal() * 2 + (1 if end_portion == "morning" else 2)
    return first, last


def spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when two half-day ranges share a half day."""
    return a[0] < b[1] and b[0] < a[1]


async def calendar_for(session: AsyncSession, start: date, end: date) -> Calendar:
    """The special days between two dates."""
    rows = (
        await session.scalars(
            select(CalendarDay).where(CalendarDay.day >= start, CalendarDay.day <= end)
        )
    ).all()
    return Calendar(
        holidays=frozenset(r.day for r in rows if r.kind == "holiday"),
        workdays=frozenset(r.day for r in rows if r.kind == "workday"),
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
    workflow: ServiceClient,
    principal: Principal,
    *,
    employee_id: uuid.UUID,
    code: str,
    start: date,
    end: date,
    start_portion: str,
    end_portion: str,
    reason: str,
    attachment_ref: str | None,
) -> LeaveRequest:
    """Check, reserve the days, and start the ``leave`` approval; nothing is kept if any step fails."""
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
            basis=kind.day_basis,  # type: ignore[arg-type]
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
    session.add(request)
    await session.flush()
    request.workflow_instance_id = await _start_approval(
        workflow, request, employee, kind, SUBJECT_TYPE, f"{employee.name} {kind.name} {days} 天"
    )
    await _event(session, "hr.leave_request.submitted", request)
    await session.flush()
    return request


async def _start_approval(
    workflow: ServiceClient,
    request: LeaveRequest,
    employee: Employee,
    kind: LeaveType,
    subject_type: str,
    title: str,
) -> uuid.UUID:
    # The idempotency key: a retried call can never start a second approval. A cancellation
    # may be asked again after a refused one, so its key also carries the request's version
    # (it moved when the refusal came back); otherwise workflow would replay the answer it
    # stored for the first, already closed, approval and the request would wait forever.
    key = f"{subject_type}:{request.id}"
    if subject_type == CANCELLATION_TYPE:
        key = f"{key}:{request.version}"
    response = await workflow.request(
        "POST",
        "/api/v1/workflow/instances",
        json={
            "definition_key": "leave",
            "subject": {"service": "hr", "type": subject_type, "id": str(request.id)},
            "requester_employee_id": str(employee.id),
            "title": title,
            "summary": f"{request.start_date} – {request.end_date}: {request.reason}"[:5000],
            "data": {
                "days": float(request.days),
                "leave_type": kind.code,
                "cancellation": subject_type == CANCELLATION_TYPE,
            },
        },
        headers={"Idempotency-Key": key},
    )
    if response.status_code != 201:
        raise ServiceUnavailable(
            f"the approval could not be started (workflow answered {response.status_code})"
        )
    return uuid.UUID(response.json()["id"])


async def get_visible(
    session: AsyncSession, request_id: uuid.UUID, people: set[uuid.UUID] | None
) -> LeaveRequest:
    """A request the caller may see, or 404."""
    request = await session.get(LeaveRequest, request_id)
    if request is None or (people is not None and request.employee_id not in people):
        raise not_found("leave request", request_id)
    return request


async def cancel(
    session: AsyncSession,
    workflow: ServiceClient,
    principal: Principal,
    request: LeaveRequest,
    today: date,
) -> LeaveRequest:
    """Cancel: before it starts the days come back at once; once it started, cancelling needs approval."""
    if principal.employee_id != request.employee_id and not principal.has_role("hr", "admin"):
        raise Forbidden("only the employee or HR cancels a leave request", code="forbidden")
    if request.status == "pending":
        await _release(session, request, "pending")
        request.status = "cancelled"
        request.decided_at = utcnow()
        await _event(
            session, "hr.leave_request.cancelled", request, reason="cancelled before approval"
        )
        if request.workflow_instance_id:
            # The approval is withdrawn; its "withdrawn" outcome then finds the request already cancelled.
            response = await workflow.request(
                "POST", f"/api/v1/workflow/instances/{request.workflow_instance_id}/withdraw"
            )
            if response.status_code not in (200, 409):
                raise ServiceUnavailable(
                    f"the approval could not be withdrawn (workflow answered {response.status_code})"
                )
    elif request.status == "approved" and request.start_date > today:
        await _release(session, request, "used")
        request.status = "cancelled"
        request.decided_at = utcnow()
        await _event(
            session, "hr.leave_request.cancelled", request, reason="cancelled before it started"
        )
    elif request.status == "approved":
        employee = await session.get(Employee, request.employee_id)
        kind = await leave_type(session, request.leave_type)
        assert employee is not None
        request.status = "cancellation_pending"
        request.cancellation_instance_id = await _start_approval(
            workflow,
            request,
            employee,
            kind,
            CANCELLATION_TYPE,
            f"撤销请假：{employee.name} {request.days} 天",
        )
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


async def apply_outcome(session: AsyncSession, event: EventEnvelope) -> None:
    """``workflow.instance.completed`` for one of hr's leave subjects: apply it (exactly once —
    the consumer's cursor moves in this same transaction)."""
    subject = event.data.get("subject", {})
    if event.type != "workflow.instance.completed" or subject.get("service") != "hr":
        return
    request = await session.get(LeaveRequest, uuid.UUID(subject["id"]))
    if request is None:
        return  # an approval whose request never committed: nothing to apply
    outcome = event.data.get("outcome")
    now = utcnow()
    if subject.get("type") == SUBJECT_TYPE and request.status == "pending":
        if outcome == "approved":
            await _move_to_used(session, request)
            request.status = "approved"
            request.decided_at = now
            await _event(session, "hr.leave_request.approved", request)
        elif outcome in ("rejected", "withdrawn"):
            await _release(session, request, "pending")
            request.status = "rejected" if outcome == "rejected" else "withdrawn"
            request.decided_at = now
            await _event(
                session,
                "hr.leave_request.rejected"
                if outcome == "rejected"
                else "hr.leave_request.cancelled",
                request,
                reason=outcome,
            )
    elif subject.get("type") == CANCELLATION_TYPE and request.status == "cancellation_pending":
        if outcome == "approved":
            await _release(session, request, "used")
            request.status = "cancelled"
            request.decided_at = now
            await _event(
                session, "hr.leave_request.cancelled", request, reason="cancellation approved"
            )
        else:
            request.status = "approved"
    await session.flush()
