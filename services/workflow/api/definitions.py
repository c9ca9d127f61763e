"""``/api/v1/workflow/definitions``: versioned approval definitions."""

from typing import Annotated

from fastapi import Depends, Response
from sqlalchemy import select

from services.workflow.db.models import Definition
from services.workflow.domain import definitions as definition_rules
from services.workflow.schemas import DefinitionBody, DefinitionCreate, DefinitionRead
from shared.contracts.page import Page
from shared.contracts.principal import Principal
from shared.kit.auth import CurrentPrincipal, require_roles
from shared.kit.errors import not_found
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, service_router

router = service_router(prefix="/api/v1/workflow", tags=["workflow: definitions"])
Admin = Annotated[Principal, Depends(require_roles())]


@router.post(
    "/definitions", status_code=201, response_model=DefinitionRead, summary="Create a definition"
)
async def create_definition(
    payload: DefinitionCreate, response: Response, session: SessionDep, admin: Admin
) -> Definition:
    """A new definition (admin); unknown fields, unreachable steps and invalid conditions are refused with 422."""
    definition = await definition_rules.create(session, payload, admin.sub)
    response.headers["Location"] = f"/api/v1/workflow/definitions/{definition.key}"
    return definition


@router.get("/definitions", response_model=Page[DefinitionRead], summary="List definitions")
async def list_definitions(
    session: SessionDep,
    _principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("key", "created_at")],
    user_startable: bool | None = None,
    all_revisions: bool = False,
) -> Page[DefinitionRead]:
    """Current revisions (every revision with ``all_revisions``), by key."""
    query = select(Definition)
    if not all_revisions:
        query = query.where(Definition.is_current.is_(True))
    if user_startable is not None:
        query = query.where(Definition.user_startable.is_(user_startable))
    return await paginate(
        session,
        query,
        params,
        sortable={"key": Definition.key, "created_at": Definition.created_at},
        id_column=Definition.id,
        default_sort="key",
        to_item=DefinitionRead.model_validate,
    )


@router.get("/definitions/{key}", response_model=DefinitionRead, summary="Read a definition")
async def read_definition(
    key: str, session: SessionDep, _principal: CurrentPrincipal
) -> Definition:
    """The current revision."""
    return await definition_rules.current(session, key)


@router.get(
    "/definitions/{key}/revisions/{revision}",
    response_model=DefinitionRead,
    summary="Read a revision",
)
async def read_revision(
    key: str, revision: int, session: SessionDep, _principal: CurrentPrincipal
) -> Definition:
    """One revision, as instances started on it see it."""
    definition = await session.scalar(
        select(Definition).where(Definition.key == key, Definition.revision == revision)
    )
    if definition is None:
        raise not_found(f"revision {revision} of definition", key)
    return definition


@router.put("/definitions/{key}", response_model=DefinitionRead, summary="Change a definition")
async def revise_definition(
    key: str, payload: DefinitionBody, session: SessionDep, admin: Admin
) -> Definition:
    """Make a new revision (admin); running instances finish on the revision they started with."""
    return await definition_rules.revise(session, key, payload, admin.sub)
