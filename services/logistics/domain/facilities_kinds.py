"""The kinds and statuses of the office environment, declared once (database checks, schemas, OpenAPI)."""

from typing import Literal

SpaceKind = Literal[
    "office",
    "meeting_room",
    "open_area",
    "storage",
    "pantry",
    "restroom",
    "server_room",
    "lobby",
    "other",
]
FacilityCategory = Literal[
    "hvac",
    "electrical",
    "lighting",
    "plumbing",
    "it",
    "furniture",
    "appliance",
    "safety",
    "other",
]
FacilityStatus = Literal["in_service", "under_repair", "out_of_service", "retired"]
IntervalUnit = Literal["day", "week", "month"]
WorkOrderStatus = Literal["open", "in_progress", "done", "cancelled"]
Urgency = Literal["low", "normal", "high", "urgent"]
RepairStatus = Literal[
    "filed", "assigned", "in_progress", "resolved", "confirmed", "closed", "cancelled"
]
