"""Promotions and job rotations: recorded in hr, approved through workflow (``general_request``
on the kit's approval saga), then applied to org — position, department, manager — through
org's API: a GET for the employee's ETag, then a PATCH with ``If-Match``. A sweep retries until
org answers; a move is applied exactly once (an employee already as the move wants them — an
answer lost on the way back — counts as applied, and the move's row is locked while the answer
is recorded)."""

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any, Final

import httpx
from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.development import CareerMove
from services.hr.db.models import Department, Employee
from services.hr.domain import directory, training
from services.hr.domain.people_access import Viewer
from shared.contracts import hr_development_events as ev
from shared.kit.approvals import Approval, ApprovalSaga, Backoff, StartRequest
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Forbidden, ServiceUnavailable, Unprocessable, not_found
from shared.kit.outbox import record_event
from shared.kit.runtime import ServiceRuntime
from shared.kit.service_client import ServiceClient

log = logging.getLogger("officina.hr.moves")

SUBJECT: Final = "career_move"
EMPLOYEES: Final = "/api/v1/org/employees"
BACKOFF = Backoff(first=timedelta(seconds=10), longest=timedelta(minutes=30))
RETRYABLE: Final = frozenset({401, 408, 409, 412, 429})
FIELDS: Final = (
    ("to_position_id", "position_id"),
    ("to_department_id", "department_id"),
    ("to_manager_id", "manager_id"),
)


def visible(viewer: Viewer) -> Any:
    return training.people_visible(viewer, CareerMove.employee_id)


async def _event(session: AsyncSession, model: type[ev.CareerMoveEvent], move: CareerMove) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type=SUBJECT,
        subject_id=move.id,
        data=model(
            employee_id=move.employee_id,
            kind=move.kind,
            to_department_id=move.to_department_id,
            to_position_id=move.to_position_id,
            to_manager_id=move.to_manager_id,
            effective_date=move.effective_date,
            status=move.status,
        ),
    )


async def propose(session: AsyncSession, viewer: Viewer, fields: dict[str, Any]) -> CareerMove:
    """Record a promotion or rotation (HR, or the employee's manager or head) and mark its
    approval awaited; the API commits and starts it."""
    employee = await session.get(Employee, fields["employee_id"])
    if employee is None or employee.status == "left":
        raise Unprocessable(
            f"employee {fields['employee_id']} is unknown to hr or has left",
            code="unknown_employee",
        )
    if not viewer.manages and not await training.supervises(session, viewer, employee.id):
        raise Forbidden(
            "only HR, or the employee's manager or department head, proposes a move",
            code="forbidden",
        )
    if not any(fields.get(ours) for ours, _ in FIELDS):
        raise Unprocessable(
            "a move changes the position, the department or the manager",
            code="validation_error",
        )
    if (
        fields.get("to_department_id")
        and await session.get(Department, fields["to_department_id"]) is None
    ):
        raise Unprocessable("the target department is unknown to hr", code="unknown_department")
    if fields.get("to_manager_id") and await session.get(Employee, fields["to_manager_id"]) is None:
        raise Unprocessable("the new manager is unknown to hr", code="unknown_employee")
    pending = await session.scalar(
        select(CareerMove.id).where(
            CareerMove.employee_id == employee.id, CareerMove.status.in_(("pending", "approved"))
        )
    )
    if pending is not None:
        raise Conflict(
            "this employee has a move in progress",
            code="career_move_in_progress",
            existing_move_id=str(pending),
        )
    requester = viewer.employee_id
    if requester is None or requester == employee.id:
        requester = employee.manager_id or await _nearest_head(session, employee)
    if requester is None:
        raise Unprocessable(
            "nobody to ask for the approval: the caller is not an employee and the employee "
            "has neither a manager nor a department head",
            code="no_employee",
        )
    move = CareerMove(
        **fields,
        from_department_id=employee.department_id,
        requester_employee_id=requester,
        status="pending",
        created_by=viewer.principal.sub,
    )
    MOVE_SAGA.begin(move, MOVE_APPROVAL)
    session.add(move)
    await session.flush()
    await _event(session, ev.CareerMoveRequested, move)
    return move


async def _nearest_head(session: AsyncSession, employee: Employee) -> uuid.UUID | None:
    """The head of the employee's department, or of the nearest one above it with a head."""
    tree = await directory.departments(session)
    current: uuid.UUID | None = employee.department_id
    seen: set[uuid.UUID] = set()
    while current is not None and current not in seen:
        seen.add(current)
        department = tree.get(current)
        if department is None:
            return None
        if department.head_employee_id not in (None, employee.id):
            return department.head_employee_id
        current = department.parent_id
    return None


def move_query(viewer: Viewer, *, employee_id: uuid.UUID | None, status: str | None) -> Select[Any]:
    query = select(CareerMove).where(visible(viewer))
    if employee_id is not None:
        query = query.where(CareerMove.employee_id == employee_id)
    if status is not None:
        query = query.where(CareerMove.status == status)
    return query


async def get(session: AsyncSession, viewer: Viewer, move_id: uuid.UUID) -> CareerMove:
    move = await session.scalar(select(CareerMove).where(CareerMove.id == move_id, visible(viewer)))
    if move is None:
        raise not_found("career move", move_id)
    return move


async def cancel(
    session: AsyncSession, viewer: Viewer, workflow: ServiceClient, move: CareerMove
) -> CareerMove:
    """Withdraw a pending move (HR), its approval withdrawn in workflow."""
    viewer.require_manager("career moves")
    if move.status != "pending":
        raise Conflict(f"a {move.status} move cannot be cancelled", code="invalid_move_transition")
    await MOVE_SAGA.withdraw(session, workflow, move, MOVE_APPROVAL)
    move.status = "cancelled"
    move.decided_at = utcnow()
    await session.flush()
    await _event(session, ev.CareerMoveRejected, move)
    return move


# ---- the approval ---------------------------------------------------------------------------


async def _describe(session: AsyncSession, move: CareerMove) -> StartRequest:
    employee = await session.get(Employee, move.employee_id)
    name = employee.name if employee is not None else str(move.employee_id)
    what = "晋升" if move.kind == "promotion" else "轮岗"
    return StartRequest(
        requester_employee_id=move.requester_employee_id,
        title=f"{what}：{name}（{move.effective_date.isoformat()} 起）",
        summary=move.reason,
        data={"category": "administration", "details": f"{what}：{name}。{move.reason}"[:5000]},
    )


async def _approved(session: AsyncSession, move: CareerMove) -> None:
    move.status = "approved"
    move.decided_at = utcnow()
    move.org_retry_at = utcnow()  # the sweep applies it to org now
    await _event(session, ev.CareerMoveApproved, move)


async def _ended(session: AsyncSession, move: CareerMove, status: str) -> None:
    move.status = status
    move.decided_at = utcnow()
    await _event(session, ev.CareerMoveRejected, move)


async def _rejected(session: AsyncSession, move: CareerMove) -> None:
    await _ended(session, move, "rejected")


async def _withdrawn(session: AsyncSession, move: CareerMove) -> None:
    await _ended(session, move, "cancelled")


async def _refused(session: AsyncSession, move: CareerMove) -> None:
    await _ended(session, move, "approval_refused")


MOVE_APPROVAL: Approval[CareerMove] = Approval(
    subject_type=SUBJECT,
    definition_key="general_request",
    instance_attr="workflow_instance_id",
    is_open=lambda move: move.status == "pending",
    describe=_describe,
    outcomes={"approved": _approved, "rejected": _rejected, "withdrawn": _withdrawn},
    refused=_refused,
)
MOVE_SAGA = ApprovalSaga("hr", CareerMove, [MOVE_APPROVAL], backoff=Backoff())


# ---- applying to org ------------------------------------------------------------------------


class _Retry(Exception):
    """org did not answer, or answered something worth asking again."""


class _Refused(Exception):
    """org refused the change for good."""


def wanted(move: CareerMove) -> dict[str, str]:
    """The fields org should hold after the move."""
    return {theirs: str(getattr(move, ours)) for ours, theirs in FIELDS if getattr(move, ours)}


def _check(response: httpx.Response) -> None:
    if response.status_code >= 500 or response.status_code in RETRYABLE:
        raise _Retry(f"org answered {response.status_code}")
    if response.status_code >= 400:
        raise _Refused(f"org answered {response.status_code}: {response.text[:400]}")


def _about(response: httpx.Response, move: CareerMove) -> dict[str, Any]:
    """The employee record org answered, once it is seen to be the mover's: an answer about
    anyone else (mixed up on its way) is logged and asked again, never compared or trusted."""
    record: dict[str, Any] = response.json()
    if record.get("id") != str(move.employee_id):
        log.error(
            "career move %s: org's answer is about another employee (%s)", move.id, record.get("id")
        )
        raise _Retry(f"org answered about another employee ({record.get('id')})")
    return record


async def _apply(org: ServiceClient, move: CareerMove) -> None:
    """GET the employee for its ETag; PATCH what differs with ``If-Match``."""
    path = f"{EMPLOYEES}/{move.employee_id}"
    try:
        current = await org.request("GET", path)
        _check(current)
        record = _about(current, move)
        changes = {k: v for k, v in wanted(move).items() if str(record.get(k)) != v}
        if not changes:
            return  # already as the move wants (an earlier answer was lost): applied once
        etag = current.headers.get("etag") or f'"{record.get("version")}"'
        patched = await org.request("PATCH", path, json=changes, headers={"If-Match": etag})
        _check(patched)
        _about(patched, move)
    except ServiceUnavailable as exc:
        raise _Retry(str(exc.detail)) from exc


async def _lock(session: AsyncSession, move: CareerMove) -> None:
    if session.bind.dialect.name != "postgresql":
        await session.execute(
            update(CareerMove)
            .where(CareerMove.id == move.id)
            .values(org_attempts=CareerMove.org_attempts)
            .execution_options(synchronize_session=False)
        )
    await session.refresh(move, with_for_update=True)


async def apply_to_org(session: AsyncSession, org: ServiceClient, move: CareerMove) -> bool:
    """Bring org up to date with an approved move (org is called holding no lock; the answer is
    recorded under one). True when applied."""
    if move.status != "approved":
        return False
    outcome: _Retry | _Refused | None = None
    try:
        await _apply(org, move)
    except (_Retry, _Refused) as exc:
        outcome = exc
    await _lock(session, move)
    if move.status != "approved":  # another sweep recorded it meanwhile
        return False
    if isinstance(outcome, _Retry):
        move.org_attempts += 1
        move.org_error = str(outcome)[:500]
        move.org_retry_at = utcnow() + BACKOFF.after(move.org_attempts)
        log.warning("career move %s: org not updated (%s); retrying", move.id, outcome)
    elif isinstance(outcome, _Refused):
        move.status = "org_refused"
        move.org_error = str(outcome)[:500]
        move.org_retry_at = None
        log.error("career move %s: org refused (%s)", move.id, outcome)
    else:
        move.status = "applied"
        move.applied_at = utcnow()
        move.org_error = None
        move.org_retry_at = None
        await session.flush()
        await _event(session, ev.CareerMoveApplied, move)
    await session.flush()
    return outcome is None


async def sweep(
    runtime: ServiceRuntime, org: ServiceClient, *, now: datetime | None = None, limit: int = 100
) -> int:
    """Apply every approved move whose retry time has come; returns how many were applied."""
    due = now or utcnow()
    async with runtime.sessionmaker() as session:
        waiting = (
            await session.scalars(
                select(CareerMove.id)
                .where(CareerMove.org_retry_at <= due, CareerMove.status == "approved")
                .order_by(CareerMove.org_retry_at)
                .limit(limit)
            )
        ).all()
    done = 0
    for move_id in waiting:
        async with runtime.transaction() as session:
            move = await session.get(CareerMove, move_id)
            if move is not None and await apply_to_org(session, org, move):
                done += 1
    return done
