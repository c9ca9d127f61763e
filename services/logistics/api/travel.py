"""HTTP routes of logistics: business travel: standards, requests and reimbursements."""

from shared.kit.routing import service_router

router = service_router(prefix="/api/v1/logistics", tags=["logistics: travel"])
