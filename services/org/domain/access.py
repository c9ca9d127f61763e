"""Who may do what in org: the rules of §9 of the org issue, as pure functions."""

import uuid

from shared.contracts.principal import Principal
from shared.kit.errors import Forbidden


def is_reader_of_everything(principal: Principal) -> bool:
    """Admins, auditors and the general manager see every org record."""
    return principal.has_role("admin", "auditor", "gm") or (
        principal.kind == "client" and principal.can_read("org")
    )


def may_see_personal_data(principal: Principal, employee_id: uuid.UUID) -> bool:
    """ID number and birth date: HR, admins, auditors and the employee."""
    return principal.has_role("hr", "admin", "auditor") or principal.employee_id == employee_id


def require_hr(principal: Principal) -> None:
    """HR (and admins) write employees and positions."""
    if principal.has_role("hr", "admin") or (
        principal.kind == "client" and principal.can_write("org")
    ):
        return
    raise Forbidden("only HR may change employees and positions", code="hr_only")


def require_company_admin(principal: Principal) -> None:
    """Admins and the general manager write the company profile and departments."""
    if principal.has_role("admin", "gm") or (
        principal.kind == "client" and principal.can_write("org")
    ):
        return
    raise Forbidden("only an admin or the general manager may change this", code="admin_or_gm_only")
