"""Who may see and manage invoices, payments and batches.

Finance staff and admins manage; the auditor reads; everyone else gets 404 for every
receivables path (records and lists alike), so not even the existence of the area's data
leaks. Employees' own payables (approved expense claims) live with the claims, not here.
"""

from shared.contracts.principal import Principal
from shared.kit.errors import Forbidden, NotFound

MANAGERS = ("finance", "admin")
READERS = (*MANAGERS, "auditor")


def check_reader(principal: Principal) -> None:
    """Finance, admins and the auditor read; anyone else is told there is nothing here."""
    if not principal.has_role(*READERS):
        raise NotFound("no such resource", code="not_found")


def check_manager(principal: Principal) -> None:
    """Finance and admins manage; the auditor, who reads, gets 403; others 404."""
    check_reader(principal)
    if not principal.has_role(*MANAGERS):
        raise Forbidden("only finance staff (or an admin) may do this", code="finance_only")
