"""Wire shapes of office supplies: catalogue, stock ledger, purchases, requisitions, stocktakes."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.logistics.domain.supplies_kinds import (
    CauseType,
    MovementKind,
    PurchaseStatus,
    RequisitionStatus,
    StocktakeStatus,
)
from shared.contracts.money import Money, MoneyUpTo

Code = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")]
Sku = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Unit = Annotated[str, StringConstraints(min_length=1, max_length=20)]
Category = Annotated[str, StringConstraints(min_length=1, max_length=60)]
Reason = Annotated[str, StringConstraints(max_length=500)]
Note = Annotated[str, StringConstraints(max_length=2000)]
Quantity = Annotated[int, Field(ge=1, le=1_000_000)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Price = Annotated[Decimal, MoneyUpTo(9)]

PICKUP_ID = "0193a8c0-0000-7000-8000-00000000c001"
PICKUP_2_ID = "0193a8c0-0000-7000-8000-00000000c002"
SUPPLY_ID = "0193a8c0-0000-7000-8000-00000000c101"
SUPPLIER_ID = "0193a8c0-0000-7000-8000-00000000c201"
PURCHASE_ID = "0193a8c0-0000-7000-8000-00000000c301"
LINE_ID = "0193a8c0-0000-7000-8000-00000000c302"
RECEIPT_ID = "0193a8c0-0000-7000-8000-00000000c303"
REQUISITION_ID = "0193a8c0-0000-7000-8000-00000000c401"
REQ_LINE_ID = "0193a8c0-0000-7000-8000-00000000c402"
EMPLOYEE_ID = "0193a8c0-0000-7000-8000-0000000000e1"
STOCKTAKE_ID = "0193a8c0-0000-7000-8000-00000000c501"
MOVEMENT_ID = "0193a8c0-0000-7000-8000-00000000c601"
INSTANCE_ID = "0193a8c0-0000-7000-8000-00000000a101"
STAMP = "2026-03-11T09:00:00Z"


def examples(*values: dict[str, Any]) -> ConfigDict:
    """A model config with these examples of its JSON (shown in the OpenAPI document)."""
    return ConfigDict(json_schema_extra={"examples": list(values)})


class Strict(BaseModel):
    """Request bodies refuse unknown fields."""

    model_config = ConfigDict(extra="forbid")


class Read(BaseModel):
    """Answers are read from the records."""

    model_config = ConfigDict(from_attributes=True)


# ---- policy --------------------------------------------------------------------------------

POLICY_EXAMPLE: dict[str, Any] = {
    "purchase_approval_threshold": "5000.00",
    "collection_days": 7,
    "version": 1,
}


class SupplyPolicyRead(Read):
    """The supplies policy: purchases above the threshold go through workflow; an approved
    requisition waits ``collection_days`` to be collected before its reservation is released."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [POLICY_EXAMPLE]}
    )

    purchase_approval_threshold: Money
    collection_days: int
    version: int


class SupplyPolicyUpdate(Strict):
    """Change the policy (logistics staff; honours If-Match)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"purchase_approval_threshold": "8000.00"}]},
    )

    purchase_approval_threshold: Price | None = None
    collection_days: Annotated[int, Field(ge=1, le=365)] | None = None


# ---- pick-up points ------------------------------------------------------------------------

PICKUP_EXAMPLE: dict[str, Any] = {
    "id": PICKUP_ID,
    "code": "HQ-1F",
    "name": "总部一楼前台",
    "location": "总部大楼 1F",
    "active": True,
    "version": 1,
    "created_at": STAMP,
    "updated_at": STAMP,
}


class PickupPointCreate(Strict):
    """A new pick-up point."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"code": "HQ-1F", "name": "总部一楼前台", "location": "总部大楼 1F"}]
        },
    )

    code: Code
    name: Name
    location: Annotated[str, StringConstraints(max_length=200)] = ""


class PickupPointUpdate(Strict):
    """Change a pick-up point (honours If-Match)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"active": False}]})

    name: Name | None = None
    location: Annotated[str, StringConstraints(max_length=200)] | None = None
    active: bool | None = None


class PickupPointRead(Read):
    """A pick-up point."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [PICKUP_EXAMPLE]}
    )

    id: uuid.UUID
    code: str
    name: str
    location: str
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


# ---- catalogue -----------------------------------------------------------------------------

SUPPLY_EXAMPLE: dict[str, Any] = {
    "id": SUPPLY_ID,
    "sku": "PEN-BLK-05",
    "name": "中性笔 黑色 0.5mm",
    "unit": "支",
    "category": "stationery",
    "reorder_point": 50,
    "unit_cost": "2.50",
    "pickup_point_id": PICKUP_ID,
    "active": True,
    "on_hand": 120,
    "reserved": 10,
    "available": 110,
    "version": 1,
    "created_at": STAMP,
    "updated_at": STAMP,
}


class SupplyCreate(Strict):
    """A new SKU (its stock starts at zero; receive it into stock)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "sku": "PEN-BLK-05",
                    "name": "中性笔 黑色 0.5mm",
                    "unit": "支",
                    "category": "stationery",
                    "reorder_point": 50,
                    "unit_cost": "2.50",
                    "pickup_point_id": PICKUP_ID,
                }
            ]
        },
    )

    sku: Sku
    name: Name
    unit: Unit
    category: Category
    reorder_point: Count = 0
    unit_cost: Price = Decimal("0.00")
    pickup_point_id: uuid.UUID


class SupplyUpdate(Strict):
    """Change a catalogue entry (honours If-Match); ``active: false`` takes it off requisitions."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reorder_point": 80, "active": True}]}
    )

    name: Name | None = None
    unit: Unit | None = None
    category: Category | None = None
    reorder_point: Count | None = None
    unit_cost: Price | None = None
    pickup_point_id: uuid.UUID | None = None
    active: bool | None = None


class SupplyRead(Read):
    """A SKU and its stock over every pick-up point."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [SUPPLY_EXAMPLE]}
    )

    id: uuid.UUID
    sku: str
    name: str
    unit: str
    category: str
    reorder_point: int
    unit_cost: Money
    pickup_point_id: uuid.UUID
    active: bool
    on_hand: int
    reserved: int
    available: int
    version: int
    created_at: datetime
    updated_at: datetime


LEVEL_EXAMPLE: dict[str, Any] = {
    "supply_id": SUPPLY_ID,
    "pickup_point_id": PICKUP_ID,
    "on_hand": 120,
    "reserved": 10,
    "available": 110,
    "movements": 14,
}


class StockLevelRead(Read):
    """What one pick-up point holds of a SKU."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [LEVEL_EXAMPLE]})

    supply_id: uuid.UUID
    pickup_point_id: uuid.UUID
    on_hand: int
    reserved: int
    available: int
    movements: int


class LowStockSupply(BaseModel):
    """A SKU whose available stock is at or below its reorder point."""

    model_config = examples(
        {
            "supply_id": SUPPLY_ID,
            "sku": "PEN-BLK-05",
            "name": "中性笔 黑色 0.5mm",
            "unit": "支",
            "reorder_point": 50,
            "on_hand": 40,
            "reserved": 5,
            "available": 35,
            "shortfall": 15,
        }
    )

    supply_id: uuid.UUID
    sku: str
    name: str
    unit: str
    reorder_point: int
    on_hand: int
    reserved: int
    available: int
    shortfall: int = Field(description="How far available stock is below the reorder point.")


# ---- the ledger ----------------------------------------------------------------------------

ManualKind = Literal["receipt", "issue", "adjustment", "transfer"]


class StockMovementCreate(Strict):
    """A movement by hand: ``receipt`` (quantity in), ``issue`` (quantity out of the free
    stock), ``adjustment`` (``delta``, signed, with a reason), ``transfer`` (to another pick-up
    point: two ledger lines)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "issue",
                    "supply_id": SUPPLY_ID,
                    "pickup_point_id": PICKUP_ID,
                    "quantity": 2,
                    "reason": "会议室补充",
                },
                {
                    "kind": "transfer",
                    "supply_id": SUPPLY_ID,
                    "pickup_point_id": PICKUP_ID,
                    "to_pickup_point_id": PICKUP_2_ID,
                    "quantity": 20,
                    "reason": "二楼补货",
                },
            ]
        },
    )

    kind: ManualKind
    supply_id: uuid.UUID
    pickup_point_id: uuid.UUID | None = Field(
        default=None, description="Where; the SKU's own pick-up point when left out."
    )
    to_pickup_point_id: uuid.UUID | None = Field(default=None, description="Transfers only.")
    quantity: Quantity | None = Field(default=None, description="Receipts, issues, transfers.")
    delta: Annotated[int, Field(ge=-1_000_000, le=1_000_000)] | None = Field(
        default=None, description="Adjustments only: the signed change (not 0)."
    )
    reason: Reason = ""


MOVEMENT_EXAMPLE: dict[str, Any] = {
    "id": MOVEMENT_ID,
    "supply_id": SUPPLY_ID,
    "pickup_point_id": PICKUP_ID,
    "line_no": 14,
    "kind": "issue",
    "quantity": -2,
    "balance_after": 118,
    "cause_type": "manual",
    "cause_id": None,
    "reason": "会议室补充",
    "created_by": "logistics-staff",
    "created_at": STAMP,
}


class StockMovementRead(Read):
    """One ledger line: the change of stock on hand, its cause and the balance after it."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [MOVEMENT_EXAMPLE]}
    )

    id: uuid.UUID
    supply_id: uuid.UUID
    pickup_point_id: uuid.UUID
    line_no: int
    kind: MovementKind
    quantity: int
    balance_after: int
    cause_type: CauseType
    cause_id: uuid.UUID | None
    reason: str
    created_by: str | None
    created_at: datetime


class StockMovementResult(BaseModel):
    """The ledger lines one request wrote (two for a transfer)."""

    model_config = examples({"movements": [MOVEMENT_EXAMPLE]})

    movements: list[StockMovementRead]


# ---- purchases -----------------------------------------------------------------------------


class PurchaseLineCreate(Strict):
    """One SKU of a purchase."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"supply_id": SUPPLY_ID, "quantity": 200, "unit_price": "2.30"}]
        },
    )

    supply_id: uuid.UUID
    quantity: Quantity
    unit_price: Price


class PurchaseCreate(Strict):
    """A purchase from a supplier (a party in org); above the policy's threshold workflow
    approves it (``purchase``), below it it is approved at once."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "supplier_party_id": SUPPLIER_ID,
                    "pickup_point_id": PICKUP_ID,
                    "lines": [{"supply_id": SUPPLY_ID, "quantity": 200, "unit_price": "2.30"}],
                    "note": "季度补货",
                }
            ]
        },
    )

    supplier_party_id: uuid.UUID
    pickup_point_id: uuid.UUID | None = Field(
        default=None, description="Where it is received; the first line's SKU's when left out."
    )
    lines: list[PurchaseLineCreate] = Field(min_length=1, max_length=200)
    note: Note = ""


class PurchaseLineRead(Read):
    """A purchase line and what has arrived of it."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": LINE_ID,
                    "line_no": 1,
                    "supply_id": SUPPLY_ID,
                    "quantity": 200,
                    "unit_price": "2.30",
                    "amount": "460.00",
                    "received_quantity": 120,
                }
            ]
        },
    )

    id: uuid.UUID
    line_no: int
    supply_id: uuid.UUID
    quantity: int
    unit_price: Money
    amount: Money
    received_quantity: int


PURCHASE_EXAMPLE: dict[str, Any] = {
    "id": PURCHASE_ID,
    "supplier_party_id": SUPPLIER_ID,
    "requester_employee_id": EMPLOYEE_ID,
    "pickup_point_id": PICKUP_ID,
    "currency": "CNY",
    "total": "460.00",
    "received_amount": "276.00",
    "note": "季度补货",
    "status": "partially_received",
    "needs_approval": False,
    "workflow_instance_id": None,
    "approval_state": None,
    "decided_at": STAMP,
    "lines": [
        {
            "id": LINE_ID,
            "line_no": 1,
            "supply_id": SUPPLY_ID,
            "quantity": 200,
            "unit_price": "2.30",
            "amount": "460.00",
            "received_quantity": 120,
        }
    ],
    "version": 3,
    "created_by": "logistics-staff",
    "created_at": STAMP,
    "updated_at": STAMP,
}


class PurchaseRead(Read):
    """A purchase, its lines and what has arrived."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [PURCHASE_EXAMPLE]}
    )

    id: uuid.UUID
    supplier_party_id: uuid.UUID
    requester_employee_id: uuid.UUID | None
    pickup_point_id: uuid.UUID
    currency: str
    total: Money
    received_amount: Money
    note: str
    status: PurchaseStatus
    needs_approval: bool
    workflow_instance_id: uuid.UUID | None
    approval_state: str | None
    decided_at: datetime | None
    lines: list[PurchaseLineRead]
    version: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class ReceiptLineCreate(Strict):
    """How many of one purchase line arrived."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"line_id": LINE_ID, "quantity": 120}]}
    )

    line_id: uuid.UUID
    quantity: Quantity


class ReceiptCreate(Strict):
    """A delivery (partial or whole) taken into stock at the purchase's pick-up point."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "received_on": "2026-03-11",
                    "lines": [{"line_id": LINE_ID, "quantity": 120}],
                    "note": "第一批",
                }
            ]
        },
    )

    received_on: date | None = Field(default=None, description="Today when left out.")
    lines: list[ReceiptLineCreate] = Field(min_length=1, max_length=200)
    note: Note = ""


class ReceiptLineRead(Read):
    """What one receipt brought of one line."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "purchase_line_id": LINE_ID,
                    "quantity": 120,
                    "amount": "276.00",
                    "movement_id": MOVEMENT_ID,
                }
            ]
        },
    )

    purchase_line_id: uuid.UUID
    quantity: int
    amount: Money
    movement_id: uuid.UUID


class ReceiptRead(Read):
    """A receipt of a purchase."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": RECEIPT_ID,
                    "purchase_id": PURCHASE_ID,
                    "received_on": "2026-03-11",
                    "amount": "276.00",
                    "note": "第一批",
                    "lines": [
                        {
                            "purchase_line_id": LINE_ID,
                            "quantity": 120,
                            "amount": "276.00",
                            "movement_id": MOVEMENT_ID,
                        }
                    ],
                    "created_by": "logistics-staff",
                    "created_at": STAMP,
                }
            ]
        },
    )

    id: uuid.UUID
    purchase_id: uuid.UUID
    received_on: date
    amount: Money
    note: str
    lines: list[ReceiptLineRead]
    created_by: str | None
    created_at: datetime


class CancelBody(Strict):
    """Why something is cancelled."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "不再需要"}]}
    )

    reason: Reason = ""


# ---- requisitions --------------------------------------------------------------------------


class RequisitionLineCreate(Strict):
    """One SKU asked for."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"supply_id": SUPPLY_ID, "quantity": 5}]}
    )

    supply_id: uuid.UUID
    quantity: Annotated[int, Field(ge=1, le=10_000)]


class RequisitionCreate(Strict):
    """An employee asks for supplies, collected at a pick-up point (the first SKU's when left out)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "lines": [{"supply_id": SUPPLY_ID, "quantity": 5}],
                    "purpose": "新员工入职",
                    "pickup_point_id": PICKUP_ID,
                }
            ]
        },
    )

    lines: list[RequisitionLineCreate] = Field(min_length=1, max_length=50)
    purpose: Note = ""
    pickup_point_id: uuid.UUID | None = None


REQ_LINE_EXAMPLE: dict[str, Any] = {
    "id": REQ_LINE_ID,
    "line_no": 1,
    "supply_id": SUPPLY_ID,
    "quantity": 5,
    "reserved": 5,
    "picked": 5,
    "collected": 0,
}


class RequisitionLineRead(Read):
    """A line: asked, reserved on approval, picked, collected."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [REQ_LINE_EXAMPLE]}
    )

    id: uuid.UUID
    line_no: int
    supply_id: uuid.UUID
    quantity: int
    reserved: int
    picked: int
    collected: int


class RequisitionRead(Read):
    """A requisition and its lines."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": REQUISITION_ID,
                    "employee_id": EMPLOYEE_ID,
                    "pickup_point_id": PICKUP_ID,
                    "purpose": "新员工入职",
                    "status": "picked",
                    "workflow_instance_id": INSTANCE_ID,
                    "approval_state": "approved",
                    "decided_at": STAMP,
                    "collect_by": "2026-03-18T09:00:00Z",
                    "picked_at": STAMP,
                    "collected_at": None,
                    "released_at": None,
                    "lines": [REQ_LINE_EXAMPLE],
                    "version": 3,
                    "created_by": "erin",
                    "created_at": STAMP,
                    "updated_at": STAMP,
                }
            ]
        },
    )

    id: uuid.UUID
    employee_id: uuid.UUID
    pickup_point_id: uuid.UUID
    purpose: str
    status: RequisitionStatus
    workflow_instance_id: uuid.UUID | None
    approval_state: str | None
    decided_at: datetime | None
    collect_by: datetime | None
    picked_at: datetime | None
    collected_at: datetime | None
    released_at: datetime | None
    lines: list[RequisitionLineRead]
    version: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class LineQuantity(Strict):
    """A quantity for one requisition line."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"line_id": REQ_LINE_ID, "quantity": 4}]}
    )

    line_id: uuid.UUID
    quantity: Count


class PickBody(Strict):
    """What was put ready; every reserved quantity when ``lines`` is left out."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"lines": [{"line_id": REQ_LINE_ID, "quantity": 4}]}]},
    )

    lines: list[LineQuantity] | None = Field(default=None, max_length=50)


class CollectBody(Strict):
    """What the requester took; every picked quantity when ``lines`` is left out."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"lines": [{"line_id": REQ_LINE_ID, "quantity": 4}]}]},
    )

    lines: list[LineQuantity] | None = Field(default=None, max_length=50)


# ---- stocktakes ----------------------------------------------------------------------------


class StocktakeCreate(Strict):
    """Freeze a count sheet of one pick-up point (every active SKU it holds or is home to)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"pickup_point_id": PICKUP_ID, "note": "季度盘点"}]},
    )

    pickup_point_id: uuid.UUID
    note: Note = ""


class StocktakeLineRead(Read):
    """One SKU of a count sheet."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "supply_id": SUPPLY_ID,
                    "expected": 120,
                    "counted": 118,
                    "variance": -2,
                    "movement_id": None,
                }
            ]
        },
    )

    supply_id: uuid.UUID
    expected: int
    counted: int | None
    variance: int | None
    movement_id: uuid.UUID | None


STOCKTAKE_EXAMPLE: dict[str, Any] = {
    "id": STOCKTAKE_ID,
    "pickup_point_id": PICKUP_ID,
    "status": "counting",
    "frozen_at": STAMP,
    "posted_at": None,
    "reason": "",
    "note": "季度盘点",
    "lines": [
        {
            "supply_id": SUPPLY_ID,
            "expected": 120,
            "counted": 118,
            "variance": -2,
            "movement_id": None,
        }
    ],
    "version": 2,
    "created_by": "logistics-staff",
    "created_at": STAMP,
    "updated_at": STAMP,
}


class StocktakeRead(Read):
    """A stocktake and its count sheet."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [STOCKTAKE_EXAMPLE]}
    )

    id: uuid.UUID
    pickup_point_id: uuid.UUID
    status: StocktakeStatus
    frozen_at: datetime
    posted_at: datetime | None
    reason: str
    note: str
    lines: list[StocktakeLineRead]
    version: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class CountEntry(Strict):
    """What was counted of one SKU."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"supply_id": SUPPLY_ID, "counted": 118}]}
    )

    supply_id: uuid.UUID
    counted: Count


class CountsBody(Strict):
    """Counts entered (again, if need be) while the stocktake is counting."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"counts": [{"supply_id": SUPPLY_ID, "counted": 118}]}]},
    )

    counts: list[CountEntry] = Field(min_length=1, max_length=1000)


class PostBody(Strict):
    """Post the variances as adjustments, with the reason each adjustment carries."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "季度盘点差异"}]}
    )

    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class VarianceLine(BaseModel):
    """One SKU's variance."""

    model_config = examples(
        {
            "supply_id": SUPPLY_ID,
            "sku": "PEN-BLK-05",
            "name": "中性笔 黑色 0.5mm",
            "expected": 120,
            "counted": 118,
            "variance": -2,
            "unit_cost": "2.50",
            "value": "-5.00",
        }
    )

    supply_id: uuid.UUID
    sku: str
    name: str
    expected: int
    counted: int | None
    variance: int | None
    unit_cost: Money
    value: Money | None


class VarianceReport(BaseModel):
    """A stocktake's variances: per SKU, what was frozen, counted, and its value at unit cost."""

    model_config = examples(
        {
            "stocktake_id": STOCKTAKE_ID,
            "pickup_point_id": PICKUP_ID,
            "status": "posted",
            "frozen_at": STAMP,
            "lines": [
                {
                    "supply_id": SUPPLY_ID,
                    "sku": "PEN-BLK-05",
                    "name": "中性笔 黑色 0.5mm",
                    "expected": 120,
                    "counted": 118,
                    "variance": -2,
                    "unit_cost": "2.50",
                    "value": "-5.00",
                }
            ],
            "uncounted": 0,
            "shortage_value": "-5.00",
            "surplus_value": "0.00",
            "net_value": "-5.00",
        }
    )

    stocktake_id: uuid.UUID
    pickup_point_id: uuid.UUID
    status: StocktakeStatus
    frozen_at: datetime
    lines: list[VarianceLine]
    uncounted: int
    shortage_value: Money
    surplus_value: Money
    net_value: Money
