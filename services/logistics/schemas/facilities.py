"""Wire shapes of the office environment: spaces, facilities, maintenance, work orders, repairs."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.logistics.domain.facilities_kinds import (
    FacilityCategory,
    FacilityStatus,
    IntervalUnit,
    RepairStatus,
    SpaceKind,
    Urgency,
    WorkOrderStatus,
)
from shared.contracts.money import Money, MoneyUpTo

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=2000)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_./-]+$")]
Cost = Annotated[Decimal, MoneyUpTo(9)]

SPACE_ID = "0193a8c0-0000-7000-8000-00000000d001"
FACILITY_ID = "0193a8c0-0000-7000-8000-00000000d101"
SCHEDULE_ID = "0193a8c0-0000-7000-8000-00000000d201"
WORK_ORDER_ID = "0193a8c0-0000-7000-8000-00000000d301"
REPAIR_ID = "0193a8c0-0000-7000-8000-00000000d401"
SUPPLY_ID = "0193a8c0-0000-7000-8000-00000000c101"
PICKUP_ID = "0193a8c0-0000-7000-8000-00000000c001"
EMPLOYEE_ID = "0193a8c0-0000-7000-8000-0000000000e1"
MOVEMENT_ID = "0193a8c0-0000-7000-8000-00000000c601"
STAMP = "2026-03-11T09:00:00Z"


def examples(*values: dict[str, Any]) -> ConfigDict:
    """A model config with these examples (answers read from records)."""
    return ConfigDict(from_attributes=True, json_schema_extra={"examples": list(values)})


def body(*values: dict[str, Any]) -> ConfigDict:
    """A request body config: unknown fields refused, with these examples."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(values)})


# ---- policy --------------------------------------------------------------------------------


class FacilityPolicyRead(BaseModel):
    """Days a resolved repair waits for its requester's confirmation before closing by itself."""

    model_config = examples({"repair_auto_close_days": 7, "version": 1})

    repair_auto_close_days: int
    version: int


class FacilityPolicyUpdate(BaseModel):
    """Change the policy (logistics staff; honours If-Match)."""

    model_config = body({"repair_auto_close_days": 5})

    repair_auto_close_days: Annotated[int, Field(ge=1, le=365)]


# ---- spaces --------------------------------------------------------------------------------

SPACE_EXAMPLE: dict[str, Any] = {
    "id": SPACE_ID,
    "building": "总部大楼",
    "floor": "3F",
    "room": "301",
    "name": "研发开放办公区",
    "kind": "open_area",
    "active": True,
    "version": 1,
    "created_at": STAMP,
    "updated_at": STAMP,
}


class SpaceCreate(BaseModel):
    """A room or area (building, floor and room are unique together)."""

    model_config = body(
        {
            "building": "总部大楼",
            "floor": "3F",
            "room": "301",
            "name": "研发开放办公区",
            "kind": "open_area",
        }
    )

    building: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    floor: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    room: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    name: Annotated[str, StringConstraints(max_length=200)] = ""
    kind: SpaceKind


class SpaceUpdate(BaseModel):
    """Change a space (honours If-Match)."""

    model_config = body({"name": "研发二组", "active": True})

    name: Annotated[str, StringConstraints(max_length=200)] | None = None
    kind: SpaceKind | None = None
    active: bool | None = None


class SpaceRead(BaseModel):
    """A space."""

    model_config = examples(SPACE_EXAMPLE)

    id: uuid.UUID
    building: str
    floor: str
    room: str
    name: str
    kind: SpaceKind
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


# ---- facilities ----------------------------------------------------------------------------

FACILITY_EXAMPLE: dict[str, Any] = {
    "id": FACILITY_ID,
    "asset_tag": "HQ-AC-0301",
    "name": "格力中央空调室内机",
    "category": "hvac",
    "status": "in_service",
    "space_id": SPACE_ID,
    "purchased_on": "2024-05-20",
    "warranty_until": "2027-05-19",
    "under_warranty": True,
    "note": "",
    "version": 1,
    "created_by": "logistics-staff",
    "created_at": STAMP,
    "updated_at": STAMP,
}


class FacilityCreate(BaseModel):
    """A facility or piece of equipment (its asset tag is unique)."""

    model_config = body(
        {
            "asset_tag": "HQ-AC-0301",
            "name": "格力中央空调室内机",
            "category": "hvac",
            "space_id": SPACE_ID,
            "purchased_on": "2024-05-20",
            "warranty_until": "2027-05-19",
        }
    )

    asset_tag: Tag
    name: Name
    category: FacilityCategory
    status: FacilityStatus = "in_service"
    space_id: uuid.UUID | None = None
    purchased_on: date | None = None
    warranty_until: date | None = None
    note: Text = ""


class FacilityUpdate(BaseModel):
    """Change a facility: move it, its status, its warranty (honours If-Match)."""

    model_config = body({"status": "out_of_service", "note": "等待更换压缩机"})

    name: Name | None = None
    category: FacilityCategory | None = None
    status: FacilityStatus | None = None
    space_id: uuid.UUID | None = None
    purchased_on: date | None = None
    warranty_until: date | None = None
    note: Text | None = None


class FacilityRead(BaseModel):
    """A facility; ``under_warranty`` is read against today."""

    model_config = examples(FACILITY_EXAMPLE)

    id: uuid.UUID
    asset_tag: str
    name: str
    category: FacilityCategory
    status: FacilityStatus
    space_id: uuid.UUID | None
    purchased_on: date | None
    warranty_until: date | None
    under_warranty: bool
    note: str
    version: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime


# ---- maintenance schedules -----------------------------------------------------------------

SCHEDULE_EXAMPLE: dict[str, Any] = {
    "id": SCHEDULE_ID,
    "facility_id": FACILITY_ID,
    "space_id": None,
    "title": "空调滤网清洗",
    "instructions": "拆下滤网，清水冲洗晾干",
    "interval_unit": "month",
    "interval_count": 3,
    "cron": None,
    "rule": "every 3 months",
    "starts_on": "2026-03-11",
    "next_due_on": "2026-06-11",
    "active": True,
    "version": 2,
    "created_by": "logistics-staff",
    "created_at": STAMP,
    "updated_at": STAMP,
}


class ScheduleCreate(BaseModel):
    """Recurring maintenance of a facility or a space: ``interval_unit`` with
    ``interval_count`` (every N days, weeks or months from ``starts_on``), or ``cron`` (a
    five-field rule read by day, e.g. ``0 9 1 * *`` for the first of each month)."""

    model_config = body(
        {
            "facility_id": FACILITY_ID,
            "title": "空调滤网清洗",
            "interval_unit": "month",
            "interval_count": 3,
            "starts_on": "2026-03-11",
        },
        {"space_id": SPACE_ID, "title": "消防巡检", "cron": "0 9 1 * *", "starts_on": "2026-03-11"},
    )

    facility_id: uuid.UUID | None = None
    space_id: uuid.UUID | None = None
    title: Name
    instructions: Text = ""
    interval_unit: IntervalUnit | None = None
    interval_count: Annotated[int, Field(ge=1, le=1000)] | None = None
    cron: Annotated[str, StringConstraints(min_length=9, max_length=100)] | None = None
    # The bounds are this century's; JSON Schema has no bound for a date, so the document says
    # it with a pattern (the year begins with 20).
    starts_on: Annotated[
        date,
        Field(
            ge=date(2000, 1, 1),
            le=date(2099, 12, 31),
            json_schema_extra={"pattern": r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"},
        ),
    ]


class ScheduleUpdate(BaseModel):
    """Change a schedule's title or instructions, or pause (``active: false``) and resume it
    (honours If-Match). A new rule is a new schedule."""

    model_config = body({"active": False})

    title: Name | None = None
    instructions: Text | None = None
    active: bool | None = None


class ScheduleRead(BaseModel):
    """A maintenance schedule and when it is next due."""

    model_config = examples(SCHEDULE_EXAMPLE)

    id: uuid.UUID
    facility_id: uuid.UUID | None
    space_id: uuid.UUID | None
    title: str
    instructions: str
    interval_unit: IntervalUnit | None
    interval_count: int | None
    cron: str | None
    rule: str
    starts_on: date
    next_due_on: date | None
    active: bool
    version: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class SweepResult(BaseModel):
    """What a sweep did."""

    model_config = examples({"created": 3})

    created: int


# ---- work orders ---------------------------------------------------------------------------

WORK_ORDER_EXAMPLE: dict[str, Any] = {
    "id": WORK_ORDER_ID,
    "schedule_id": SCHEDULE_ID,
    "facility_id": FACILITY_ID,
    "space_id": None,
    "title": "空调滤网清洗",
    "instructions": "拆下滤网，清水冲洗晾干",
    "due_on": "2026-06-11",
    "status": "open",
    "assignee": None,
    "started_at": None,
    "completed_at": None,
    "note": "",
    "version": 1,
    "created_by": "system",
    "created_at": STAMP,
    "updated_at": STAMP,
}


class WorkOrderCreate(BaseModel):
    """A work order by hand (one off, not from a schedule)."""

    model_config = body({"facility_id": FACILITY_ID, "title": "更换灯管", "due_on": "2026-03-12"})

    facility_id: uuid.UUID | None = None
    space_id: uuid.UUID | None = None
    title: Name
    instructions: Text = ""
    due_on: date
    assignee: Annotated[str, StringConstraints(max_length=200)] | None = None


class WorkOrderStart(BaseModel):
    """Who does the work."""

    model_config = body({"assignee": "王师傅"})

    assignee: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None


class WorkOrderNote(BaseModel):
    """A note on completing or cancelling."""

    model_config = body({"note": "已清洗，滤网完好"})

    note: Text = ""


class WorkOrderRead(BaseModel):
    """A work order."""

    model_config = examples(WORK_ORDER_EXAMPLE)

    id: uuid.UUID
    schedule_id: uuid.UUID | None
    facility_id: uuid.UUID | None
    space_id: uuid.UUID | None
    title: str
    instructions: str
    due_on: date
    status: WorkOrderStatus
    assignee: str | None
    started_at: datetime | None
    completed_at: datetime | None
    note: str
    version: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime


# ---- repair requests -----------------------------------------------------------------------


class RepairCreate(BaseModel):
    """Report something broken: a facility, or a space (the facility's own space is kept)."""

    model_config = body(
        {
            "facility_id": FACILITY_ID,
            "description": "空调不制冷，有异响",
            "urgency": "high",
            "photo_ref": "files/2026/03/ac-0301.jpg",
        }
    )

    facility_id: uuid.UUID | None = None
    space_id: uuid.UUID | None = None
    description: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    urgency: Urgency = "normal"
    photo_ref: Annotated[str, StringConstraints(max_length=500)] | None = None


class RepairAssign(BaseModel):
    """Who repairs it."""

    model_config = body({"assignee": "王师傅"})

    assignee: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class PartUsed(BaseModel):
    """A part taken from supplies (issued through the stock ledger)."""

    model_config = body({"supply_id": SUPPLY_ID, "quantity": 2})

    supply_id: uuid.UUID
    quantity: Annotated[int, Field(ge=1, le=10_000)]
    pickup_point_id: uuid.UUID | None = Field(
        default=None,
        description="Where it is taken from; the SKU's own pick-up point when left out.",
    )


class RepairResolve(BaseModel):
    """What was done, what it cost, and the parts used."""

    model_config = body(
        {
            "resolution": "更换电容，已恢复制冷",
            "cost": "350.00",
            "parts": [{"supply_id": SUPPLY_ID, "quantity": 2}],
        }
    )

    resolution: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    cost: Cost = Decimal("0.00")
    parts: list[PartUsed] = Field(default_factory=list, max_length=50)


class RepairCancel(BaseModel):
    """Why it is withdrawn."""

    model_config = body({"reason": "已自行恢复"})

    reason: Annotated[str, StringConstraints(max_length=500)] = ""


class PartRead(BaseModel):
    """A part a repair used: its ledger line."""

    model_config = examples(
        {
            "movement_id": MOVEMENT_ID,
            "supply_id": SUPPLY_ID,
            "pickup_point_id": PICKUP_ID,
            "quantity": 2,
        }
    )

    movement_id: uuid.UUID
    supply_id: uuid.UUID
    pickup_point_id: uuid.UUID
    quantity: int


class RepairRead(BaseModel):
    """A repair request."""

    model_config = examples(
        {
            "id": REPAIR_ID,
            "requester_employee_id": EMPLOYEE_ID,
            "facility_id": FACILITY_ID,
            "space_id": SPACE_ID,
            "description": "空调不制冷，有异响",
            "urgency": "high",
            "photo_ref": "files/2026/03/ac-0301.jpg",
            "status": "resolved",
            "assignee": "王师傅",
            "assigned_at": STAMP,
            "started_at": STAMP,
            "resolved_at": STAMP,
            "resolution": "更换电容，已恢复制冷",
            "cost": "350.00",
            "parts": [
                {
                    "movement_id": MOVEMENT_ID,
                    "supply_id": SUPPLY_ID,
                    "pickup_point_id": PICKUP_ID,
                    "quantity": 2,
                }
            ],
            "confirmed_at": None,
            "closed_at": None,
            "version": 5,
            "created_by": "erin",
            "created_at": STAMP,
            "updated_at": STAMP,
        }
    )

    id: uuid.UUID
    requester_employee_id: uuid.UUID
    facility_id: uuid.UUID | None
    space_id: uuid.UUID | None
    description: str
    urgency: Urgency
    photo_ref: str | None
    status: RepairStatus
    assignee: str | None
    assigned_at: datetime | None
    started_at: datetime | None
    resolved_at: datetime | None
    resolution: str
    cost: Money | None
    parts: list[PartRead]
    confirmed_at: datetime | None
    closed_at: datetime | None
    version: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime
