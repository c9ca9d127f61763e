"""Wire shapes of the hr API."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
)

from services.hr.domain import balances
from shared.contracts.decimals import DecimalString

DaysDelta = Annotated[
    Decimal, DecimalString(places=1, digits=5, fraction="[05]", nonzero=True, example="0.5")
]
Days = Annotated[
    Decimal, PlainSerializer(lambda value: f"{value:.1f}", return_type=str, when_used="json")
]


LeaveStatus = Literal[
    "pending",
    "approved",
    "rejected",
    "withdrawn",
    "cancelled",
    "cancellation_pending",
    "approval_refused",
]
StartPortion = Literal["full", "afternoon"]
EndPortion = Literal["full", "morning"]

# Ids the examples share, so that one example's references match another's.
EMPLOYEE_ID = "0193a8c0-0000-7000-8000-0000000000e1"
DEPARTMENT_ID = "0193a8c0-0000-7000-8000-0000000000d1"
BALANCE_ID = "0193a8c0-0000-7000-8000-00000000b101"
REQUEST_ID = "0193a8c0-0000-7000-8000-00000000b201"
INSTANCE_ID = "0193a8c0-0000-7000-8000-00000000a101"
HOLIDAYS_EXAMPLE: list[dict[str, Any]] = [
    {"date": "2026-10-01", "name": "国庆节"},
    {"date": "2026-10-02", "name": "国庆节"},
]
WORKDAYS_EXAMPLE: list[dict[str, Any]] = [{"date": "2026-09-27", "name": "国庆节调休上班"}]
BALANCE_EXAMPLE: dict[str, Any] = {
    "id": BALANCE_ID,
    "employee_id": EMPLOYEE_ID,
    "year": 2026,
    "leave_type": "annual",
    "entitled": "10.0",
    "adjusted": "0.5",
    "used": "3.0",
    "pending": "1.0",
    "remaining": "6.5",
    "version": 4,
}


def examples(*values: dict[str, Any]) -> ConfigDict:
    """A model config with these examples of its JSON (shown in the OpenAPI document)."""
    return ConfigDict(json_schema_extra={"examples": list(values)})


class Strict(BaseModel):
    """Request bodies refuse unknown fields."""

    model_config = ConfigDict(extra="forbid")


class SpecialDay(Strict):
    """A date and what it is called (国庆节, 调休上班…)."""

    model_config = examples(HOLIDAYS_EXAMPLE[0])

    date: date
    name: str = Field(default="", max_length=100)


class CalendarUpdate(Strict):
    """A year's public holidays and make-up working days; replaces what was there."""

    model_config = examples(
        {"holidays": HOLIDAYS_EXAMPLE, "workdays": WORKDAYS_EXAMPLE, "note": "据国务院办公厅通知"}
    )

    holidays: list[SpecialDay] = Field(default_factory=list)
    workdays: list[SpecialDay] = Field(
        default_factory=list, description="Weekend days worked (调休)."
    )
    note: str = Field(default="", max_length=500)


class CalendarRead(BaseModel):
    """A year's working calendar."""

    model_config = examples(
        {
            "year": 2026,
            "configured": True,
            "note": "据国务院办公厅通知",
            "holidays": HOLIDAYS_EXAMPLE,
            "workdays": WORKDAYS_EXAMPLE,
            "version": 2,
        }
    )

    year: int
    configured: bool
    note: str
    holidays: list[SpecialDay]
    workdays: list[SpecialDay]
    version: int | None = None


class WorkingDays(BaseModel):
    """A count of working days."""

    model_config = examples(
        {
            "from": "2026-09-28",
            "to": "2026-10-09",
            "working_days": 5,
            "configured_years": [2026],
            "unconfigured_years": [],
        }
    )

    from_date: date = Field(serialization_alias="from")
    to_date: date = Field(serialization_alias="to")
    working_days: int
    configured_years: list[int]
    unconfigured_years: list[int] = Field(description="Years counted with weekends only.")


class LeaveTypeRead(BaseModel):
    """A leave type."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "code": "annual",
                    "name": "年假",
                    "name_en": "Annual leave",
                    "paid": True,
                    "uses_balance": True,
                    "day_basis": "working",
                    "min_unit": "0.5",
                    "requires_document": False,
                    "active": True,
                    "version": 1,
                }
            ]
        },
    )

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

    model_config = examples({"requires_document": True})

    name: str | None = Field(default=None, min_length=1, max_length=100)
    name_en: str | None = Field(default=None, min_length=1, max_length=100)
    paid: bool | None = None
    requires_document: bool | None = None
    active: bool | None = None


class BalanceRead(BaseModel):
    """A leave balance."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [BALANCE_EXAMPLE]}
    )

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


class LeaveSettlementRead(BaseModel):
    """A leaver's annual leave for the year they left, as payroll reads it: ``earned`` = days
    worked / 365 * the full year's entitlement; ``untaken_days`` = earned - taken, the fraction
    dropped, never below 0 (days taken beyond it are not clawed back)."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "employee_id": EMPLOYEE_ID,
                    "year": 2026,
                    "leave_date": "2026-05-31",
                    "days_worked": 151,
                    "full_entitlement": 10,
                    "earned": "4.1370",
                    "taken": "2.0",
                    "untaken_days": 2,
                    "settled_at": "2026-05-31T10:00:00Z",
                }
            ]
        },
    )

    employee_id: uuid.UUID
    year: int
    leave_date: date
    days_worked: int
    full_entitlement: int
    earned: Annotated[Decimal, PlainSerializer(lambda v: f"{v:.4f}", return_type=str)]
    taken: Days
    untaken_days: int
    settled_at: datetime


class Allocation(Strict):
    """Run the yearly allocation."""

    model_config = examples({"year": 2027})

    year: int = Field(ge=2000, le=2100)


class AllocationResult(BaseModel):
    """What the allocation did."""

    model_config = examples({"year": 2027, "employees": 120, "created": 118, "updated": 2})

    year: int
    employees: int
    created: int
    updated: int


class AdjustmentCreate(Strict):
    """A manual change of a balance: whole or half days, and why."""

    model_config = examples({"delta": "0.5", "reason": "加班调休补偿"})

    delta: DaysDelta = Field(
        description="Days to add (negative to take away): a non-zero multiple of 0.5."
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

    model_config = examples(
        {
            "leave_type": "annual",
            "start_date": "2026-12-07",
            "start_portion": "full",
            "end_date": "2026-12-08",
            "end_portion": "morning",
            "reason": "回老家探亲",
        }
    )

    employee_id: uuid.UUID | None = Field(
        default=None, description="Defaults to the caller (HR may file for others)."
    )
    leave_type: str = Field(min_length=1, max_length=64, description="A leave type's code.")
    start_date: date
    start_portion: StartPortion = "full"
    end_date: date
    end_portion: EndPortion = "full"
    reason: str = Field(default="", max_length=2000)
    attachment_ref: str | None = Field(default=None, max_length=500)


class LeaveRequestRead(BaseModel):
    """A leave request."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": REQUEST_ID,
                    "employee_id": EMPLOYEE_ID,
                    "department_id": DEPARTMENT_ID,
                    "leave_type": "annual",
                    "start_date": "2026-12-07",
                    "start_portion": "full",
                    "end_date": "2026-12-08",
                    "end_portion": "morning",
                    "days": "1.5",
                    "reason": "回老家探亲",
                    "attachment_ref": None,
                    "status": "pending",
                    "workflow_instance_id": INSTANCE_ID,
                    "cancellation_instance_id": None,
                    "decided_at": None,
                    "version": 1,
                    "created_at": "2026-11-20T08:30:00Z",
                    "updated_at": "2026-11-20T08:30:00Z",
                }
            ]
        },
    )

    id: uuid.UUID
    employee_id: uuid.UUID
    department_id: uuid.UUID
    leave_type: str
    start_date: date
    start_portion: StartPortion
    end_date: date
    end_portion: EndPortion
    days: Days
    reason: str
    attachment_ref: str | None
    status: LeaveStatus
    workflow_instance_id: uuid.UUID | None
    cancellation_instance_id: uuid.UUID | None
    decided_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class Absence(BaseModel):
    """Someone away on a date."""

    model_config = examples(
        {
            "employee_id": EMPLOYEE_ID,
            "employee_name": "陈小红",
            "department_id": DEPARTMENT_ID,
            "leave_type": "annual",
            "start_date": "2026-12-07",
            "end_date": "2026-12-08",
            "request_id": REQUEST_ID,
        }
    )

    employee_id: uuid.UUID
    employee_name: str
    department_id: uuid.UUID
    leave_type: str | None = Field(description="Only for those who may see this person's leave.")
    start_date: date
    end_date: date
    request_id: uuid.UUID
