"""HTTP routes of finance: tax registrations, the filing calendar and filings."""

from shared.kit.routing import service_router

router = service_router(prefix="/api/v1/finance", tags=["finance: tax"])
