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
from shared.kit.problems import KIT_CODES, P, ProblemCode, Registry, registry

COMMON: tuple[ProblemCode, ...] = (
    P("finance_only", 403, "only finance staff (or an admin) may do this"),
    P("validation_error", 422, "a value the service refuses beyond its schema"),
)


def _merged(*codes: ProblemCode) -> Registry:
    """One registry of every area's codes: a code listed by several areas once, with one status."""
    first: dict[str, ProblemCode] = {}
    for problem in codes:
        known = first.setdefault(problem.code, problem)
        if known.status != problem.status:
            raise ValueError(
                f"problem code {problem.code!r} is {known.status} in one area, "
                f"{problem.status} in another"
            )
    return registry(*first.values(), base=KIT_CODES)


CODES = _merged(
    *COMMON,
    *ledger.CODES,
    *statements.CODES,
    *posting.CODES,
    *tax.CODES,
    *budgets.CODES,
    *spending.CODES,
    *receivables.CODES,
    *employee_payables.CODES,
)
