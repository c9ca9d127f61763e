"""HTTP routes of finance: expense claims and spending requests."""

from shared.kit.routing import service_router

router = service_router(prefix="/api/v1/finance", tags=["finance: spending"])
