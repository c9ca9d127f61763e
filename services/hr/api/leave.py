"""``/api/v1/hr/leave-balances``, ``/leave-requests`` and ``/absences``."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import Query, Request, Response

from services.hr.api.deps import HrStaff, Today, WorkflowClient
from services.hr.db.models import LeaveBalance, LeaveRequest
from services.hr.db.settlements import LeaveSettlement
from services.hr.domain import allocation
from services.hr.domain import balances as balance_rules
from services.hr.domain import leave as leave_rules
from services.hr.schemas import (
    Absence,
    AdjustmentCreate,
    Allocation,
    AllocationResult,
    BalanceRead,
    LeaveRequestCreate,
    LeaveRequestRead,
    LeaveSettlementRead,
    LeaveStatus,
)
from shared.contracts.page import Page
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.errors import Forbidden
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.params import me_or_id_query, parse_me_or_id
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/hr", tags=["hr: leave"])


@router.get("/leave-balances", response_model=list[BalanceRead], summary="Leave balances")
async def list_balances(
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
    employee_id: Annotated[str, me_or_id_query()] = "me",
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> list[LeaveBalance]:
    """Entitled, adjusted, used, pending and remaining days per leave type that uses a balance."""
    target = parse_me_or_id(employee_id) or principal.employee_id
    return await balance_rules.visible_balances(session, principal, target, year or today.year)


@router.get(
    "/leave-settlements",
    response_model=list[LeaveSettlementRead],
    summary="Leavers' annual leave, settled for payroll",
    responses={403: {"description": "Only HR, admins and auditors read them (`hr_only`)."}},
)
async def list_leave_settlements(
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> list[LeaveSettlement]:
    """Everyone who left in ``year`` (default: this year): days worked, what they earned of the
    year's annual leave and the untaken whole days payroll pays for (settled when org's leaving
    event reached hr)."""
    if not principal.has_role("hr", "admin", "auditor"):
        raise Forbidden("only HR, admins and auditors read leave settlements", code="hr_only")
    return await allocation.settlements(session, year or today.year)


@router.post(
    "/leave-balances/allocate",
    response_model=AllocationResult,
    summary="Allocate a year's balances",
)
async def allocate_balances(
    payload: Allocation, session: SessionDep, _hr: HrStaff
) -> AllocationResult:
    """Give every current employee the year's balances (statutory annual leave); safe to run again."""
    result = await balance_rules.allocate(session, payload.year)
    return AllocationResult(year=payload.year, **result)


@router.post(
    "/leave-balances/{balance_id}/adjustments",
    response_model=BalanceRead,
    summary="Adjust a balance",
)
async def adjust_balance(
    balance_id: uuid.UUID,
    payload: AdjustmentCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    hr: HrStaff,
) -> LeaveBalance:
    """Add or take away days with a reason (HR; audited)."""
    held = await balance_rules.get(session, balance_id)
    check_if_match(request, held.version)
    held = await balance_rules.adjust(session, held, payload.delta, payload.reason, hr.sub)
    set_etag(response, held.version)
    return held


@router.post(
    "/leave-requests", status_code=201, response_model=LeaveRequestRead, summary="Ask for leave"
)
async def create_leave_request(
    payload: LeaveRequestCreate,
    http: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    workflow: WorkflowClient,
) -> LeaveRequest:
    """Compute the days from the calendar, reserve them, and start the ``leave`` approval.

    Refused: dates in the wrong order (422), overlapping another pending or approved request
    (409 ``leave_overlap``), more than the remaining balance (422 ``insufficient_leave_balance``),
    a type that needs a document without one (422 ``document_required``). The request is kept
    even when workflow cannot be reached: ``workflow_instance_id`` is then null until hr has
    started the approval (it retries in the background).
    """
    request = await leave_rules.submit(
        session,
        principal,
        employee_id=payload.employee_id,
        code=payload.leave_type,
        start=payload.start_date,
        end=payload.end_date,
        start_portion=payload.start_portion,
        end_portion=payload.end_portion,
        reason=payload.reason,
        attachment_ref=payload.attachment_ref,
    )
    await leave_rules.SAGA.commit_and_start(runtime_of(http), session, workflow, request)
    response.headers["Location"] = f"/api/v1/hr/leave-requests/{request.id}"
    set_etag(response, request.version)
    return request


@router.get("/leave-requests", response_model=Page[LeaveRequestRead], summary="List leave requests")
async def list_leave_requests(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("start_date", "created_at")],
    employee_id: Annotated[str | None, me_or_id_query()] = None,
    status: LeaveStatus | None = None,
    leave_type: str | None = None,
) -> Page[LeaveRequestRead]:
    """The caller's own, their people's (managers and department heads), or everyone's (HR,
    admins, auditors and the general manager, who reads every request)."""
    query = await leave_rules.visible_requests(
        session,
        principal,
        employee_id=(parse_me_or_id(employee_id) or principal.employee_id) if employee_id else None,
        status=status,
        leave_type=leave_type,
    )
    return await paginate(
        session,
        query,
        params,
        sortable={"start_date": LeaveRequest.start_date, "created_at": LeaveRequest.created_at},
        id_column=LeaveRequest.id,
        default_sort="-created_at",
        to_item=LeaveRequestRead.model_validate,
    )


@router.get(
    "/leave-requests/{request_id}", response_model=LeaveRequestRead, summary="Read a leave request"
)
async def read_leave_request(
    request_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> LeaveRequest:
    """One request the caller may see (404 otherwise)."""
    request = await leave_rules.get_visible(session, principal, request_id)
    set_etag(response, request.version)
    return request


@router.post(
    "/leave-requests/{request_id}/cancel",
    response_model=LeaveRequestRead,
    summary="Cancel a leave request",
)
async def cancel_leave_request(
    request_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    workflow: WorkflowClient,
    today: Today,
) -> LeaveRequest:
    """Before the start date the days come back at once; after it, the cancellation needs approval.

    A pending request's approval is withdrawn first; when workflow has already decided it, the
    answer is 409 ``approval_already_completed`` and nothing changes (hr applies the outcome).
    """
    leave = await leave_rules.get_visible(session, principal, request_id)
    check_if_match(request, leave.version)
    leave = await leave_rules.cancel(session, workflow, principal, leave, today)
    await leave_rules.SAGA.commit_and_start(runtime_of(request), session, workflow, leave)
    set_etag(response, leave.version)
    return leave


@router.get("/absences", response_model=list[Absence], summary="Who is away")
async def list_absences(
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
    department_id: uuid.UUID | None = None,
    on: Annotated[date | None, Query(alias="date", description="Defaults to today.")] = None,
) -> list[Absence]:
    """Approved leave covering the date, for a department and its sub-departments (or everyone)."""
    away = await leave_rules.absences(session, principal, on or today, department_id)
    return [
        Absence(
            employee_id=leave.employee_id,
            employee_name=name,
            department_id=leave.department_id,
            leave_type=leave_type,
            start_date=leave.start_date,
            end_date=leave.end_date,
            request_id=leave.id,
        )
        for leave, name, leave_type in away
    ]
