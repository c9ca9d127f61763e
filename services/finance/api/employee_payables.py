"""HTTP routes of finance: what finance owes employees from posted facts, and paying it."""

from shared.kit.routing import service_router

router = service_router(prefix="/api/v1/finance", tags=["finance: employee payables"])
