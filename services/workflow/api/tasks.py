"""``/api/v1/workflow/tasks``: the inbox and the decisions."""

import uuid
from typing import Annotated

from fastapi import Query, Request
from sqlalchemy import or_, select

from services.workflow.api.deps import EngineContext, clock_of, directory_of, resolve_me
from services.workflow.db.models import Task
from services.workflow.domain import engine
from services.workflow.schemas import (
    BatchApprove,
    BatchResult,
    Decision,
    InboxTask,
    InstanceRead,
    TaskRead,
    Transfer,
)
from shared.contracts.page import Page
from shared.kit.auth import CurrentPrincipal
from shared.kit.errors import DomainError, Forbidden, not_found
from shared.kit.pagination import PageParamsDep, paginate
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/workflow", tags=["workflow: tasks"])


def _inbox_item(task: Task) -> InboxTask:
    return InboxTask(
        **TaskRead.model_validate(task).model_dump(),
        title=task.instance.title,
        definition_key=task.instance.definition_key,
        requester_employee_id=task.instance.requester_employee_id,
    )


@router.get("/tasks", response_model=Page[InboxTask], summary="My tasks (the inbox)")
async def list_tasks(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: PageParamsDep,
    assignee: Annotated[
        str, Query(description="`me` (default) or, for admins, an employee id")
    ] = "me",
    status: Annotated[
        str | None,
        Query(
            pattern="^(waiting|pending|approved|rejected|returned|transferred|escalated|cancelled)$"
        ),
    ] = "pending",
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


@router.get("/tasks/{task_id}", response_model=InboxTask, summary="Read a task")
async def read_task(
    task_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> InboxTask:
    """A task of the caller's (or one they may see through its instance)."""
    task = await session.get(Task, task_id)
    if task is None or not await engine.visible(session, task.instance, principal):
        raise not_found("task", task_id)
    return _inbox_item(task)


@router.post("/tasks/{task_id}/approve", response_model=InstanceRead, summary="Approve")
async def approve_task(
    task_id: uuid.UUID, ctx: EngineContext, payload: Decision | None = None
) -> object:
    """Approve; the step completes as its mode says (any, all, sequential) and the next one opens."""
    return await engine.approve(ctx, task_id, payload.comment if payload else None)


@router.post("/tasks/{task_id}/reject", response_model=InstanceRead, summary="Reject")
async def reject_task(
    task_id: uuid.UUID, ctx: EngineContext, payload: Decision | None = None
) -> object:
    """Reject; the request ends as rejected."""
    return await engine.reject(ctx, task_id, payload.comment if payload else None)


@router.post("/tasks/{task_id}/return", response_model=InstanceRead, summary="Return for changes")
async def return_task(
    task_id: uuid.UUID, ctx: EngineContext, payload: Decision | None = None
) -> object:
    """Send the request back to the requester, who edits and resubmits it."""
    return await engine.return_to_requester(ctx, task_id, payload.comment if payload else None)


@router.post(
    "/tasks/{task_id}/transfer", response_model=TaskRead, summary="Transfer to someone else"
)
async def transfer_task(task_id: uuid.UUID, payload: Transfer, ctx: EngineContext) -> Task:
    """Hand the task to another employee (or their substitute); it keeps the step and the deadline.

    409 `already_assigned_in_step` when they already have an open task in the step.
    """
    return await engine.transfer(ctx, task_id, payload.to_employee_id, payload.comment)


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
