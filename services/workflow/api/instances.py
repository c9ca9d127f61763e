"""``/api/v1/workflow/instances``: starting requests, reading them, withdrawing and resubmitting."""

import uuid
from typing import Annotated

from fastapi import Query, Response
from sqlalchemy import Select, exists, or_, select

from services.workflow.api.deps import EngineContext, me, resolve_me
from services.workflow.db.models import CarbonCopy, Definition, HistoryEntry, Instance, Task
from services.workflow.domain import definitions as definition_rules
from services.workflow.domain import engine
from services.workflow.schemas import (
    CommentCreate,
    Decision,
    HistoryRead,
    InstanceDetail,
    InstanceRead,
    InstanceStart,
    Resubmit,
    TaskRead,
)
from shared.contracts.page import Page
from shared.contracts.principal import Principal
from shared.kit.auth import CurrentPrincipal
from shared.kit.errors import Forbidden, Unprocessable, not_found
from shared.kit.pagination import PageParamsDep, paginate
from shared.kit.routing import SessionDep, service_router

router = service_router(prefix="/api/v1/workflow", tags=["workflow: instances"])


@router.post(
    "/instances", status_code=201, response_model=InstanceRead, summary="Start an approval"
)
async def start_instance(
    payload: InstanceStart, response: Response, ctx: EngineContext
) -> Instance:
    """Services start instances for their records (subject and requester given); people start
    user-startable definitions for themselves."""
    principal = ctx.actor
    assert principal is not None
    definition = await definition_rules.current(ctx.session, payload.definition_key)
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
                "people start requests for themselves, without a subject", code="validation_error"
            )
        requester = me(principal)
        subject = {"service": "workflow", "type": definition.subject_type, "id": str(uuid.uuid4())}
    instance = await engine.start(
        ctx,
        definition,
        subject=subject,
        requester=requester,
        title=payload.title,
        summary=payload.summary,
        data=payload.data,
    )
    response.headers["Location"] = f"/api/v1/workflow/instances/{instance.id}"
    response.headers["ETag"] = f'"{instance.version}"'
    return instance


def _involved(employee_id: uuid.UUID) -> list[object]:
    return [
        Instance.requester_employee_id == employee_id,
        exists().where(
            Task.instance_id == Instance.id,
            or_(
                Task.assignee_employee_id == employee_id,
                Task.original_assignee_id == employee_id,
                Task.decided_by_employee_id == employee_id,
            ),
        ),
        exists().where(
            CarbonCopy.instance_id == Instance.id, CarbonCopy.employee_id == employee_id
        ),
    ]


def _visible_only(query: Select[tuple[Instance]], principal: Principal) -> Select[tuple[Instance]]:
    if principal.kind == "client":
        if not principal.can_read("workflow"):
            raise Forbidden("this client lacks workflow:read", code="insufficient_scope")
        return query
    if principal.has_role("admin", "auditor"):
        return query
    conditions: list[object] = [
        Instance.subject_service == service
        for role, service in engine.SERVICE_OF_ROLE.items()
        if role in principal.roles
    ]
    if principal.employee_id is not None:
        conditions += _involved(principal.employee_id)
    if not conditions:
        return query.where(Instance.id.is_(None))
    return query.where(or_(*conditions))  # type: ignore[arg-type]


@router.get("/instances", response_model=Page[InstanceRead], summary="List approval requests")
async def list_instances(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: PageParamsDep,
    requester: Annotated[str | None, Query(description="`me` or an employee id")] = None,
    cc: Annotated[
        str | None, Query(description="`me` or an employee id: instances copied to them")
    ] = None,
    involved: Annotated[
        str | None, Query(description="`me`: requested, assigned or copied")
    ] = None,
    status: Annotated[
        str | None, Query(pattern="^(pending|returned|approved|rejected|withdrawn)$")
    ] = None,
    definition_key: str | None = None,
    subject_service: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
) -> Page[InstanceRead]:
    """Requests the caller may see, newest first; ``requester=me`` and ``cc=me`` for the usual views."""
    query = _visible_only(select(Instance), principal)
    if (requester_id := resolve_me(requester, principal)) is not None:
        query = query.where(Instance.requester_employee_id == requester_id)
    if (cc_id := resolve_me(cc, principal)) is not None:
        query = query.where(
            exists().where(CarbonCopy.instance_id == Instance.id, CarbonCopy.employee_id == cc_id)
        )
    if (involved_id := resolve_me(involved, principal)) is not None:
        query = query.where(or_(*_involved(involved_id)))  # type: ignore[arg-type]
    for column, value in (
        (Instance.status, status),
        (Instance.definition_key, definition_key),
        (Instance.subject_service, subject_service),
        (Instance.subject_type, subject_type),
        (Instance.subject_id, subject_id),
    ):
        if value is not None:
            query = query.where(column == value)
    return await paginate(
        session,
        query,
        params,
        sortable={"created_at": Instance.created_at, "updated_at": Instance.updated_at},
        id_column=Instance.id,
        default_sort="-created_at",
        to_item=InstanceRead.model_validate,
    )


async def _visible_instance(ctx: EngineContext, instance_id: uuid.UUID) -> Instance:
    instance = await ctx.session.get(Instance, instance_id)
    assert ctx.actor is not None
    if instance is None or not await engine.visible(ctx.session, instance, ctx.actor):
        raise not_found("instance", instance_id)
    return instance


@router.get(
    "/instances/{instance_id}", response_model=InstanceDetail, summary="Read an approval request"
)
async def read_instance(
    instance_id: uuid.UUID, ctx: EngineContext, response: Response
) -> InstanceDetail:
    """The request with its definition's steps, every task and decision, copies and the full trail."""
    instance = await _visible_instance(ctx, instance_id)
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
    response.headers["ETag"] = f'"{instance.version}"'
    return InstanceDetail(
        **InstanceRead.model_validate(instance).model_dump(),
        definition_revision=definition.revision,
        steps=definition.steps,
        tasks=[TaskRead.model_validate(task) for task in tasks],
        cc=list(copies),
        history=[HistoryRead.model_validate(entry) for entry in history],
    )


@router.post(
    "/instances/{instance_id}/withdraw", response_model=InstanceRead, summary="Withdraw my request"
)
async def withdraw_instance(
    instance_id: uuid.UUID, ctx: EngineContext, payload: Decision | None = None
) -> Instance:
    """The requester takes back a pending (or returned) request; it ends as withdrawn."""
    await _visible_instance(ctx, instance_id)
    return await engine.withdraw(ctx, instance_id, payload.comment if payload else None)


@router.post(
    "/instances/{instance_id}/resubmit",
    response_model=InstanceRead,
    summary="Resubmit a returned request",
)
async def resubmit_instance(
    instance_id: uuid.UUID, payload: Resubmit, ctx: EngineContext
) -> Instance:
    """The requester's corrected request starts over from the first step."""
    await _visible_instance(ctx, instance_id)
    return await engine.resubmit(
        ctx, instance_id, payload.title, payload.summary, payload.data, payload.comment
    )


@router.post(
    "/instances/{instance_id}/comments",
    status_code=201,
    response_model=HistoryRead,
    summary="Comment",
)
async def comment_instance(
    instance_id: uuid.UUID, payload: CommentCreate, ctx: EngineContext
) -> HistoryEntry:
    """Anyone who sees the request may comment; the comment joins its trail."""
    instance = await _visible_instance(ctx, instance_id)
    entry = HistoryEntry(
        id=engine.history_id(),
        instance_id=instance.id,
        at=ctx.now,
        kind="comment",
        actor=ctx.actor_name,
        actor_employee_id=ctx.actor_employee,
        detail={"comment": payload.comment},
    )
    ctx.session.add(entry)
    await ctx.session.flush()
    return entry
