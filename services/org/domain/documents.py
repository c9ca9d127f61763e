"""Company documents: draft → in review → published → archived, with read acknowledgements."""

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.org.db.models import Acknowledgement, Department, Document, Employee
from services.org.domain import departments as department_rules
from services.org.domain.departments import CURRENT_STATUSES
from services.org.schemas import DocumentCreate, DocumentUpdate
from shared.contracts.principal import Principal
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Forbidden, Unprocessable, not_found
from shared.kit.outbox import record_event

GMO_CODE = "GMO"


async def _employee_department(session: AsyncSession, principal: Principal) -> uuid.UUID | None:
    if principal.employee_id is None:
        return None
    return await session.scalar(
        select(Employee.department_id).where(Employee.id == principal.employee_id)
    )


async def is_gmo_head(session: AsyncSession, principal: Principal) -> bool:
    """True when the caller heads the General Manager's Office, which reviews documents."""
    if principal.employee_id is None:
        return False
    head = await session.scalar(
        select(Department.head_employee_id).where(Department.code == GMO_CODE)
    )
    return head is not None and head == principal.employee_id


async def may_edit(
    session: AsyncSession, principal: Principal, owner_department_id: uuid.UUID
) -> bool:
    """The owner department's members, admins and the general manager edit its documents."""
    if principal.has_role("admin", "gm"):
        return True
    return await _employee_department(session, principal) == owner_department_id


async def may_review(session: AsyncSession, principal: Principal) -> bool:
    """The head of the General Manager's Office and admins review (until workflow takes over)."""
    return principal.has_role("admin") or await is_gmo_head(session, principal)


async def in_audience(session: AsyncSession, document: Document, principal: Principal) -> bool:
    """Whether the caller is among the people the published document addresses."""
    if document.audience_all:
        return principal.kind == "user"
    department_id = await _employee_department(session, principal)
    if department_id is None:
        return False
    return department_id in await audience_departments(session, document)


async def audience_departments(session: AsyncSession, document: Document) -> set[uuid.UUID]:
    """The audience departments and every department below them."""
    departments = await department_rules.all_departments(session)
    ids: set[uuid.UUID] = set()
    for department_id in document.audience_department_ids:
        ids |= department_rules.subtree_ids(departments, uuid.UUID(str(department_id)))
    return ids


async def visible(session: AsyncSession, document: Document, principal: Principal) -> bool:
    """Drafts: the owners and reviewers. Published and archived: also the audience."""
    if principal.has_role("admin", "gm", "auditor") or (
        principal.kind == "client" and principal.can_read("org")
    ):
        return True
    if await may_edit(session, principal, document.owner_department_id):
        return True
    if document.status == "in_review" and await may_review(session, principal):
        return True
    return document.status in ("published", "archived") and await in_audience(
        session, document, principal
    )


async def get_visible(
    session: AsyncSession, document_id: uuid.UUID, principal: Principal
) -> Document:
    """A document the caller may see, or 404 (never 403, so ids cannot be probed)."""
    document = await session.get(Document, document_id)
    if document is None or not await visible(session, document, principal):
        raise not_found("document", document_id)
    return document


async def _check_audience(session: AsyncSession, department_ids: list[uuid.UUID]) -> None:
    for department_id in department_ids:
        if await session.get(Department, department_id) is None:
            raise Unprocessable(
                f"audience department {department_id} does not exist", code="unknown_department"
            )


async def create(session: AsyncSession, payload: DocumentCreate, principal: Principal) -> Document:
    """A new draft owned by a department the caller belongs to (or any, for admins and the GM)."""
    if await session.get(Department, payload.owner_department_id) is None:
        raise Unprocessable("the owner department does not exist", code="unknown_department")
    if not await may_edit(session, principal, payload.owner_department_id):
        raise Forbidden(
            "only members of the owner department draft its documents", code="not_owner_department"
        )
    await _check_audience(session, payload.audience_department_ids)
    data = payload.model_dump()
    data["audience_department_ids"] = [str(i) for i in payload.audience_department_ids]
    document = Document(**data, created_by=principal.sub)
    session.add(document)
    await session.flush()
    return document


async def update(
    session: AsyncSession, document: Document, payload: DocumentUpdate, principal: Principal
) -> Document:
    """Edit a draft (owner department, admin or GM)."""
    if not await may_edit(session, principal, document.owner_department_id):
        raise Forbidden(
            "only the owner department edits this document", code="not_owner_department"
        )
    if document.status != "draft":
        raise Conflict(
            f"a document {document.status.replace('_', ' ')} cannot be edited",
            code="document_not_draft",
        )
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    if "audience_department_ids" in changes:
        await _check_audience(session, payload.audience_department_ids or [])
        changes["audience_department_ids"] = [str(i) for i in payload.audience_department_ids or []]
    for field, value in changes.items():
        setattr(document, field, value)
    await session.flush()
    return document


def _transition(document: Document, allowed_from: str, target: str) -> None:
    if document.status != allowed_from:
        raise Conflict(
            f"cannot move a document from {document.status} to {target}",
            code="invalid_document_transition",
        )


async def submit(session: AsyncSession, document: Document, principal: Principal) -> Document:
    """Send a draft for review."""
    if not await may_edit(session, principal, document.owner_department_id):
        raise Forbidden(
            "only the owner department submits this document", code="not_owner_department"
        )
    _transition(document, "draft", "in_review")
    if not document.title.strip() or not document.body.strip():
        raise Unprocessable(
            "a document needs a title and a body before review", code="document_incomplete"
        )
    document.status = "in_review"
    document.submitted_at = utcnow()
    await session.flush()
    return document


async def approve(
    session: AsyncSession, document: Document, principal: Principal, comment: str | None
) -> Document:
    """The reviewer publishes the document; its audience can now read and acknowledge it."""
    if not await may_review(session, principal):
        raise Forbidden(
            "only the head of the General Manager's Office or an admin reviews documents",
            code="not_reviewer",
        )
    _transition(document, "in_review", "published")
    document.status = "published"
    document.reviewed_by = principal.sub
    document.review_comment = comment
    document.published_at = utcnow()
    await session.flush()
    await record_event(
        session,
        "org.document.published",
        subject_type="document",
        subject_id=document.id,
        data={
            "title": document.title,
            "category": document.category,
            "owner_department_id": str(document.owner_department_id),
            "audience_all": document.audience_all,
            "audience_department_ids": document.audience_department_ids,
        },
    )
    return document


async def reject(
    session: AsyncSession, document: Document, principal: Principal, comment: str | None
) -> Document:
    """The reviewer sends the document back to draft with a comment."""
    if not await may_review(session, principal):
        raise Forbidden(
            "only the head of the General Manager's Office or an admin reviews documents",
            code="not_reviewer",
        )
    _transition(document, "in_review", "draft")
    document.status = "draft"
    document.reviewed_by = principal.sub
    document.review_comment = comment
    await session.flush()
    return document


async def archive(session: AsyncSession, document: Document, principal: Principal) -> Document:
    """Withdraw a published document from circulation (kept, read-only)."""
    if not await may_edit(session, principal, document.owner_department_id):
        raise Forbidden(
            "only the owner department archives this document", code="not_owner_department"
        )
    _transition(document, "published", "archived")
    document.status = "archived"
    document.archived_at = utcnow()
    await session.flush()
    return document


async def acknowledge(
    session: AsyncSession, document: Document, principal: Principal
) -> tuple[datetime, bool]:
    """Record that the caller read the document; returns when, and whether it is new."""
    if document.status != "published":
        raise Conflict(
            "only a published document can be acknowledged", code="document_not_published"
        )
    if principal.employee_id is None or not await in_audience(session, document, principal):
        raise Forbidden("the document is not addressed to you", code="not_in_audience")
    existing = await session.scalar(
        select(Acknowledgement).where(
            Acknowledgement.document_id == document.id,
            Acknowledgement.employee_id == principal.employee_id,
        )
    )
    if existing:
        return existing.acknowledged_at, False
    acknowledgement = Acknowledgement(
        document_id=document.id, employee_id=principal.employee_id, acknowledged_at=utcnow()
    )
    session.add(acknowledgement)
    await session.flush()
    return acknowledgement.acknowledged_at, True


async def acknowledgement_rows(
    session: AsyncSession, document: Document, pending: bool | None
) -> list[tuple[Employee, datetime | None]]:
    """The audience (current employees) with when each acknowledged, filtered by ``pending``."""
    query = (
        select(Employee, Acknowledgement.acknowledged_at)
        .outerjoin(
            Acknowledgement,
            (Acknowledgement.employee_id == Employee.id)
            & (Acknowledgement.document_id == document.id),
        )
        .where(Employee.status.in_(CURRENT_STATUSES))
    )
    if not document.audience_all:
        query = query.where(
            Employee.department_id.in_(await audience_departments(session, document))
        )
    if pending is True:
        query = query.where(Acknowledgement.id.is_(None))
    elif pending is False:
        query = query.where(Acknowledgement.id.is_not(None))
    rows = (await session.execute(query.order_by(Employee.name, Employee.id))).tuples().all()
    return list(rows)
