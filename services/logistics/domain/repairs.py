"""Repair requests: filed by any employee → assigned by logistics → in progress → resolved (cost,
parts issued from supplies through the stock ledger) → confirmed by the requester, or closed by
the sweep once the policy's days have passed without a confirmation."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.facilities import Facility, RepairRequest
from services.logistics.db.supplies import StockMovement
from services.logistics.domain import facilities as places
from services.logistics.domain import stock
from services.logistics.domain import supplies as catalogue
from services.logistics.domain.stock import Change
from services.logistics.domain.supplies_access import is_staff, reads_all
from services.logistics.schemas.facilities import RepairCreate, RepairResolve
from shared.contracts.logistics_events import (
    RepairRequestAssigned,
    RepairRequestCancelled,
    RepairRequestClosed,
    RepairRequestConfirmed,
    RepairRequestFiled,
    RepairRequestResolved,
    RepairRequestStarted,
)
from shared.contracts.principal import Principal
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Forbidden, Unprocessable, not_found
from shared.kit.outbox import record_event
from shared.kit.runtime import ServiceRuntime

SUBJECT_TYPE = "repair_request"
EVENTS: dict[str, Any] = {
    "logistics.repair_request.filed": RepairRequestFiled,
    "logistics.repair_request.assigned": RepairRequestAssigned,
    "logistics.repair_request.started": RepairRequestStarted,
    "logistics.repair_request.resolved": RepairRequestResolved,
    "logistics.repair_request.confirmed": RepairRequestConfirmed,
    "logistics.repair_request.closed": RepairRequestClosed,
    "logistics.repair_request.cancelled": RepairRequestCancelled,
}
# what each step may follow
STEPS: dict[str, tuple[str, ...]] = {
    "assigned": ("filed", "assigned"),
    "in_progress": ("assigned",),
    "resolved": ("in_progress",),
    "confirmed": ("resolved",),
    "closed": ("resolved",),
    "cancelled": ("filed", "assigned", "in_progress"),
}


def may_become(current: str, wanted: str) -> bool:
    """The repair's life: filed → assigned → in progress → resolved → confirmed or closed;
    cancelled before it is resolved."""
    return current in STEPS.get(wanted, ())


def auto_close_due(resolved_at: datetime | None, days: int, now: datetime) -> bool:
    """A resolved repair not confirmed within ``days`` closes by itself."""
    return resolved_at is not None and resolved_at + timedelta(days=days) <= now


async def _event(
    session: AsyncSession, event_type: str, repair: RepairRequest, **extra: Any
) -> None:
    await record_event(
        session,
        event_type,
        subject_type=SUBJECT_TYPE,
        subject_id=repair.id,
        data=EVENTS[event_type](
            requester_employee_id=repair.requester_employee_id,
            facility_id=repair.facility_id,
            space_id=repair.space_id,
            urgency=repair.urgency,
            status=repair.status,
            assignee=repair.assignee,
            cost=repair.cost,
            **extra,
        ),
    )


def _move(repair: RepairRequest, wanted: str) -> None:
    if not may_become(repair.status, wanted):
        raise Conflict(
            f"a {repair.status.replace('_', ' ')} repair request cannot become "
            f"{wanted.replace('_', ' ')}",
            code="invalid_repair_transition",
        )


async def file(session: AsyncSession, principal: Principal, payload: RepairCreate) -> RepairRequest:
    """Any employee reports a facility or a space (the facility's space is kept with it)."""
    if principal.employee_id is None:
        raise Unprocessable("this account is not linked to an employee", code="no_employee")
    if payload.facility_id is None and payload.space_id is None:
        raise Unprocessable("name the facility or the space to repair", code="target_required")
    space_id = payload.space_id
    if payload.facility_id is not None:
        item = await places.named_facility(session, payload.facility_id)
        space_id = space_id or item.space_id
    if space_id is not None:
        await places.named_space(session, space_id)
    repair = RepairRequest(
        requester_employee_id=principal.employee_id,
        facility_id=payload.facility_id,
        space_id=space_id,
        description=payload.description,
        urgency=payload.urgency,
        photo_ref=payload.photo_ref,
        status="filed",
        created_by=principal.sub,
    )
    session.add(repair)
    await session.flush()
    await _event(session, "logistics.repair_request.filed", repair)
    return repair


def visible(principal: Principal) -> Select[tuple[RepairRequest]]:
    """What the caller may see: all for staff and auditors, their own for employees."""
    query = select(RepairRequest)
    if not reads_all(principal):
        query = query.where(RepairRequest.requester_employee_id == principal.employee_id)
    return query


async def get_visible(
    session: AsyncSession, principal: Principal, repair_id: uuid.UUID
) -> RepairRequest:
    """A repair request the caller may see, or 404."""
    found = await session.scalar(visible(principal).where(RepairRequest.id == repair_id))
    if found is None:
        raise not_found("repair request", repair_id)
    return found


async def parts_of(session: AsyncSession, repair_id: uuid.UUID) -> list[StockMovement]:
    """The parts a repair used: its issues in the stock ledger."""
    return list(
        (
            await session.scalars(
                select(StockMovement)
                .where(
                    StockMovement.cause_type == SUBJECT_TYPE, StockMovement.cause_id == repair_id
                )
                .order_by(StockMovement.created_at, StockMovement.id)
            )
        ).all()
    )


async def assign(session: AsyncSession, repair: RepairRequest, assignee: str) -> RepairRequest:
    """Logistics gives the repair to someone (again, while it has not started)."""
    _move(repair, "assigned")
    repair.status = "assigned"
    repair.assignee = assignee
    repair.assigned_at = utcnow()
    await session.flush()
    await _event(session, "logistics.repair_request.assigned", repair)
    return repair


async def _facility_status(
    session: AsyncSession, repair: RepairRequest, old: str, new: str
) -> None:
    if repair.facility_id is None:
        return
    item = await session.get(Facility, repair.facility_id)
    if item is not None and item.status == old:
        item.status = new  # type: ignore[assignment]


async def start(session: AsyncSession, repair: RepairRequest) -> RepairRequest:
    """The repair is in progress (a facility in service is marked under repair)."""
    _move(repair, "in_progress")
    repair.status = "in_progress"
    repair.started_at = utcnow()
    await _facility_status(session, repair, "in_service", "under_repair")
    await session.flush()
    await _event(session, "logistics.repair_request.started", repair)
    return repair


async def resolve(
    session: AsyncSession, principal: Principal, repair: RepairRequest, payload: RepairResolve
) -> RepairRequest:
    """Repaired: the cost is recorded and each part is issued from stock through the ledger
    (409 ``insufficient_stock`` and nothing changes when a part is not there)."""
    await stock.lock_record(session, repair)
    _move(repair, "resolved")
    for part in payload.parts:
        item = await catalogue.named_supply(session, part.supply_id)
        where = part.pickup_point_id or item.pickup_point_id
        await catalogue.usable_pickup_point(session, where)
        await stock.move(
            session,
            item,
            where,
            kind="issue",
            change=Change(on_hand=-part.quantity, from_free_stock=True),
            cause_type="repair_request",
            cause_id=repair.id,
            reason=f"repair: {repair.description[:80]}",
            actor=principal.sub,
        )
    repair.status = "resolved"
    repair.resolved_at = utcnow()
    repair.resolution = payload.resolution
    repair.cost = payload.cost
    await _facility_status(session, repair, "under_repair", "in_service")
    await session.flush()
    await _event(session, "logistics.repair_request.resolved", repair)
    return repair


async def confirm(
    session: AsyncSession, principal: Principal, repair: RepairRequest
) -> RepairRequest:
    """The requester confirms the repair."""
    if principal.employee_id != repair.requester_employee_id:
        raise Forbidden("only the requester confirms a repair", code="requester_only")
    _move(repair, "confirmed")
    repair.status = "confirmed"
    repair.confirmed_at = utcnow()
    await session.flush()
    await _event(session, "logistics.repair_request.confirmed", repair)
    return repair


async def cancel(
    session: AsyncSession, principal: Principal, repair: RepairRequest, reason: str
) -> RepairRequest:
    """The requester withdraws it before work starts; logistics may drop it until resolved."""
    staff = is_staff(principal)
    if not staff and principal.employee_id != repair.requester_employee_id:
        raise Forbidden("only the requester or logistics cancels a repair", code="forbidden")
    if not staff and repair.status == "in_progress":
        raise Conflict(
            "the repair is under way: ask logistics to stop it", code="invalid_repair_transition"
        )
    _move(repair, "cancelled")
    was_in_progress = repair.status == "in_progress"
    repair.status = "cancelled"
    if was_in_progress:
        await _facility_status(session, repair, "under_repair", "in_service")
    await session.flush()
    await _event(
        session, "logistics.repair_request.cancelled", repair, reason=reason or "cancelled"
    )
    return repair


async def close_one(session: AsyncSession, repair_id: uuid.UUID, days: int, now: datetime) -> bool:
    """Close one resolved repair whose confirmation is overdue (read again under its lock: a
    confirmation that got there first wins, and a second run changes nothing)."""
    if session.bind.dialect.name != "postgresql":
        await session.execute(
            update(RepairRequest)
            .where(RepairRequest.id == repair_id)
            .values(status=RepairRequest.status)
            .execution_options(synchronize_session=False)
        )
    repair = await session.get(
        RepairRequest, repair_id, with_for_update=True, populate_existing=True
    )
    if repair is None or repair.status != "resolved":
        return False
    if not auto_close_due(repair.resolved_at, days, now):
        return False
    repair.status = "closed"
    repair.closed_at = utcnow()
    await session.flush()
    await _event(session, "logistics.repair_request.closed", repair)
    return True


async def close_unconfirmed(runtime: ServiceRuntime, now: datetime) -> int:
    """The sweep: resolved repairs unconfirmed for the policy's days close, one transaction each."""
    async with runtime.sessionmaker() as session:
        days = (await places.policy(session)).repair_auto_close_days
        due = (
            await session.scalars(
                select(RepairRequest.id)
                .where(
                    RepairRequest.status == "resolved",
                    RepairRequest.resolved_at <= now - timedelta(days=days),
                )
                .order_by(RepairRequest.resolved_at)
                .limit(500)
            )
        ).all()
    closed = 0
    for repair_id in due:
        async with runtime.transaction() as session:
            if await close_one(session, repair_id, days, now):
                closed += 1
    return closed
