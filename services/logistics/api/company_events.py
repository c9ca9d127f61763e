"""HTTP routes of logistics: company events and sign-ups."""

from shared.kit.routing import service_router

router = service_router(prefix="/api/v1/logistics", tags=["logistics: company events"])
