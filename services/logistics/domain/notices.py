"""Notices to meeting attendees, delivered reliably to workflow's platform inbox.

A notice is written in the transaction of the change it tells about (an outbox of its own),
then the sweep (``background/meetings.py``) delivers it with ``POST
/api/v1/workflow/notifications`` under the notice's own idempotency key — so a notice is never
lost while workflow is down, and never delivered twice when an answer is lost. Nothing is
locked while workflow is called.
"""

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.meetings import Meeting, MeetingNotice, NoticeKind
from shared.contracts.ids import new_id
from shared.kit.errors import ServiceUnavailable
from shared.kit.runtime import ServiceRuntime

log = logging.getLogger("officina.logistics.notices")

NOTIFICATIONS = "/api/v1/workflow/notifications"
FIRST_RETRY = timedelta(seconds=10)
LONGEST_RETRY = timedelta(minutes=30)
BATCH = 50
RETRYABLE = frozenset({401, 408, 409, 429})

TITLES: dict[NoticeKind, tuple[str, str]] = {
    "scheduled": ("会议邀请：{title}", "Meeting invitation: {title}"),
    "moved": ("会议改期：{title}", "Meeting moved: {title}"),
    "cancelled": ("会议取消：{title}", "Meeting cancelled: {title}"),
}


def retry_after(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed deliveries: 10 s, doubling, at most 30 min."""
    return min(FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 20)), LONGEST_RETRY)


def _when(meeting: Meeting) -> str:
    return f"{meeting.starts_at:%Y-%m-%d %H:%M}–{meeting.ends_at:%H:%M} UTC"


def queue(
    session: AsyncSession,
    meeting: Meeting,
    kind: NoticeKind,
    recipients: list[uuid.UUID],
    now: datetime,
    note: str = "",
    *,
    where: str = "",
) -> MeetingNotice | None:
    """Owe ``recipients`` a notice about the meeting (nothing when there is nobody to tell);
    ``where``: the room's name or the meeting's location."""
    people = sorted({str(person) for person in recipients})
    if not people:
        return None
    notice_id = new_id()
    title_zh, title_en = TITLES[kind]
    notice = MeetingNotice(
        id=notice_id,
        meeting_id=meeting.id,
        kind=kind,
        idempotency_key=f"logistics-meeting-notice-{notice_id}",
        recipients=people,
        title_zh=title_zh.format(title=meeting.title)[:300],
        title_en=title_en.format(title=meeting.title)[:300],
        body_zh=f"时间：{_when(meeting)}{'，地点：' + where if where else ''}。{note}".strip(),
        body_en=f"When: {_when(meeting)}{' (' + where + ')' if where else ''}. {note}".strip(),
        state="pending",
        attempts=0,
        next_attempt_at=now,
    )
    session.add(notice)
    return notice


def body_of(notice: MeetingNotice) -> dict[str, Any]:
    """The notice as workflow's inbox takes it."""
    return {
        "idempotency_key": notice.idempotency_key,
        "recipients": {"employee_ids": notice.recipients},
        "kind": "meeting",
        "title": {"zh": notice.title_zh, "en": notice.title_en},
        "body": {"zh": notice.body_zh, "en": notice.body_en},
        "link": {
            "service": "logistics",
            "type": "meeting",
            "id": str(notice.meeting_id),
            "url": f"/api/v1/logistics/meetings/{notice.meeting_id}",
        },
    }


async def deliver_due(runtime: ServiceRuntime) -> int:
    """Deliver every notice that is due; returns how many were delivered. A failure that may
    pass (workflow down, 5xx, 401/408/409/429) is retried later with back-off; any other 4xx
    is a notice workflow will never take: it is kept as ``failed`` with the answer."""
    now = runtime.now()
    async with runtime.transaction() as session:
        due = (
            await session.scalars(
                select(MeetingNotice)
                .where(
                    MeetingNotice.state == "pending",
                    or_(
                        MeetingNotice.next_attempt_at.is_(None),
                        MeetingNotice.next_attempt_at <= now,
                    ),
                )
                .order_by(MeetingNotice.next_attempt_at, MeetingNotice.id)
                .limit(BATCH)
            )
        ).all()
        work = [(notice.id, body_of(notice)) for notice in due]
    delivered = 0
    client = runtime.service_client
    for notice_id, body in work:
        status: int | None
        error = ""
        try:
            response = await client.request("POST", NOTIFICATIONS, json=body)
            status = response.status_code
            if status >= 400:
                error = f"{status}: {response.text[:400]}"
        except ServiceUnavailable as exc:
            status, error = None, str(exc.detail)[:400]
        async with runtime.transaction() as session:
            notice = await session.get(MeetingNotice, notice_id)
            if notice is None or notice.state != "pending":
                continue
            notice.attempts += 1
            if status is not None and status < 300:
                notice.state, notice.sent_at, notice.last_error = "sent", runtime.now(), None
                notice.next_attempt_at = None
                delivered += 1
            elif status is not None and 400 <= status < 500 and status not in RETRYABLE:
                notice.state, notice.last_error, notice.next_attempt_at = "failed", error, None
                log.error("workflow refused meeting notice %s for good: %s", notice_id, error)
            else:
                notice.last_error = error
                notice.next_attempt_at = runtime.now() + retry_after(notice.attempts)
    return delivered
