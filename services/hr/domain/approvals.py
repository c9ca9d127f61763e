"""hr's side of the approval saga: starting, recording and withdrawing workflow instances.

hr records a request (or a cancellation) and commits it *before* asking workflow to start its
approval, so nothing workflow starts can belong to a request hr does not have. The call
carries an ``Idempotency-Key`` derived from the request, so asking again — right after a lost
answer, or from the sweep after a crash — returns the instance already started instead of a
second one. Until hr has recorded the instance, the request is *awaiting* its approval.
"""

import contextlib
import logging
import uuid
from datetime import timedelta
from typing import Final, Literal

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from services.hr.db.models import Employee, LeaveRequest, LeaveType
from shared.kit.db import utcnow
from shared.kit.errors import ServiceUnavailable
from shared.kit.jobs import Periodic
from shared.kit.runtime import ServiceRuntime
from shared.kit.service_client import ServiceClient

log = logging.getLogger("officina.hr.approvals")

SubjectType = Literal["leave_request", "leave_cancellation"]
SUBJECT_TYPE: Final = "leave_request"
CANCELLATION_TYPE: Final = "leave_cancellation"
INSTANCES = "/api/v1/workflow/instances"
# workflow answered, and what it said means it started nothing for this key: the kit stores
# every answer below 500 under the key, so a key that had started an instance would replay it.
REFUSALS = frozenset({400, 403, 404, 422})
# How long the request's own attempt may take before the sweep steps in (the client times out
# after 5 s), so the two rarely race; when they do, the idempotency key keeps one instance.
SWEEP_GRACE = timedelta(seconds=10)


def awaited_approval(request: LeaveRequest) -> SubjectType | None:
    """The approval the request waits for workflow to start, if any."""
    if request.status == "pending" and request.workflow_instance_id is None:
        return SUBJECT_TYPE
    if request.status == "cancellation_pending" and request.cancellation_instance_id is None:
        return CANCELLATION_TYPE
    return None


def approval_key(request: LeaveRequest, subject_type: SubjectType) -> str:
    """The ``Idempotency-Key`` of one approval of the request.

    A leave is approved once, so its key is the request id. A cancellation may be asked again
    after a refused one, so its key also carries the version the request has while it waits
    for the cancellation to start (the refusal moved it); otherwise workflow would replay the
    answer it stored for the first, closed, approval.
    """
    key = f"{subject_type}:{request.id}"
    return f"{key}:{request.version}" if subject_type == CANCELLATION_TYPE else key


async def request_instance(
    session: AsyncSession,
    workflow: ServiceClient,
    request: LeaveRequest,
    subject_type: SubjectType,
) -> uuid.UUID | None:
    """Ask workflow to start (or, for a key it has seen, return) the ``leave`` instance.

    Returns the instance id; None when workflow refused (it started nothing for this key);
    raises ServiceUnavailable when the answer says nothing certain (unreachable, 5xx, busy).
    """
    employee = await session.get(Employee, request.employee_id)
    kind = await session.scalar(select(LeaveType).where(LeaveType.code == request.leave_type))
    if employee is None or kind is None:
        raise ServiceUnavailable("the employee or leave type of this request is unknown to hr")
    cancellation = subject_type == CANCELLATION_TYPE
    title = (
        f"撤销请假：{employee.name} {request.days} 天"
        if cancellation
        else f"{employee.name} {kind.name} {request.days} 天"
    )
    response = await workflow.request(
        "POST",
        INSTANCES,
        json={
            "definition_key": "leave",
            "subject": {"service": "hr", "type": subject_type, "id": str(request.id)},
            "requester_employee_id": str(employee.id),
            "title": title,
            "summary": f"{request.start_date} – {request.end_date}: {request.reason}"[:5000],
            "data": {
                "days": float(request.days),
                "leave_type": kind.code,
                "cancellation": cancellation,
            },
        },
        headers={"Idempotency-Key": approval_key(request, subject_type)},
    )
    if response.status_code == 201:
        return uuid.UUID(response.json()["id"])
    if response.status_code in REFUSALS:
        log.warning(
            "workflow refused the %s approval of leave request %s (%s): %s",
            subject_type,
            request.id,
            response.status_code,
            response.text[:500],
        )
        return None
    raise ServiceUnavailable(
        f"the approval could not be started (workflow answered {response.status_code})"
    )


async def withdraw(workflow: ServiceClient, instance_id: uuid.UUID) -> bool:
    """Withdraw an open approval: True when withdrawn, False when workflow says it already ended."""
    response = await workflow.request("POST", f"{INSTANCES}/{instance_id}/withdraw")
    if response.status_code == 200:
        return True
    if response.status_code == 409:
        return False
    raise ServiceUnavailable(
        f"the approval could not be withdrawn (workflow answered {response.status_code})"
    )


async def instance_status(workflow: ServiceClient, instance_id: uuid.UUID) -> str | None:
    """How workflow says an instance stands (``approved``, ``rejected``…); None when unknown."""
    try:
        found = await workflow.get_json(f"{INSTANCES}/{instance_id}")
    except ServiceUnavailable:
        return None
    status = found.get("status") if isinstance(found, dict) else None
    return str(status) if status else None


async def start_awaited_approval(
    session: AsyncSession, workflow: ServiceClient, request: LeaveRequest
) -> uuid.UUID | None:
    """Start the approval the (committed) request awaits and record its instance.

    Returns the instance id, or None when workflow did not start it now — the request stays
    awaiting and the sweep asks again. Call it only after the request's state is committed.
    """
    subject_type = awaited_approval(request)
    if subject_type is None:
        return None
    key = approval_key(request, subject_type)
    try:
        instance_id = await request_instance(session, workflow, request, subject_type)
    except ServiceUnavailable as exc:
        log.warning("leave request %s: %s; the sweep will retry", request.id, exc.detail)
        return None
    if instance_id is None:
        return None
    await _reload_locked(session, request)  # it may have moved on while workflow answered
    column = "workflow_instance_id" if subject_type == SUBJECT_TYPE else "cancellation_instance_id"
    if awaited_approval(request) == subject_type and approval_key(request, subject_type) == key:
        setattr(request, column, instance_id)
        await session.flush()
    elif getattr(request, column) != instance_id:
        # Nothing waits for this instance any more: it must not stay open in workflow.
        with contextlib.suppress(ServiceUnavailable):
            await withdraw(workflow, instance_id)
        return None
    return instance_id


async def _reload_locked(session: AsyncSession, request: LeaveRequest) -> None:
    if session.bind.dialect.name != "postgresql":
        # SQLite has no row locks and reads outside a transaction: a no-op write first takes
        # the database's write lock, so what is read below cannot change before it is written.
        await session.execute(
            update(LeaveRequest)
            .where(LeaveRequest.id == request.id)
            .values(updated_at=LeaveRequest.updated_at)  # named, so it is not bumped either
            .execution_options(synchronize_session=False)
        )
    await session.refresh(request, with_for_update=True)


async def start_waiting_approvals(
    runtime: ServiceRuntime, workflow: ServiceClient, *, older_than: timedelta = SWEEP_GRACE
) -> int:
    """The sweep: start every approval that has been awaited for longer than ``older_than``
    (workflow was down, its answer was lost, or hr stopped mid-request); returns how many."""
    cutoff = utcnow() - older_than
    async with runtime.sessionmaker() as session:
        waiting = (
            await session.scalars(
                select(LeaveRequest.id)
                .where(
                    or_(
                        and_(
                            LeaveRequest.status == "pending",
                            LeaveRequest.workflow_instance_id.is_(None),
                        ),
                        and_(
                            LeaveRequest.status == "cancellation_pending",
                            LeaveRequest.cancellation_instance_id.is_(None),
                        ),
                    ),
                    LeaveRequest.updated_at <= cutoff,
                )
                .order_by(LeaveRequest.updated_at)
            )
        ).all()
    started = 0
    for request_id in waiting:
        try:
            async with runtime.transaction() as session:
                request = await session.get(LeaveRequest, request_id)
                if request is not None and await start_awaited_approval(session, workflow, request):
                    started += 1
        except StaleDataError:
            continue  # changed meanwhile (by its own request or another replica): next sweep
    return started


class ApprovalSweeper(Periodic):
    """Runs :func:`start_waiting_approvals` at start-up and then every ``interval`` seconds."""

    def __init__(
        self, runtime: ServiceRuntime, interval: float, grace: timedelta = SWEEP_GRACE
    ) -> None:
        super().__init__("approval-sweep", interval, self.sweep, log)
        self.runtime = runtime
        self.grace = grace

    async def sweep(self) -> None:
        """One sweep: start every approval that has waited longer than the grace period."""
        client: ServiceClient = self.runtime.extras["service_client"]
        started = await start_waiting_approvals(self.runtime, client, older_than=self.grace)
        if started:
            log.info("started %d awaited leave approval(s)", started)
