"""HTTP routes of logistics: vehicles, requests, dispatch and trips."""

from shared.kit.routing import service_router

router = service_router(prefix="/api/v1/logistics", tags=["logistics: vehicles"])
