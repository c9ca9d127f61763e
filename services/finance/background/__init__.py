"""What runs beside finance's requests: one module per area, each with ``tasks(runtime, settings)``."""

from services.finance.background import (
    budgets,
    directory,
    ledger,
    posting,
    receivables,
    spending,
    statements,
    tax,
)

AREAS = (
    directory,
    ledger,
    statements,
    posting,
    tax,
    budgets,
    spending,
    receivables,
)
