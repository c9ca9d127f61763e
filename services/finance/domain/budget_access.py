"""Who sees and who changes which budgets (and the spending charged to them)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.domain import directory
from shared.contracts.principal import Principal

MANAGERS = ("finance", "admin")
READERS = ("finance", "admin", "auditor")


def is_finance(principal: Principal) -> bool:
    """Finance staff (and admins) manage everything here."""
    return principal.has_role(*MANAGERS)


async def departments_seen(session: AsyncSession, principal: Principal) -> set[uuid.UUID] | None:
    """The departments whose budgets the caller sees: None for all (finance, admins, auditors,
    and other services' clients), else those they head (with the departments below them)."""
    if principal.has_role(*READERS) or principal.kind == "client":
        return None
    if principal.employee_id is None:
        return set()
    return await directory.departments_headed_by(session, principal.employee_id)
