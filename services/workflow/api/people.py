"""``/api/v1/workflow/delegations``: substitutes."""

import uuid
from typing import Annotated

from fastapi import Request, Response
from sqlalchemy import or_, select

from services.workflow.api.deps import EngineContext, me, resolve_me
from services.workflow.db.models import Delegation
from services.workflow.schemas import DelegationCreate, DelegationRead
from shared.contracts.page import Page
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.errors import Conflict, Forbidden, Unprocessable, not_found
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.params import me_or_id_query
from shared.kit.routing import SessionDep, service_router

router = service_router(prefix="/api/v1/workflow", tags=["workflow: substitutes"])


@router.post(
    "/delegations", status_code=201, response_model=DelegationRead, summary="Name a substitute"
)
async def create_delegation(
    payload: DelegationCreate, ctx: EngineContext, response: Response
) -> Delegation:
    """While the employee is away, their new tasks go to the substitute (HR and admins may set it for others)."""
    principal = ctx.actor
    assert principal is not None
    employee_id = payload.employee_id or me(principal)
    if employee_id != principal.employee_id and not principal.has_role("admin", "hr"):
        raise Forbidden("you may only name your own substitute", code="forbidden")
    if payload.substitute_employee_id == employee_id:
        raise Unprocessable("an employee cannot be their own substitute", code="invalid_substitute")
    if not await ctx.directory.is_current_employee(payload.substitute_employee_id):
        raise Unprocessable("the substitute does not exist or has left", code="unknown_employee")
    delegation = Delegation(
        employee_id=employee_id,
        substitute_employee_id=payload.substitute_employee_id,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        definition_keys=payload.definition_keys,
        reason=payload.reason,
        created_by=principal.sub,
    )
    ctx.session.add(delegation)
    await ctx.session.flush()
    set_etag(response, delegation.version)
    return delegation


@router.get("/delegations", response_model=Page[DelegationRead], summary="List substitutes")
async def list_delegations(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("starts_at")],
    employee: Annotated[str, me_or_id_query("`me` or an employee id (HR, admin)")] = "me",
    active: bool | None = None,
) -> Page[DelegationRead]:
    """Delegations by or to the employee."""
    employee_id = resolve_me(employee, principal)
    if employee_id != principal.employee_id and not principal.has_role("admin", "hr", "auditor"):
        raise Forbidden("you may only read your own delegations", code="forbidden")
    query = select(Delegation).where(
        or_(Delegation.employee_id == employee_id, Delegation.substitute_employee_id == employee_id)
    )
    if active is not None:
        query = query.where(Delegation.active.is_(active))
    return await paginate(
        session,
        query,
        params,
        sortable={"starts_at": Delegation.starts_at},
        id_column=Delegation.id,
        default_sort="-starts_at",
        to_item=DelegationRead.model_validate,
    )


@router.post(
    "/delegations/{delegation_id}/cancel",
    response_model=DelegationRead,
    summary="End a delegation",
    responses={412: {"description": "`If-Match` names another version (`version_mismatch`)."}},
)
async def cancel_delegation(
    delegation_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> Delegation:
    """Stop sending new tasks to the substitute (tasks already sent stay with them); honours
    ``If-Match``."""
    delegation = await session.get(Delegation, delegation_id)
    if delegation is None or (
        delegation.employee_id != principal.employee_id and not principal.has_role("admin", "hr")
    ):
        raise not_found("delegation", delegation_id)
    check_if_match(request, delegation.version)
    if not delegation.active:
        raise Conflict("the delegation has already ended", code="delegation_inactive")
    delegation.active = False
    await session.flush()
    set_etag(response, delegation.version)
    return delegation
