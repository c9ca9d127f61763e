"""``/api/v1/org/company``: the company profile."""

from fastapi import Request, Response

from services.org.api.deps import Reader
from services.org.db.models import Company
from services.org.domain import access
from services.org.domain import company as company_rules
from services.org.schemas import CompanyRead, CompanyUpdate
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.routing import SessionDep, service_router

router = service_router(prefix="/api/v1/org", tags=["org: company"])


@router.get("/company", response_model=CompanyRead, summary="Read the company profile")
async def read_company(session: SessionDep, _reader: Reader, response: Response) -> Company:
    """The company's name, structure type, registered address, credit code and currency."""
    company = await company_rules.get(session)
    set_etag(response, company.version)
    return company


@router.patch("/company", response_model=CompanyRead, summary="Change the company profile")
async def update_company(
    payload: CompanyUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
) -> Company:
    """Admins and the general manager change the profile (honours If-Match)."""
    access.require_company_admin(principal)
    company = await company_rules.get(session)
    check_if_match(request, company.version)
    company = await company_rules.update(session, company, payload)
    set_etag(response, company.version)
    return company
