"""Wire shapes of the hr API."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
)

from services.hr.domain import balances

Days = Annotated[
    Decimal, PlainSerializer(lambda value: f"{value:.1f}", return_type=str, when_used="json")
]


class Strict(BaseModel):
    """Request bodies refuse unknown fields."""

    model_config = ConfigDict(extra="forbid")


class SpecialDay(Strict):
    """A date and what it is called (国庆节, 调休上班…)."""

    date: date
    name: str = Field(default="", max_length=100)


class CalendarUpdate(Strict):
    """A year's public holidays and make-up working days; replaces what was there."""

    holidays: list[SpecialDay] = Field(default_factory=list)
    workdays: list[SpecialDay] = Field(
        default_factory=list, description="Weekend days worked (调休)."
    )
    note: str = Field(default="", max_length=500)


class CalendarRead(BaseModel):
    """A year's working calendar."""

    year: int
    configured: bool
    note: str
    holidays: list[SpecialDay]
    workdays: list[SpecialDay]
    version: int | None = None


class WorkingDays(BaseModel):
    """A count of working days."""

    from_date: date = Field(serialization_alias="from")
    to_date: date = Field(serialization_alias="to")
    working_days: int
    configured_years: list[int]
    unconfigured_years: list[int] = Field(description="Years counted with weekends only.")


class LeaveTypeRead(BaseModel):
    """A leave type."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    name_en: str
    paid: bool
    uses_balance: bool
    day_basis: Literal["working", "calendar"]
    min_unit: Days
    requires_document: bool
    active: bool
    version: int


class LeaveTypeUpdate(Strict):
    """What HR may change on a leave type."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    name_en: str | None = Field(default=None, min_length=1, max_length=100)
    paid: bool | None = None
    requires_document: bool | None = None
    active: bool | None = None


class BalanceRead(BaseModel):
    """A leave balance."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    employee_id: uuid.UUID
    year: int
    leave_type: str
    entitled: Days
    adjusted: Days
    used: Days
    pending: Days
    remaining: Days
    version: int


class Allocation(Strict):
    """Run the yearly allocation."""

    year: int = Field(ge=2000, le=2100)


class AllocationResult(BaseModel):
    """What the allocation did."""

    year: int
    employees: int
    created: int
    updated: int


class AdjustmentCreate(Strict):
    """A manual change of a balance: whole or half days, and why."""

    delta: Decimal = Field(
        description="Days to add (negative to take away): a non-zero multiple of 0.5.",
        max_digits=5,
        decimal_places=1,
    )
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]

    @field_validator("delta")
    @classmethod
    def _whole_or_half_days(cls, delta: Decimal) -> Decimal:
        if not balances.is_whole_or_half_days(delta):
            raise ValueError("an adjustment is a non-zero number of whole or half days")
        return delta


class LeaveRequestCreate(Strict):
    """A request for leave."""

    employee_id: uuid.UUID | None = Field(
        default=None, description="Defaults to the caller (HR may file for others)."
    )
    leave_type: str
    start_date: date
    start_portion: Literal["full", "afternoon"] = "full"
    end_date: date
    end_portion: Literal["full", "morning"] = "full"
    reason: str = Field(default="", max_length=2000)
    attachment_ref: str | None = Field(default=None, max_length=500)


class LeaveRequestRead(BaseModel):
    """A leave request."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    employee_id: uuid.UUID
    department_id: uuid.UUID
    leave_type: str
    start_date: date
    start_portion: str
    end_date: date
    end_portion: str
    days: Days
    reason: str
    attachment_ref: str | None
    status: str
    workflow_instance_id: uuid.UUID | None
    cancellation_instance_id: uuid.UUID | None
    decided_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class Absence(BaseModel):
    """Someone away on a date."""

    employee_id: uuid.UUID
    employee_name: str
    department_id: uuid.UUID
    leave_type: str | None = Field(description="Only for those who may see this person's leave.")
    start_date: date
    end_date: date
    request_id: uuid.UUID
