"""The platform inbox: every notice a person gets, from workflow itself or from any service.

workflow's own notices (a task assigned, a copy, a reminder, an escalation, an outcome) are
added in the transaction of the change they tell about. Other services deliver through
``deliver``: recipients by employee id or role, a kind, a title and body in Chinese and
English, a link to the subject, and an idempotency key — the same key again answers the first
delivery and adds nothing.
"""

import hashlib
import json
import uuid
from datetime import datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.workflow.db.models import NoticeDelivery, Notification
from services.workflow.domain.directory import Directory
from services.workflow.schemas import (
    LocalizedBody,
    NoticeCreate,
    NoticeDeliveryRead,
    NoticeLink,
    NotificationCounts,
    NotificationRead,
)
from shared.contracts.ids import new_id
from shared.contracts.principal import Principal
from shared.kit.errors import Conflict, Forbidden, Unprocessable, not_found

SENDER = "workflow"


def add(
    session: AsyncSession,
    *,
    recipient: uuid.UUID,
    kind: str,
    title_zh: str,
    title_en: str,
    now: datetime,
    body: str = "",
    instance_id: uuid.UUID | None = None,
    task_id: uuid.UUID | None = None,
) -> None:
    """One of workflow's own notices, linked to its instance (in the caller's transaction)."""
    session.add(
        Notification(
            recipient_employee_id=recipient,
            kind=kind,
            instance_id=instance_id,
            task_id=task_id,
            title_zh=title_zh[:300],
            title_en=title_en[:300],
            body_zh=body,
            body_en=body,
            subject_service="workflow" if instance_id else None,
            subject_type="instance" if instance_id else None,
            subject_id=str(instance_id) if instance_id else None,
            url=f"/api/v1/workflow/instances/{instance_id}" if instance_id else None,
            sender=SENDER,
            created_at=now,
        )
    )


# ---- delivery by other services ------------------------------------------------------------


def require_service(principal: Principal) -> None:
    """Only systems deliver notices: a client token with ``workflow:write``; people get 403."""
    if principal.kind != "client":
        raise Forbidden("notices are delivered by services, not by people", code="service_only")
    if not principal.can_write("workflow"):
        raise Forbidden("this client lacks workflow:write", code="insufficient_scope")


def sender_of(principal: Principal) -> str:
    """The name a delivery is kept under (its idempotency keys are the sender's own)."""
    return principal.client_id or principal.sub


def _fingerprint(payload: NoticeCreate) -> str:
    content = payload.model_dump(mode="json", exclude={"idempotency_key"})
    raw = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def _answer(delivery: NoticeDelivery) -> NoticeDeliveryRead:
    return NoticeDeliveryRead(
        id=delivery.id,
        idempotency_key=delivery.idempotency_key,
        kind=delivery.kind,
        recipients=[uuid.UUID(value) for value in delivery.recipients],
        created_at=delivery.created_at,
    )


async def _delivered(
    session: AsyncSession, sender: str, payload: NoticeCreate, fingerprint: str
) -> NoticeDeliveryRead | None:
    found = await session.scalar(
        select(NoticeDelivery).where(
            NoticeDelivery.sender == sender,
            NoticeDelivery.idempotency_key == payload.idempotency_key,
        )
    )
    if found is None:
        return None
    if found.fingerprint != fingerprint:
        raise Unprocessable(
            f"idempotency key {payload.idempotency_key!r} was used for another notice",
            code="idempotency_key_reused",
        )
    return _answer(found)


async def recipients_of(directory: Directory, payload: NoticeCreate) -> list[uuid.UUID]:
    """The people a notice reaches: the employees named, then each role's members, once each."""
    people = list(dict.fromkeys(payload.recipients.employee_ids))
    for role in payload.recipients.roles:
        for employee_id in await directory.role_members(role):
            if employee_id not in people:
                people.append(employee_id)
    return people


async def deliver(
    session: AsyncSession,
    directory: Directory,
    principal: Principal,
    payload: NoticeCreate,
    now: datetime,
) -> tuple[NoticeDeliveryRead, bool]:
    """Deliver a notice once per key; returns the delivery and whether this call made it.

    The same key with the same notice answers the first delivery (nothing is added); with
    another notice it is refused (422 ``idempotency_key_reused``). Roles are resolved here,
    before anything is written, so no lock waits on the directory.
    """
    sender = sender_of(principal)
    fingerprint = _fingerprint(payload)
    if (earlier := await _delivered(session, sender, payload, fingerprint)) is not None:
        return earlier, False
    people = await recipients_of(directory, payload)
    if not people:
        raise Unprocessable(
            "the notice reaches nobody: no employee holds the roles named",
            code="no_recipients",
        )
    delivery_id = new_id()
    # One statement claims the key on both databases: a concurrent retry that got there first
    # makes this insert do nothing (on PostgreSQL after waiting for it to commit).
    insert = postgresql_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    claimed = await session.scalar(
        insert(NoticeDelivery)
        .values(
            id=delivery_id,
            sender=sender,
            idempotency_key=payload.idempotency_key,
            fingerprint=fingerprint,
            kind=payload.kind,
            recipients=[str(person) for person in people],
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["sender", "idempotency_key"])
        .returning(NoticeDelivery.id)
    )
    if claimed is None:
        if (earlier := await _delivered(session, sender, payload, fingerprint)) is not None:
            return earlier, False
        raise Conflict(
            f"a notice with key {payload.idempotency_key!r} is being delivered; retry",
            code="idempotency_request_in_flight",
        )
    link = payload.link
    session.add_all(
        Notification(
            recipient_employee_id=person,
            kind=payload.kind,
            title_zh=payload.title.zh,
            title_en=payload.title.en,
            body_zh=payload.body.zh,
            body_en=payload.body.en,
            subject_service=link.service if link else None,
            subject_type=link.type if link else None,
            subject_id=link.id if link else None,
            url=link.url if link else None,
            sender=sender,
            delivery_id=delivery_id,
            created_at=now,
        )
        for person in people
    )
    await session.flush()
    answer = NoticeDeliveryRead(
        id=delivery_id,
        idempotency_key=payload.idempotency_key,
        kind=payload.kind,
        recipients=people,
        created_at=now,
    )
    return answer, True


# ---- reading ---------------------------------------------------------------------------------


def to_read(notification: Notification) -> NotificationRead:
    """The wire shape of a notice; workflow's older notices link to their instance."""
    link = None
    if notification.subject_service and notification.subject_type and notification.subject_id:
        link = NoticeLink(
            service=notification.subject_service,
            type=notification.subject_type,
            id=notification.subject_id,
            url=notification.url,
        )
    elif notification.instance_id is not None:
        link = NoticeLink(
            service="workflow",
            type="instance",
            id=str(notification.instance_id),
            url=f"/api/v1/workflow/instances/{notification.instance_id}",
        )
    return NotificationRead(
        id=notification.id,
        recipient_employee_id=notification.recipient_employee_id,
        kind=notification.kind,
        title=LocalizedBody(zh=notification.title_zh, en=notification.title_en),
        body=LocalizedBody(zh=notification.body_zh, en=notification.body_en),
        link=link,
        instance_id=notification.instance_id,
        task_id=notification.task_id,
        sender=notification.sender,
        created_at=notification.created_at,
        read_at=notification.read_at,
    )


def of(
    employee_id: uuid.UUID, *, unread: bool | None = None, kinds: list[str] | None = None
) -> Select[tuple[Notification]]:
    """The employee's notices, optionally only the unread (or read) ones of some kinds."""
    query = select(Notification).where(Notification.recipient_employee_id == employee_id)
    if unread is True:
        query = query.where(Notification.read_at.is_(None))
    elif unread is False:
        query = query.where(Notification.read_at.is_not(None))
    if kinds:
        query = query.where(Notification.kind.in_(kinds))
    return query


async def get(
    session: AsyncSession, employee_id: uuid.UUID, notification_id: uuid.UUID
) -> Notification:
    """One of the employee's notices; someone else's is 404, as if it did not exist."""
    found = await session.scalar(of(employee_id).where(Notification.id == notification_id))
    if found is None:
        raise not_found("notification", notification_id)
    return found


async def mark_read(
    session: AsyncSession, employee_id: uuid.UUID, notification_id: uuid.UUID, now: datetime
) -> Notification:
    """Mark one of the employee's notices read (again changes nothing)."""
    notification = await get(session, employee_id, notification_id)
    if notification.read_at is None:
        notification.read_at = now
        await session.flush()
    return notification


async def mark_all_read(
    session: AsyncSession, employee_id: uuid.UUID, now: datetime, kinds: list[str] | None = None
) -> int:
    """Mark every unread notice of the employee read (only those kinds, if given); how many."""
    query = update(Notification).where(
        Notification.recipient_employee_id == employee_id, Notification.read_at.is_(None)
    )
    if kinds:
        query = query.where(Notification.kind.in_(kinds))
    result = await session.execute(
        query.values(read_at=now).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def counts(session: AsyncSession, employee_id: uuid.UUID) -> NotificationCounts:
    """Unread notices of the employee per kind, for badges."""
    rows = (
        await session.execute(
            select(Notification.kind, func.count())
            .where(
                Notification.recipient_employee_id == employee_id,
                Notification.read_at.is_(None),
            )
            .group_by(Notification.kind)
        )
    ).all()
    by_kind = {kind: int(count) for kind, count in sorted(rows)}
    return NotificationCounts(unread=sum(by_kind.values()), by_kind=by_kind)
