"""Requisitions: an employee asks for supplies; workflow approves (``supply_requisition``); what
stock allows is reserved on approval; logistics picks; the requester confirms the collection at
the pick-up point (partial fulfilment allowed); one not collected by ``collect_by`` releases its
reservation (the sweep in ``background/supplies.py``).

While a requisition is ``approved`` or ``picked`` its lines' ``reserved`` quantities are held in
the levels' ``reserved``; every other status holds nothing (the lines keep what was reserved, as
a record).
"""

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.supplies import Requisition, RequisitionLine, Supply
from services.logistics.domain import stock
from services.logistics.domain import supplies as catalogue
from services.logistics.domain.stock import Change
from services.logistics.domain.supplies_access import is_staff, reads_all
from services.logistics.schemas.supplies import LineQuantity, RequisitionCreate
from shared.contracts.logistics_events import (
    RequisitionApproved,
    RequisitionCancelled,
    RequisitionCollected,
    RequisitionExpired,
    RequisitionLineData,
    RequisitionPicked,
    RequisitionRejected,
    RequisitionSubmitted,
)
from shared.contracts.principal import Principal
from shared.kit.approvals import Approval, ApprovalSaga, Backoff, StartRequest
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Forbidden, Unprocessable, not_found
from shared.kit.outbox import record_event
from shared.kit.runtime import ServiceRuntime
from shared.kit.service_client import ServiceClient

SUBJECT_TYPE = "requisition"
HOLDING = ("approved", "picked")
EVENTS: dict[str, Any] = {
    "logistics.requisition.submitted": RequisitionSubmitted,
    "logistics.requisition.approved": RequisitionApproved,
    "logistics.requisition.rejected": RequisitionRejected,
    "logistics.requisition.cancelled": RequisitionCancelled,
    "logistics.requisition.picked": RequisitionPicked,
    "logistics.requisition.collected": RequisitionCollected,
    "logistics.requisition.expired": RequisitionExpired,
}


def chosen_quantities(
    lines: list[RequisitionLine], entries: list[LineQuantity] | None, limit: str
) -> dict[uuid.UUID, int]:
    """The quantity per line a pick or a collection names (each line's ``limit`` — ``reserved``
    or ``picked`` — when no entries are given); 422 for an unknown line or more than the limit."""
    by_id = {line.id: line for line in lines}
    if entries is None:
        return {line.id: getattr(line, limit) for line in lines}
    chosen = {line.id: 0 for line in lines}
    seen: set[uuid.UUID] = set()
    for entry in entries:
        line = by_id.get(entry.line_id)
        if line is None:
            raise Unprocessable(
                f"line {entry.line_id} is not a line of this requisition", code="unknown_line"
            )
        if entry.line_id in seen:
            raise Unprocessable("each line is named once", code="duplicate_line")
        seen.add(entry.line_id)
        most = getattr(line, limit)
        if entry.quantity > most:
            raise Unprocessable(
                f"line {line.line_no}: {entry.quantity} is more than the {most} {limit}",
                code="quantity_too_large",
            )
        chosen[line.id] = entry.quantity
    return chosen


async def lines_of(session: AsyncSession, requisition_id: uuid.UUID) -> list[RequisitionLine]:
    """A requisition's lines, in order."""
    return list(
        (
            await session.scalars(
                select(RequisitionLine)
                .where(RequisitionLine.requisition_id == requisition_id)
                .order_by(RequisitionLine.line_no)
            )
        ).all()
    )


async def _event(
    session: AsyncSession, event_type: str, requisition: Requisition, **extra: Any
) -> None:
    lines = await lines_of(session, requisition.id)
    await record_event(
        session,
        event_type,
        subject_type=SUBJECT_TYPE,
        subject_id=requisition.id,
        data=EVENTS[event_type](
            employee_id=requisition.employee_id,
            pickup_point_id=requisition.pickup_point_id,
            status=requisition.status,
            collect_by=requisition.collect_by,
            lines=[
                RequisitionLineData(
                    supply_id=line.supply_id,
                    quantity=line.quantity,
                    reserved=line.reserved,
                    picked=line.picked,
                    collected=line.collected,
                )
                for line in lines
            ],
            **extra,
        ),
    )


async def submit(
    session: AsyncSession, principal: Principal, payload: RequisitionCreate
) -> Requisition:
    """An employee's requisition, awaiting its ``supply_requisition`` approval (started once
    committed). 422 ``inactive_supply`` for a SKU taken off the catalogue."""
    if principal.employee_id is None:
        raise Unprocessable("this account is not linked to an employee", code="no_employee")
    items: dict[uuid.UUID, Supply] = {}
    for line in payload.lines:
        item = await catalogue.named_supply(session, line.supply_id)
        if not item.active:
            raise Unprocessable(
                f"{item.sku} ({item.name}) is no longer supplied", code="inactive_supply"
            )
        items[item.id] = item
    if len(items) != len(payload.lines):
        raise Unprocessable("a requisition lists each SKU once", code="duplicate_line")
    where = payload.pickup_point_id or items[payload.lines[0].supply_id].pickup_point_id
    await catalogue.usable_pickup_point(session, where)
    requisition = Requisition(
        employee_id=principal.employee_id,
        pickup_point_id=where,
        purpose=payload.purpose,
        status="pending",
        created_by=principal.sub,
    )
    SAGA.begin(requisition, APPROVAL)
    session.add(requisition)
    await session.flush()
    for number, line in enumerate(payload.lines, start=1):
        session.add(
            RequisitionLine(
                requisition_id=requisition.id,
                line_no=number,
                supply_id=line.supply_id,
                quantity=line.quantity,
            )
        )
    await session.flush()
    await _event(session, "logistics.requisition.submitted", requisition)
    return requisition


def visible(principal: Principal) -> Select[tuple[Requisition]]:
    """The requisitions the caller may see: all for staff and auditors, else their own."""
    query = select(Requisition)
    if not reads_all(principal):
        query = query.where(Requisition.employee_id == principal.employee_id)
    return query


async def get_visible(
    session: AsyncSession, principal: Principal, requisition_id: uuid.UUID
) -> Requisition:
    """A requisition the caller may see, or 404."""
    found = await session.scalar(visible(principal).where(Requisition.id == requisition_id))
    if found is None:
        raise not_found("requisition", requisition_id)
    return found


async def _release_all(session: AsyncSession, requisition: Requisition) -> None:
    for line in await lines_of(session, requisition.id):
        await stock.release(session, line.supply_id, requisition.pickup_point_id, line.reserved)


async def pick(
    session: AsyncSession, requisition: Requisition, entries: list[LineQuantity] | None
) -> Requisition:
    """Logistics put the supplies ready (no more than reserved); what was reserved but not
    picked goes back to the free stock."""
    await stock.lock_record(session, requisition)
    if requisition.status != "approved":
        raise Conflict(
            f"a {requisition.status.replace('_', ' ')} requisition cannot be picked",
            code="invalid_requisition_transition",
        )
    lines = await lines_of(session, requisition.id)
    chosen = chosen_quantities(lines, entries, "reserved")
    for line in lines:
        short = line.reserved - chosen[line.id]
        await stock.release(session, line.supply_id, requisition.pickup_point_id, short)
        line.reserved = chosen[line.id]
        line.picked = chosen[line.id]
    requisition.status = "picked"
    requisition.picked_at = utcnow()
    await session.flush()
    await _event(session, "logistics.requisition.picked", requisition)
    return requisition


async def collect(
    session: AsyncSession,
    principal: Principal,
    requisition: Requisition,
    entries: list[LineQuantity] | None,
) -> Requisition:
    """The requester confirms what they took (no more than was picked): it leaves stock through
    the ledger and the rest of the reservation is released."""
    if principal.employee_id != requisition.employee_id:
        raise Forbidden("only the requester confirms the collection", code="requester_only")
    await stock.lock_record(session, requisition)
    if requisition.status != "picked":
        raise Conflict(
            f"a {requisition.status.replace('_', ' ')} requisition cannot be collected",
            code="invalid_requisition_transition",
        )
    lines = await lines_of(session, requisition.id)
    chosen = chosen_quantities(lines, entries, "picked")
    for line in lines:
        taken = chosen[line.id]
        if taken:
            item = await catalogue.supply(session, line.supply_id)
            await stock.move(
                session,
                item,
                requisition.pickup_point_id,
                kind="issue",
                change=Change(on_hand=-taken, reserved=-line.reserved),
                cause_type="requisition",
                cause_id=requisition.id,
                reason="collected",
                actor=principal.sub,
            )
        else:
            await stock.release(session, line.supply_id, requisition.pickup_point_id, line.reserved)
        line.collected = taken
    requisition.status = "collected"
    requisition.collected_at = utcnow()
    await session.flush()
    await _event(session, "logistics.requisition.collected", requisition)
    return requisition


async def cancel(
    session: AsyncSession,
    workflow: ServiceClient,
    principal: Principal,
    requisition: Requisition,
    reason: str,
) -> Requisition:
    """The requester (or logistics) cancels: a pending approval is withdrawn, a reservation
    released; once collected (or ended) it cannot be."""
    if principal.employee_id != requisition.employee_id and not is_staff(principal):
        raise Forbidden("only the requester or logistics cancels a requisition", code="forbidden")
    await stock.lock_record(session, requisition)
    status = requisition.status
    if status == "pending":
        requisition.status = "cancelled"
        requisition.decided_at = utcnow()
        await _event(
            session, "logistics.requisition.cancelled", requisition, reason=reason or "cancelled"
        )
        await session.flush()
        await SAGA.withdraw(session, workflow, requisition, APPROVAL)
    elif status in HOLDING:
        await _release_all(session, requisition)
        requisition.status = "cancelled"
        requisition.released_at = utcnow()
        await _event(
            session, "logistics.requisition.cancelled", requisition, reason=reason or "cancelled"
        )
    elif status == "approval_refused":
        requisition.status = "cancelled"
        await _event(
            session, "logistics.requisition.cancelled", requisition, reason=reason or "cancelled"
        )
    else:
        raise Conflict(
            f"a {status.replace('_', ' ')} requisition cannot be cancelled",
            code="invalid_requisition_transition",
        )
    await session.flush()
    return requisition


# ---- the collection deadline ---------------------------------------------------------------


def overdue(collect_by: datetime | None, now: datetime) -> bool:
    """A held requisition not collected by its deadline releases its reservation."""
    return collect_by is not None and collect_by <= now


async def expire_one(session: AsyncSession, requisition_id: uuid.UUID, now: datetime) -> bool:
    """Release one overdue requisition's reservation (read again under its lock: a collection
    that got there first wins, and a second run finds nothing to do)."""
    if session.bind.dialect.name != "postgresql":  # take SQLite's write lock before reading
        await session.execute(
            update(Requisition)
            .where(Requisition.id == requisition_id)
            .values(approval_attempts=Requisition.approval_attempts)
            .execution_options(synchronize_session=False)
        )
    requisition = await session.get(
        Requisition, requisition_id, with_for_update=True, populate_existing=True
    )
    if requisition is None or requisition.status not in HOLDING:
        return False
    if not overdue(requisition.collect_by, now):
        return False
    await _release_all(session, requisition)
    requisition.status = "expired"
    requisition.released_at = utcnow()
    await session.flush()
    await _event(session, "logistics.requisition.expired", requisition)
    return True


async def expire_overdue(runtime: ServiceRuntime, now: datetime, *, limit: int = 500) -> int:
    """The sweep: every held requisition whose ``collect_by`` has passed releases its
    reservation, each in its own transaction; safe to run again or on several replicas."""
    async with runtime.sessionmaker() as session:
        due = (
            await session.scalars(
                select(Requisition.id)
                .where(Requisition.status.in_(HOLDING), Requisition.collect_by <= now)
                .order_by(Requisition.collect_by)
                .limit(limit)
            )
        ).all()
    expired = 0
    for requisition_id in due:
        async with runtime.transaction() as session:
            if await expire_one(session, requisition_id, now):
                expired += 1
    return expired


# ---- the approval, on the kit saga -----------------------------------------------------------


async def _describe(session: AsyncSession, requisition: Requisition) -> StartRequest:
    lines = await lines_of(session, requisition.id)
    names = {
        item.id: item
        for item in (
            await session.scalars(select(Supply).where(Supply.id.in_([x.supply_id for x in lines])))
        ).all()
    }
    summary = ", ".join(
        f"{names[x.supply_id].name} × {x.quantity} {names[x.supply_id].unit}" for x in lines
    )
    return StartRequest(
        requester_employee_id=requisition.employee_id,
        title=f"办公用品领用：{len(lines)} 项",
        summary=f"{summary}. {requisition.purpose}",
        data={"lines": len(lines), "items": sum(x.quantity for x in lines)},
    )


async def _approved(session: AsyncSession, requisition: Requisition) -> None:
    policy = await catalogue.policy(session)
    for line in await lines_of(session, requisition.id):
        line.reserved = await stock.reserve(
            session, line.supply_id, requisition.pickup_point_id, line.quantity
        )
    requisition.status = "approved"
    requisition.decided_at = utcnow()
    requisition.collect_by = requisition.decided_at + timedelta(days=policy.collection_days)
    await session.flush()
    await _event(session, "logistics.requisition.approved", requisition)


async def _ended(session: AsyncSession, requisition: Requisition, status: str, reason: str) -> None:
    requisition.status = status  # type: ignore[assignment]
    requisition.decided_at = utcnow()
    await session.flush()
    event_type = (
        "logistics.requisition.cancelled"
        if status == "withdrawn"
        else "logistics.requisition.rejected"
    )
    await _event(session, event_type, requisition, reason=reason)


async def _rejected(session: AsyncSession, requisition: Requisition) -> None:
    await _ended(session, requisition, "rejected", "rejected")


async def _withdrawn(session: AsyncSession, requisition: Requisition) -> None:
    await _ended(session, requisition, "withdrawn", "withdrawn")


async def _refused(session: AsyncSession, requisition: Requisition) -> None:
    await _ended(session, requisition, "approval_refused", "approval refused by workflow")


APPROVAL: Approval[Requisition] = Approval(
    subject_type=SUBJECT_TYPE,
    definition_key="supply_requisition",
    instance_attr="workflow_instance_id",
    is_open=lambda requisition: requisition.status == "pending",
    describe=_describe,
    outcomes={"approved": _approved, "rejected": _rejected, "withdrawn": _withdrawn},
    refused=_refused,
)
SAGA = ApprovalSaga("logistics", Requisition, [APPROVAL], backoff=Backoff())
