"""HTTP routes of logistics: business travel — standards, travel requests, reimbursements."""

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from sqlalchemy import or_, select

from services.logistics.db.travel import Reimbursement, TravelRequest, TravelStandard
from services.logistics.domain import travel as rules
from services.logistics.domain.travel_check import CityTier, Receipt
from services.logistics.schemas.travel import (
    ReimbursementCreate,
    ReimbursementRead,
    ReimbursementStatus,
    RequestStatus,
    TravelRequestCreate,
    TravelRequestRead,
    TravelStandardCreate,
    TravelStandardRead,
    TravelStandardUpdate,
)
from shared.contracts.page import Page
from shared.contracts.principal import Principal
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.errors import not_found
from shared.kit.outbox import record_event
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, runtime_of, service_router
from shared.kit.service_client import ServiceClient

router = service_router(prefix="/api/v1/logistics", tags=["logistics: travel"])

FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not allowed to do this (`logistics_only`, `forbidden`)."}
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "The record is not in a state that allows this."}
}
UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"description": "org or workflow cannot be reached; nothing changed."}
}


def _client(request: Request) -> ServiceClient:
    return runtime_of(request).service_client


Client = Annotated[ServiceClient, Depends(_client)]


# ---- standards ------------------------------------------------------------------------------


@router.get(
    "/travel-standards", response_model=Page[TravelStandardRead], summary="List travel standards"
)
async def list_standards(
    session: SessionDep,
    _principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("effective_from", "created_at")],
    grade: Annotated[str | None, Query(max_length=20)] = None,
    city_tier: CityTier | None = None,
    on: Annotated[
        date | None, Query(description="Only the standards in force on this day.")
    ] = None,
) -> Page[TravelStandardRead]:
    """Every employee may read the standards they travel under."""
    query = select(TravelStandard)
    if grade is not None:
        query = query.where(TravelStandard.grade == grade)
    if city_tier is not None:
        query = query.where(TravelStandard.city_tier == city_tier)
    if on is not None:
        query = query.where(
            TravelStandard.effective_from <= on,
            or_(TravelStandard.effective_to.is_(None), TravelStandard.effective_to > on),
        )
    return await paginate(
        session,
        query,
        params,
        sortable={
            "effective_from": TravelStandard.effective_from,
            "created_at": TravelStandard.created_at,
        },
        id_column=TravelStandard.id,
        default_sort="-effective_from",
        to_item=TravelStandardRead.model_validate,
    )


@router.post(
    "/travel-standards",
    status_code=201,
    response_model=TravelStandardRead,
    summary="Set a travel standard",
    responses={**FORBIDDEN, 409: {"description": "It overlaps another (`standard_overlap`)."}},
)
async def create_standard(
    payload: TravelStandardCreate,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> TravelStandard:
    """Logistics or finance set what a grade may spend in a city tier from a date."""
    rules.require_standard_keeper(principal)
    standard = TravelStandard(**payload.model_dump(), created_by=principal.sub)
    await rules.check_standard(session, standard)
    session.add(standard)
    await session.flush()
    await record_event(
        session,
        "logistics.travel_standard.created",
        subject_type="travel_standard",
        subject_id=standard.id,
        data=rules.standard_data(standard),
    )
    response.headers["Location"] = f"/api/v1/logistics/travel-standards/{standard.id}"
    set_etag(response, standard.version)
    return standard


@router.get(
    "/travel-standards/{standard_id}",
    response_model=TravelStandardRead,
    summary="Read a travel standard",
)
async def read_standard(
    standard_id: uuid.UUID, response: Response, session: SessionDep, _p: CurrentPrincipal
) -> TravelStandard:
    """One standard."""
    standard = await session.get(TravelStandard, standard_id)
    if standard is None:
        raise not_found("travel standard", standard_id)
    set_etag(response, standard.version)
    return standard


@router.patch(
    "/travel-standards/{standard_id}",
    response_model=TravelStandardRead,
    summary="Change a travel standard",
    responses={**FORBIDDEN, 409: {"description": "It would overlap another (`standard_overlap`)."}},
)
async def update_standard(
    standard_id: uuid.UUID,
    payload: TravelStandardUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> TravelStandard:
    """Change the caps, or end the standard with an ``effective_to`` (honours If-Match)."""
    standard = await session.get(TravelStandard, standard_id)
    if standard is None:
        raise not_found("travel standard", standard_id)
    rules.require_standard_keeper(principal)
    check_if_match(request, standard.version)
    for key, value in payload.model_dump(exclude_unset=True).items():
        if value is None and key != "effective_to":
            continue
        setattr(standard, key, value)
    await rules.check_standard(session, standard)
    await session.flush()
    await record_event(
        session,
        "logistics.travel_standard.updated",
        subject_type="travel_standard",
        subject_id=standard.id,
        data=rules.standard_data(standard),
    )
    set_etag(response, standard.version)
    return standard


# ---- travel requests ----------------------------------------------------------------------------


def _visible_requests(principal: Principal) -> Any:
    query = select(TravelRequest)
    if not principal.has_role(*rules.READERS):
        query = query.where(TravelRequest.employee_id == principal.employee_id)
    return query


@router.post(
    "/travel-requests",
    status_code=201,
    response_model=TravelRequestRead,
    summary="Ask for a business trip",
    responses={**FORBIDDEN, **UNAVAILABLE},
)
async def create_travel_request(
    payload: TravelRequestCreate,
    http: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    client: Client,
) -> TravelRequest:
    """File a trip for the ``travel_request`` approval (the traveller's grade and department are
    read from org now). Refused: dates out of order or a trip already over (422), an advance
    over the estimate (422 ``advance_exceeds_estimate``), someone else's trip unless logistics
    files it (403). The request is kept even when workflow cannot be reached; its approval is
    started in the background then."""
    employee_id = rules.traveller_of(principal, payload.employee_id)
    who = await rules.traveller(client, employee_id)
    request = rules.new_request(
        who,
        destination=payload.destination,
        city_tier=payload.city_tier,
        start_date=payload.start_date,
        end_date=payload.end_date,
        purpose=payload.purpose,
        estimated_cost=payload.estimated_cost,
        advance=payload.advance,
        today=runtime_of(http).today(),
        created_by=principal.sub,
    )
    session.add(request)
    await session.flush()
    await rules.request_event(session, "logistics.travel_request.submitted", request)
    await rules.REQUEST_SAGA.commit_and_start(runtime_of(http), session, client, request)
    response.headers["Location"] = f"/api/v1/logistics/travel-requests/{request.id}"
    set_etag(response, request.version)
    return request


@router.get(
    "/travel-requests", response_model=Page[TravelRequestRead], summary="List travel requests"
)
async def list_travel_requests(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("start_date", "created_at")],
    status: RequestStatus | None = None,
    employee_id: uuid.UUID | None = None,
) -> Page[TravelRequestRead]:
    """The caller's own trips; everyone's for logistics, finance and auditors."""
    query = _visible_requests(principal)
    if status is not None:
        query = query.where(TravelRequest.status == status)
    if employee_id is not None:
        query = query.where(TravelRequest.employee_id == employee_id)
    return await paginate(
        session,
        query,
        params,
        sortable={"start_date": TravelRequest.start_date, "created_at": TravelRequest.created_at},
        id_column=TravelRequest.id,
        default_sort="-created_at",
        to_item=TravelRequestRead.model_validate,
    )


@router.get(
    "/travel-requests/{request_id}",
    response_model=TravelRequestRead,
    summary="Read a travel request",
)
async def read_travel_request(
    request_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> TravelRequest:
    """One trip the caller may see (404 otherwise)."""
    request = await rules.get_request(session, principal, request_id)
    set_etag(response, request.version)
    return request


@router.post(
    "/travel-requests/{request_id}/withdraw",
    response_model=TravelRequestRead,
    summary="Withdraw a travel request",
    responses={**FORBIDDEN, **CONFLICT, **UNAVAILABLE},
)
async def withdraw_travel_request(
    request_id: uuid.UUID,
    http: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    client: Client,
) -> TravelRequest:
    """The traveller withdraws a pending trip (its approval is withdrawn in workflow; 409 when
    workflow has already decided). Honours If-Match."""
    request = await rules.get_request(session, principal, request_id, lock=True)
    check_if_match(http, request.version)
    await rules.withdraw_request(session, client, principal, request)
    await session.flush()
    set_etag(response, request.version)
    return request


# ---- reimbursements ---------------------------------------------------------------------------


@router.post(
    "/reimbursements",
    status_code=201,
    response_model=ReimbursementRead,
    summary="File a travel reimbursement",
    responses={
        **FORBIDDEN,
        409: {
            "description": "The trip is not approved (`trip_not_approved`) or already has a "
            "reimbursement (`reimbursement_exists`)."
        },
        **UNAVAILABLE,
    },
)
async def create_reimbursement(
    payload: ReimbursementCreate,
    http: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    client: Client,
) -> Reimbursement:
    """File what an approved trip cost. Each line is checked against the standard in force on
    its date for the traveller's grade and the trip's city tier; a line over it needs a
    justification (422 ``justification_required`` names the lines and findings). The
    ``expense_claim`` approval shows the check; once approved, the total less the advance is
    published for finance to pay."""
    request = await rules.get_request(session, principal, payload.travel_request_id, lock=True)
    lines = [
        rules.ReceiptLine(
            receipt=Receipt(
                category=line.category,
                amount=line.amount,
                spent_on=line.spent_on,
                nights=line.nights,
                transport_class=line.transport_class,
            ),
            receipt_ref=line.receipt_ref,
            description=line.description,
            justification=line.justification,
        )
        for line in payload.lines
    ]
    reimbursement = await rules.file_reimbursement(session, principal, request, lines, payload.note)
    await rules.REIMBURSEMENT_SAGA.commit_and_start(
        runtime_of(http), session, client, reimbursement
    )
    response.headers["Location"] = f"/api/v1/logistics/reimbursements/{reimbursement.id}"
    set_etag(response, reimbursement.version)
    return reimbursement


@router.get(
    "/reimbursements", response_model=Page[ReimbursementRead], summary="List reimbursements"
)
async def list_reimbursements(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at")],
    status: ReimbursementStatus | None = None,
    travel_request_id: uuid.UUID | None = None,
) -> Page[ReimbursementRead]:
    """The caller's own; everyone's for logistics, finance and auditors."""
    query = select(Reimbursement)
    if not principal.has_role(*rules.READERS):
        query = query.where(Reimbursement.employee_id == principal.employee_id)
    if status is not None:
        query = query.where(Reimbursement.status == status)
    if travel_request_id is not None:
        query = query.where(Reimbursement.travel_request_id == travel_request_id)
    return await paginate(
        session,
        query,
        params,
        sortable={"created_at": Reimbursement.created_at},
        id_column=Reimbursement.id,
        default_sort="-created_at",
        to_item=ReimbursementRead.model_validate,
    )


@router.get(
    "/reimbursements/{reimbursement_id}",
    response_model=ReimbursementRead,
    summary="Read a reimbursement",
)
async def read_reimbursement(
    reimbursement_id: uuid.UUID,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> Reimbursement:
    """One reimbursement the caller may see (404 otherwise), with its check."""
    reimbursement = await rules.get_reimbursement(session, principal, reimbursement_id)
    set_etag(response, reimbursement.version)
    return reimbursement


@router.post(
    "/reimbursements/{reimbursement_id}/withdraw",
    response_model=ReimbursementRead,
    summary="Withdraw a reimbursement",
    responses={**FORBIDDEN, **CONFLICT, **UNAVAILABLE},
)
async def withdraw_reimbursement(
    reimbursement_id: uuid.UUID,
    http: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    client: Client,
) -> Reimbursement:
    """The traveller withdraws a pending reimbursement (honours If-Match)."""
    reimbursement = await rules.get_reimbursement(session, principal, reimbursement_id)
    check_if_match(http, reimbursement.version)
    await rules.withdraw_reimbursement(session, client, principal, reimbursement)
    await session.flush()
    set_etag(response, reimbursement.version)
    return reimbursement
