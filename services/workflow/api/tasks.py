"""``/api/v1/workflow/tasks``: the inbox and the decisions."""

import uuid
from typing import Annotated

from fastapi import Request, Response
from sqlalchemy import or_, select

from services.workflow.api.deps import (
    IF_MATCH,
    EngineContext,
    clock_of,
    directory_of,
    resolve_me,
)
from services.workflow.db.models import Instance, Task
from services.workflow.domain import engine
from services.workflow.domain import instances as requests
from services.workflow.schemas import (
    BatchApprove,
    BatchResult,
    Decision,
    InboxTask,
    InstanceRead,
    TaskRead,
    TaskStatus,
    Transfer,
)
from shared.contracts.page import Page
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import set_etag
from shared.kit.errors import DomainError, Forbidden
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.params import me_or_id_query
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/workflow", tags=["workflow: tasks"])


def _inbox_item(task: Task) -> InboxTask:
    return InboxTask(
        **TaskRead.model_validate(task).model_dump(),
        title=task.instance.title,
        summary=task.instance.summary,
        definition_key=task.instance.definition_key,
        requester_employee_id=task.instance.requester_employee_id,
        requester_name=task.instance.requester_name,
        instance_version=task.instance.version,
    )


@router.post(
    "/tasks/batch-approve", response_model=list[BatchResult], summary="Approve several tasks"
)
async def batch_approve(
    payload: BatchApprove, request: Request, principal: CurrentPrincipal
) -> list[BatchResult]:
    """Each task is approved in its own transaction; the answer says what happened to each."""
    runtime = runtime_of(request)
    results = []
    for task_id in dict.fromkeys(payload.task_ids):
        try:
            async with runtime.transaction() as session:
                ctx = engine.Context(session, directory_of(request), clock_of(request)(), principal)
                await engine.approve(ctx, task_id, payload.comment)
            results.append(BatchResult(task_id=task_id, status=200))
        except DomainError as exc:
            results.append(
                BatchResult(task_id=task_id, status=exc.status, code=exc.code, detail=exc.detail)
            )
    return results


@router.get("/tasks", response_model=Page[InboxTask], summary="My tasks (the inbox)")
async def list_tasks(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("due", "created_at")],
    assignee: Annotated[
        str, me_or_id_query("`me` (default) or, for admins, an employee id")
    ] = "me",
    status: TaskStatus | None = "pending",
) -> Page[InboxTask]:
    """Tasks assigned to the caller (or held for them by a substitute), the oldest deadline first."""
    employee_id = resolve_me(assignee, principal)
    if employee_id != principal.employee_id and not principal.has_role("admin", "auditor"):
        raise Forbidden("you may only read your own inbox", code="forbidden")
    query = select(Task).where(
        or_(Task.assignee_employee_id == employee_id, Task.original_assignee_id == employee_id)
    )
    if status:
        query = query.where(Task.status == status)
    return await paginate(
        session,
        query,
        params,
        sortable={"due": Task.sort_due, "created_at": Task.created_at},
        id_column=Task.id,
        default_sort="due",
        to_item=_inbox_item,
    )


# ``:uuid``: only an id is a task, so ``GET /tasks/batch-approve`` is 405 (Allow: POST).
@router.get("/tasks/{task_id:uuid}", response_model=InboxTask, summary="Read a task")
async def read_task(task_id: uuid.UUID, ctx: EngineContext, response: Response) -> InboxTask:
    """A task of the caller's (or one they may see through its request). Its ``ETag`` is its
    request's version, which ``If-Match`` on a decision is checked against."""
    task = await requests.visible_task(ctx, task_id)
    set_etag(response, task.instance.version)
    return _inbox_item(task)


@router.post(
    "/tasks/{task_id}/approve", response_model=InstanceRead, summary="Approve", responses=IF_MATCH
)
async def approve_task(
    task_id: uuid.UUID, ctx: EngineContext, response: Response, payload: Decision | None = None
) -> Instance:
    """Approve; the step completes as its mode says (any, all, sequential) and the next one opens."""
    instance = await engine.approve(ctx, task_id, payload.comment if payload else None)
    set_etag(response, instance.version)
    return instance


@router.post(
    "/tasks/{task_id}/reject", response_model=InstanceRead, summary="Reject", responses=IF_MATCH
)
async def reject_task(
    task_id: uuid.UUID, ctx: EngineContext, response: Response, payload: Decision | None = None
) -> Instance:
    """Reject; the request ends as rejected."""
    instance = await engine.reject(ctx, task_id, payload.comment if payload else None)
    set_etag(response, instance.version)
    return instance


@router.post(
    "/tasks/{task_id}/return",
    response_model=InstanceRead,
    summary="Return for changes",
    responses=IF_MATCH,
)
async def return_task(
    task_id: uuid.UUID, ctx: EngineContext, response: Response, payload: Decision | None = None
) -> Instance:
    """Send the request back to the requester, who edits and resubmits it."""
    instance = await engine.return_to_requester(ctx, task_id, payload.comment if payload else None)
    set_etag(response, instance.version)
    return instance


@router.post(
    "/tasks/{task_id}/transfer",
    response_model=TaskRead,
    summary="Transfer to someone else",
    responses=IF_MATCH,
)
async def transfer_task(
    task_id: uuid.UUID, payload: Transfer, ctx: EngineContext, response: Response
) -> Task:
    """Hand the task to another employee (or their substitute); it keeps the step and the deadline.

    409 `already_assigned_in_step` when they already have an open task in the step. The answer
    is the new task; its ``ETag`` is the request's new version.
    """
    task = await engine.transfer(ctx, task_id, payload.to_employee_id, payload.comment)
    instance = await ctx.session.get(Instance, task.instance_id)
    assert instance is not None
    set_etag(response, instance.version)
    return task
