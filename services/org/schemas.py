"""Wire shapes of the org API: ``XCreate`` / ``XUpdate`` / ``XRead`` per resource."""

import re
import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from shared.contracts.audit import AUDIT_ENTRY_EXAMPLE, AuditEntry
from shared.contracts.omittable import omittable
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

# Ids and instants the examples share, so that one example's references match another's.
COMPANY_ID = "0193a8c0-0000-7000-8000-0000000000c1"
DEPARTMENT_ID = "0193a8c0-0000-7000-8000-0000000000d1"
PARENT_DEPARTMENT_ID = "0193a8c0-0000-7000-8000-0000000000d0"
POSITION_ID = "0193a8c0-0000-7000-8000-0000000000b1"
EMPLOYEE_ID = "0193a8c0-0000-7000-8000-0000000000e1"
MANAGER_ID = "0193a8c0-0000-7000-8000-0000000000e2"
PARTY_ID = "0193a8c0-0000-7000-8000-0000000000f1"
CONTACT_ID = "0193a8c0-0000-7000-8000-0000000000f2"
DOCUMENT_ID = "0193a8c0-0000-7000-8000-0000000000a1"
CREATED_AT = "2026-03-02T09:00:00Z"
UPDATED_AT = "2026-11-20T08:30:00Z"

EMPLOYEE_BRIEF_EXAMPLE = {
    "id": EMPLOYEE_ID,
    "employee_number": "E0042",
    "name": "陈小红",
    "email": "chen.xiaohong@example.com",
    "phone": "13800000000",
    "department_id": DEPARTMENT_ID,
    "position_id": POSITION_ID,
    "manager_id": MANAGER_ID,
    "status": "active",
}
MANAGER_BRIEF_EXAMPLE = {
    **EMPLOYEE_BRIEF_EXAMPLE,
    "id": MANAGER_ID,
    "employee_number": "E0007",
    "name": "王建国",
    "email": "wang.jianguo@example.com",
    "phone": None,
    "manager_id": None,
}
EMPLOYEE_EXAMPLE = {
    **EMPLOYEE_BRIEF_EXAMPLE,
    "employment_type": "full_time",
    "is_management": False,
    "hire_date": "2026-03-02",
    "leave_date": None,
    "work_start_date": "2019-07-01",
    "id_number": None,
    "birth_date": None,
    "version": 3,
    "created_at": CREATED_AT,
    "updated_at": UPDATED_AT,
}
DEPARTMENT_EXAMPLE = {
    "id": DEPARTMENT_ID,
    "code": "RD",
    "name": "研发部",
    "name_en": "R&D",
    "parent_id": PARENT_DEPARTMENT_ID,
    "head_employee_id": MANAGER_ID,
    "charter": ["负责产品研发与技术架构"],
    "charter_en": ["Product development and technical architecture"],
    "status": "active",
    "version": 2,
    "created_at": CREATED_AT,
    "updated_at": UPDATED_AT,
}
PARTY_EXAMPLE = {
    "id": PARTY_ID,
    "kind": "customer",
    "name": "上海云途网络科技有限公司",
    "credit_code": "91310115MA1K4XXX1A",
    "address": "上海市浦东新区张江路 88 号",
    "industry": "互联网",
    "tier": "A",
    "owner_employee_id": EMPLOYEE_ID,
    "version": 1,
    "created_at": CREATED_AT,
    "updated_at": UPDATED_AT,
    "created_by": "chen.xiaohong",
}
DOCUMENT_EXAMPLE = {
    "id": DOCUMENT_ID,
    "title": "员工考勤管理制度",
    "body": "第一条 为规范考勤管理，特制定本制度。",
    "category": "regulation",
    "owner_department_id": DEPARTMENT_ID,
    "status": "published",
    "audience_all": True,
    "audience_department_ids": [],
    "submitted_at": "2026-11-18T02:00:00Z",
    "reviewed_by": "wang.jianguo",
    "review_comment": "同意发布",
    "published_at": "2026-11-19T01:00:00Z",
    "archived_at": None,
    "version": 4,
    "created_at": "2026-11-17T06:00:00Z",
    "updated_at": "2026-11-19T01:00:00Z",
    "created_by": "li.hr",
}


def examples(*values: dict[str, Any]) -> ConfigDict:
    """A model config with these examples of its JSON (shown in the OpenAPI document)."""
    return ConfigDict(json_schema_extra={"examples": list(values)})


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
    model_config = examples(
        {"registered_address": "北京市海淀区中关村大街 1 号", "structure_type": "line_functional"}
    )

    name: str | None = omittable(min_length=1, max_length=200)
    structure_type: StructureType | None = omittable()
    registered_address: str | None = omittable(max_length=500)
    unified_social_credit_code: str | None = Field(default=None, max_length=18)
    default_currency: str | None = omittable(pattern=r"^[A-Z]{3}$")

    _check_code = field_validator("unified_social_credit_code")(_credit_code)


class CompanyRead(Read):
    model_config = examples(
        {
            "id": COMPANY_ID,
            "name": "北京启明网络技术有限公司",
            "structure_type": "line_functional",
            "registered_address": "北京市海淀区中关村大街 1 号",
            "unified_social_credit_code": "91110108MA01ABCD2X",
            "default_currency": "CNY",
            "version": 5,
            "updated_at": UPDATED_AT,
        }
    )

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
    model_config = examples(
        {
            "code": "RD",
            "name": "研发部",
            "name_en": "R&D",
            "parent_id": PARENT_DEPARTMENT_ID,
            "head_employee_id": MANAGER_ID,
            "charter": ["负责产品研发与技术架构"],
            "charter_en": ["Product development and technical architecture"],
        }
    )

    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Z0-9_-]+$")
    name: str = Field(min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    parent_id: uuid.UUID | None = None
    head_employee_id: uuid.UUID | None = None
    charter: list[MediumText] = Field(default_factory=list, max_length=MAX_CHARTER_ITEMS)
    charter_en: list[MediumText] = Field(default_factory=list, max_length=MAX_CHARTER_ITEMS)


class DepartmentUpdate(Strict):
    model_config = examples({"name": "研发中心", "head_employee_id": MANAGER_ID})

    code: str | None = omittable(min_length=1, max_length=32, pattern=r"^[A-Z0-9_-]+$")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    parent_id: uuid.UUID | None = None
    head_employee_id: uuid.UUID | None = None
    charter: list[MediumText] | None = Field(default=None, max_length=MAX_CHARTER_ITEMS)
    charter_en: list[MediumText] | None = Field(default=None, max_length=MAX_CHARTER_ITEMS)
    status: DepartmentStatus | None = None


class DepartmentRead(Read):
    model_config = examples(DEPARTMENT_EXAMPLE)

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
    model_config = examples(
        {
            "id": DEPARTMENT_ID,
            "code": "RD",
            "name": "研发部",
            "name_en": "R&D",
            "head": MANAGER_BRIEF_EXAMPLE,
            "head_count": 12,
            "total_head_count": 35,
            "children": [],
        }
    )

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
    model_config = examples({"title": "高级工程师", "grade": "P6", "department_id": DEPARTMENT_ID})

    title: str = Field(min_length=1, max_length=200)
    grade: str = Field(min_length=1, max_length=20)
    department_id: uuid.UUID


class PositionUpdate(Strict):
    model_config = examples({"grade": "P7"})

    title: str | None = Field(default=None, min_length=1, max_length=200)
    grade: str | None = Field(default=None, min_length=1, max_length=20)
    department_id: uuid.UUID | None = None


class PositionRead(Read):
    model_config = examples(
        {
            "id": POSITION_ID,
            "title": "高级工程师",
            "grade": "P6",
            "department_id": DEPARTMENT_ID,
            "version": 1,
            "created_at": CREATED_AT,
            "updated_at": UPDATED_AT,
        }
    )

    id: uuid.UUID
    title: str
    grade: str
    department_id: uuid.UUID
    version: int
    created_at: datetime
    updated_at: datetime


# ---- employees -----------------------------------------------------------------------


class EmployeeCreate(Strict):
    model_config = examples(
        {
            "employee_number": "E0042",
            "name": "陈小红",
            "email": "chen.xiaohong@example.com",
            "phone": "13800000000",
            "department_id": DEPARTMENT_ID,
            "position_id": POSITION_ID,
            "manager_id": MANAGER_ID,
            "employment_type": "full_time",
            "is_management": False,
            "status": "onboarding",
            "hire_date": "2026-03-02",
            "work_start_date": "2019-07-01",
        }
    )

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
    model_config = examples({"phone": "13900000000", "position_id": POSITION_ID})

    # Left out, a field is unchanged; these few may not be cleared (null is refused).

    name: str | None = omittable(min_length=1, max_length=100)
    email: EmailStr | None = omittable()
    phone: str | None = Field(default=None, max_length=40)
    department_id: uuid.UUID | None = omittable()
    position_id: uuid.UUID | None = None
    manager_id: uuid.UUID | None = None
    employment_type: EmploymentType | None = omittable()
    is_management: bool | None = omittable()
    status: Literal["onboarding", "active", "on_leave"] | None = omittable()
    hire_date: date | None = omittable()
    work_start_date: date | None = None
    id_number: str | None = Field(default=None, max_length=32)
    birth_date: date | None = None


class EmployeeLeave(Strict):
    model_config = examples({"leave_date": "2026-12-31", "reason": "个人发展原因离职"})

    leave_date: date
    reason: str | None = Field(default=None, max_length=500)


class EmployeeBrief(Read):
    """The directory entry every employee may see: work contact fields only."""

    model_config = examples(EMPLOYEE_BRIEF_EXAMPLE)

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

    model_config = examples(EMPLOYEE_EXAMPLE)

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
    model_config = examples(
        {
            "employee_id": EMPLOYEE_ID,
            "managers": [{"level": 1, "employee": MANAGER_BRIEF_EXAMPLE, "source": "manager"}],
        }
    )

    employee_id: uuid.UUID
    managers: list["ChainLink"]


class ChainLink(BaseModel):
    model_config = examples(
        {
            "level": 1,
            "employee": MANAGER_BRIEF_EXAMPLE,
            "source": "department_head",
            "department_id": DEPARTMENT_ID,
        }
    )

    level: int
    employee: EmployeeBrief
    source: Literal["manager", "department_head"] = Field(
        description="Whether this link is the reporting line or the department-head fallback."
    )
    department_id: uuid.UUID | None = None


class ImportRowError(BaseModel):
    model_config = examples({"row": 3, "field": "email", "message": "不是有效的邮箱地址"})

    row: int = Field(description="Line number in the file (the header is line 1).")
    field: str | None
    message: str


class ImportResult(BaseModel):
    model_config = examples({"created": 2, "employee_ids": [EMPLOYEE_ID, MANAGER_ID]})

    created: int
    employee_ids: list[uuid.UUID] = Field(default_factory=list)


# ---- parties -------------------------------------------------------------------------


class PartyCreate(Strict):
    model_config = examples(
        {
            "kind": "customer",
            "name": "上海云途网络科技有限公司",
            "credit_code": "91310115MA1K4XXX1A",
            "address": "上海市浦东新区张江路 88 号",
            "industry": "互联网",
            "tier": "A",
            "owner_employee_id": EMPLOYEE_ID,
        }
    )

    kind: PartyKind
    name: str = Field(min_length=1, max_length=200)
    credit_code: str | None = Field(default=None, max_length=18)
    address: str = Field(default="", max_length=500)
    industry: str | None = Field(default=None, max_length=100)
    tier: str | None = Field(default=None, max_length=20)
    owner_employee_id: uuid.UUID | None = None

    _check_code = field_validator("credit_code")(_credit_code)


class PartyUpdate(Strict):
    model_config = examples({"tier": "B", "address": "上海市浦东新区博云路 2 号"})

    kind: PartyKind | None = omittable()
    name: str | None = omittable(min_length=1, max_length=200)
    credit_code: str | None = Field(default=None, max_length=18)
    address: str | None = omittable(max_length=500)
    industry: str | None = Field(default=None, max_length=100)
    tier: str | None = Field(default=None, max_length=20)
    owner_employee_id: uuid.UUID | None = None

    _check_code = field_validator("credit_code")(_credit_code)


class PartyRead(Read):
    model_config = examples(PARTY_EXAMPLE)

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
    model_config = examples(
        {
            "name": "刘伟",
            "title": "采购经理",
            "phone": "13700000000",
            "email": "liu.wei@yuntu.example.com",
        }
    )

    name: str = Field(min_length=1, max_length=100)
    title: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=40)
    email: EmailStr | None = None


class ContactUpdate(Strict):
    model_config = examples({"title": "采购总监"})

    name: str | None = omittable(min_length=1, max_length=100)
    title: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=40)
    email: EmailStr | None = None


class ContactRead(Read):
    model_config = examples(
        {
            "id": CONTACT_ID,
            "party_id": PARTY_ID,
            "name": "刘伟",
            "title": "采购经理",
            "phone": "13700000000",
            "email": "liu.wei@yuntu.example.com",
            "version": 1,
        }
    )

    id: uuid.UUID
    party_id: uuid.UUID
    name: str
    title: str | None
    phone: str | None
    email: str | None
    version: int


# ---- documents -----------------------------------------------------------------------


class DocumentCreate(Strict):
    model_config = examples(
        {
            "title": "员工考勤管理制度",
            "body": "第一条 为规范考勤管理，特制定本制度。",
            "category": "regulation",
            "owner_department_id": DEPARTMENT_ID,
            "audience_all": True,
        }
    )

    title: str = Field(min_length=1, max_length=300)
    body: LongText = ""
    category: DocumentCategory
    owner_department_id: uuid.UUID
    audience_all: bool = True
    audience_department_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=MAX_AUDIENCE_DEPARTMENTS
    )


class DocumentUpdate(Strict):
    model_config = examples({"title": "员工考勤管理制度（2026 修订）"})

    title: str | None = Field(default=None, min_length=1, max_length=300)
    body: LongText | None = None
    category: DocumentCategory | None = None
    audience_all: bool | None = None
    audience_department_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=MAX_AUDIENCE_DEPARTMENTS
    )


class ReviewDecision(Strict):
    model_config = examples({"comment": "同意发布"})

    comment: str | None = Field(default=None, max_length=2000)


class DocumentRead(Read):
    model_config = examples(DOCUMENT_EXAMPLE)

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


class EmployeeHistory(BaseModel):
    """An employee's recorded changes, oldest first (personal fields left out)."""

    model_config = examples(
        {
            "items": [
                {
                    **AUDIT_ENTRY_EXAMPLE,
                    "entity_id": EMPLOYEE_ID,
                    "changes": {"position_id": {"old": None, "new": POSITION_ID}},
                }
            ]
        }
    )

    items: list[AuditEntry]


class AcknowledgementRead(BaseModel):
    model_config = examples(
        {
            "employee_id": EMPLOYEE_ID,
            "employee_name": "陈小红",
            "department_id": DEPARTMENT_ID,
            "acknowledged_at": "2026-11-19T03:15:00Z",
        }
    )

    employee_id: uuid.UUID
    employee_name: str
    department_id: uuid.UUID
    acknowledged_at: datetime | None


class Acknowledgement(BaseModel):
    """The caller's acknowledgement of a published document."""

    model_config = examples({"document_id": DOCUMENT_ID, "acknowledged_at": "2026-11-19T03:15:00Z"})

    document_id: uuid.UUID
    acknowledged_at: datetime


OrgChartNode.model_rebuild()
ManagerChain.model_rebuild()
