"""Wire shapes of the org API: ``XCreate`` / ``XUpdate`` / ``XRead`` per resource."""

import re
import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from shared.kit.db import LongText, MediumText

StructureType = Literal["line_functional", "divisional", "matrix"]
DepartmentStatus = Literal["active", "archived"]
EmploymentType = Literal["full_time", "part_time", "intern"]
EmployeeStatus = Literal["onboarding", "active", "on_leave", "left"]
PartyKind = Literal["customer", "supplier", "partner"]
DocumentCategory = Literal["regulation", "notice", "announcement"]
DocumentStatus = Literal["draft", "in_review", "published", "archived"]

MAX_CHARTER_ITEMS = 50
MAX_AUDIENCE_DEPARTMENTS = 500

CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


class Strict(BaseModel):
    """Request bodies refuse unknown fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Read(BaseModel):
    """Response bodies are read from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


def _credit_code(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.upper()
    if not CREDIT_CODE.match(value):
        raise ValueError(
            "a unified social credit code has 18 characters (digits and capitals, no I O S V Z)"
        )
    return value


# ---- company -------------------------------------------------------------------------


class CompanyUpdate(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    structure_type: StructureType | None = None
    registered_address: str | None = Field(default=None, max_length=500)
    unified_social_credit_code: str | None = None
    default_currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")

    _check_code = field_validator("unified_social_credit_code")(_credit_code)


class CompanyRead(Read):
    id: uuid.UUID
    name: str
    structure_type: StructureType
    registered_address: str
    unified_social_credit_code: str | None
    default_currency: str
    version: int
    updated_at: datetime


# ---- departments ---------------------------------------------------------------------


class DepartmentCreate(Strict):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Z0-9_-]+$")
    name: str = Field(min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    parent_id: uuid.UUID | None = None
    head_employee_id: uuid.UUID | None = None
    charter: list[MediumText] = Field(default_factory=list, max_length=MAX_CHARTER_ITEMS)
    charter_en: list[MediumText] = Field(default_factory=list, max_length=MAX_CHARTER_ITEMS)


class DepartmentUpdate(Strict):
    code: str | None = Field(default=None, min_length=1, max_length=32, pattern=r"^[A-Z0-9_-]+$")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    parent_id: uuid.UUID | None = None
    head_employee_id: uuid.UUID | None = None
    charter: list[MediumText] | None = Field(default=None, max_length=MAX_CHARTER_ITEMS)
    charter_en: list[MediumText] | None = Field(default=None, max_length=MAX_CHARTER_ITEMS)
    status: DepartmentStatus | None = None


class DepartmentRead(Read):
    id: uuid.UUID
    code: str
    name: str
    name_en: str | None
    parent_id: uuid.UUID | None
    head_employee_id: uuid.UUID | None
    charter: list[str]
    charter_en: list[str]
    status: DepartmentStatus
    version: int
    created_at: datetime
    updated_at: datetime


class OrgChartNode(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    name_en: str | None
    head: "EmployeeBrief | None"
    head_count: int = Field(description="Active members of this department itself.")
    total_head_count: int = Field(description="Active members including every sub-department.")
    children: list["OrgChartNode"]


# ---- positions -----------------------------------------------------------------------


class PositionCreate(Strict):
    title: str = Field(min_length=1, max_length=200)
    grade: str = Field(min_length=1, max_length=20)
    department_id: uuid.UUID


class PositionUpdate(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    grade: str | None = Field(default=None, min_length=1, max_length=20)
    department_id: uuid.UUID | None = None


class PositionRead(Read):
    id: uuid.UUID
    title: str
    grade: str
    department_id: uuid.UUID
    version: int
    created_at: datetime
    updated_at: datetime


# ---- employees -----------------------------------------------------------------------


class EmployeeCreate(Strict):
    employee_number: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    email: EmailStr
    phone: str | None = Field(default=None, max_length=40)
    department_id: uuid.UUID
    position_id: uuid.UUID | None = None
    manager_id: uuid.UUID | None = None
    employment_type: EmploymentType = "full_time"
    is_management: bool = False
    status: Literal["onboarding", "active"] = "active"
    hire_date: date
    work_start_date: date | None = None
    id_number: str | None = Field(default=None, max_length=32)
    birth_date: date | None = None


class EmployeeUpdate(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=40)
    department_id: uuid.UUID | None = None
    position_id: uuid.UUID | None = None
    manager_id: uuid.UUID | None = None
    employment_type: EmploymentType | None = None
    is_management: bool | None = None
    status: Literal["onboarding", "active", "on_leave"] | None = None
    hire_date: date | None = None
    work_start_date: date | None = None
    id_number: str | None = Field(default=None, max_length=32)
    birth_date: date | None = None


class EmployeeLeave(Strict):
    leave_date: date
    reason: str | None = Field(default=None, max_length=500)


class EmployeeBrief(Read):
    """The directory entry every employee may see: work contact fields only."""

    id: uuid.UUID
    employee_number: str
    name: str
    email: str
    phone: str | None
    department_id: uuid.UUID
    position_id: uuid.UUID | None
    manager_id: uuid.UUID | None
    status: EmployeeStatus


class EmployeeRead(EmployeeBrief):
    """An employee; ``id_number`` and ``birth_date`` only for HR, admins, auditors and the employee."""

    employment_type: EmploymentType
    is_management: bool
    hire_date: date
    leave_date: date | None
    work_start_date: date | None
    id_number: str | None = None
    birth_date: date | None = None
    version: int
    created_at: datetime
    updated_at: datetime


class ManagerChain(BaseModel):
    employee_id: uuid.UUID
    managers: list["ChainLink"]


class ChainLink(BaseModel):
    level: int
    employee: EmployeeBrief
    source: Literal["manager", "department_head"] = Field(
        description="Whether this link is the reporting line or the department-head fallback."
    )
    department_id: uuid.UUID | None = None


class ImportRowError(BaseModel):
    row: int = Field(description="Line number in the file (the header is line 1).")
    field: str | None
    message: str


class ImportResult(BaseModel):
    created: int
    employee_ids: list[uuid.UUID] = Field(default_factory=list)


# ---- parties -------------------------------------------------------------------------


class PartyCreate(Strict):
    kind: PartyKind
    name: str = Field(min_length=1, max_length=200)
    credit_code: str | None = None
    address: str = Field(default="", max_length=500)
    industry: str | None = Field(default=None, max_length=100)
    tier: str | None = Field(default=None, max_length=20)
    owner_employee_id: uuid.UUID | None = None

    _check_code = field_validator("credit_code")(_credit_code)


class PartyUpdate(Strict):
    kind: PartyKind | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    credit_code: str | None = None
    address: str | None = Field(default=None, max_length=500)
    industry: str | None = Field(default=None, max_length=100)
    tier: str | None = Field(default=None, max_length=20)
    owner_employee_id: uuid.UUID | None = None

    _check_code = field_validator("credit_code")(_credit_code)


class PartyRead(Read):
    id: uuid.UUID
    kind: PartyKind
    name: str
    credit_code: str | None
    address: str
    industry: str | None
    tier: str | None
    owner_employee_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime
    created_by: str | None


class ContactCreate(Strict):
    name: str = Field(min_length=1, max_length=100)
    title: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=40)
    email: EmailStr | None = None


class ContactUpdate(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    title: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=40)
    email: EmailStr | None = None


class ContactRead(Read):
    id: uuid.UUID
    party_id: uuid.UUID
    name: str
    title: str | None
    phone: str | None
    email: str | None
    version: int


# ---- documents -----------------------------------------------------------------------


class DocumentCreate(Strict):
    title: str = Field(min_length=1, max_length=300)
    body: LongText = ""
    category: DocumentCategory
    owner_department_id: uuid.UUID
    audience_all: bool = True
    audience_department_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=MAX_AUDIENCE_DEPARTMENTS
    )


class DocumentUpdate(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    body: LongText | None = None
    category: DocumentCategory | None = None
    audience_all: bool | None = None
    audience_department_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=MAX_AUDIENCE_DEPARTMENTS
    )


class ReviewDecision(Strict):
    comment: str | None = Field(default=None, max_length=2000)


class DocumentRead(Read):
    id: uuid.UUID
    title: str
    body: str
    category: DocumentCategory
    owner_department_id: uuid.UUID
    status: DocumentStatus
    audience_all: bool
    audience_department_ids: list[uuid.UUID]
    submitted_at: datetime | None
    reviewed_by: str | None
    review_comment: str | None
    published_at: datetime | None
    archived_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    created_by: str | None


class AcknowledgementRead(BaseModel):
    employee_id: uuid.UUID
    employee_name: str
    department_id: uuid.UUID
    acknowledged_at: datetime | None


class Acknowledgement(BaseModel):
    """The caller's acknowledgement of a published document."""

    document_id: uuid.UUID
    acknowledged_at: datetime


OrgChartNode.model_rebuild()
ManagerChain.model_rebuild()
