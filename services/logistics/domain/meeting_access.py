"""Who may do what in logistics's meetings, company events and vehicles (one place for the rule)."""

import uuid

from shared.contracts.principal import Principal
from shared.kit.errors import Forbidden, Unprocessable
from shared.kit.params import parse_me_or_id

STAFF_ROLES = ("logistics", "admin")


def is_staff(principal: Principal) -> bool:
    """Logistics staff and admins manage everything here."""
    return principal.has_role(*STAFF_ROLES)


def reads_all(principal: Principal) -> bool:
    """Staff, admins and auditors read every record."""
    return principal.has_role(*STAFF_ROLES, "auditor")


def require_staff(principal: Principal, what: str = "do this") -> None:
    """403 ``logistics_only`` unless the caller is logistics staff or an admin."""
    if not is_staff(principal):
        raise Forbidden(f"only logistics staff may {what}", code="logistics_only")


def employee_of(principal: Principal) -> uuid.UUID:
    """The caller's employee id (422 ``no_employee`` for an account not linked to one)."""
    if principal.employee_id is None:
        raise Unprocessable("this account is not linked to an employee", code="no_employee")
    return principal.employee_id


def resolve_person(principal: Principal, value: str | None) -> uuid.UUID | None:
    """A ``me``-or-id filter value as an employee id (None when not given)."""
    if value is None:
        return None
    return parse_me_or_id(value) or employee_of(principal)
