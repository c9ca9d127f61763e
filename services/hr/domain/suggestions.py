"""The suggestion box. An anonymous suggestion is unlinkable: no employee or account id in its
row, its audit entry, its events or the request's log lines. The submitter follows the answer
with a receipt token shown once; only its SHA-256 is kept.

How each trace is kept clean, from hr's own code:

- the row has no submitter column value (a check constraint holds it) and no ``created_by``;
- the audit entry names its actor from the request context: :func:`forget_caller` clears the
  caller from the context before the insert is flushed, so the entry reads ``system``;
- the event payload carries no person;
- the request's access-log line names the caller from the same context, written after the
  answer: with the caller cleared, it names nobody;
- ``Idempotency-Key`` would store the caller's account with the answer (the suggestion's id) in
  the kit's idempotency table, so the API refuses that header on anonymous submissions.
"""

import hashlib
import secrets
import uuid
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.development import Suggestion
from services.hr.domain.people_access import Viewer
from shared.contracts.hr_development_events import (
    SuggestionAnswered,
    SuggestionEvent,
    SuggestionSubmitted,
)
from shared.kit.context import principal_var
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, NotFound, Unprocessable, not_found
from shared.kit.outbox import record_event

SUBJECT: Final = "suggestion"


def forget_caller() -> None:
    """Drop the caller from this request's context: audit entries and log lines written from
    now on name nobody."""
    principal_var.set(None)


def receipt_hash(token: str) -> str:
    """What is stored of a receipt token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def visible(viewer: Viewer) -> ColumnElement[bool]:
    """HR and auditors see every suggestion (an anonymous one names nobody); an employee the
    ones they signed."""
    if viewer.reads_all:
        return true()
    if viewer.employee_id is None:
        return false()
    return Suggestion.submitter_employee_id == viewer.employee_id


async def _event(session: AsyncSession, model: type[SuggestionEvent], item: Suggestion) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type=SUBJECT,
        subject_id=item.id,
        data=model(category=item.category, anonymous=item.anonymous, status=item.status),
    )


async def submit(
    session: AsyncSession, viewer: Viewer, fields: dict[str, Any]
) -> tuple[Suggestion, str]:
    """File a suggestion; answers it with the receipt token (shown only now). A signed one
    needs an employee (422 ``no_employee``); an anonymous one forgets the caller first."""
    anonymous = bool(fields["anonymous"])
    submitter: uuid.UUID | None = None
    if anonymous:
        forget_caller()
    else:
        if viewer.employee_id is None:
            raise Unprocessable(
                "a signed suggestion needs an account linked to an employee", code="no_employee"
            )
        submitter = viewer.employee_id
    token = secrets.token_urlsafe(32)
    item = Suggestion(
        title=fields["title"],
        body=fields["body"],
        category=fields["category"],
        anonymous=anonymous,
        submitter_employee_id=submitter,
        receipt_hash=receipt_hash(token),
        status="received",
    )
    session.add(item)
    await session.flush()
    await _event(session, SuggestionSubmitted, item)
    return item, token


def query(viewer: Viewer, *, status: str | None, category: str | None) -> Select[Any]:
    found = select(Suggestion).where(visible(viewer))
    if status is not None:
        found = found.where(Suggestion.status == status)
    if category is not None:
        found = found.where(Suggestion.category == category)
    return found


async def get(session: AsyncSession, viewer: Viewer, suggestion_id: uuid.UUID) -> Suggestion:
    item = await session.scalar(
        select(Suggestion).where(Suggestion.id == suggestion_id, visible(viewer))
    )
    if item is None:
        raise not_found("suggestion", suggestion_id)
    return item


async def answer(session: AsyncSession, viewer: Viewer, item: Suggestion, text: str) -> Suggestion:
    """HR's answer (once; 409 ``suggestion_answered`` after)."""
    viewer.require_manager("answers to suggestions")
    if item.status == "answered":
        raise Conflict("the suggestion has been answered", code="suggestion_answered")
    item.answer = text
    item.status = "answered"
    item.answered_at = utcnow()
    await session.flush()
    await _event(session, SuggestionAnswered, item)
    return item


async def by_receipt(session: AsyncSession, token: str) -> Suggestion:
    """The suggestion a receipt token belongs to; the caller is forgotten first, so following
    an anonymous suggestion leaves no trace of who followed it. 404 for an unknown token."""
    forget_caller()
    item = await session.scalar(
        select(Suggestion).where(Suggestion.receipt_hash == receipt_hash(token))
    )
    if item is None:
        raise NotFound("no suggestion has this receipt", code="unknown_receipt")
    return item
