"""Dependencies shared by the workflow routers."""

import uuid
from typing import Annotated, Any

from fastapi import Depends, Request

from services.workflow.context import workflow_context
from services.workflow.domain.directory import Directory
from services.workflow.domain.engine import Context
from shared.contracts.principal import Principal
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match
from shared.kit.errors import Unprocessable
from shared.kit.params import parse_me_or_id
from shared.kit.routing import SessionDep, runtime_of
from shared.kit.runtime import Clock


def clock_of(request: Request) -> Clock:
    """The service's clock (tests may move it): ``runtime.now``, checked aware UTC."""
    return runtime_of(request).now


def directory_of(request: Request) -> Directory:
    """Where the engine looks people up."""
    return workflow_context(runtime_of(request)).directory


async def engine_context(
    request: Request, session: SessionDep, principal: CurrentPrincipal
) -> Context:
    """The engine's context for this request: session, directory, now, actor, and the
    ``If-Match`` the engine checks against the instance once it is locked (412 when stale)."""

    def precondition(version: int) -> None:
        check_if_match(request, version)

    runtime = runtime_of(request)
    return Context(
        session, directory_of(request), runtime.now(), principal, precondition=precondition
    )


EngineContext = Annotated[Context, Depends(engine_context)]

# What a change that honours ``If-Match`` may also answer (for the OpenAPI document).
IF_MATCH: dict[int | str, dict[str, Any]] = {
    412: {"description": "`If-Match` names another version of the request (`version_mismatch`)."}
}


def me(principal: Principal) -> uuid.UUID:
    """The caller's employee id; 422 when the account is not linked to an employee."""
    if principal.employee_id is None:
        raise Unprocessable("this account is not linked to an employee", code="no_employee")
    return principal.employee_id


def resolve_me(value: str | None, principal: Principal) -> uuid.UUID | None:
    """``me`` or an employee id in a filter."""
    if value is None:
        return None
    return parse_me_or_id(value) or me(principal)
