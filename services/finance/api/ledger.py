"""HTTP routes of finance: chart of accounts, periods, journal entries."""

from shared.kit.routing import service_router

router = service_router(prefix="/api/v1/finance", tags=["finance: ledger"])
