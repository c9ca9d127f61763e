"""The kinds and statuses of the supplies area, declared once (database checks, schemas, OpenAPI)."""

from typing import Literal

MovementKind = Literal["receipt", "issue", "adjustment", "transfer_out", "transfer_in"]
CauseType = Literal["manual", "purchase", "requisition", "stocktake", "repair_request", "transfer"]
PurchaseStatus = Literal[
    "pending_approval",
    "approved",
    "rejected",
    "withdrawn",
    "approval_refused",
    "cancelled",
    "partially_received",
    "received",
]
RequisitionStatus = Literal[
    "pending",
    "approved",
    "rejected",
    "withdrawn",
    "approval_refused",
    "cancelled",
    "picked",
    "collected",
    "expired",
]
StocktakeStatus = Literal["counting", "posted", "cancelled"]
