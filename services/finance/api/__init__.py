"""HTTP routers of the finance service, all under ``/api/v1/finance``."""

from fastapi import APIRouter

from services.finance.api import (
    budgets,
    employee_payables,
    ledger,
    posting,
    receivables,
    spending,
    statements,
    tax,
)

ROUTERS: list[APIRouter] = [
    ledger.router,
    statements.router,
    posting.router,
    tax.router,
    budgets.router,
    spending.router,
    receivables.router,
    employee_payables.router,
]
