"""``/api/v1/org/positions``: job titles and grades in departments (HR writes)."""

import uuid
from typing import Annotated

from fastapi import Request, Response
from sqlalchemy import select

from services.org.api.deps import Reader
from services.org.db.models import Position
from services.org.domain import access
from services.org.domain import positions as position_rules
from services.org.schemas import PositionCreate, PositionRead, PositionUpdate
from shared.contracts.page import Page
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, service_router

router = service_router(prefix="/api/v1/org", tags=["org: positions"])


@router.post(
    "/positions", status_code=201, response_model=PositionRead, summary="Create a position"
)
async def create_position(
    payload: PositionCreate, response: Response, session: SessionDep, principal: Reader
) -> Position:
    """HR adds a position; 409 for a title the department already has."""
    access.require_hr(principal)
    position = await position_rules.create(session, payload)
    set_etag(response, position.version)
    response.headers["Location"] = f"/api/v1/org/positions/{position.id}"
    return position


@router.get("/positions", response_model=Page[PositionRead], summary="List positions")
async def list_positions(
    session: SessionDep,
    _reader: Reader,
    params: Annotated[PageParams, sorted_by("title", "grade")],
    department_id: uuid.UUID | None = None,
) -> Page[PositionRead]:
    """Positions, by title unless sorted otherwise."""
    query = select(Position)
    if department_id:
        query = query.where(Position.department_id == department_id)
    return await paginate(
        session,
        query,
        params,
        sortable={"title": Position.title, "grade": Position.grade},
        id_column=Position.id,
        default_sort="title",
        to_item=PositionRead.model_validate,
    )


@router.get("/positions/{position_id}", response_model=PositionRead, summary="Read a position")
async def read_position(
    position_id: uuid.UUID, response: Response, session: SessionDep, _reader: Reader
) -> Position:
    """One position."""
    position = await position_rules.get(session, position_id)
    set_etag(response, position.version)
    return position


@router.patch("/positions/{position_id}", response_model=PositionRead, summary="Change a position")
async def update_position(
    position_id: uuid.UUID,
    payload: PositionUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
) -> Position:
    """HR renames, regrades or moves a position (honours If-Match)."""
    access.require_hr(principal)
    position = await position_rules.get(session, position_id)
    check_if_match(request, position.version)
    position = await position_rules.update(session, position, payload)
    set_etag(response, position.version)
    return position


@router.delete("/positions/{position_id}", status_code=204, summary="Delete a position")
async def delete_position(
    position_id: uuid.UUID, session: SessionDep, principal: Reader
) -> Response:
    """HR removes a position nobody holds; 409 while someone does."""
    access.require_hr(principal)
    position = await position_rules.get(session, position_id)
    await position_rules.delete(session, position)
    return Response(status_code=204)
