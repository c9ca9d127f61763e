"""HTTP routes of logistics: office supplies: catalogue, stock ledger, purchases, requisitions, stocktakes."""

from shared.kit.routing import service_router

router = service_router(prefix="/api/v1/logistics", tags=["logistics: supplies"])
