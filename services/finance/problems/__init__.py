"""finance's problem codes: the one list of what finance refuses, and why.

Each area lists its own codes in its module here; ``COMMON`` holds those several areas raise.
An area may list a code another area lists too (``no_employee``), with its own meaning but never
another status; the registry keeps the first meaning.
The docs pages ``docs/services/finance*.md`` list exactly this registry, each area its own table.
"""

from services.finance.problems import (
    budgets,
    employee_payables,
    ledger,
    posting,
    receivables,
    spending,
    statements,
    tax,
)
from shared.kit.problems import KIT_CODES, P, ProblemCode, merged_registry

COMMON: tuple[ProblemCode, ...] = (
    P("finance_only", 403, "only finance staff (or an admin) may do this"),
    P("validation_error", 422, "a value the service refuses beyond its schema"),
)


CODES = merged_registry(
    *COMMON,
    *ledger.CODES,
    *statements.CODES,
    *posting.CODES,
    *tax.CODES,
    *budgets.CODES,
    *spending.CODES,
    *receivables.CODES,
    *employee_payables.CODES,
    base=KIT_CODES,
)
