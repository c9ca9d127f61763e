"""HTTP routes of finance: invoices, payments, aging and the cash plan."""

from shared.kit.routing import service_router

router = service_router(prefix="/api/v1/finance", tags=["finance: receivables"])
