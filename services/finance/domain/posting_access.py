"""Who may read and change finance's posting rules, facts, exceptions and the tax calendar.

These are staff areas without records of one person: finance staff and admins manage them,
the auditor reads them, and anyone else is answered 403 ``finance_only`` on every operation
(there is no record of theirs whose existence a 404 would hide).
"""

from typing import Annotated

from fastapi import Depends

from shared.contracts.principal import Principal
from shared.kit.auth import guarded
from shared.kit.errors import Forbidden


def can_manage(principal: Principal) -> bool:
    """Finance staff and admins."""
    return principal.kind == "user" and principal.has_role("finance", "admin")


def can_read(principal: Principal) -> bool:
    """Finance staff, admins and the auditor."""
    return principal.kind == "user" and principal.has_role("finance", "admin", "auditor")


def check_staff(principal: Principal) -> None:
    """403 ``finance_only`` unless finance staff or an admin."""
    if not can_manage(principal):
        raise Forbidden("only finance staff (or an admin) may do this", code="finance_only")


def check_reader(principal: Principal) -> None:
    """403 ``finance_only`` unless finance staff, an admin or the auditor."""
    if not can_read(principal):
        raise Forbidden(
            "only finance staff, admins and the auditor may read this", code="finance_only"
        )


FinanceStaff = Annotated[Principal, Depends(guarded(check_staff))]
FinanceReader = Annotated[Principal, Depends(guarded(check_reader))]
