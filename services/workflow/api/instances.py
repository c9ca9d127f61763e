"""``/api/v1/workflow/instances``: starting requests, reading them, withdrawing and resubmitting.

Every answer about one request carries its version as ``ETag``; every change honours
``If-Match`` (412 ``version_mismatch`` when stale).
"""

import uuid
from typing import Annotated

from fastapi import Response
from sqlalchemy import exists

from services.workflow.api.deps import IF_MATCH, EngineContext, resolve_me
from services.workflow.db.models import CarbonCopy, HistoryEntry, Instance
from services.workflow.domain import engine
from services.workflow.domain import instances as requests
from services.workflow.schemas import (
    CommentCreate,
    Decision,
    HistoryRead,
    InstanceDetail,
    InstanceRead,
    InstanceStart,
    InstanceStatus,
    Resubmit,
    TaskRead,
)
from shared.contracts.page import Page
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import set_etag
from shared.kit.errors import Forbidden
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.params import me_or_id_query
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
    instance = await requests.start(ctx, payload)
    response.headers["Location"] = f"/api/v1/workflow/instances/{instance.id}"
    set_etag(response, instance.version)
    return instance


@router.get("/instances", response_model=Page[InstanceRead], summary="List approval requests")
async def list_instances(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at", "updated_at")],
    requester: Annotated[str | None, me_or_id_query()] = None,
    cc: Annotated[
        str | None, me_or_id_query("`me` or an employee id: instances copied to them")
    ] = None,
    involved: Annotated[
        str | None, me_or_id_query("`me` or an employee id: requested, assigned or copied")
    ] = None,
    status: InstanceStatus | None = None,
    definition_key: str | None = None,
    subject_service: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
) -> Page[InstanceRead]:
    """Requests the caller may see, newest first; ``requester=me`` and ``cc=me`` for the usual views."""
    if principal.kind == "client" and not principal.can_read("workflow"):
        raise Forbidden("this client lacks workflow:read", code="insufficient_scope")
    query = requests.visible_instances(principal)
    if (requester_id := resolve_me(requester, principal)) is not None:
        query = query.where(Instance.requester_employee_id == requester_id)
    if (cc_id := resolve_me(cc, principal)) is not None:
        query = query.where(
            exists().where(CarbonCopy.instance_id == Instance.id, CarbonCopy.employee_id == cc_id)
        )
    if (involved_id := resolve_me(involved, principal)) is not None:
        query = query.where(requests.involving(involved_id))
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


@router.get(
    "/instances/{instance_id}", response_model=InstanceDetail, summary="Read an approval request"
)
async def read_instance(
    instance_id: uuid.UUID, ctx: EngineContext, response: Response
) -> InstanceDetail:
    """The request with its definition's steps, every task and decision, copies and the full trail."""
    found = await requests.detail(ctx, instance_id)
    set_etag(response, found.instance.version)
    return InstanceDetail(
        **InstanceRead.model_validate(found.instance).model_dump(),
        definition_revision=found.definition.revision,
        steps=found.definition.steps,
        tasks=[TaskRead.model_validate(task) for task in found.tasks],
        cc=found.cc,
        history=[HistoryRead.model_validate(entry) for entry in found.history],
    )


@router.post(
    "/instances/{instance_id}/withdraw",
    response_model=InstanceRead,
    summary="Withdraw my request",
    responses=IF_MATCH,
)
async def withdraw_instance(
    instance_id: uuid.UUID, ctx: EngineContext, response: Response, payload: Decision | None = None
) -> Instance:
    """The requester takes back a pending (or returned) request; it ends as withdrawn."""
    await requests.visible(ctx, instance_id)
    instance = await engine.withdraw(ctx, instance_id, payload.comment if payload else None)
    set_etag(response, instance.version)
    return instance


@router.post(
    "/instances/{instance_id}/resubmit",
    response_model=InstanceRead,
    summary="Resubmit a returned request",
    responses=IF_MATCH,
)
async def resubmit_instance(
    instance_id: uuid.UUID, payload: Resubmit, ctx: EngineContext, response: Response
) -> Instance:
    """The requester's corrected request starts over from the first step."""
    await requests.visible(ctx, instance_id)
    instance = await engine.resubmit(
        ctx, instance_id, payload.title, payload.summary, payload.data, payload.comment
    )
    set_etag(response, instance.version)
    return instance


@router.post(
    "/instances/{instance_id}/comments",
    status_code=201,
    response_model=HistoryRead,
    summary="Comment",
    responses=IF_MATCH,
)
async def comment_instance(
    instance_id: uuid.UUID, payload: CommentCreate, ctx: EngineContext, response: Response
) -> HistoryEntry:
    """Anyone who sees the request may comment; the comment joins its trail (and changes the
    request's version, sent as ``ETag``)."""
    entry = await requests.comment(ctx, instance_id, payload.comment)
    instance = await ctx.session.get(Instance, instance_id)
    assert instance is not None
    set_etag(response, instance.version)
    return entry
