"""Complaints and labour disputes, and staff forum sessions.

A case's handler and named handlers work it; HR manages every case. A **confidential** case is
seen only by HR (and admins) and its handlers: not by auditors, not by the employee concerned,
not by anyone else — and its events carry no names or details. A case that is not confidential
is also seen by auditors and by the employee it concerns.
"""

import uuid
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, String, and_, cast, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.development import ForumSession, RelationsCase
from services.hr.db.models import Employee
from services.hr.domain.people_access import Viewer
from shared.contracts import hr_development_events as ev
from shared.contracts.problem import ValidationIssue
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Forbidden, Unprocessable, not_found
from shared.kit.outbox import record_event

# the steps a case may take: from → to
STEPS: Final = {
    "open": ("investigating", "resolved", "withdrawn"),
    "investigating": ("resolved", "withdrawn"),
}


def _handles(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.employee_id is None:
        return false()
    me = str(viewer.employee_id)
    # handler_ids is a JSON list of ids; matching its text keeps this portable (SQLite, PostgreSQL)
    return or_(
        RelationsCase.handler_id == viewer.employee_id,
        cast(RelationsCase.handler_ids, String).contains(me),
    )


def visible(viewer: Viewer) -> ColumnElement[bool]:
    """The cases the caller may see."""
    if viewer.manages:
        return true()
    open_to: list[ColumnElement[bool]] = [_handles(viewer)]
    if viewer.reads_all:  # auditors and system clients: every case that is not confidential
        open_to.append(RelationsCase.confidential.is_(False))
    elif viewer.employee_id is not None:
        open_to.append(
            and_(
                RelationsCase.confidential.is_(False),
                RelationsCase.employee_id == viewer.employee_id,
            )
        )
    return or_(*open_to)


def is_handler(viewer: Viewer, case: RelationsCase) -> bool:
    me = viewer.employee_id
    return me is not None and (case.handler_id == me or str(me) in case.handler_ids)


async def _event(
    session: AsyncSession, model: type[ev.RelationsCaseEvent], case: RelationsCase
) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type="relations_case",
        subject_id=case.id,
        data=model(kind=case.kind, confidential=case.confidential, status=case.status),
    )


async def _known(session: AsyncSession, employee_id: uuid.UUID | None) -> None:
    if employee_id is None:
        return
    employee = await session.get(Employee, employee_id)
    if employee is None:
        raise Unprocessable(f"employee {employee_id} is unknown to hr", code="unknown_employee")


async def open_case(
    session: AsyncSession, viewer: Viewer, kind: str, fields: dict[str, Any]
) -> RelationsCase:
    """A complaint (an employee files their own; HR files any) or a dispute (HR records it)."""
    if not viewer.manages:
        if kind == "dispute":
            raise Forbidden("only HR records labour disputes", code="hr_only")
        if viewer.employee_id is None:
            raise Unprocessable("a complaint needs an employee", code="no_employee")
        if fields.get("employee_id") not in (None, viewer.employee_id):
            raise Forbidden("an employee files only their own complaints", code="forbidden")
        fields["employee_id"] = viewer.employee_id
        if fields.get("handler_id") or fields.get("handler_ids"):
            raise Forbidden("HR names a case's handlers", code="hr_only")
    if kind == "complaint" and fields.get("forum"):
        raise Unprocessable(
            "only a dispute goes to a forum",
            code="validation_error",
            errors=[
                ValidationIssue(
                    loc=["body", "forum"],
                    msg="Value error, only a dispute goes to a forum",
                    type="value_error",
                )
            ],
        )
    await _known(session, fields.get("employee_id"))
    await _known(session, fields.get("handler_id"))
    for handler in fields.get("handler_ids") or []:
        await _known(session, handler)
    fields["handler_ids"] = [str(h) for h in fields.get("handler_ids") or []]
    case = RelationsCase(kind=kind, **fields, status="open", created_by=viewer.principal.sub)
    session.add(case)
    await session.flush()
    await _event(session, ev.RelationsCaseOpened, case)
    return case


def case_query(
    viewer: Viewer, kind: str, *, status: str | None, confidential: bool | None
) -> Select[Any]:
    query = select(RelationsCase).where(RelationsCase.kind == kind, visible(viewer))
    if status is not None:
        query = query.where(RelationsCase.status == status)
    if confidential is not None:
        query = query.where(RelationsCase.confidential.is_(confidential))
    return query


async def get_case(
    session: AsyncSession, viewer: Viewer, kind: str, case_id: uuid.UUID
) -> RelationsCase:
    case = await session.scalar(
        select(RelationsCase).where(
            RelationsCase.id == case_id, RelationsCase.kind == kind, visible(viewer)
        )
    )
    if case is None:
        raise not_found(kind, case_id)
    return case


async def update_case(
    session: AsyncSession, viewer: Viewer, case: RelationsCase, fields: dict[str, Any]
) -> RelationsCase:
    """HR changes the handlers or the confidential flag; HR or a handler moves the status
    (open → investigating → resolved with its outcome, or withdrawn)."""
    if ({"handler_id", "handler_ids", "confidential"} & set(fields)) and not viewer.manages:
        raise Forbidden("only HR assigns handlers or changes confidentiality", code="hr_only")
    if not viewer.manages and not is_handler(viewer, case):
        raise Forbidden("only HR and the case's handlers work it", code="forbidden")
    for key in ("confidential", "handler_ids"):  # null changes nothing: they are never empty
        if fields.get(key, True) is None:
            del fields[key]
    status = fields.pop("status", None)
    outcome = fields.pop("outcome", None)
    if "handler_id" in fields:
        await _known(session, fields["handler_id"])
    if "handler_ids" in fields:
        for handler in fields["handler_ids"]:
            await _known(session, handler)
        fields["handler_ids"] = [str(h) for h in fields["handler_ids"]]
    for key, value in fields.items():
        setattr(case, key, value)
    resolved = False
    if status is not None and status != case.status:
        if status not in STEPS.get(case.status, ()):
            raise Conflict(
                f"a {case.status} case cannot become {status}",
                code="invalid_case_transition",
            )
        if status == "resolved" and not outcome:
            raise Unprocessable("a resolution needs its outcome", code="outcome_required")
        case.status = status
        if status in ("resolved", "withdrawn"):
            case.resolved_at = utcnow()
            resolved = True
    if outcome is not None:
        case.outcome = outcome
    await session.flush()
    await _event(session, ev.RelationsCaseResolved if resolved else ev.RelationsCaseUpdated, case)
    return case


# ---- staff forum sessions ---------------------------------------------------------------------


async def _forum_event(
    session: AsyncSession, model: type[ev.ForumSessionEvent], item: ForumSession
) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type="forum_session",
        subject_id=item.id,
        data=model(
            title=item.title,
            held_on=item.held_on,
            status=item.status,
            attendee_count=len(item.attendee_ids),
        ),
    )


async def schedule_forum(
    session: AsyncSession, viewer: Viewer, fields: dict[str, Any]
) -> ForumSession:
    """A staff forum session with its agenda and invited attendees (HR)."""
    viewer.require_manager("forum sessions")
    for attendee in fields.get("attendee_ids") or []:
        await _known(session, attendee)
    fields["attendee_ids"] = [str(a) for a in fields.get("attendee_ids") or []]
    item = ForumSession(**fields, status="planned", created_by=viewer.principal.sub)
    session.add(item)
    await session.flush()
    await _forum_event(session, ev.ForumSessionScheduled, item)
    return item


async def get_forum(session: AsyncSession, forum_id: uuid.UUID) -> ForumSession:
    item = await session.get(ForumSession, forum_id)
    if item is None:
        raise not_found("forum session", forum_id)
    return item


async def record_minutes(
    session: AsyncSession,
    viewer: Viewer,
    item: ForumSession,
    minutes: str,
    attendee_ids: list[uuid.UUID] | None,
) -> ForumSession:
    """The minutes of a held session, and who actually came (HR)."""
    viewer.require_manager("forum minutes")
    if item.status == "cancelled":
        raise Conflict("the session was cancelled", code="forum_session_cancelled")
    if attendee_ids is not None:
        for attendee in attendee_ids:
            await _known(session, attendee)
        item.attendee_ids = [str(a) for a in attendee_ids]
    item.minutes = minutes
    item.status = "held"
    await session.flush()
    await _forum_event(session, ev.ForumSessionHeld, item)
    return item
