"""``/api/v1/org/parties``: customers, suppliers and partners, and their contacts."""

import uuid
from typing import Annotated

from fastapi import Query, Request, Response
from sqlalchemy import or_, select

from services.org.api.deps import Reader
from services.org.db.models import Party, PartyContact
from services.org.domain import parties as party_rules
from services.org.schemas import (
    ContactCreate,
    ContactRead,
    ContactUpdate,
    PartyCreate,
    PartyKind,
    PartyRead,
    PartyUpdate,
)
from shared.contracts.page import Page
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, service_router

router = service_router(prefix="/api/v1/org", tags=["org: parties"])


@router.post(
    "/parties", status_code=201, response_model=PartyRead, summary="Register an external party"
)
async def create_party(
    payload: PartyCreate, response: Response, session: SessionDep, principal: Reader
) -> Party:
    """Any employee registers a customer, supplier or partner; they become its owner by default."""
    party = await party_rules.create(session, payload, principal)
    set_etag(response, party.version)
    response.headers["Location"] = f"/api/v1/org/parties/{party.id}"
    return party


@router.get("/parties", response_model=Page[PartyRead], summary="List external parties")
async def list_parties(
    session: SessionDep,
    _reader: Reader,
    params: Annotated[PageParams, sorted_by("name", "created_at")],
    kind: PartyKind | None = None,
    tier: Annotated[str | None, Query(max_length=20)] = None,
    owner_employee_id: uuid.UUID | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Name or credit code.")] = None,
) -> Page[PartyRead]:
    """Parties, by name unless sorted otherwise."""
    query = select(Party)
    if kind:
        query = query.where(Party.kind == kind)
    if tier:
        query = query.where(Party.tier == tier)
    if owner_employee_id:
        query = query.where(Party.owner_employee_id == owner_employee_id)
    if q:
        query = query.where(
            or_(Party.name.contains(q, autoescape=True), Party.credit_code == q.upper())
        )
    return await paginate(
        session,
        query,
        params,
        sortable={"name": Party.name, "created_at": Party.created_at},
        id_column=Party.id,
        default_sort="name",
        to_item=PartyRead.model_validate,
    )


@router.get("/parties/{party_id}", response_model=PartyRead, summary="Read an external party")
async def read_party(
    party_id: uuid.UUID, response: Response, session: SessionDep, _reader: Reader
) -> Party:
    """One party."""
    party = await party_rules.get(session, party_id)
    set_etag(response, party.version)
    return party


@router.patch("/parties/{party_id}", response_model=PartyRead, summary="Change an external party")
async def update_party(
    party_id: uuid.UUID,
    payload: PartyUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
) -> Party:
    """The owner, the general manager or an admin changes a party (honours If-Match)."""
    party = await party_rules.get(session, party_id)
    check_if_match(request, party.version)
    party = await party_rules.update(session, party, payload, principal)
    set_etag(response, party.version)
    return party


@router.get(
    "/parties/{party_id}/contacts",
    response_model=Page[ContactRead],
    summary="List a party's contacts",
)
async def list_contacts(
    party_id: uuid.UUID,
    session: SessionDep,
    _reader: Reader,
    params: Annotated[PageParams, sorted_by("name")],
) -> Page[ContactRead]:
    """The people at the party."""
    await party_rules.get(session, party_id)
    return await paginate(
        session,
        select(PartyContact).where(PartyContact.party_id == party_id),
        params,
        sortable={"name": PartyContact.name},
        id_column=PartyContact.id,
        default_sort="name",
        to_item=ContactRead.model_validate,
    )


@router.post(
    "/parties/{party_id}/contacts",
    status_code=201,
    response_model=ContactRead,
    summary="Add a contact",
)
async def create_contact(
    party_id: uuid.UUID, payload: ContactCreate, session: SessionDep, principal: Reader
) -> PartyContact:
    """A new contact person at the party."""
    party = await party_rules.get(session, party_id)
    return await party_rules.add_contact(session, party, payload, principal)


@router.patch(
    "/parties/{party_id}/contacts/{contact_id}",
    response_model=ContactRead,
    summary="Change a contact",
)
async def update_contact(
    party_id: uuid.UUID,
    contact_id: uuid.UUID,
    payload: ContactUpdate,
    request: Request,
    session: SessionDep,
    principal: Reader,
) -> PartyContact:
    """Change a contact (honours If-Match)."""
    party = await party_rules.get(session, party_id)
    contact = await party_rules.get_contact(session, party, contact_id)
    check_if_match(request, contact.version)
    return await party_rules.update_contact(session, party, contact, payload, principal)


@router.delete(
    "/parties/{party_id}/contacts/{contact_id}", status_code=204, summary="Remove a contact"
)
async def delete_contact(
    party_id: uuid.UUID, contact_id: uuid.UUID, session: SessionDep, principal: Reader
) -> Response:
    """Remove a contact person."""
    party = await party_rules.get(session, party_id)
    contact = await party_rules.get_contact(session, party, contact_id)
    await party_rules.remove_contact(session, party, contact, principal)
    return Response(status_code=204)
