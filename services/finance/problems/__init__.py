"""finance's problem codes: the one list of what finance refuses, and why.

Each area lists its own codes in its module here; ``COMMON`` holds those several areas raise.
The docs pages ``docs/services/finance*.md`` list exactly this registry, each area its own table.
"""

from services.finance.problems import (
    budgets,
    ledger,
    posting,
    receivables,
    spending,
    statements,
    tax,
)
from shared.kit.problems import KIT_CODES, P, ProblemCode, registry

COMMON: tuple[ProblemCode, ...] = (
    P("finance_only", 403, "only finance staff (or an admin) may do this"),
    P("validation_error", 422, "a value the service refuses beyond its schema"),
)

CODES = registry(
    *COMMON,
    *ledger.CODES,
    *statements.CODES,
    *posting.CODES,
    *tax.CODES,
    *budgets.CODES,
    *spending.CODES,
    *receivables.CODES,
    base=KIT_CODES,
)
