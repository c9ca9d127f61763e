"""Wire shapes of logistics's fleet, vehicle requests, dispatches, trips and maintenance."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.money import Money

VEHICLE_ID = "0193a8c0-0000-7000-8000-00000000e001"
REQUEST_ID = "0193a8c0-0000-7000-8000-00000000e101"
DISPATCH_ID = "0193a8c0-0000-7000-8000-00000000e201"
TRIP_ID = "0193a8c0-0000-7000-8000-00000000e301"
MAINTENANCE_ID = "0193a8c0-0000-7000-8000-00000000e401"
INSTANCE_ID = "0193a8c0-0000-7000-8000-00000000a101"
EMPLOYEE_ID = "0193a8c0-0000-7000-8000-0000000000e1"
DRIVER_ID = "0193a8c0-0000-7000-8000-0000000000e9"
STAMP = "2026-03-11T08:00:00Z"

VehicleStatus = Literal["available", "maintenance", "retired"]
RequestStatus = Literal[
    "pending",
    "approved",
    "rejected",
    "withdrawn",
    "cancelled",
    "approval_refused",
    "dispatched",
    "completed",
]
TripStatus = Literal["open", "completed"]
DispatchStatus = Literal["active", "completed", "cancelled"]
Currency = str
Km = int

VEHICLE_EXAMPLE: dict[str, Any] = {
    "plate": "京A12345",
    "make_model": "Buick GL8",
    "seats": 7,
    "status": "available",
    "odometer_km": 42000,
    "next_maintenance_date": "2026-06-01",
    "next_maintenance_km": 50000,
}


def examples(*values: dict[str, Any]) -> ConfigDict:
    """A model config with these examples (and unknown fields refused)."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(values)})


class VehicleCreate(BaseModel):
    """A vehicle joining the fleet."""

    model_config = examples(VEHICLE_EXAMPLE)

    plate: str = Field(min_length=2, max_length=20)
    make_model: str = Field(default="", max_length=100)
    seats: int = Field(ge=1, le=100)
    status: VehicleStatus = "available"
    odometer_km: Km = Field(default=0, ge=0, le=2_000_000_000)
    next_maintenance_date: date | None = None
    next_maintenance_km: Km | None = Field(default=None, ge=0, le=2_000_000_000)


class VehicleUpdate(BaseModel):
    """Fields of a vehicle to change (honours If-Match); the odometer moves with trips and
    maintenance only."""

    model_config = examples({"status": "maintenance"})

    plate: str | None = Field(default=None, min_length=2, max_length=20)
    make_model: str | None = Field(default=None, max_length=100)
    seats: int | None = Field(default=None, ge=1, le=100)
    status: VehicleStatus | None = None
    next_maintenance_date: date | None = None
    next_maintenance_km: Km | None = Field(default=None, ge=0, le=2_000_000_000)


class VehicleRead(BaseModel):
    """A vehicle of the fleet."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    **VEHICLE_EXAMPLE,
                    "id": VEHICLE_ID,
                    "version": 1,
                    "created_at": STAMP,
                    "updated_at": STAMP,
                }
            ]
        },
    )

    id: uuid.UUID
    plate: str
    make_model: str
    seats: int
    status: VehicleStatus
    odometer_km: int
    next_maintenance_date: date | None
    next_maintenance_km: int | None
    version: int
    created_at: datetime
    updated_at: datetime


class VehicleDue(BaseModel):
    """A vehicle due for maintenance, and why (``date``, ``odometer`` or both)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "vehicle": {
                        **VEHICLE_EXAMPLE,
                        "id": VEHICLE_ID,
                        "version": 1,
                        "created_at": STAMP,
                        "updated_at": STAMP,
                    },
                    "reasons": ["odometer"],
                }
            ]
        }
    )

    vehicle: VehicleRead
    reasons: list[Literal["date", "odometer"]]


class MaintenanceCreate(BaseModel):
    """A maintenance done, and when the next one is due."""

    model_config = examples(
        {
            "performed_on": "2026-03-10",
            "odometer_km": 42100,
            "description": "Oil, filters, brake pads",
            "cost": "1280.00",
            "next_due_date": "2026-09-10",
            "next_due_km": 52100,
        }
    )

    performed_on: date
    odometer_km: Km = Field(ge=0, le=2_000_000_000)
    description: str = Field(min_length=1, max_length=2000)
    cost: Money = Decimal("0.00")
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    next_due_date: date | None = None
    next_due_km: Km | None = Field(default=None, ge=0, le=2_000_000_000)


class MaintenanceRead(BaseModel):
    """A logged maintenance."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": MAINTENANCE_ID,
                    "vehicle_id": VEHICLE_ID,
                    "performed_on": "2026-03-10",
                    "odometer_km": 42100,
                    "description": "Oil, filters, brake pads",
                    "cost": "1280.00",
                    "currency": "CNY",
                    "next_due_date": "2026-09-10",
                    "next_due_km": 52100,
                    "created_by": "user:logistics-staff",
                    "created_at": STAMP,
                }
            ]
        },
    )

    id: uuid.UUID
    vehicle_id: uuid.UUID
    performed_on: date
    odometer_km: int
    description: str
    cost: Money
    currency: str
    next_due_date: date | None
    next_due_km: int | None
    created_by: str | None
    created_at: datetime


REQUEST_CREATE_EXAMPLE: dict[str, Any] = {
    "purpose": "客户拜访 Client visit",
    "destination": "首都机场 Capital Airport T3",
    "passengers": 3,
    "starts_at": "2026-03-12T01:00:00Z",
    "ends_at": "2026-03-12T05:00:00Z",
}


class VehicleRequestCreate(BaseModel):
    """Ask for a vehicle; its ``vehicle_request`` approval starts in workflow."""

    model_config = examples(REQUEST_CREATE_EXAMPLE)

    purpose: str = Field(min_length=1, max_length=500)
    destination: str = Field(min_length=1, max_length=200)
    passengers: int = Field(ge=1, le=100)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    employee_id: uuid.UUID | None = Field(
        default=None, description="For whom (logistics only); the caller by default."
    )


class VehicleRequestRead(BaseModel):
    """A vehicle request and where its approval stands."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    **REQUEST_CREATE_EXAMPLE,
                    "id": REQUEST_ID,
                    "employee_id": EMPLOYEE_ID,
                    "status": "pending",
                    "workflow_instance_id": INSTANCE_ID,
                    "approval_state": "started",
                    "decided_at": None,
                    "version": 1,
                    "created_at": STAMP,
                    "updated_at": STAMP,
                }
            ]
        },
    )

    id: uuid.UUID
    employee_id: uuid.UUID
    purpose: str
    destination: str
    passengers: int
    starts_at: datetime
    ends_at: datetime
    status: RequestStatus
    workflow_instance_id: uuid.UUID | None
    approval_state: str | None
    decided_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class DispatchCreate(BaseModel):
    """The vehicle and driver for an approved request."""

    model_config = examples({"vehicle_id": VEHICLE_ID, "driver_employee_id": DRIVER_ID})

    vehicle_id: uuid.UUID
    driver_employee_id: uuid.UUID


class DispatchRead(BaseModel):
    """A vehicle and a driver assigned to a request for its times."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": DISPATCH_ID,
                    "request_id": REQUEST_ID,
                    "vehicle_id": VEHICLE_ID,
                    "driver_employee_id": DRIVER_ID,
                    "starts_at": "2026-03-12T01:00:00Z",
                    "ends_at": "2026-03-12T05:00:00Z",
                    "status": "active",
                    "version": 1,
                    "created_at": STAMP,
                    "updated_at": STAMP,
                }
            ]
        },
    )

    id: uuid.UUID
    request_id: uuid.UUID
    vehicle_id: uuid.UUID
    driver_employee_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    status: DispatchStatus
    version: int
    created_at: datetime
    updated_at: datetime


class TripStart(BaseModel):
    """A vehicle leaves: for a dispatched request, or on its own (``vehicle_id``)."""

    model_config = examples({"request_id": REQUEST_ID, "odometer_out": 42100})

    request_id: uuid.UUID | None = None
    vehicle_id: uuid.UUID | None = None
    driver_employee_id: uuid.UUID | None = None
    odometer_out: Km = Field(ge=0, le=2_000_000_000)
    notes: str = Field(default="", max_length=2000)


class TripComplete(BaseModel):
    """The vehicle is back."""

    model_config = examples(
        {"odometer_in": 42186, "fuel_cost": "120.50", "tolls": "35.00", "currency": "CNY"}
    )

    odometer_in: Km = Field(ge=0, le=2_000_000_000)
    fuel_cost: Money | None = None
    tolls: Money | None = None
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")


class TripRead(BaseModel):
    """A trip: odometer out and in, fuel and tolls."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": TRIP_ID,
                    "vehicle_id": VEHICLE_ID,
                    "request_id": REQUEST_ID,
                    "dispatch_id": DISPATCH_ID,
                    "driver_employee_id": DRIVER_ID,
                    "odometer_out": 42100,
                    "odometer_in": 42186,
                    "distance_km": 86,
                    "fuel_cost": "120.50",
                    "tolls": "35.00",
                    "currency": "CNY",
                    "started_at": "2026-03-12T01:05:00Z",
                    "ended_at": "2026-03-12T04:40:00Z",
                    "status": "completed",
                    "notes": "",
                    "version": 2,
                    "created_at": STAMP,
                    "updated_at": STAMP,
                }
            ]
        },
    )

    id: uuid.UUID
    vehicle_id: uuid.UUID
    request_id: uuid.UUID | None
    dispatch_id: uuid.UUID | None
    driver_employee_id: uuid.UUID | None
    odometer_out: int
    odometer_in: int | None
    distance_km: int | None = None
    fuel_cost: Money | None
    tolls: Money | None
    currency: str
    started_at: datetime
    ended_at: datetime | None
    status: TripStatus
    notes: str
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, trip: Any) -> "TripRead":
        """A trip with its distance."""
        read = cls.model_validate(trip)
        if read.odometer_in is not None:
            read.distance_km = read.odometer_in - read.odometer_out
        return read
