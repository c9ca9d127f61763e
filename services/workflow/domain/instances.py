"""Approval requests as people and services see them: who sees which, starting, commenting.

Visibility is one rule, ``visibility(principal)``, a SQL condition: the list adds it to its
filters and the read of one request (and of one task, through its request) selects with it,
so the two can never disagree.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, exists, false, or_, select, true
from sqlalchemy.orm import aliased

from services.workflow.db.models import CarbonCopy, Definition, HistoryEntry, Instance, Task
from services.workflow.domain import definitions as definition_rules
from services.workflow.domain import engine
from services.workflow.schemas import InstanceStart
from shared.contracts.principal import Principal
from shared.contracts.problem import ValidationIssue
from shared.kit.db import touch
from shared.kit.errors import Forbidden, Unprocessable, not_found

# Staff of these roles see the requests whose subject belongs to their service.
SERVICE_OF_ROLE = {"hr": "hr", "finance": "finance", "logistics": "logistics"}


def involving(employee_id: uuid.UUID) -> ColumnElement[bool]:
    """Requests the employee made, was asked to decide (or decided, or holds for someone), or
    was copied on."""
    # An alias of its own: a statement about tasks (a task read) must not correlate it away.
    task = aliased(Task)
    return or_(
        Instance.requester_employee_id == employee_id,
        exists().where(
            task.instance_id == Instance.id,
            or_(
                task.assignee_employee_id == employee_id,
                task.original_assignee_id == employee_id,
                task.decided_by_employee_id == employee_id,
            ),
        ),
        exists().where(
            CarbonCopy.instance_id == Instance.id, CarbonCopy.employee_id == employee_id
        ),
    )


def visibility(principal: Principal) -> ColumnElement[bool]:
    """The requests ``principal`` may see: the requester, the approvers (and their substitutes),
    the people copied; HR, Finance and Logistics staff for their service's subjects; admins,
    auditors and services with ``workflow:read`` all."""
    if principal.kind == "client":
        return true() if principal.can_read("workflow") else false()
    if principal.has_role("admin", "auditor"):
        return true()
    conditions: list[ColumnElement[bool]] = [
        Instance.subject_service == service
        for role, service in SERVICE_OF_ROLE.items()
        if role in principal.roles
    ]
    if principal.employee_id is not None:
        conditions.append(involving(principal.employee_id))
    return or_(*conditions) if conditions else false()


def visible_instances(principal: Principal) -> Select[tuple[Instance]]:
    """The requests the principal may see, as a statement to filter, page or narrow to one."""
    return select(Instance).where(visibility(principal))


async def visible(ctx: engine.Context, instance_id: uuid.UUID) -> Instance:
    """One request the actor may see; 404 when it does not exist or is not theirs to see."""
    assert ctx.actor is not None
    instance = await ctx.session.scalar(
        visible_instances(ctx.actor).where(Instance.id == instance_id)
    )
    if instance is None:
        raise not_found("instance", instance_id)
    return instance


async def visible_task(ctx: engine.Context, task_id: uuid.UUID) -> Task:
    """One task whose request the actor may see; 404 otherwise."""
    assert ctx.actor is not None
    task = await ctx.session.scalar(
        select(Task)
        .join(Instance, Task.instance_id == Instance.id)
        .where(Task.id == task_id, visibility(ctx.actor))
    )
    if task is None:
        raise not_found("task", task_id)
    return task


async def start(ctx: engine.Context, payload: InstanceStart) -> Instance:
    """Start a request: a service (``workflow:write``) for its record, naming subject and
    requester; a person a user-startable definition for themself."""
    principal = ctx.actor
    assert principal is not None
    definition = await definition_rules.current(ctx.session, payload.definition_key)
    subject: dict[str, str]
    if principal.kind == "client":
        if not principal.can_write("workflow"):
            raise Forbidden("this client lacks workflow:write", code="insufficient_scope")
        if payload.subject is None or payload.requester_employee_id is None:
            raise Unprocessable(
                "a service gives the subject and the requester_employee_id", code="validation_error"
            )
        subject = payload.subject.model_dump()
        requester = payload.requester_employee_id
    else:
        if not definition.user_startable:
            raise Forbidden(
                f"{definition.key!r} is started by its owning service, not by people",
                code="not_user_startable",
            )
        if payload.subject is not None or payload.requester_employee_id not in (
            None,
            principal.employee_id,
        ):
            raise Unprocessable(
                "people start requests for themselves, without a subject",
                code="validation_error",
                errors=[
                    ValidationIssue(
                        loc=["body"],
                        msg="Value error, people start requests for themselves, without a subject",
                        type="value_error",
                    )
                ],
            )
        if principal.employee_id is None:
            raise Unprocessable("this account is not linked to an employee", code="no_employee")
        requester = principal.employee_id
        subject = {"service": "workflow", "type": definition.subject_type, "id": str(uuid.uuid4())}
    return await engine.start(
        ctx,
        definition,
        subject=subject,
        requester=requester,
        title=payload.title,
        summary=payload.summary,
        data=payload.data,
    )


async def comment(ctx: engine.Context, instance_id: uuid.UUID, text: str) -> HistoryEntry:
    """Anyone who sees the request may comment; the comment joins its trail and changes the
    request's version (its trail is part of what a read of it answers)."""
    await visible(ctx, instance_id)
    instance = await engine.lock_instance(ctx, instance_id)
    ctx.check_version(instance)
    entry = HistoryEntry(
        id=engine.history_id(),
        instance_id=instance.id,
        at=ctx.now,
        kind="comment",
        actor=ctx.actor_name,
        actor_employee_id=ctx.actor_employee,
        detail={"comment": text},
    )
    ctx.session.add(entry)
    touch(instance, ctx.now)
    await ctx.session.flush()
    return entry


@dataclass
class Detail:
    """A request with everything a read of it shows."""

    instance: Instance
    definition: Definition
    tasks: list[Task]
    history: list[HistoryEntry]
    cc: list[uuid.UUID]


async def detail(ctx: engine.Context, instance_id: uuid.UUID) -> Detail:
    """A visible request with its definition revision, every task, the people copied and its trail."""
    instance = await visible(ctx, instance_id)
    definition = await ctx.session.get(Definition, instance.definition_id)
    assert definition is not None
    tasks = (
        await ctx.session.scalars(
            select(Task)
            .where(Task.instance_id == instance.id)
            .order_by(Task.round, Task.step_index, Task.position, Task.created_at)
        )
    ).all()
    history = (
        await ctx.session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.instance_id == instance.id)
            .order_by(HistoryEntry.at, HistoryEntry.id)
        )
    ).all()
    copies = (
        await ctx.session.scalars(
            select(CarbonCopy.employee_id).where(CarbonCopy.instance_id == instance.id)
        )
    ).all()
    return Detail(instance, definition, list(tasks), list(history), list(copies))
