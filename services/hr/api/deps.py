"""Dependencies shared by the hr routers."""

from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from services.hr.domain.people_access import Viewer, viewer_of
from shared.contracts.principal import Principal
from shared.kit.auth import CurrentPrincipal
from shared.kit.errors import Forbidden
from shared.kit.routing import SessionDep, runtime_of
from shared.kit.service_client import ServiceClient


def workflow_client(request: Request) -> ServiceClient:
    """hr's client for calling workflow through the gateway."""
    return runtime_of(request).service_client


def today_of(request: Request) -> date:
    """Today's date (UTC) by the service's clock."""
    return runtime_of(request).today()


async def hr_staff(principal: CurrentPrincipal) -> Principal:
    """HR (and admins) manage calendars, leave types and balances."""
    if principal.has_role("hr", "admin"):
        return principal
    raise Forbidden("only HR may do this", code="hr_only")


HrStaff = Annotated[Principal, Depends(hr_staff)]
WorkflowClient = Annotated[ServiceClient, Depends(workflow_client)]
Today = Annotated[date, Depends(today_of)]


async def viewer_of_request(session: SessionDep, principal: CurrentPrincipal) -> Viewer:
    """The caller as recruitment's and contracts' visibility rules see them."""
    return await viewer_of(session, principal)


ViewerDep = Annotated[Viewer, Depends(viewer_of_request)]
