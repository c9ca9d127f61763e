"""finance's reference and demo data, one module per area, loaded in this order."""

from services.finance.seed import budgets, ledger, posting, receivables, spending, statements, tax

AREAS = (
    ledger,
    statements,
    posting,
    tax,
    budgets,
    spending,
    receivables,
)
