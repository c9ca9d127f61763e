"""HTTP routes of logistics: spaces, facilities, maintenance and repairs."""

from shared.kit.routing import service_router

router = service_router(prefix="/api/v1/logistics", tags=["logistics: facilities"])
