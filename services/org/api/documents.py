"""``/api/v1/org/documents``: drafts, review, publication and read acknowledgements."""

import uuid
from typing import Annotated

from fastapi import Query, Request, Response
from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.org.api.deps import Reader
from services.org.db.models import Document, Employee
from services.org.domain import departments as department_rules
from services.org.domain import documents as document_rules
from services.org.schemas import (
    Acknowledgement,
    AcknowledgementRead,
    DocumentCategory,
    DocumentCreate,
    DocumentRead,
    DocumentStatus,
    DocumentUpdate,
    ReviewDecision,
)
from shared.contracts.page import Page
from shared.contracts.principal import Principal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.errors import Forbidden
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, service_router

router = service_router(prefix="/api/v1/org", tags=["org: documents"])


@router.post("/documents", status_code=201, response_model=DocumentRead, summary="Draft a document")
async def create_document(
    payload: DocumentCreate, response: Response, session: SessionDep, principal: Reader
) -> Document:
    """A member of the owner department drafts a regulation, notice or announcement."""
    document = await document_rules.create(session, payload, principal)
    set_etag(response, document.version)
    response.headers["Location"] = f"/api/v1/org/documents/{document.id}"
    return document


@router.get("/documents", response_model=Page[DocumentRead], summary="List documents")
async def list_documents(
    session: SessionDep,
    principal: Reader,
    params: Annotated[PageParams, sorted_by("created_at", "title")],
    status: DocumentStatus | None = None,
    category: DocumentCategory | None = None,
    owner_department_id: uuid.UUID | None = None,
) -> Page[DocumentRead]:
    """Documents the caller may see: published ones addressed to them, and their department's drafts."""
    query = select(Document)
    if status:
        query = query.where(Document.status == status)
    if category:
        query = query.where(Document.category == category)
    if owner_department_id:
        query = query.where(Document.owner_department_id == owner_department_id)
    query = await _visible_only(session, query, principal)
    return await paginate(
        session,
        query,
        params,
        sortable={"created_at": Document.created_at, "title": Document.title},
        id_column=Document.id,
        default_sort="-created_at",
        to_item=DocumentRead.model_validate,
    )


async def _visible_only(
    session: AsyncSession, query: Select[tuple[Document]], principal: Principal
) -> Select[tuple[Document]]:
    """Narrow a document query to what the caller may see (the rules of ``documents.visible``)."""
    if principal.has_role("admin", "gm", "auditor") or (
        principal.kind == "client" and principal.can_read("org")
    ):
        return query
    published = Document.status.in_(("published", "archived"))
    conditions: list[ColumnElement[bool]] = [published & Document.audience_all.is_(True)]
    if principal.employee_id:
        department_id = await session.scalar(
            select(Employee.department_id).where(Employee.id == principal.employee_id)
        )
        if department_id is not None:
            conditions.append(Document.owner_department_id == department_id)
            # Addressed to the caller's department or one above it (audiences include sub-departments).
            mine = {
                str(d.id)
                for d in department_rules.ancestors(
                    await department_rules.all_departments(session), department_id
                )
            }
            addressed = await session.execute(
                select(Document.id, Document.audience_department_ids).where(
                    published, Document.audience_all.is_(False)
                )
            )
            ids = [
                doc_id
                for doc_id, audience in addressed.tuples()
                if mine & {str(a) for a in audience}
            ]
            if ids:
                conditions.append(Document.id.in_(ids))
    if await document_rules.may_review(session, principal):
        conditions.append(Document.status == "in_review")
    return query.where(or_(*conditions))


@router.get("/documents/{document_id}", response_model=DocumentRead, summary="Read a document")
async def read_document(
    document_id: uuid.UUID, response: Response, session: SessionDep, principal: Reader
) -> Document:
    """One document the caller may see (404 otherwise)."""
    document = await document_rules.get_visible(session, document_id, principal)
    set_etag(response, document.version)
    return document


@router.patch("/documents/{document_id}", response_model=DocumentRead, summary="Edit a draft")
async def update_document(
    document_id: uuid.UUID,
    payload: DocumentUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
) -> Document:
    """The owner department edits its draft (honours If-Match)."""
    document = await document_rules.get_visible(session, document_id, principal)
    check_if_match(request, document.version)
    document = await document_rules.update(session, document, payload, principal)
    set_etag(response, document.version)
    return document


async def _transition(
    action: str,
    document_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Principal,
    comment: str | None = None,
) -> Document:
    document = await document_rules.get_visible(session, document_id, principal)
    check_if_match(request, document.version)
    if action == "submit":
        document = await document_rules.submit(session, document, principal)
    elif action == "approve":
        document = await document_rules.approve(session, document, principal, comment)
    elif action == "reject":
        document = await document_rules.reject(session, document, principal, comment)
    else:
        document = await document_rules.archive(session, document, principal)
    set_etag(response, document.version)
    return document


@router.post(
    "/documents/{document_id}/submit",
    response_model=DocumentRead,
    summary="Send a draft for review",
)
async def submit_document(
    document_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
) -> Document:
    """draft → in_review."""
    return await _transition("submit", document_id, request, response, session, principal)


@router.post(
    "/documents/{document_id}/approve", response_model=DocumentRead, summary="Approve and publish"
)
async def approve_document(
    document_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    payload: ReviewDecision | None = None,
) -> Document:
    """in_review → published, by the head of the General Manager's Office or an admin."""
    return await _transition(
        "approve",
        document_id,
        request,
        response,
        session,
        principal,
        payload.comment if payload else None,
    )


@router.post(
    "/documents/{document_id}/reject", response_model=DocumentRead, summary="Send back to draft"
)
async def reject_document(
    document_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    payload: ReviewDecision | None = None,
) -> Document:
    """in_review → draft with the reviewer's comment."""
    return await _transition(
        "reject",
        document_id,
        request,
        response,
        session,
        principal,
        payload.comment if payload else None,
    )


@router.post(
    "/documents/{document_id}/archive", response_model=DocumentRead, summary="Archive a document"
)
async def archive_document(
    document_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
) -> Document:
    """published → archived."""
    return await _transition("archive", document_id, request, response, session, principal)


@router.post(
    "/documents/{document_id}/acknowledge",
    summary="Acknowledge reading a document",
    response_model=Acknowledgement,
    responses={
        201: {"model": Acknowledgement, "description": "Acknowledged now, for the first time."}
    },
)
async def acknowledge_document(
    document_id: uuid.UUID, response: Response, session: SessionDep, principal: Reader
) -> dict[str, str]:
    """The caller confirms having read a published document addressed to them.

    201 the first time; 200 with the first acknowledgement's time when repeated.
    """
    document = await document_rules.get_visible(session, document_id, principal)
    acknowledged_at, created = await document_rules.acknowledge(session, document, principal)
    response.status_code = 201 if created else 200
    return {
        "document_id": str(document.id),
        "acknowledged_at": acknowledged_at.isoformat().replace("+00:00", "Z"),
    }


@router.get(
    "/documents/{document_id}/acknowledgements",
    response_model=list[AcknowledgementRead],
    summary="Who has (not) acknowledged",
)
async def list_acknowledgements(
    document_id: uuid.UUID,
    session: SessionDep,
    principal: Reader,
    pending: Annotated[
        bool | None, Query(description="true: who has not acknowledged yet.")
    ] = None,
) -> list[AcknowledgementRead]:
    """The audience with acknowledgement times; the owner department, reviewers, HR and auditors."""
    document = await document_rules.get_visible(session, document_id, principal)
    allowed = principal.has_role("admin", "gm", "hr", "auditor") or await document_rules.may_edit(
        session, principal, document.owner_department_id
    )
    if not allowed:
        raise Forbidden(
            "only the owner department, HR and auditors follow acknowledgements", code="forbidden"
        )
    rows = await document_rules.acknowledgement_rows(session, document, pending)
    return [
        AcknowledgementRead(
            employee_id=employee.id,
            employee_name=employee.name,
            department_id=employee.department_id,
            acknowledged_at=acknowledged_at,
        )
        for employee, acknowledged_at in rows
    ]
