"""Business travel: standards, travel requests and reimbursements, approved through workflow.

A travel request runs the ``travel_request`` approval (its conditions read ``abroad`` and
``days``); a reimbursement, filed against an approved trip, runs ``expense_claim`` and shows the
standard check (:mod:`services.logistics.domain.travel_check`) in its summary and data. Both run
on the kit's approval saga (``REQUEST_SAGA``, ``REIMBURSEMENT_SAGA`` at the end of the module).
The traveller's grade and department come from org when the request is filed (a snapshot: the
standard of the grade they travelled at applies). Approved advances and reimbursements are
published as posting facts (``shared/contracts/logistics_travel_events.py``) that finance turns
into payables and pays.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.travel import (
    Reimbursement,
    ReimbursementLine,
    TravelRequest,
    TravelStandard,
)
from services.logistics.domain.travel_check import (
    Receipt,
    Standard,
    check_receipts,
    trip_days,
)
from shared.contracts.logistics_travel_events import (
    ReimbursementApproved,
    TravelAdvanceApproved,
)
from shared.contracts.posting_facts import FactComponent
from shared.contracts.principal import Principal
from shared.kit.approvals import Approval, ApprovalSaga, Backoff, StartRequest
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Forbidden, NotFound, Unprocessable, not_found
from shared.kit.outbox import record_event
from shared.kit.service_client import ServiceClient

ZERO = Decimal("0.00")
MANAGERS = ("logistics", "admin")
STANDARD_KEEPERS = ("logistics", "finance", "admin")
READERS = ("logistics", "finance", "admin", "auditor")


# ---- who may ------------------------------------------------------------------------------


def is_manager(principal: Principal) -> bool:
    """Logistics staff (and admins) manage travel."""
    return principal.has_role(*MANAGERS)


def require_standard_keeper(principal: Principal) -> None:
    """Logistics and finance (and admins) keep the standards."""
    if not principal.has_role(*STANDARD_KEEPERS):
        raise Forbidden("only logistics or finance keep travel standards", code="logistics_only")


def may_see(principal: Principal, employee_id: uuid.UUID) -> bool:
    """Staff, finance and auditors see every trip; an employee their own."""
    return principal.has_role(*READERS) or principal.employee_id == employee_id


def traveller_of(principal: Principal, employee_id: uuid.UUID | None) -> uuid.UUID:
    """Whose trip: the caller's own, or anyone's when logistics files it."""
    if employee_id is None or employee_id == principal.employee_id:
        if principal.employee_id is None:
            raise Unprocessable(
                "this account is not linked to an employee: name the traveller",
                code="no_employee",
            )
        return principal.employee_id
    if not is_manager(principal):
        raise Forbidden("only logistics files trips for someone else", code="forbidden")
    return employee_id


# ---- standards -------------------------------------------------------------------------------


async def standard_in_force(
    session: AsyncSession, grade: str, city_tier: str, on: date
) -> TravelStandard | None:
    """The standard of ``grade`` (else of every grade, ``*``) in ``city_tier`` on ``on``."""
    rows = (
        await session.scalars(
            select(TravelStandard).where(
                TravelStandard.grade.in_((grade, "*")),
                TravelStandard.city_tier == city_tier,
                TravelStandard.effective_from <= on,
                or_(TravelStandard.effective_to.is_(None), TravelStandard.effective_to > on),
            )
        )
    ).all()
    if not rows:
        return None
    # the grade's own standard wins over ``*``; then the latest start
    return max(rows, key=lambda s: (s.grade != "*", s.effective_from))


async def check_standard(session: AsyncSession, standard: TravelStandard) -> None:
    """Its dates in order (422), and two standards of one grade and tier never cover the same
    day (409 ``standard_overlap``)."""
    if standard.effective_to is not None and standard.effective_to <= standard.effective_from:
        raise Unprocessable(
            "effective_to must come after effective_from", code="dates_out_of_order"
        )
    others = (
        await session.scalars(
            select(TravelStandard).where(
                TravelStandard.grade == standard.grade,
                TravelStandard.city_tier == standard.city_tier,
                TravelStandard.id != standard.id,
            )
        )
    ).all()
    for other in others:
        starts_before_other_ends = other.effective_to is None or (
            standard.effective_from < other.effective_to
        )
        ends_after_other_starts = (
            standard.effective_to is None or standard.effective_to > other.effective_from
        )
        if starts_before_other_ends and ends_after_other_starts:
            raise Conflict(
                f"the standard {other.id} of grade {other.grade} in {other.city_tier} "
                "already covers some of these dates: end it first",
                code="standard_overlap",
                overlapping_standard_id=str(other.id),
            )


def standard_data(standard: TravelStandard) -> dict[str, Any]:
    """The standard as its events carry it."""
    return {
        "grade": standard.grade,
        "city_tier": standard.city_tier,
        "hotel_cap_per_night": standard.hotel_cap_per_night,
        "per_diem": standard.per_diem,
        "transport_class": standard.transport_class,
        "effective_from": standard.effective_from,
        "effective_to": standard.effective_to,
    }


# ---- the traveller, from org ---------------------------------------------------------------


@dataclass(frozen=True)
class Traveller:
    """What logistics needs to know of a traveller: grade (``*`` without a position) and
    department."""

    employee_id: uuid.UUID
    grade: str
    department_id: uuid.UUID | None


async def traveller(client: ServiceClient, employee_id: uuid.UUID) -> Traveller:
    """The traveller's grade and department as org knows them now (422 for an unknown or
    departed employee; 503 when org cannot be reached)."""
    employee = await client.get_record(f"/api/v1/org/employees/{employee_id}", employee_id)
    if employee is None or employee.get("status") == "left":
        raise Unprocessable(f"org knows no current employee {employee_id}", code="unknown_employee")
    grade = "*"
    position_id = employee.get("position_id")
    if position_id:
        position = await client.get_record(f"/api/v1/org/positions/{position_id}", position_id)
        if position is not None and position.get("grade"):
            grade = str(position["grade"])
    department = employee.get("department_id")
    return Traveller(employee_id, grade, uuid.UUID(department) if department else None)


# ---- travel requests ---------------------------------------------------------------------------


def request_data(request: TravelRequest) -> dict[str, Any]:
    """The request as its events carry it."""
    return {
        "employee_id": request.employee_id,
        "destination": request.destination,
        "city_tier": request.city_tier,
        "start_date": request.start_date,
        "end_date": request.end_date,
        "days": trip_days(request.start_date, request.end_date),
        "abroad": request.city_tier == "abroad",
        "estimated_cost": request.estimated_cost,
        "advance": request.advance,
        "status": request.status,
    }


async def request_event(session: AsyncSession, event_type: str, request: TravelRequest) -> None:
    """Record a travel request's event."""
    await record_event(
        session,
        event_type,
        subject_type="travel_request",
        subject_id=request.id,
        data=request_data(request),
    )


def new_request(
    who: Traveller,
    *,
    destination: str,
    city_tier: str,
    start_date: date,
    end_date: date,
    purpose: str,
    estimated_cost: Decimal,
    advance: Decimal,
    today: date,
    created_by: str,
) -> TravelRequest:
    """A travel request, checked: dates in order and not over, an advance within the estimate."""
    if end_date < start_date:
        raise Unprocessable("the trip ends before it starts", code="dates_out_of_order")
    if end_date < today:
        raise Unprocessable("the trip is already over: file it before travelling", code="trip_past")
    if advance > estimated_cost:
        raise Unprocessable(
            f"an advance of {advance} is more than the estimated cost {estimated_cost}",
            code="advance_exceeds_estimate",
        )
    request = TravelRequest(
        employee_id=who.employee_id,
        department_id=who.department_id,
        grade=who.grade,
        destination=destination,
        city_tier=city_tier,
        start_date=start_date,
        end_date=end_date,
        purpose=purpose,
        estimated_cost=estimated_cost,
        advance=advance,
        status="pending",
        created_by=created_by,
    )
    REQUEST_SAGA.begin(request, REQUEST_APPROVAL)
    return request


async def get_request(
    session: AsyncSession, principal: Principal, request_id: uuid.UUID, *, lock: bool = False
) -> TravelRequest:
    """A travel request the caller may see (404 otherwise)."""
    query = select(TravelRequest).where(TravelRequest.id == request_id)
    if lock:
        query = query.with_for_update()
    request = await session.scalar(query)
    if request is None or not may_see(principal, request.employee_id):
        raise not_found("travel request", request_id)
    return request


async def withdraw_request(
    session: AsyncSession, workflow: ServiceClient, principal: Principal, request: TravelRequest
) -> None:
    """The traveller (or logistics) withdraws a pending request; 409 once decided."""
    if principal.employee_id != request.employee_id and not is_manager(principal):
        raise Forbidden("only the traveller or logistics withdraws a trip", code="forbidden")
    if request.status != "pending":
        raise Conflict(f"the request is already {request.status}", code="not_pending")
    request.status = "withdrawn"
    await session.flush()
    await REQUEST_SAGA.withdraw(session, workflow, request, REQUEST_APPROVAL)
    await request_event(session, "logistics.travel_request.withdrawn", request)


async def _describe_request(session: AsyncSession, request: TravelRequest) -> StartRequest:
    days = trip_days(request.start_date, request.end_date)
    return StartRequest(
        requester_employee_id=request.employee_id,
        title=f"出差申请：{request.destination}（{days} 天）",
        summary=(
            f"{request.start_date} – {request.end_date}, {request.destination} "
            f"({request.city_tier}): {request.purpose}; 预计 ¥{request.estimated_cost}, "
            f"借支 ¥{request.advance}"
        ),
        data={
            "abroad": request.city_tier == "abroad",
            "days": days,
            "amount": float(request.estimated_cost),
            "advance": float(request.advance),
            "city_tier": request.city_tier,
        },
    )


async def _request_approved(session: AsyncSession, request: TravelRequest) -> None:
    request.status = "approved"
    await request_event(session, "logistics.travel_request.approved", request)
    if request.advance > ZERO:
        fact = TravelAdvanceApproved(
            source_id=str(request.id),
            occurred_on=utcnow().date(),  # the day it was approved: paid before the trip
            memo=f"出差借支 {request.destination} {request.start_date}",
            components=[
                FactComponent(
                    component="advance",
                    amount=request.advance,
                    employee_id=request.employee_id,
                    department_id=request.department_id,
                    description=f"travel advance: {request.destination}",
                )
            ],
            travel_request_id=request.id,
            employee_id=request.employee_id,
        )
        await record_event(
            session,
            "logistics.travel_advance.approved",
            subject_type="travel_request",
            subject_id=request.id,
            data=fact,
        )


def _request_ends(status: str, event_type: str) -> Any:
    async def apply(session: AsyncSession, request: TravelRequest) -> None:
        request.status = status
        await request_event(session, event_type, request)

    return apply


REQUEST_APPROVAL: Approval[TravelRequest] = Approval(
    subject_type="travel_request",
    definition_key="travel_request",
    instance_attr="workflow_instance_id",
    is_open=lambda request: request.status == "pending",
    describe=_describe_request,
    outcomes={
        "approved": _request_approved,
        "rejected": _request_ends("rejected", "logistics.travel_request.rejected"),
        "withdrawn": _request_ends("withdrawn", "logistics.travel_request.withdrawn"),
    },
    refused=_request_ends("approval_refused", "logistics.travel_request.rejected"),
)
REQUEST_SAGA = ApprovalSaga("logistics", TravelRequest, [REQUEST_APPROVAL], backoff=Backoff())


# ---- reimbursements --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptLine:
    """A receipt line as filed, with its justification if it is over the standard."""

    receipt: Receipt
    receipt_ref: str | None
    description: str
    justification: str | None


async def file_reimbursement(
    session: AsyncSession,
    principal: Principal,
    request: TravelRequest,
    lines: list[ReceiptLine],
    note: str,
) -> Reimbursement:
    """Check each line against the standard in force on its date and record the
    reimbursement, awaiting its approval. Refused: a trip not approved (409
    ``trip_not_approved``), one with a reimbursement pending or approved (409
    ``reimbursement_exists``), a flagged line without a justification (422
    ``justification_required``)."""
    if principal.employee_id != request.employee_id and not is_manager(principal):
        raise Forbidden("only the traveller or logistics files the reimbursement", code="forbidden")
    if request.status != "approved":
        raise Conflict(
            f"the trip is {request.status}: only an approved trip is reimbursed",
            code="trip_not_approved",
        )
    existing = await session.scalar(
        select(Reimbursement.id).where(
            Reimbursement.travel_request_id == request.id,
            Reimbursement.status.in_(("pending", "approved")),
        )
    )
    if existing is not None:
        raise Conflict(
            "this trip already has a reimbursement pending or approved",
            code="reimbursement_exists",
            reimbursement_id=str(existing),
        )
    standards: dict[date, Standard | None] = {}
    for line in lines:
        day = line.receipt.spent_on
        if day not in standards:
            found = await standard_in_force(session, request.grade, request.city_tier, day)
            standards[day] = (
                Standard(found.hotel_cap_per_night, found.per_diem, found.transport_class)
                if found is not None
                else None
            )
    checks = check_receipts(
        [line.receipt for line in lines],
        trip_start=request.start_date,
        trip_end=request.end_date,
        standard_on=standards.__getitem__,
    )
    unjustified = [
        index
        for index, (line, check) in enumerate(zip(lines, checks, strict=True))
        if not check.within_standard and not (line.justification or "").strip()
    ]
    if unjustified:
        raise Unprocessable(
            "lines over the travel standard need a justification",
            code="justification_required",
            lines=unjustified,
            findings={str(i): list(checks[i].findings) for i in unjustified},
        )
    reimbursement = Reimbursement(
        travel_request_id=request.id,
        employee_id=request.employee_id,
        department_id=request.department_id,
        total=sum((line.receipt.amount for line in lines), ZERO),
        advance=request.advance,
        over_standard=any(not check.within_standard for check in checks),
        note=note,
        status="pending",
        created_by=principal.sub,
    )
    reimbursement.lines = [
        ReimbursementLine(
            line_no=number,
            category=line.receipt.category,
            amount=line.receipt.amount,
            spent_on=line.receipt.spent_on,
            nights=line.receipt.nights,
            transport_class=line.receipt.transport_class,
            receipt_ref=line.receipt_ref,
            description=line.description,
            justification=line.justification,
            within_standard=check.within_standard,
            allowed=check.allowed,
            findings=list(check.findings),
        )
        for number, (line, check) in enumerate(zip(lines, checks, strict=True), start=1)
    ]
    REIMBURSEMENT_SAGA.begin(reimbursement, REIMBURSEMENT_APPROVAL)
    session.add(reimbursement)
    await session.flush()
    await reimbursement_event(session, "logistics.reimbursement.submitted", reimbursement)
    return reimbursement


async def get_reimbursement(
    session: AsyncSession, principal: Principal, reimbursement_id: uuid.UUID
) -> Reimbursement:
    """A reimbursement the caller may see (404 otherwise)."""
    found = await session.get(Reimbursement, reimbursement_id)
    if found is None or not may_see(principal, found.employee_id):
        raise NotFound(f"reimbursement {reimbursement_id} does not exist")
    return found


async def withdraw_reimbursement(
    session: AsyncSession,
    workflow: ServiceClient,
    principal: Principal,
    reimbursement: Reimbursement,
) -> None:
    """The traveller (or logistics) withdraws a pending reimbursement; 409 once decided."""
    if principal.employee_id != reimbursement.employee_id and not is_manager(principal):
        raise Forbidden("only the traveller or logistics withdraws it", code="forbidden")
    if reimbursement.status != "pending":
        raise Conflict(f"the reimbursement is already {reimbursement.status}", code="not_pending")
    reimbursement.status = "withdrawn"
    await session.flush()
    await REIMBURSEMENT_SAGA.withdraw(session, workflow, reimbursement, REIMBURSEMENT_APPROVAL)
    await reimbursement_event(session, "logistics.reimbursement.withdrawn", reimbursement)


async def reimbursement_event(
    session: AsyncSession, event_type: str, reimbursement: Reimbursement
) -> None:
    """Record a reimbursement's event."""
    await record_event(
        session,
        event_type,
        subject_type="reimbursement",
        subject_id=reimbursement.id,
        data={
            "travel_request_id": reimbursement.travel_request_id,
            "employee_id": reimbursement.employee_id,
            "total": reimbursement.total,
            "advance": reimbursement.advance,
            "over_standard": reimbursement.over_standard,
            "status": reimbursement.status,
        },
    )


async def _describe_reimbursement(
    session: AsyncSession, reimbursement: Reimbursement
) -> StartRequest:
    lines = reimbursement.lines
    flagged = [line for line in lines if not line.within_standard]
    check = (
        f"{len(flagged)} 项超标准（已说明理由）" if flagged else "全部在差旅标准内"
    ) + f"; over the standard: {len(flagged)} of {len(lines)} lines"
    return StartRequest(
        requester_employee_id=reimbursement.employee_id,
        title=f"差旅报销 ¥{reimbursement.total}",
        summary=f"{check}; 借支 ¥{reimbursement.advance}",
        data={
            "amount": float(reimbursement.total),
            "advance": float(reimbursement.advance),
            "over_standard": reimbursement.over_standard,
            "category": "travel",
            "standard_check": [
                {
                    "line": line.line_no,
                    "category": line.category,
                    "amount": str(line.amount),
                    "within_standard": line.within_standard,
                    "allowed": None if line.allowed is None else str(line.allowed),
                    "findings": list(line.findings),
                    "justification": line.justification,
                }
                for line in lines
            ],
        },
    )


async def _publish_fact(session: AsyncSession, reimbursement: Reimbursement) -> None:
    lines = reimbursement.lines
    by_category: dict[str, Decimal] = {}
    for line in lines:
        by_category[line.category] = by_category.get(line.category, ZERO) + line.amount
    components = [
        FactComponent(
            component="travel_expense",
            category=category,
            amount=amount,
            employee_id=reimbursement.employee_id,
            department_id=reimbursement.department_id,
            description=f"travel {category}",
        )
        for category, amount in sorted(by_category.items())
    ]
    offset = min(reimbursement.advance, reimbursement.total)
    if offset > ZERO:
        components.append(
            FactComponent(
                component="advance_offset",
                amount=offset,
                employee_id=reimbursement.employee_id,
                department_id=reimbursement.department_id,
                description="advance set against the reimbursement",
            )
        )
    fact = ReimbursementApproved(
        source_id=str(reimbursement.id),
        occurred_on=max(line.spent_on for line in lines),
        memo=f"差旅报销 {reimbursement.id}",
        components=components,
        travel_request_id=reimbursement.travel_request_id,
        employee_id=reimbursement.employee_id,
        total=reimbursement.total,
        advance_offset=offset,
        net_payable=reimbursement.total - offset,
        over_standard=reimbursement.over_standard,
    )
    await record_event(
        session,
        "logistics.reimbursement.approved",
        subject_type="reimbursement",
        subject_id=reimbursement.id,
        data=fact,
    )


async def _approved(session: AsyncSession, reimbursement: Reimbursement) -> None:
    reimbursement.status = "approved"
    request = await session.get(TravelRequest, reimbursement.travel_request_id)
    if request is not None:
        request.status = "reimbursed"
    await _publish_fact(session, reimbursement)


def _reimbursement_ends(status: str, event_type: str) -> Any:
    async def apply(session: AsyncSession, reimbursement: Reimbursement) -> None:
        reimbursement.status = status
        await reimbursement_event(session, event_type, reimbursement)

    return apply


REIMBURSEMENT_APPROVAL: Approval[Reimbursement] = Approval(
    subject_type="travel_reimbursement",
    definition_key="expense_claim",
    instance_attr="workflow_instance_id",
    is_open=lambda reimbursement: reimbursement.status == "pending",
    describe=_describe_reimbursement,
    outcomes={
        "approved": _approved,
        "rejected": _reimbursement_ends("rejected", "logistics.reimbursement.rejected"),
        "withdrawn": _reimbursement_ends("withdrawn", "logistics.reimbursement.withdrawn"),
    },
    refused=_reimbursement_ends("approval_refused", "logistics.reimbursement.rejected"),
)
REIMBURSEMENT_SAGA = ApprovalSaga(
    "logistics", Reimbursement, [REIMBURSEMENT_APPROVAL], backoff=Backoff()
)
