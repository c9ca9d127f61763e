"""Payloads of the events org publishes on ``/api/v1/org/events``.

Employee and department events carry the whole record as it is after the change (never an
employee's personal data), so a reader can keep a copy by upserting what it receives.
"""

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from shared.contracts.events import EventPayload, event_contract

EmployeeStatus = Literal["onboarding", "active", "on_leave", "left"]
EmploymentType = Literal["full_time", "part_time", "intern"]
DepartmentStatus = Literal["active", "archived"]
DocumentCategory = Literal["regulation", "notice", "announcement"]


class EmployeeRecord(EventPayload):
    """An employee as org's directory shows them, after the change (no personal data)."""

    id: uuid.UUID
    employee_number: str
    name: str
    email: str
    phone: str | None = None
    department_id: uuid.UUID
    position_id: uuid.UUID | None = None
    manager_id: uuid.UUID | None = None
    status: EmployeeStatus
    employment_type: EmploymentType = "full_time"
    is_management: bool = False
    hire_date: date
    leave_date: date | None = None
    work_start_date: date | None = None


@event_contract("org.employee.created")
class EmployeeCreated(EmployeeRecord):
    """A new employee (one per row of an import, too)."""


@event_contract("org.employee.updated")
class EmployeeUpdated(EmployeeRecord):
    """An employee's record changed."""

    changed: list[str] = Field(
        default_factory=list, description="The fields that changed (personal fields not named)."
    )


@event_contract("org.employee.left")
class EmployeeLeft(EmployeeRecord):
    """An employee left the company; ``status`` is ``left`` and ``leave_date`` is set."""

    reason: str | None = None


class DepartmentRecord(EventPayload):
    """A department after the change (without its charter)."""

    id: uuid.UUID
    code: str
    name: str
    name_en: str | None = None
    parent_id: uuid.UUID | None = None
    head_employee_id: uuid.UUID | None = None
    status: DepartmentStatus = "active"
    version: int
    created_at: datetime
    updated_at: datetime


@event_contract("org.department.created")
class DepartmentCreated(DepartmentRecord):
    """A new department."""


@event_contract("org.department.updated")
class DepartmentUpdated(DepartmentRecord):
    """A department changed (renamed, moved, a new head, archived…)."""

    changed: list[str] = Field(default_factory=list, description="The fields that changed.")


@event_contract("org.document.published")
class DocumentPublished(EventPayload):
    """A regulation, notice or announcement was approved and is now readable by its audience."""

    title: str
    category: DocumentCategory
    owner_department_id: uuid.UUID
    audience_all: bool
    audience_department_ids: list[uuid.UUID] = Field(
        default_factory=list, description="The departments it is for, when not for everyone."
    )
