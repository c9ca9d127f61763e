"""The company profile."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.org.db.models import Company
from services.org.schemas import CompanyUpdate
from shared.kit.errors import NotFound, Unprocessable


async def get(session: AsyncSession) -> Company:
    """The company (created by the reference data)."""
    company = await session.scalar(select(Company).limit(1))
    if company is None:
        raise NotFound("the company profile has not been set up", code="company_missing")
    return company


async def update(session: AsyncSession, company: Company, payload: CompanyUpdate) -> Company:
    """Change the profile."""
    changes = payload.model_dump(exclude_unset=True)
    for required in ("name", "structure_type", "default_currency", "registered_address"):
        if required in changes and changes[required] is None:
            raise Unprocessable(f"{required} may not be null")
    for field, value in changes.items():
        setattr(company, field, value)
    await session.flush()
    return company
