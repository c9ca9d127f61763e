"""``/api/v1/workflow/notifications``: the platform inbox.

Services deliver notices (``POST``, client tokens only); people read theirs, mark them read
and read unread counts per kind for badges. Someone else's notice is 404.
"""

import uuid
from typing import Annotated

from fastapi import Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from services.workflow.api.deps import clock_of, directory_of, me, resolve_me
from services.workflow.db.models import Notification
from services.workflow.domain import inbox
from services.workflow.schemas import (
    NoticeCreate,
    NoticeDeliveryRead,
    NotificationCounts,
    NotificationRead,
)
from shared.contracts.page import Page
from shared.contracts.principal import Principal
from shared.kit.auth import CurrentPrincipal, guarded
from shared.kit.errors import Forbidden
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.params import me_or_id_query
from shared.kit.routing import SessionDep, service_router

router = service_router(prefix="/api/v1/workflow", tags=["workflow: notifications"])
Service = Annotated[Principal, Depends(guarded(inbox.require_service))]
Kinds = Annotated[
    list[str] | None, Query(description="Only these kinds (repeat the parameter for several).")
]


@router.post(
    "/notifications",
    status_code=201,
    response_model=NoticeDeliveryRead,
    summary="Deliver a notice (services)",
    responses={
        403: {"description": "Not a service: people cannot deliver notices (`service_only`)."}
    },
)
async def deliver_notice(
    payload: NoticeCreate, request: Request, session: SessionDep, service: Service
) -> Response:
    """A service's notice to employees (by id) or to everyone holding a role, in Chinese and
    English, with a link to its subject. The same ``idempotency_key`` again answers the first
    delivery (201, ``Idempotent-Replayed: true``) and delivers nothing more; with another notice
    it is 422 ``idempotency_key_reused``."""
    delivery, new = await inbox.deliver(
        session, directory_of(request), service, payload, clock_of(request)()
    )
    headers = {} if new else {"Idempotent-Replayed": "true"}
    return JSONResponse(delivery.model_dump(mode="json"), status_code=201, headers=headers)


@router.get(
    "/notifications/counts", response_model=NotificationCounts, summary="Unread counts (badges)"
)
async def notification_counts(
    session: SessionDep, principal: CurrentPrincipal
) -> NotificationCounts:
    """How many notices of the caller are unread, in all and per kind."""
    return await inbox.counts(session, me(principal))


@router.get("/notifications", response_model=Page[NotificationRead], summary="My notifications")
async def list_notifications(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at")],
    kind: Kinds = None,
    recipient: Annotated[str, me_or_id_query("`me` (or the caller's own employee id)")] = "me",
    unread: bool | None = None,
) -> Page[NotificationRead]:
    """The caller's notices, newest first: workflow's own (`task_assigned`, `cc`, `reminder`,
    `escalation`, `returned`, `outcome`) and those other services delivered."""
    employee_id = resolve_me(recipient, principal)
    if employee_id != principal.employee_id:
        raise Forbidden("you may only read your own notifications", code="forbidden")
    assert employee_id is not None
    return await paginate(
        session,
        inbox.of(employee_id, unread=unread, kinds=kind),
        params,
        sortable={"created_at": Notification.created_at},
        id_column=Notification.id,
        default_sort="-created_at",
        to_item=inbox.to_read,
    )


@router.get(
    "/notifications/{notification_id:uuid}",
    response_model=NotificationRead,
    summary="Read a notification",
)
async def read_notification(
    notification_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> NotificationRead:
    """One of the caller's notices (someone else's is 404)."""
    return inbox.to_read(await inbox.get(session, me(principal), notification_id))


@router.post(
    "/notifications/{notification_id}/read",
    response_model=NotificationRead,
    summary="Mark as read",
)
async def mark_notification_read(
    notification_id: uuid.UUID, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> NotificationRead:
    """Mark one of the caller's notices read (repeating it changes nothing; someone else's is 404)."""
    notification = await inbox.mark_read(
        session, me(principal), notification_id, clock_of(request)()
    )
    return inbox.to_read(notification)


@router.post("/notifications/read-all", status_code=204, summary="Mark all as read")
async def read_all_notifications(
    request: Request, session: SessionDep, principal: CurrentPrincipal, kind: Kinds = None
) -> Response:
    """Mark every unread notice of the caller read (only these kinds, if given)."""
    await inbox.mark_all_read(session, me(principal), clock_of(request)(), kind)
    return Response(status_code=204)
