"""Leave requests: days from the calendar, balances reserved, approval through workflow (a saga).

The rules here record; they never call workflow to *start* an approval before what they
recorded is committed — the router commits, then :mod:`services.hr.domain.approvals` starts it.
"""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.models import CalendarDay, Employee, LeaveBalance, LeaveRequest, LeaveType
from services.hr.domain import approvals
from services.hr.domain.approvals import CANCELLATION_TYPE, SUBJECT_TYPE
from services.hr.domain.calendar import Calendar, EndPortion, StartPortion, leave_days
from shared.contracts.events import EventEnvelope
from shared.contracts.principal import Principal
from shared.kit.db import utcnow
from shared.kit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Unprocessable,
    not_found,
)
from shared.kit.outbox import record_event
from shared.kit.service_client import ServiceClient

LIVE = ("pending", "approved", "cancellation_pending")


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
    principal: Principal,
    *,
    employee_id: uuid.UUID,
    code: str,
    start: date,
    end: date,
    start_portion: StartPortion,
    end_portion: EndPortion,
    reason: str,
    attachment_ref: str | None,
) -> LeaveRequest:
    """Check and reserve the days: a ``pending`` request awaiting its ``leave`` approval, which
    is started once this is committed (nothing is kept if a check fails)."""
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
    session.add(request)
    await session.flush()
    await _event(session, "hr.leave_request.submitted", request)
    return request


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
    """Cancel: before it starts the days come back at once; once it started, cancelling needs
    approval (the request then awaits a ``leave_cancellation`` approval, started once committed).

    A pending request is cancelled only if workflow withdraws its approval: if workflow says
    the approval already ended, the cancellation is rolled back (409
    ``approval_already_completed``) and hr applies the outcome when it arrives, so the two
    services never disagree.
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
        await _withdraw_approval(session, workflow, request)
    elif request.status == "approved" and request.start_date > today:
        await _release(session, request, "used")
        request.status = "cancelled"
        request.decided_at = utcnow()
        await _event(
            session, "hr.leave_request.cancelled", request, reason="cancelled before it started"
        )
    elif request.status == "approved":
        request.status = "cancellation_pending"
        request.cancellation_instance_id = None  # a refused earlier cancellation's is over
    else:
        raise Conflict(
            f"a {request.status.replace('_', ' ')} leave request cannot be cancelled",
            code="invalid_leave_transition",
        )
    await session.flush()
    return request


async def _withdraw_approval(
    session: AsyncSession, workflow: ServiceClient, request: LeaveRequest
) -> None:
    instance_id = request.workflow_instance_id
    if instance_id is None:
        # Its start may have reached workflow without hr hearing back: asking again with the
        # same key returns that instance (or starts it) so it can be withdrawn, never orphaned.
        instance_id = await approvals.request_instance(session, workflow, request, SUBJECT_TYPE)
        if instance_id is None:
            return  # workflow refused to start it: there is nothing to withdraw
        request.workflow_instance_id = instance_id
    if await approvals.withdraw(workflow, instance_id):
        return
    status = await approvals.instance_status(workflow, instance_id)
    raise Conflict(
        f"the approval has already ended in workflow ({status or 'completed'}); hr applies its "
        "outcome shortly — read the request again, then cancel it if it was approved",
        code="approval_already_completed",
        approval_status=status,
    )


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
    # Locked: a cancel that is asking workflow to withdraw this approval right now is waited
    # for, and its outcome read, instead of being overwritten.
    request = await session.get(LeaveRequest, uuid.UUID(subject["id"]), with_for_update=True)
    if request is None:
        return  # not hr's request (hr commits a request before its approval starts)
    instance_id = uuid.UUID(str(event.data.get("instance_id") or event.subject.id))
    outcome = event.data.get("outcome")
    now = utcnow()
    if subject.get("type") == SUBJECT_TYPE and request.status == "pending":
        if request.workflow_instance_id not in (None, instance_id):
            return  # an instance the request does not wait for
        request.workflow_instance_id = instance_id  # known now even if the start's answer was lost
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
        if request.cancellation_instance_id not in (None, instance_id):
            return
        request.cancellation_instance_id = instance_id
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
