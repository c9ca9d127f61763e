"""Who may do what with supplies, facilities and repairs: one rule each, used by every route."""

from shared.contracts.principal import Principal
from shared.kit.errors import Forbidden


def is_staff(principal: Principal) -> bool:
    """Logistics staff and admins manage everything (a system client with ``logistics:write`` too)."""
    if principal.kind == "client":
        return principal.can_write("logistics")
    return principal.has_role("logistics", "admin")


def reads_all(principal: Principal) -> bool:
    """Staff and auditors read every record (a client with ``logistics:read`` too)."""
    if principal.kind == "client":
        return principal.can_read("logistics")
    return is_staff(principal) or principal.has_role("auditor")


def require_staff(principal: Principal, what: str) -> None:
    """403 ``logistics_only`` unless the caller is logistics staff."""
    if not is_staff(principal):
        raise Forbidden(f"only logistics staff may {what}", code="logistics_only")


def require_reader(principal: Principal, what: str) -> None:
    """403 ``logistics_only`` unless the caller reads everything (staff, auditors)."""
    if not reads_all(principal):
        raise Forbidden(f"only logistics staff and auditors may {what}", code="logistics_only")
