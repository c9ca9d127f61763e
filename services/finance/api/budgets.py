"""HTTP routes of finance: budgets, revisions and their execution."""

from shared.kit.routing import service_router

router = service_router(prefix="/api/v1/finance", tags=["finance: budgets"])
