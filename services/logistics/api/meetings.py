"""HTTP routes of logistics: rooms, bookings and meetings."""

from shared.kit.routing import service_router

router = service_router(prefix="/api/v1/logistics", tags=["logistics: meetings"])
