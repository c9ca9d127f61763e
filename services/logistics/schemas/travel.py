"""Request and response models of business travel."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.logistics.domain.travel_check import Category, CityTier, TransportClass
from shared.contracts.money import Money

STANDARD_ID = "0193a8c0-0000-7000-8000-00000000b001"
REQUEST_ID = "0193a8c0-0000-7000-8000-00000000b101"
REIMBURSEMENT_ID = "0193a8c0-0000-7000-8000-00000000b201"
EMPLOYEE_ID = "0193a8c0-0000-7000-8000-0000000000e1"
DEPARTMENT_ID = "0193a8c0-0000-7000-8000-0000000000d1"
INSTANCE_ID = "0193a8c0-0000-7000-8000-00000000a001"
AT = "2026-11-20T08:30:00Z"

RequestStatus = Literal[
    "pending", "approved", "rejected", "withdrawn", "approval_refused", "reimbursed"
]
ReimbursementStatus = Literal["pending", "approved", "rejected", "withdrawn", "approval_refused"]
Finding = Literal[
    "outside_trip", "no_standard", "nights_missing", "over_hotel_cap", "over_per_diem",
    "class_missing", "over_transport_class",
]  # fmt: skip
Grade = str


def _examples(*values: dict[str, Any], from_attributes: bool = False) -> ConfigDict:
    return ConfigDict(
        extra="forbid" if not from_attributes else "ignore",
        from_attributes=from_attributes,
        json_schema_extra={"examples": list(values)},
    )


STANDARD_EXAMPLE: dict[str, Any] = {
    "grade": "P5",
    "city_tier": "tier1",
    "hotel_cap_per_night": "600.00",
    "per_diem": "150.00",
    "transport_class": "economy",
    "effective_from": "2026-01-01",
    "effective_to": None,
}


class TravelStandardCreate(BaseModel):
    """A standard: what a grade (``*``: every grade without its own) may spend in a city tier
    from a date."""

    model_config = _examples(STANDARD_EXAMPLE)

    grade: str = Field(min_length=1, max_length=20, pattern=r"^(\*|[A-Za-z0-9_-]+)$")
    city_tier: CityTier
    hotel_cap_per_night: Money = Field(description="Per night, at most.")
    per_diem: Money = Field(description="Meals per day, at most.")
    transport_class: TransportClass = Field(
        description="The highest class allowed: economy (二等座/经济舱) < premium (一等座/超级经济舱) "
        "< business (商务座/公务舱) < first (头等舱)."
    )
    effective_from: date
    effective_to: date | None = Field(default=None, description="Exclusive; null: open.")


class TravelStandardUpdate(BaseModel):
    """Change a standard's caps or end it (an ``effective_to``)."""

    model_config = _examples({"per_diem": "180.00", "effective_to": "2027-01-01"})

    hotel_cap_per_night: Money | None = None
    per_diem: Money | None = None
    transport_class: TransportClass | None = None
    effective_to: date | None = None


class TravelStandardRead(BaseModel):
    """A travel standard."""

    model_config = _examples(
        {"id": STANDARD_ID, **STANDARD_EXAMPLE, "version": 1, "created_at": AT, "updated_at": AT},
        from_attributes=True,
    )

    id: uuid.UUID
    grade: str
    city_tier: CityTier
    hotel_cap_per_night: Money
    per_diem: Money
    transport_class: TransportClass
    effective_from: date
    effective_to: date | None
    version: int
    created_at: datetime
    updated_at: datetime


REQUEST_EXAMPLE: dict[str, Any] = {
    "destination": "深圳",
    "city_tier": "tier1",
    "start_date": "2026-12-07",
    "end_date": "2026-12-09",
    "purpose": "客户现场部署",
    "estimated_cost": "4200.00",
    "advance": "2000.00",
}


class TravelRequestCreate(BaseModel):
    """A trip to approve; ``employee_id`` defaults to the caller (logistics may file for others)."""

    model_config = _examples(REQUEST_EXAMPLE)

    employee_id: uuid.UUID | None = None
    destination: str = Field(min_length=1, max_length=200)
    city_tier: CityTier = Field(description="abroad: the approval asks the GM too.")
    start_date: date
    end_date: date
    purpose: str = Field(min_length=1, max_length=2000)
    estimated_cost: Money
    advance: Money = Field(default=Decimal("0.00"), description="Cash wanted before the trip.")


class TravelRequestRead(BaseModel):
    """A travel request; ``grade`` is the traveller's when it was filed."""

    model_config = _examples(
        {
            "id": REQUEST_ID,
            "employee_id": EMPLOYEE_ID,
            "department_id": DEPARTMENT_ID,
            "grade": "P5",
            **REQUEST_EXAMPLE,
            "days": 3,
            "abroad": False,
            "status": "pending",
            "workflow_instance_id": INSTANCE_ID,
            "version": 1,
            "created_at": AT,
            "updated_at": AT,
        },
        from_attributes=True,
    )

    id: uuid.UUID
    employee_id: uuid.UUID
    department_id: uuid.UUID | None
    grade: str
    destination: str
    city_tier: CityTier
    start_date: date
    end_date: date
    days: int
    abroad: bool
    purpose: str
    estimated_cost: Money
    advance: Money
    status: RequestStatus
    workflow_instance_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


LINE_EXAMPLE: dict[str, Any] = {
    "category": "hotel",
    "amount": "1200.00",
    "spent_on": "2026-12-07",
    "nights": 2,
    "receipt_ref": "files/receipts/2026-12-07-hotel.pdf",
    "description": "酒店两晚",
}


class ReceiptLineCreate(BaseModel):
    """One receipt: ``nights`` for a hotel, ``transport_class`` for transport; a line over the
    standard needs a ``justification``."""

    model_config = _examples(LINE_EXAMPLE)

    category: Category
    amount: Money
    spent_on: date
    nights: int | None = Field(default=None, ge=1, le=366)
    transport_class: TransportClass | None = None
    receipt_ref: str | None = Field(default=None, max_length=500)
    description: str = Field(default="", max_length=500)
    justification: str | None = Field(default=None, max_length=2000)


class ReimbursementCreate(BaseModel):
    """What a trip cost, receipt by receipt."""

    model_config = _examples(
        {"travel_request_id": REQUEST_ID, "lines": [LINE_EXAMPLE], "note": "深圳部署出差"}
    )

    travel_request_id: uuid.UUID
    lines: list[ReceiptLineCreate] = Field(min_length=1, max_length=200)
    note: str = Field(default="", max_length=2000)


class ReceiptLineRead(BaseModel):
    """A receipt line and what the standard check found."""

    model_config = _examples(
        {
            "line_no": 1,
            **LINE_EXAMPLE,
            "transport_class": None,
            "justification": None,
            "within_standard": True,
            "allowed": "1200.00",
            "findings": [],
        },
        from_attributes=True,
    )

    line_no: int
    category: Category
    amount: Money
    spent_on: date
    nights: int | None
    transport_class: TransportClass | None
    receipt_ref: str | None
    description: str
    justification: str | None
    within_standard: bool
    allowed: Money | None = Field(description="The cap that applied: the nights' or the day's.")
    findings: list[Finding]


class ReimbursementRead(BaseModel):
    """A reimbursement; ``net_payable`` is what finance still owes once the advance is set off."""

    model_config = _examples(
        {
            "id": REIMBURSEMENT_ID,
            "travel_request_id": REQUEST_ID,
            "employee_id": EMPLOYEE_ID,
            "total": "1200.00",
            "advance": "2000.00",
            "net_payable": "0.00",
            "over_standard": False,
            "note": "深圳部署出差",
            "status": "pending",
            "workflow_instance_id": INSTANCE_ID,
            "lines": [ReceiptLineRead.model_config["json_schema_extra"]["examples"][0]],  # type: ignore[index]
            "version": 1,
            "created_at": AT,
            "updated_at": AT,
        },
    )

    id: uuid.UUID
    travel_request_id: uuid.UUID
    employee_id: uuid.UUID
    total: Money
    advance: Money
    net_payable: Money
    over_standard: bool
    note: str
    status: ReimbursementStatus
    workflow_instance_id: uuid.UUID | None
    lines: list[ReceiptLineRead]
    version: int
    created_at: datetime
    updated_at: datetime
