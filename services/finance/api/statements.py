"""HTTP routes of finance: statements and the year-end close."""

from shared.kit.routing import service_router

router = service_router(prefix="/api/v1/finance", tags=["finance: statements"])
