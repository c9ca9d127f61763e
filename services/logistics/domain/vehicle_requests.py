"""Vehicle requests: filed by employees, approved through workflow (``vehicle_request``) on the
kit's approval saga (declared at the end as ``SAGA``), then dispatched by logistics with a
vehicle and a driver — never both twice at overlapping times (the database holds it)."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.vehicles import Dispatch, Vehicle, VehicleRequest
from services.logistics.domain import vehicle_trips, vehicles
from services.logistics.domain.booking_rules import check_times
from services.logistics.domain.meeting_access import employee_of, is_staff, reads_all
from shared.contracts.logistics_meeting_events import (
    VehicleRequestApproved,
    VehicleRequestCancelled,
    VehicleRequestDispatched,
    VehicleRequestEvent,
    VehicleRequestRejected,
    VehicleRequestSubmitted,
)
from shared.contracts.principal import Principal
from shared.kit.approvals import Approval, ApprovalSaga, Backoff, StartRequest
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Forbidden, Unprocessable, not_found
from shared.kit.outbox import record_event
from shared.kit.service_client import ServiceClient

SUBJECT_TYPE = "vehicle_request"
OVERLAP = {
    "dispatches_vehicle_no_overlap": "vehicle",
    "vehicle_booked": "vehicle",
    "dispatches_driver_no_overlap": "driver",
    "driver_booked": "driver",
}


async def _event(
    session: AsyncSession, model: type[VehicleRequestEvent], request: VehicleRequest, **extra: Any
) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type=SUBJECT_TYPE,
        subject_id=request.id,
        data=model(
            employee_id=request.employee_id,
            starts_at=request.starts_at,
            ends_at=request.ends_at,
            passengers=request.passengers,
            status=request.status,
            **extra,
        ),
    )


async def submit(
    session: AsyncSession, principal: Principal, now: datetime, fields: dict[str, Any]
) -> VehicleRequest:
    """File a request (for oneself; logistics for anyone), awaiting its approval, which starts
    once this is committed."""
    employee_id = fields.pop("employee_id", None)
    if employee_id not in (None, principal.employee_id) and not is_staff(principal):
        raise Forbidden("only logistics staff ask for someone else", code="logistics_only")
    person = employee_id or employee_of(principal)
    check_times(fields["starts_at"], fields["ends_at"], now)
    request = VehicleRequest(
        employee_id=person, status="pending", created_by=principal.sub, **fields
    )
    SAGA.begin(request, APPROVAL)
    session.add(request)
    await session.flush()
    await _event(session, VehicleRequestSubmitted, request)
    return request


def visibility(principal: Principal) -> Select[tuple[VehicleRequest]]:
    """Requests the caller may see: one's own; all for logistics and auditors."""
    query = select(VehicleRequest)
    if reads_all(principal):
        return query
    if principal.employee_id is None:
        return query.where(VehicleRequest.id.is_(None))
    return query.where(VehicleRequest.employee_id == principal.employee_id)


async def get_visible(
    session: AsyncSession, principal: Principal, request_id: uuid.UUID
) -> VehicleRequest:
    """A request the caller may see, or 404."""
    request = await session.scalar(visibility(principal).where(VehicleRequest.id == request_id))
    if request is None:
        raise not_found("vehicle request", request_id)
    return request


async def active_dispatch(session: AsyncSession, request_id: uuid.UUID) -> Dispatch | None:
    """The request's dispatch that is not cancelled, if any."""
    found: Dispatch | None = await session.scalar(
        select(Dispatch).where(Dispatch.request_id == request_id, Dispatch.status != "cancelled")
    )
    return found


async def cancel(
    session: AsyncSession, workflow: ServiceClient, principal: Principal, request: VehicleRequest
) -> VehicleRequest:
    """Cancel (the requester or logistics). A pending request's approval is withdrawn first
    (409 ``approval_already_completed`` when workflow already decided); a dispatched one frees
    its vehicle and driver; one whose trip has started cannot be cancelled."""
    if not is_staff(principal) and request.employee_id != principal.employee_id:
        raise Forbidden("only the requester or logistics staff", code="logistics_only")
    previous = request.status
    if previous not in ("pending", "approved", "dispatched", "approval_refused"):
        raise Conflict(
            f"a {previous.replace('_', ' ')} request cannot be cancelled",
            code="invalid_request_transition",
        )
    if previous == "dispatched":
        dispatch = await active_dispatch(session, request.id)
        if dispatch is not None and dispatch.status == "completed":
            raise Conflict("the trip is over", code="invalid_request_transition")
        if await vehicle_trips.trip_of(session, request.id) is not None:
            raise Conflict("the trip has started", code="invalid_request_transition")
        if dispatch is not None:
            dispatch.status = "cancelled"
    request.status = "cancelled"
    request.decided_at = utcnow()
    await session.flush()
    await _event(session, VehicleRequestCancelled, request, reason=f"cancelled while {previous}")
    if previous == "pending":
        await SAGA.withdraw(session, workflow, request, APPROVAL)
    return request


def _overlap_of(exc: IntegrityError) -> str | None:
    text = str(exc.orig)
    return next((what for marker, what in OVERLAP.items() if marker in text), None)


async def dispatch(
    session: AsyncSession,
    principal: Principal,
    request: VehicleRequest,
    *,
    vehicle_id: uuid.UUID,
    driver_employee_id: uuid.UUID,
) -> Dispatch:
    """Assign a vehicle and a driver to an approved request for its times. Either one already
    dispatched at an overlapping time is 409 ``vehicle_booked`` / ``driver_booked``."""
    if request.status != "approved":
        raise Conflict(
            f"only an approved request is dispatched (this one is {request.status})",
            code="request_not_approved",
        )
    # locked on PostgreSQL so that dispatches of one vehicle queue (as bookings of a room do)
    vehicle = await vehicles.get(
        session, vehicle_id, lock=session.bind.dialect.name == "postgresql"
    )
    if vehicle.status != "available":
        raise Unprocessable(
            f"vehicle {vehicle.plate} is {vehicle.status}", code="vehicle_unavailable"
        )
    if vehicle.seats < request.passengers:
        raise Unprocessable(
            f"{vehicle.plate} seats {vehicle.seats}; {request.passengers} passengers do not fit",
            code="vehicle_too_small",
        )
    for column, value, what in (
        (Dispatch.vehicle_id, vehicle.id, "vehicle"),
        (Dispatch.driver_employee_id, driver_employee_id, "driver"),
    ):
        clash = await session.scalar(
            select(Dispatch.id).where(
                column == value,
                Dispatch.status != "cancelled",
                and_(Dispatch.starts_at < request.ends_at, Dispatch.ends_at > request.starts_at),
            )
        )
        if clash is not None:
            raise _booked(what, clash)
    made = Dispatch(
        request_id=request.id,
        vehicle_id=vehicle.id,
        driver_employee_id=driver_employee_id,
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        status="active",
        created_by=principal.sub,
    )
    session.add(made)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent dispatch won the race
        lost = _overlap_of(exc)
        if lost is None:
            raise
        raise _booked(lost, None) from exc
    request.status = "dispatched"
    await session.flush()
    await _event(
        session,
        VehicleRequestDispatched,
        request,
        vehicle_id=vehicle.id,
        driver_employee_id=driver_employee_id,
    )
    return made


def _booked(what: str, clash: uuid.UUID | None) -> Conflict:
    other = str(clash) if clash else None
    detail = f"the {what} is already dispatched at an overlapping time"
    if what == "driver":
        return Conflict(detail, code="driver_booked", dispatch_id=other)
    return Conflict(detail, code="vehicle_booked", dispatch_id=other)


# ---- the approval, on the kit saga --------------------------------------------------------


async def _describe(session: AsyncSession, request: VehicleRequest) -> StartRequest:
    return StartRequest(
        requester_employee_id=request.employee_id,
        title=f"用车申请：{request.destination}（{request.passengers} 人）",
        summary=f"{request.starts_at:%Y-%m-%d %H:%M} – {request.ends_at:%Y-%m-%d %H:%M} UTC: "
        f"{request.purpose}",
        data={
            "passengers": request.passengers,
            "hours": round((request.ends_at - request.starts_at).total_seconds() / 3600, 1),
        },
    )


def _decided(status: str, model: type[VehicleRequestEvent], **extra: Any) -> Any:
    async def apply(session: AsyncSession, request: VehicleRequest) -> None:
        request.status = status  # type: ignore[assignment]
        request.decided_at = utcnow()
        await session.flush()
        await _event(session, model, request, **extra)

    return apply


APPROVAL: Approval[VehicleRequest] = Approval(
    subject_type=SUBJECT_TYPE,
    definition_key="vehicle_request",
    instance_attr="workflow_instance_id",
    is_open=lambda request: request.status == "pending",
    describe=_describe,
    outcomes={
        "approved": _decided("approved", VehicleRequestApproved),
        "rejected": _decided("rejected", VehicleRequestRejected, reason="rejected"),
        "withdrawn": _decided("withdrawn", VehicleRequestCancelled, reason="withdrawn"),
    },
    refused=_decided(
        "approval_refused", VehicleRequestRejected, reason="approval refused by workflow"
    ),
)
SAGA = ApprovalSaga("logistics", VehicleRequest, [APPROVAL], backoff=Backoff())

__all__ = ["SAGA", "Vehicle"]
