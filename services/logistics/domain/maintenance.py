"""Maintenance schedules and work orders; the generation of work orders when schedules come due.

Generation is a sweep (``background/facilities.py``), restart-safe and idempotent: each schedule
is handled in its own transaction, under its row lock, and each due date becomes a work order
through ``INSERT … ON CONFLICT (schedule_id, due_on) DO NOTHING`` — the unique key — in the same
transaction that moves the schedule's ``next_due_on`` on. A sweep cut short, run twice, or run on
two replicas creates each work order once.
"""

import uuid
from datetime import date
from typing import Any

from croniter import CroniterError
from sqlalchemy import Select, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.facilities import MaintenanceSchedule, WorkOrder
from services.logistics.domain import facilities as places
from services.logistics.domain.maintenance_rules import (
    Rule,
    cron_is_valid,
    due_after,
    due_dates,
    first_due,
)
from services.logistics.schemas.facilities import ScheduleCreate, ScheduleUpdate, WorkOrderCreate
from shared.contracts.ids import new_id
from shared.contracts.logistics_events import (
    MaintenanceScheduleCreated,
    MaintenanceScheduleUpdated,
    WorkOrderCancelled,
    WorkOrderCompleted,
    WorkOrderCreated,
    WorkOrderStarted,
)
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Unprocessable, not_found
from shared.kit.outbox import record_event
from shared.kit.runtime import ServiceRuntime

CATCH_UP_LIMIT = 60  # due dates one sweep creates per schedule (the rest at the next sweep)


def rule_of(schedule: MaintenanceSchedule) -> Rule:
    """A schedule's rule."""
    return Rule(
        starts_on=schedule.starts_on,
        interval_unit=schedule.interval_unit,
        interval_count=schedule.interval_count,
        cron=schedule.cron,
    )


def _schedule_data(schedule: MaintenanceSchedule) -> dict[str, Any]:
    return {
        "facility_id": schedule.facility_id,
        "space_id": schedule.space_id,
        "title": schedule.title,
        "rule": rule_of(schedule).describe(),
        "next_due_on": schedule.next_due_on,
        "active": schedule.active,
    }


async def _target(
    session: AsyncSession, facility_id: uuid.UUID | None, space_id: uuid.UUID | None
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """A facility or a space named in a body (the facility's space kept with it)."""
    if facility_id is None and space_id is None:
        raise Unprocessable("name a facility or a space", code="target_required")
    if facility_id is not None:
        item = await places.named_facility(session, facility_id)
        return item.id, space_id or item.space_id
    assert space_id is not None
    return None, (await places.named_space(session, space_id)).id


async def create_schedule(
    session: AsyncSession, payload: ScheduleCreate, actor: str, today: date
) -> MaintenanceSchedule:
    """A schedule with exactly one rule (422 ``invalid_rule`` otherwise); its first due date is
    its first occurrence on or after its start and today."""
    interval = payload.interval_unit is not None or payload.interval_count is not None
    if interval == (payload.cron is not None):
        raise Unprocessable(
            "give either interval_unit with interval_count, or cron", code="invalid_rule"
        )
    if interval and (payload.interval_unit is None or payload.interval_count is None):
        raise Unprocessable(
            "an interval needs both interval_unit and interval_count", code="invalid_rule"
        )
    if payload.cron is not None and not cron_is_valid(payload.cron):
        raise Unprocessable(f"{payload.cron!r} is not a cron rule", code="invalid_rule")
    facility_id, space_id = await _target(session, payload.facility_id, payload.space_id)
    schedule = MaintenanceSchedule(
        **payload.model_dump(exclude={"facility_id", "space_id"}),
        facility_id=facility_id,
        space_id=space_id,
        created_by=actor,
    )
    try:
        schedule.next_due_on = first_due(rule_of(schedule), today)
        due_after(rule_of(schedule), schedule.next_due_on)  # the rule keeps firing
    except (CroniterError, ValueError, OverflowError) as exc:
        raise Unprocessable(
            f"the rule never falls due after {payload.starts_on}: {exc}", code="invalid_rule"
        ) from exc
    session.add(schedule)
    await session.flush()
    await record_event(
        session,
        "logistics.maintenance_schedule.created",
        subject_type="maintenance_schedule",
        subject_id=schedule.id,
        data=MaintenanceScheduleCreated(**_schedule_data(schedule)),
    )
    return schedule


async def schedule(session: AsyncSession, schedule_id: uuid.UUID) -> MaintenanceSchedule:
    """A schedule, or 404."""
    found = await session.get(MaintenanceSchedule, schedule_id)
    if found is None:
        raise not_found("maintenance schedule", schedule_id)
    return found


async def update_schedule(
    session: AsyncSession, found: MaintenanceSchedule, payload: ScheduleUpdate, today: date
) -> MaintenanceSchedule:
    """Retitle, or pause and resume (dates missed while paused are not made up)."""
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    resuming = changes.get("active") is True and not found.active
    for field, value in changes.items():
        setattr(found, field, value)
    if resuming and found.next_due_on is not None:
        rule = rule_of(found)
        skipped = due_dates(rule, found.next_due_on, today, limit=100_000)
        if skipped:
            found.next_due_on = due_after(rule, skipped[-1])
    await session.flush()
    await record_event(
        session,
        "logistics.maintenance_schedule.updated",
        subject_type="maintenance_schedule",
        subject_id=found.id,
        data=MaintenanceScheduleUpdated(**_schedule_data(found)),
    )
    return found


def schedule_query(
    *, facility_id: uuid.UUID | None, space_id: uuid.UUID | None, active: bool | None
) -> Select[tuple[MaintenanceSchedule]]:
    """Schedules, filtered."""
    query = select(MaintenanceSchedule)
    if facility_id:
        query = query.where(MaintenanceSchedule.facility_id == facility_id)
    if space_id:
        query = query.where(MaintenanceSchedule.space_id == space_id)
    if active is not None:
        query = query.where(MaintenanceSchedule.active == active)
    return query


# ---- generation ----------------------------------------------------------------------------


async def _work_order_event(session: AsyncSession, event_type: str, order: WorkOrder) -> None:
    model = {
        "logistics.work_order.created": WorkOrderCreated,
        "logistics.work_order.started": WorkOrderStarted,
        "logistics.work_order.completed": WorkOrderCompleted,
        "logistics.work_order.cancelled": WorkOrderCancelled,
    }[event_type]
    await record_event(
        session,
        event_type,
        subject_type="work_order",
        subject_id=order.id,
        data=model(
            schedule_id=order.schedule_id,
            facility_id=order.facility_id,
            space_id=order.space_id,
            title=order.title,
            due_on=order.due_on,
            status=order.status,
        ),
    )


async def generate_for(session: AsyncSession, schedule_id: uuid.UUID, today: date) -> int:
    """Create the work orders of one schedule due up to ``today`` (under its lock) and move its
    ``next_due_on`` past them; returns how many were new."""
    if session.bind.dialect.name != "postgresql":  # SQLite: take the write lock before reading
        await session.execute(
            update(MaintenanceSchedule)
            .where(MaintenanceSchedule.id == schedule_id)
            .values(next_due_on=MaintenanceSchedule.next_due_on)
            .execution_options(synchronize_session=False)
        )
    found = await session.get(
        MaintenanceSchedule, schedule_id, with_for_update=True, populate_existing=True
    )
    if found is None or not found.active or found.next_due_on is None:
        return 0
    rule = rule_of(found)
    dates = due_dates(rule, found.next_due_on, today, limit=CATCH_UP_LIMIT)
    if not dates:
        return 0
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    created = 0
    now = utcnow()
    for due in dates:
        order_id = new_id()
        inserted = await session.execute(
            insert(WorkOrder)
            .values(
                id=order_id,
                schedule_id=found.id,
                facility_id=found.facility_id,
                space_id=found.space_id,
                title=found.title,
                instructions=found.instructions,
                due_on=due,
                status="open",
                note="",
                version=1,
                created_by="maintenance-schedule",
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["schedule_id", "due_on"])
            .returning(WorkOrder.id)
        )
        if inserted.first() is None:
            continue  # made by an earlier run
        created += 1
        order = await session.get(WorkOrder, order_id)
        assert order is not None
        await _work_order_event(session, "logistics.work_order.created", order)
    found.next_due_on = due_after(rule, dates[-1])
    await session.flush()
    return created


async def generate_due(runtime: ServiceRuntime, today: date) -> int:
    """The sweep: every active schedule due by ``today`` gets its work orders, each schedule in
    its own transaction; returns how many work orders were created."""
    async with runtime.sessionmaker() as session:
        due = (
            await session.scalars(
                select(MaintenanceSchedule.id)
                .where(
                    MaintenanceSchedule.active.is_(True), MaintenanceSchedule.next_due_on <= today
                )
                .order_by(MaintenanceSchedule.next_due_on)
            )
        ).all()
    created = 0
    for schedule_id in due:
        async with runtime.transaction() as session:
            created += await generate_for(session, schedule_id, today)
    return created


# ---- work orders ---------------------------------------------------------------------------


async def create_work_order(
    session: AsyncSession, payload: WorkOrderCreate, actor: str
) -> WorkOrder:
    """A one-off work order by hand."""
    facility_id, space_id = await _target(session, payload.facility_id, payload.space_id)
    order = WorkOrder(
        **payload.model_dump(exclude={"facility_id", "space_id"}),
        facility_id=facility_id,
        space_id=space_id,
        status="open",
        created_by=actor,
    )
    session.add(order)
    await session.flush()
    await _work_order_event(session, "logistics.work_order.created", order)
    return order


async def work_order(session: AsyncSession, order_id: uuid.UUID) -> WorkOrder:
    """A work order, or 404."""
    found = await session.get(WorkOrder, order_id)
    if found is None:
        raise not_found("work order", order_id)
    return found


def _illegal(order: WorkOrder, verb: str) -> Conflict:
    return Conflict(
        f"a work order that is {order.status.replace('_', ' ')} cannot be {verb}",
        code="invalid_work_order_transition",
    )


async def start_work_order(
    session: AsyncSession, order: WorkOrder, assignee: str | None
) -> WorkOrder:
    """Work begins (open → in progress)."""
    if order.status != "open":
        raise _illegal(order, "started")
    order.status = "in_progress"
    order.started_at = utcnow()
    if assignee:
        order.assignee = assignee
    await session.flush()
    await _work_order_event(session, "logistics.work_order.started", order)
    return order


async def complete_work_order(session: AsyncSession, order: WorkOrder, note: str) -> WorkOrder:
    """The work is done (open or in progress → done)."""
    if order.status not in ("open", "in_progress"):
        raise _illegal(order, "completed")
    order.status = "done"
    order.completed_at = utcnow()
    order.note = note
    await session.flush()
    await _work_order_event(session, "logistics.work_order.completed", order)
    return order


async def cancel_work_order(session: AsyncSession, order: WorkOrder, note: str) -> WorkOrder:
    """Dropped (open or in progress → cancelled)."""
    if order.status not in ("open", "in_progress"):
        raise _illegal(order, "cancelled")
    order.status = "cancelled"
    order.note = note
    await session.flush()
    await _work_order_event(session, "logistics.work_order.cancelled", order)
    return order


def work_order_query(
    *,
    status: str | None,
    facility_id: uuid.UUID | None,
    schedule_id: uuid.UUID | None,
    due_before: date | None,
) -> Select[tuple[WorkOrder]]:
    """Work orders, filtered (``due_before``: due on or before that date)."""
    query = select(WorkOrder)
    if status:
        query = query.where(WorkOrder.status == status)
    if facility_id:
        query = query.where(WorkOrder.facility_id == facility_id)
    if schedule_id:
        query = query.where(WorkOrder.schedule_id == schedule_id)
    if due_before:
        query = query.where(WorkOrder.due_on <= due_before)
    return query
