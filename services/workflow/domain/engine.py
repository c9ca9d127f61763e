"""The approval engine: opening steps, resolving approvers, deciding tasks, finishing instances.

Every function works inside the caller's transaction and never commits. State lives in the
database (instances, tasks, history), so a restart loses nothing.
"""

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from services.workflow.db.models import (
    CarbonCopy,
    Definition,
    Delegation,
    HistoryEntry,
    Instance,
    Task,
)
from services.workflow.domain import conditions, inbox
from services.workflow.domain.directory import Directory, NotLookedUp, Snapshot
from shared.contracts.ids import new_id
from shared.contracts.principal import Principal
from shared.kit.db import touch
from shared.kit.errors import Conflict, Forbidden, NotFound, Unprocessable, not_found
from shared.kit.outbox import record_event

OPEN = ("pending", "returned")


def far_future() -> datetime:
    """The sort key of a task without a deadline."""
    return datetime(9999, 12, 31, tzinfo=UTC)


@dataclass
class Context:
    """Who acts, when, how to find people, and the version the actor last saw (``If-Match``)."""

    session: AsyncSession
    directory: Directory
    now: datetime
    actor: Principal | None = None
    # Refuses (412) when the instance's version is not the one the actor decided on.
    precondition: Callable[[int], None] | None = None

    def check_version(self, instance: "Instance") -> None:
        """Apply the actor's precondition to the instance they change (after it is locked)."""
        if self.precondition is not None:
            self.precondition(instance.version)

    @property
    def actor_name(self) -> str:
        return self.actor.sub if self.actor else "system"

    @property
    def actor_employee(self) -> uuid.UUID | None:
        return self.actor.employee_id if self.actor else None


# ---- bookkeeping ---------------------------------------------------------------------------

_last_history_id = 0


def history_id() -> uuid.UUID:
    """A UUIDv7 greater than every one this process gave before.

    The trail is read ordered by ``at`` then ``id``, and every entry of one request shares the
    same ``at``; plain UUIDv7s are random within a millisecond, so the trail came back shuffled
    ("completed" before "step_completed"). Monotonic ids keep the order entries were written in.
    """
    global _last_history_id
    candidate = new_id()
    if candidate.int <= _last_history_id:
        candidate = uuid.UUID(int=_last_history_id + 1)
    _last_history_id = candidate.int
    return candidate


def _history(
    ctx: Context,
    instance: Instance,
    kind: str,
    *,
    task: Task | None = None,
    step_index: int | None = None,
    on_behalf_of: uuid.UUID | None = None,
    **detail: Any,
) -> None:
    ctx.session.add(
        HistoryEntry(
            id=history_id(),
            instance_id=instance.id,
            at=ctx.now,
            kind=kind,
            actor=ctx.actor_name,
            actor_employee_id=ctx.actor_employee,
            on_behalf_of_employee_id=on_behalf_of,
            task_id=task.id if task else None,
            step_index=step_index
            if step_index is not None
            else (task.step_index if task else None),
            detail={k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in detail.items()},
        )
    )


_TITLES = {
    "task_assigned": ("待审批：{title}", "Awaiting your approval: {title}"),
    "cc": ("抄送：{title}", "Copied to you: {title}"),
    "returned": ("退回修改：{title}", "Returned for changes: {title}"),
    "reminder": ("催办：{title}", "Reminder: {title}"),
    "escalation": ("升级审批：{title}", "Escalated to you: {title}"),
    "outcome": ("{title}：{outcome_zh}", "{title}: {outcome}"),
}
_OUTCOMES_ZH = {"approved": "已批准", "rejected": "已驳回", "withdrawn": "已撤回"}


def _notify(
    ctx: Context,
    recipient: uuid.UUID,
    kind: str,
    instance: Instance,
    task: Task | None = None,
    outcome: str | None = None,
) -> None:
    """A notice in the recipient's inbox (the platform inbox), in Chinese and English."""
    zh, en = _TITLES[kind]
    words = {
        "title": instance.title,
        "outcome": outcome or "",
        "outcome_zh": _OUTCOMES_ZH.get(outcome or "", outcome or ""),
    }
    inbox.add(
        ctx.session,
        recipient=recipient,
        kind=kind,
        title_zh=zh.format(**words),
        title_en=en.format(**words),
        body=instance.summary,
        now=ctx.now,
        instance_id=instance.id,
        task_id=task.id if task else None,
    )


def _subject(instance: Instance) -> dict[str, str]:
    return {
        "service": instance.subject_service,
        "type": instance.subject_type,
        "id": instance.subject_id,
    }


async def _event(ctx: Context, event_type: str, instance: Instance, **data: Any) -> None:
    await record_event(
        ctx.session,
        event_type,
        subject_type="instance",
        subject_id=instance.id,
        data={
            "instance_id": str(instance.id),
            "definition_key": instance.definition_key,
            "subject": _subject(instance),
            "requester_employee_id": str(instance.requester_employee_id),
            **data,
        },
    )


async def _flush(ctx: Context) -> None:
    try:
        await ctx.session.flush()
    except StaleDataError as exc:
        raise Conflict(
            "someone decided on this request at the same moment; reload it",
            code="concurrent_decision",
        ) from exc


# ---- approvers -----------------------------------------------------------------------------


async def resolve(
    directory: Directory, spec: dict[str, Any], requester: uuid.UUID
) -> list[uuid.UUID]:
    """The employees an approver spec names for this requester, at this moment."""
    kind = spec["kind"]
    if kind == "manager":
        level = int(spec.get("level", 1))
        chain = await directory.managers(requester, level)
        return [chain[level - 1]] if len(chain) >= level else []
    if kind == "department_head":
        head = await directory.department_head(spec.get("department_code"), requester)
        return [head] if head else []
    if kind == "role":
        return await directory.role_members(spec["role"])
    return [uuid.UUID(str(value)) for value in spec.get("employee_ids", [])]


async def _resolve_all(
    directory: Directory, specs: list[dict[str, Any]], requester: uuid.UUID
) -> list[uuid.UUID]:
    found: list[uuid.UUID] = []
    for spec in specs:
        for employee_id in await resolve(directory, spec, requester):
            if employee_id not in found:
                found.append(employee_id)
    return found


@dataclass
class StepApprovers:
    """Who a step asks, and how that came about."""

    approvers: list[uuid.UUID]
    requester_skipped: bool
    routed_to_admin: bool


async def step_approvers(
    directory: Directory, step: dict[str, Any], definition: Definition, requester: uuid.UUID
) -> StepApprovers:
    """The approvers of a step for this requester: never the requester; the admins when nobody
    is left and the step's policy says so."""
    approvers = await _resolve_all(directory, step["approvers"], requester)
    skipped = requester in approvers
    if skipped:
        approvers.remove(requester)
    routed = False
    if not approvers and (step.get("on_empty") or definition.on_empty) == "admin":
        approvers = [a for a in await directory.role_members("admin") if a != requester]
        routed = bool(approvers)
    return StepApprovers(approvers, skipped, routed)


def _applies(step: dict[str, Any], data: dict[str, Any]) -> bool:
    if not step.get("condition"):
        return True
    return bool(conditions.evaluate(step["condition"], data))


# ---- looking people up before a lock ----------------------------------------------------------


async def look_up_steps(
    snapshot: Snapshot,
    definition: Definition,
    requester: uuid.UUID,
    data: dict[str, Any],
    start: int,
) -> None:
    """Ask the directory now what opening the next step from ``start`` will need to know.

    The same walk ``open_next_step`` makes (conditions, the requester removed, the admins when
    nobody is left), stopping at the first step that would open.
    """
    for step in definition.steps[start:]:
        try:
            if not _applies(step, data):
                continue
        except conditions.ConditionError:
            return  # opening the step will refuse the data; nothing to look up
        if (await step_approvers(snapshot, step, definition, requester)).approvers:
            return


async def prepared(
    ctx: Context,
    task_id: uuid.UUID,
    *,
    next_steps: bool = False,
    transfer_to: uuid.UUID | None = None,
    escalation: bool = False,
) -> Context:
    """The context for deciding a task, with everyone the decision may need already looked up.

    Read without a lock: the task's step, its requester and its definition revision never
    change, so what is looked up now is what the decision will ask under the lock.
    """
    task = await ctx.session.get(Task, task_id)
    if task is None:
        raise not_found("task", task_id)
    instance = task.instance
    snapshot = Snapshot(ctx.directory)
    if next_steps:
        definition = await ctx.session.get(Definition, instance.definition_id)
        assert definition is not None
        await look_up_steps(
            snapshot,
            definition,
            instance.requester_employee_id,
            instance.data,
            task.step_index + 1,
        )
    if transfer_to is not None:
        await snapshot.is_current_employee(transfer_to)
    if escalation:
        await snapshot.managers(task.original_assignee_id or task.assignee_employee_id, 1)
    return replace(ctx, directory=snapshot.freeze())


@asynccontextmanager
async def _changed_meanwhile() -> AsyncIterator[None]:
    """A question the snapshot cannot answer means the request changed after the look-up."""
    try:
        yield
    except NotLookedUp as exc:
        raise Conflict(
            "the request changed while its approvers were looked up; try again",
            code="concurrent_decision",
        ) from exc


async def substitute_for(
    ctx: Context, employee_id: uuid.UUID, definition_key: str
) -> uuid.UUID | None:
    """The employee's active substitute for this definition at this moment, if any."""
    delegations = (
        await ctx.session.scalars(
            select(Delegation)
            .where(
                Delegation.employee_id == employee_id,
                Delegation.active.is_(True),
                Delegation.starts_at <= ctx.now,
                Delegation.ends_at > ctx.now,
            )
            .order_by(Delegation.created_at.desc())
        )
    ).all()
    for delegation in delegations:
        if not delegation.definition_keys or definition_key in delegation.definition_keys:
            return delegation.substitute_employee_id
    return None


# ---- opening steps -------------------------------------------------------------------------


async def _assign(ctx: Context, instance: Instance, task: Task) -> None:
    _notify(ctx, task.assignee_employee_id, "task_assigned", instance, task)
    await _event(
        ctx,
        "workflow.task.assigned",
        instance,
        task_id=str(task.id),
        assignee_employee_id=str(task.assignee_employee_id),
        step_key=task.step_key,
    )


def _due(step: dict[str, Any], now: datetime) -> datetime | None:
    deadline = step.get("deadline")
    return now + timedelta(hours=float(deadline["hours"])) if deadline else None


async def _holder(
    ctx: Context, instance: Instance, approver: uuid.UUID, handed_on_by: uuid.UUID | None
) -> uuid.UUID | None:
    """Who holds a new task of ``approver``: their active substitute, or None (they hold it).

    One rule for every new task (a step opening, a transfer, an escalation). A requester never
    holds a task of their own request, not even as a substitute, and a task handed on is not
    handed straight back to the person who just handed it on.
    """
    substitute = await substitute_for(ctx, approver, instance.definition_key)
    if substitute in (instance.requester_employee_id, handed_on_by):
        return None
    return substitute


async def _new_task(
    ctx: Context,
    instance: Instance,
    *,
    step_index: int,
    step_key: str,
    approver: uuid.UUID,
    position: int,
    status: str,
    due: datetime | None,
    handed_on_by: uuid.UUID | None = None,
) -> Task:
    """A task of ``approver`` in a step, held by their substitute when one stands in."""
    substitute = await _holder(ctx, instance, approver, handed_on_by)
    task = Task(
        instance_id=instance.id,
        round=instance.round,
        step_index=step_index,
        step_key=step_key,
        position=position,
        assignee_employee_id=substitute or approver,
        original_assignee_id=approver if substitute else None,
        status=status,
        due_at=due,
        sort_due=due or far_future(),
    )
    ctx.session.add(task)
    await ctx.session.flush()
    return task


def _record_delegation(ctx: Context, instance: Instance, task: Task) -> None:
    if task.original_assignee_id is not None:
        _history(
            ctx,
            instance,
            "delegated",
            task=task,
            approver=task.original_assignee_id,
            substitute=task.assignee_employee_id,
        )


async def open_task_of(ctx: Context, task: Task, employee_id: uuid.UUID) -> Task | None:
    """The open task of ``task``'s step, other than ``task``, that the employee holds or that a
    substitute holds for them; None when they have none.

    Nobody is asked twice in one step: a transfer to such a person is refused and an escalation
    to them keeps their task instead of adding a second.
    """
    found = await ctx.session.scalars(
        select(Task)
        .where(
            Task.instance_id == task.instance_id,
            Task.round == task.round,
            Task.step_index == task.step_index,
            Task.id != task.id,
            Task.status.in_(("pending", "waiting")),
            or_(
                Task.assignee_employee_id == employee_id,
                Task.original_assignee_id == employee_id,
            ),
        )
        .order_by(Task.position, Task.created_at)
        .limit(1)
    )
    return found.first()


async def open_next_step(
    ctx: Context, instance: Instance, definition: Definition, start: int
) -> None:
    """Open the first step from ``start`` that applies and has approvers; approve when none is left."""
    steps = definition.steps
    index = start
    while index < len(steps):
        step = steps[index]
        if not _applies(step, instance.data):
            _history(
                ctx,
                instance,
                "step_skipped",
                step_index=index,
                step_key=step["key"],
                reason="condition_false",
                condition=step["condition"],
            )
            index += 1
            continue
        found = await step_approvers(
            ctx.directory, step, definition, instance.requester_employee_id
        )
        approvers = found.approvers
        if found.requester_skipped:
            _history(
                ctx,
                instance,
                "requester_skipped",
                step_index=index,
                step_key=step["key"],
                reason="a requester never approves their own request",
            )
        if found.routed_to_admin:
            _history(
                ctx,
                instance,
                "routed_to_admin",
                step_index=index,
                step_key=step["key"],
                reason="the step's approvers resolved to nobody",
            )
        if not approvers:
            _history(
                ctx,
                instance,
                "step_skipped",
                step_index=index,
                step_key=step["key"],
                reason="no_approvers",
            )
            index += 1
            continue
        instance.current_step = index
        sequential = step.get("mode") == "sequential"
        for position, approver in enumerate(approvers):
            status = "waiting" if sequential and position > 0 else "pending"
            task = await _new_task(
                ctx,
                instance,
                step_index=index,
                step_key=step["key"],
                approver=approver,
                position=position,
                status=status,
                due=_due(step, ctx.now) if status == "pending" else None,
            )
            _record_delegation(ctx, instance, task)
            if status == "pending":
                await _assign(ctx, instance, task)
        _history(
            ctx,
            instance,
            "step_opened",
            step_index=index,
            step_key=step["key"],
            mode=step.get("mode", "any"),
            approvers=[str(a) for a in approvers],
        )
        return
    await complete(ctx, instance, "approved")


async def complete(ctx: Context, instance: Instance, outcome: str) -> None:
    """Finish the instance and tell the requester (unless they ended it) and the owning service."""
    instance.status = outcome
    instance.current_step = None
    instance.completed_at = ctx.now
    _history(ctx, instance, "completed", outcome=outcome)
    if instance.requester_employee_id != ctx.actor_employee:
        _notify(ctx, instance.requester_employee_id, "outcome", instance, outcome=outcome)
    await _event(ctx, "workflow.instance.completed", instance, outcome=outcome)


# ---- starting ------------------------------------------------------------------------------


def check_data(definition: Definition, data: dict[str, Any]) -> None:
    """422 when the data does not meet the definition's form or lacks a field a condition reads."""
    if definition.form_schema:
        errors = sorted(
            Draft202012Validator(definition.form_schema).iter_errors(data),
            key=lambda e: list(e.path),
        )
        if errors:
            raise Unprocessable(
                "the request data does not meet the form: "
                + "; ".join(
                    f"{'/'.join(str(p) for p in e.path) or '(data)'}: {e.message}"
                    for e in errors[:10]
                ),
                code="invalid_request_data",
            )
    for step in definition.steps:
        if step.get("condition"):
            missing = conditions.names(step["condition"]) - set(data)
            if missing:
                raise Unprocessable(
                    f"the request data lacks {', '.join(sorted(missing))}, which step {step['key']!r} needs",
                    code="invalid_request_data",
                )
            # Evaluated now, not when the step is reached: a value the condition cannot use
            # ("amount": "lots") would otherwise fail a later approver's decision with a 500.
            try:
                conditions.evaluate(step["condition"], data)
            except conditions.ConditionError as exc:
                raise Unprocessable(
                    f"step {step['key']!r} cannot apply its condition "
                    f"{step['condition']!r} to the request data: {exc}",
                    code="invalid_request_data",
                ) from exc


async def start(
    ctx: Context,
    definition: Definition,
    *,
    subject: dict[str, str],
    requester: uuid.UUID,
    title: str,
    summary: str,
    data: dict[str, Any],
) -> Instance:
    """Create an instance, copy the CC list, and open its first step.

    Everyone the start needs (the people copied, the first step's approvers) is looked up
    before anything is written, so no transaction waits on the directory.
    """
    check_data(definition, data)
    snapshot = Snapshot(ctx.directory)
    requester_name = await snapshot.employee_name(requester)
    copied = await _resolve_all(snapshot, definition.cc, requester)
    await look_up_steps(snapshot, definition, requester, data, 0)
    ctx = replace(ctx, directory=snapshot.freeze())
    instance = Instance(
        definition_id=definition.id,
        definition_key=definition.key,
        subject_service=subject["service"],
        subject_type=subject["type"],
        subject_id=subject["id"],
        requester_employee_id=requester,
        requester_name=requester_name,
        title=title,
        summary=summary,
        data=data,
        status="pending",
        round=1,
        started_by=ctx.actor_name,
    )
    ctx.session.add(instance)
    await ctx.session.flush()
    _history(ctx, instance, "started", definition_key=definition.key, revision=definition.revision)
    await _event(ctx, "workflow.instance.started", instance, title=title)
    for employee_id in copied:
        ctx.session.add(CarbonCopy(instance_id=instance.id, employee_id=employee_id))
        _notify(ctx, employee_id, "cc", instance)
    async with _changed_meanwhile():
        await open_next_step(ctx, instance, definition, 0)
    await _flush(ctx)
    return instance


# ---- deciding ------------------------------------------------------------------------------


async def lock_instance(ctx: Context, instance_id: uuid.UUID) -> Instance:
    """The instance, row-locked on PostgreSQL so decisions on it happen one at a time."""
    query = (
        select(Instance).where(Instance.id == instance_id).execution_options(populate_existing=True)
    )
    if ctx.session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    else:
        # SQLite has no row locks and reads outside a transaction: two approvers of one step
        # both read "pending", and the loser then hit the version check inside an autoflush
        # (a 412 instead of a 409). A no-op write first takes the database's write lock, so a
        # concurrent decision waits and then reads the state the first one committed.
        await ctx.session.execute(
            update(Instance)
            .where(Instance.id == instance_id)
            .values(version=Instance.version, updated_at=Instance.updated_at)
            .execution_options(synchronize_session=False)
        )
    instance = await ctx.session.scalar(query)
    if instance is None:
        raise not_found("instance", instance_id)
    return instance


async def may_act(ctx: Context, task: Task, instance: Instance) -> uuid.UUID | None:
    """Whether the actor may decide the task; returns on whose behalf (None: their own task)."""
    me = ctx.actor_employee
    if me is None:
        return None
    owner = task.original_assignee_id or task.assignee_employee_id
    if me == task.assignee_employee_id:
        return owner if owner != me else None
    if me == task.original_assignee_id:
        return None
    if me == instance.requester_employee_id:
        raise _not_yours(task)  # not even as the approver's substitute
    for person in {task.assignee_employee_id, owner}:
        if await substitute_for(ctx, person, instance.definition_key) == me:
            return person
    raise _not_yours(task)


def _not_yours(task: Task) -> NotFound:
    return not_found("task", task.id)


async def load_task_for_action(
    ctx: Context, task_id: uuid.UUID
) -> tuple[Task, Instance, Definition, uuid.UUID | None]:
    """A task the actor may decide, its locked instance and definition; 404 / 409 otherwise."""
    task = await ctx.session.get(Task, task_id)
    if task is None:
        raise not_found("task", task_id)
    instance = await lock_instance(ctx, task.instance_id)
    await ctx.session.refresh(task)
    on_behalf = await may_act(ctx, task, instance) if ctx.actor else None
    if ctx.actor and ctx.actor_employee is None:
        raise _not_yours(task)
    ctx.check_version(instance)
    if task.status != "pending" or instance.status != "pending":
        raise Conflict(f"this task is already {task.status}", code="task_already_decided")
    definition = await ctx.session.get(Definition, instance.definition_id)
    assert definition is not None
    return task, instance, definition, on_behalf


def _decide(
    ctx: Context, task: Task, status: str, comment: str | None, on_behalf: uuid.UUID | None
) -> None:
    task.status = status
    task.decided_at = ctx.now
    task.decided_by_employee_id = ctx.actor_employee
    task.on_behalf_of_employee_id = on_behalf
    task.comment = comment


async def _step_tasks(ctx: Context, instance: Instance, step_index: int) -> list[Task]:
    return list(
        (
            await ctx.session.scalars(
                select(Task)
                .where(
                    Task.instance_id == instance.id,
                    Task.round == instance.round,
                    Task.step_index == step_index,
                )
                .order_by(Task.position, Task.created_at)
            )
        ).all()
    )


async def _cancel_open(ctx: Context, instance: Instance, reason: str) -> list[Task]:
    """Cancel the instance's open tasks; returns those that were pending (in someone's inbox)."""
    open_tasks = (
        await ctx.session.scalars(
            select(Task).where(
                Task.instance_id == instance.id, Task.status.in_(("pending", "waiting"))
            )
        )
    ).all()
    pending = [task for task in open_tasks if task.status == "pending"]
    for task in open_tasks:
        task.status = "cancelled"
        task.decided_at = ctx.now
        task.comment = reason
    return pending


async def approve(ctx: Context, task_id: uuid.UUID, comment: str | None) -> Instance:
    """Approve a task; the step and the instance move on as the step's mode says."""
    ctx = await prepared(ctx, task_id, next_steps=True)
    task, instance, definition, on_behalf = await load_task_for_action(ctx, task_id)
    async with _changed_meanwhile():
        await _approve(ctx, task, instance, definition, comment, on_behalf)
    return instance


async def _approve(
    ctx: Context,
    task: Task,
    instance: Instance,
    definition: Definition,
    comment: str | None,
    on_behalf: uuid.UUID | None,
    kind: str = "approved",
) -> None:
    _decide(ctx, task, "approved", comment, on_behalf)
    touch(instance, ctx.now)  # bumps the version: concurrent decisions collide
    _history(ctx, instance, kind, task=task, on_behalf_of=on_behalf, comment=comment)
    step = definition.steps[task.step_index]
    mode = step.get("mode", "any")
    tasks = await _step_tasks(ctx, instance, task.step_index)
    step_done = True
    if mode == "all":
        # Every approver still asked must approve; a task handed on (transferred, escalated)
        # is replaced by its successor's, so only open tasks keep the step waiting.
        step_done = not any(t.status in ("pending", "waiting") for t in tasks)
    elif mode == "sequential":
        waiting = [t for t in tasks if t.status == "waiting"]
        if waiting:
            step_done = False
            following = waiting[0]
            following.status = "pending"
            following.due_at = _due(step, ctx.now)
            following.sort_due = following.due_at or far_future()
            await _assign(ctx, instance, following)
    if step_done:
        for other in tasks:
            if other.status in ("pending", "waiting"):
                other.status = "cancelled"
                other.decided_at = ctx.now
                other.comment = "decided by another approver"
        _history(
            ctx, instance, "step_completed", step_index=task.step_index, step_key=task.step_key
        )
        await open_next_step(ctx, instance, definition, task.step_index + 1)
    await _flush(ctx)


async def reject(
    ctx: Context, task_id: uuid.UUID, comment: str | None, kind: str = "rejected"
) -> Instance:
    """Reject: the instance ends as rejected."""
    ctx = await prepared(ctx, task_id)
    task, instance, _definition, on_behalf = await load_task_for_action(ctx, task_id)
    await _reject(ctx, task, instance, comment, on_behalf, kind)
    return instance


async def _reject(
    ctx: Context,
    task: Task,
    instance: Instance,
    comment: str | None,
    on_behalf: uuid.UUID | None,
    kind: str = "rejected",
) -> None:
    _decide(ctx, task, "rejected", comment, on_behalf)
    touch(instance, ctx.now)
    _history(ctx, instance, kind, task=task, on_behalf_of=on_behalf, comment=comment)
    await _cancel_open(ctx, instance, "the request was rejected")
    await complete(ctx, instance, "rejected")
    await _flush(ctx)


async def return_to_requester(ctx: Context, task_id: uuid.UUID, comment: str | None) -> Instance:
    """Send the request back for changes; the requester edits and resubmits it."""
    ctx = await prepared(ctx, task_id)
    task, instance, _definition, on_behalf = await load_task_for_action(ctx, task_id)
    _decide(ctx, task, "returned", comment, on_behalf)
    instance.status = "returned"
    touch(instance, ctx.now)
    _history(ctx, instance, "returned", task=task, on_behalf_of=on_behalf, comment=comment)
    await _cancel_open(ctx, instance, "the request was returned to the requester")
    _notify(ctx, instance.requester_employee_id, "returned", instance)
    await _flush(ctx)
    return instance


async def transfer(
    ctx: Context, task_id: uuid.UUID, to_employee: uuid.UUID, comment: str | None
) -> Task:
    """Hand the task to another employee (the new task keeps the step, position and deadline).

    The new task goes to the employee's substitute when one stands in, as any new task does;
    someone who already has an open task in the step is refused (409), never asked twice.
    """
    ctx = await prepared(ctx, task_id, transfer_to=to_employee)
    task, instance, _definition, on_behalf = await load_task_for_action(ctx, task_id)
    if to_employee in (task.assignee_employee_id, instance.requester_employee_id):
        raise Unprocessable(
            "a task cannot be transferred to its assignee or to the requester",
            code="invalid_transfer",
        )
    if not await ctx.directory.is_current_employee(to_employee):
        raise Unprocessable(
            f"employee {to_employee} does not exist or has left", code="unknown_employee"
        )
    if await open_task_of(ctx, task, to_employee) is not None:
        raise Conflict(
            f"employee {to_employee} already has a task in this step of the request",
            code="already_assigned_in_step",
        )
    _decide(ctx, task, "transferred", comment, on_behalf)
    touch(instance, ctx.now)
    new = await _new_task(
        ctx,
        instance,
        step_index=task.step_index,
        step_key=task.step_key,
        approver=to_employee,
        position=task.position,
        status="pending",
        due=task.due_at,
        handed_on_by=task.assignee_employee_id,
    )
    _history(
        ctx,
        instance,
        "transferred",
        task=task,
        on_behalf_of=on_behalf,
        to_employee=to_employee,
        new_task=new.id,
        comment=comment,
    )
    _record_delegation(ctx, instance, new)
    await _assign(ctx, instance, new)
    await _flush(ctx)
    return new


def _require_requester(ctx: Context, instance: Instance) -> None:
    if ctx.actor_employee != instance.requester_employee_id and not (
        ctx.actor and ctx.actor.kind == "client"
    ):
        raise Forbidden("only the requester may do this", code="requester_only")


async def withdraw(ctx: Context, instance_id: uuid.UUID, comment: str | None) -> Instance:
    """The requester takes back a request still pending (or returned)."""
    instance = await lock_instance(ctx, instance_id)
    _require_requester(ctx, instance)
    ctx.check_version(instance)
    if instance.status not in OPEN:
        raise Conflict(f"the request is already {instance.status}", code="instance_closed")
    touch(instance, ctx.now)
    cancelled = await _cancel_open(ctx, instance, "the requester withdrew the request")
    _history(ctx, instance, "withdrawn", comment=comment)
    await complete(ctx, instance, "withdrawn")
    # Approvers whose task just left their inbox are told why (the actor never is).
    told = {ctx.actor_employee, instance.requester_employee_id}
    for task in cancelled:
        for person in (task.assignee_employee_id, task.original_assignee_id):
            if person is not None and person not in told:
                told.add(person)
                _notify(ctx, person, "outcome", instance, task, outcome="withdrawn")
    await _flush(ctx)
    return instance


async def resubmit(
    ctx: Context,
    instance_id: uuid.UUID,
    title: str | None,
    summary: str | None,
    data: dict[str, Any] | None,
    comment: str | None,
) -> Instance:
    """After a return: the requester's corrected request starts over from the first step."""
    before = await ctx.session.get(Instance, instance_id)
    if before is None:
        raise not_found("instance", instance_id)
    definition = await ctx.session.get(Definition, before.definition_id)
    assert definition is not None
    snapshot = Snapshot(ctx.directory)
    await look_up_steps(
        snapshot,
        definition,
        before.requester_employee_id,
        before.data if data is None else data,
        0,
    )
    ctx = replace(ctx, directory=snapshot.freeze())
    instance = await lock_instance(ctx, instance_id)
    _require_requester(ctx, instance)
    ctx.check_version(instance)
    if instance.status != "returned":
        raise Conflict("only a returned request can be resubmitted", code="instance_not_returned")
    if data is not None:
        check_data(definition, data)
        instance.data = data
    if title is not None:
        instance.title = title
    if summary is not None:
        instance.summary = summary
    instance.round += 1
    instance.status = "pending"
    touch(instance, ctx.now)
    _history(ctx, instance, "resubmitted", round=instance.round, comment=comment)
    async with _changed_meanwhile():
        await open_next_step(ctx, instance, definition, 0)
    await _flush(ctx)
    return instance


# ---- deadlines -----------------------------------------------------------------------------


async def due_task_ids(session: AsyncSession, now: datetime, limit: int = 100) -> list[uuid.UUID]:
    """Pending tasks whose deadline has passed and has not been handled."""
    return list(
        (
            await session.scalars(
                select(Task.id)
                .where(Task.status == "pending", Task.deadline_done.is_(False), Task.due_at <= now)
                .order_by(Task.due_at)
                .limit(limit)
            )
        ).all()
    )


async def _escalate(ctx: Context, task: Task, instance: Instance, step: dict[str, Any]) -> bool:
    """Move an overdue task to the manager of the approver it is for; False (and a reminder)
    when there is nobody to move it to.

    The manager is looked up for the approver, not for a substitute holding the task. A
    manager who already has an open task in the step keeps it (started now if it was waiting
    its turn) instead of getting a second one; the overdue task is closed either way.
    """
    owner = task.original_assignee_id or task.assignee_employee_id
    chain = await ctx.directory.managers(owner, 1)
    target = chain[0] if chain else None
    if target is None or target in (instance.requester_employee_id, task.assignee_employee_id):
        _notify(ctx, task.assignee_employee_id, "reminder", instance, task)
        _history(ctx, instance, "reminded", task=task, reason="nobody to escalate to")
        return False
    _decide(ctx, task, "escalated", "the deadline passed", None)
    kept = await open_task_of(ctx, task, target)
    if kept is not None:
        _history(
            ctx,
            instance,
            "escalated",
            task=task,
            to_employee=target,
            kept_task=kept.id,
            reason="the manager already has a task in this step",
        )
        if kept.status == "waiting":
            kept.status = "pending"
            kept.due_at = _due(step, ctx.now)
            kept.sort_due = kept.due_at or far_future()
            await _assign(ctx, instance, kept)
        _notify(ctx, kept.assignee_employee_id, "escalation", instance, kept)
        return True
    new = await _new_task(
        ctx,
        instance,
        step_index=task.step_index,
        step_key=task.step_key,
        approver=target,
        position=task.position,
        status="pending",
        due=_due(step, ctx.now),
        handed_on_by=task.assignee_employee_id,
    )
    _history(ctx, instance, "escalated", task=task, to_employee=target, new_task=new.id)
    _record_delegation(ctx, instance, new)
    _notify(ctx, new.assignee_employee_id, "escalation", instance, new)
    await _assign(ctx, instance, new)
    return True


async def handle_deadline(ctx: Context, task_id: uuid.UUID) -> str | None:
    """Apply the step's deadline action to one overdue task (once); returns what was done."""
    task = await ctx.session.get(Task, task_id)
    if task is None:
        return None
    planned = await ctx.session.get(Definition, task.instance.definition_id)
    assert planned is not None
    planned_action = (planned.steps[task.step_index].get("deadline") or {}).get("action")
    ctx = await prepared(
        ctx,
        task_id,
        next_steps=planned_action == "approve",
        escalation=planned_action == "escalate",
    )
    async with _changed_meanwhile():
        return await _handle_deadline(ctx, task)


async def _handle_deadline(ctx: Context, task: Task) -> str | None:
    instance = await lock_instance(ctx, task.instance_id)
    await ctx.session.refresh(task)
    if (
        task.status != "pending"
        or task.deadline_done
        or task.due_at is None
        or task.due_at > ctx.now
    ):
        return None  # decided or handled meanwhile
    definition = await ctx.session.get(Definition, instance.definition_id)
    assert definition is not None
    deadline = definition.steps[task.step_index].get("deadline") or {}
    action = str(deadline.get("action", "remind"))
    if action == "remind":
        task.reminders_sent += 1
        _notify(ctx, task.assignee_employee_id, "reminder", instance, task)
        _history(ctx, instance, "reminded", task=task, reminder=task.reminders_sent)
        if deadline.get("repeat_hours"):
            # The next reminder is the first repeat after now: a sweep that ran late (or twice
            # at one moment) sends one reminder, not one per missed interval.
            repeat = timedelta(hours=float(deadline["repeat_hours"]))
            next_due = task.due_at + repeat * ((ctx.now - task.due_at) // repeat + 1)
            task.due_at = next_due
            task.sort_due = next_due
        else:
            task.deadline_done = True
        touch(instance, ctx.now)
    elif action == "escalate":
        task.deadline_done = True
        if not await _escalate(ctx, task, instance, definition.steps[task.step_index]):
            action = "remind"
        touch(instance, ctx.now)
    elif action == "approve":
        task.deadline_done = True
        await _approve(
            ctx,
            task,
            instance,
            definition,
            "approved automatically: the deadline passed",
            None,
            kind="auto_approved",
        )
    else:
        task.deadline_done = True
        await _reject(
            ctx,
            task,
            instance,
            "rejected automatically: the deadline passed",
            None,
            kind="auto_rejected",
        )
    await _flush(ctx)
    return action
