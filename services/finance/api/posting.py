"""HTTP routes of finance: posting rules, consumed facts and posting exceptions."""

from shared.kit.routing import service_router

router = service_router(prefix="/api/v1/finance", tags=["finance: posting"])
