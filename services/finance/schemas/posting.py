"""Wire shapes of finance's posting rules, consumed facts and posting exceptions."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.finance.db.posting import DIMENSIONS, Dimension, ExceptionStatus, FactStatus
from shared.contracts.omittable import omittable

FACT_TYPE_PATTERN = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"
KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
ACCOUNT_PATTERN = r"^\d{4}(\.\d{2}){0,3}$"

FactType = Annotated[str, Field(max_length=100, pattern=FACT_TYPE_PATTERN)]
ComponentName = Annotated[str, Field(min_length=1, max_length=60, pattern=KEY_PATTERN)]
AccountCode = Annotated[str, Field(max_length=20, pattern=ACCOUNT_PATTERN)]
CashFlowItemCode = Annotated[str, Field(min_length=1, max_length=40)]

RULE_ID = "0193a8c0-0000-7000-8000-00000000f301"
FACT_ID = "0193a8c0-0000-7000-8000-00000000f311"
EXCEPTION_ID = "0193a8c0-0000-7000-8000-00000000f321"
ENTRY_ID = "0193a8c0-0000-7000-8000-00000000e501"
EVENT_ID = "0193a8c0-0000-7000-8000-00000000e001"
DEPARTMENT_ID = "0193a8c0-0000-7000-8000-0000000000d1"
EMPLOYEE_ID = "0193a8c0-0000-7000-8000-0000000000e1"
STAMP = "2026-03-11T09:00:00Z"


def examples(*values: dict[str, Any]) -> ConfigDict:
    """A strict request model's config with its examples."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(values)})


def read_examples(*values: dict[str, Any]) -> ConfigDict:
    """A response model's config (read from ORM objects) with its examples."""
    return ConfigDict(from_attributes=True, json_schema_extra={"examples": list(values)})


class RuleFieldsIn(BaseModel):
    """What a rule says: the accounts, the dimensions it keeps, the cash-flow item of a cash side."""

    debit_account: AccountCode = Field(description="An active leaf account, e.g. ``6602.02``.")
    credit_account: AccountCode = Field(description="An active leaf account, e.g. ``2241``.")
    dimensions: list[Dimension] = Field(
        default_factory=lambda: list(DIMENSIONS),
        max_length=4,
        description="The fact's dimensions copied onto both lines; the others are dropped.",
    )
    cash_flow_item: CashFlowItemCode | None = Field(
        default=None,
        description="Required when one side is a cash account (1001, 1002, 1012), refused "
        "otherwise: the direct-method item its cash line is classified under.",
    )
    description: str = Field(default="", max_length=500)
    active: bool = True


RULE_CREATE_EXAMPLE: dict[str, Any] = {
    "fact_type": "logistics.reimbursement.approved",
    "component": "travel_expense",
    "category": None,
    "debit_account": "6602.02",
    "credit_account": "2241",
    "dimensions": ["department", "employee", "project"],
    "cash_flow_item": None,
    "description": "差旅费报销：费用计入管理费用—差旅费，应付员工",
    "active": True,
}


class PostingRuleCreate(RuleFieldsIn):
    """A new rule for (fact type, component[, category])."""

    model_config = examples(RULE_CREATE_EXAMPLE)

    fact_type: FactType = Field(
        description="The fact's event type, e.g. ``hr.payroll_run.posted``."
    )
    component: ComponentName
    category: Annotated[str | None, Field(min_length=1, max_length=60)] = Field(
        default=None,
        description="Only components of this category (wins over the general rule).",
    )


class PostingRuleUpdate(BaseModel):
    """A change to a rule (only the fields sent change); the key (type, component, category) stays."""

    model_config = examples(
        {"debit_account": "6602.03", "dimensions": ["department"]}, {"active": False}
    )

    debit_account: AccountCode | None = omittable()
    credit_account: AccountCode | None = omittable()
    dimensions: list[Dimension] | None = omittable(max_length=4)
    cash_flow_item: CashFlowItemCode | None = None
    description: str | None = omittable(max_length=500)
    active: bool | None = omittable()


RULE_EXAMPLE: dict[str, Any] = {
    **RULE_CREATE_EXAMPLE,
    "id": RULE_ID,
    "version": 2,
    "created_by": "finance-staff",
    "created_at": STAMP,
    "updated_at": STAMP,
}


class PostingRuleRead(BaseModel):
    """A posting rule."""

    model_config = read_examples(RULE_EXAMPLE)

    id: uuid.UUID
    fact_type: str
    component: str
    category: str | None
    debit_account: str
    credit_account: str
    dimensions: list[Dimension]
    cash_flow_item: str | None
    description: str
    active: bool
    version: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class RuleChange(BaseModel):
    """One change of a rule, from the audit log: who, when, and each field's old and new value."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "action": "update",
                    "actor": "finance-staff",
                    "occurred_at": STAMP,
                    "changes": {"debit_account": {"old": "6602.02", "new": "6602.03"}},
                }
            ]
        }
    )

    action: Literal["create", "update", "delete"]
    actor: str | None
    occurred_at: datetime
    changes: dict[str, Any]


FACT_EXAMPLE: dict[str, Any] = {
    "id": FACT_ID,
    "fact_type": "logistics.reimbursement.approved",
    "source_id": "TR-2026-0042",
    "occurred_on": "2026-03-10",
    "status": "posted",
    "entry_id": ENTRY_ID,
    "event_id": EVENT_ID,
    "received_at": STAMP,
    "posted_at": STAMP,
    "data": {
        "source_id": "TR-2026-0042",
        "occurred_on": "2026-03-10",
        "memo": "差旅报销 上海—北京",
        "currency": "CNY",
        "components": [
            {
                "component": "travel_expense",
                "amount": "1280.00",
                "category": "transport",
                "department_id": DEPARTMENT_ID,
                "employee_id": EMPLOYEE_ID,
                "party_id": None,
                "project": None,
                "description": "高铁票",
            }
        ],
    },
}


class PostingFactRead(BaseModel):
    """A fact finance received, as it arrived, and what became of it."""

    model_config = read_examples(FACT_EXAMPLE)

    id: uuid.UUID
    fact_type: str
    source_id: str
    occurred_on: date | None
    status: FactStatus
    entry_id: uuid.UUID | None
    event_id: uuid.UUID | None
    received_at: datetime
    posted_at: datetime | None
    data: dict[str, Any] = Field(description="The whole fact, exactly as it was delivered.")


EXCEPTION_EXAMPLE: dict[str, Any] = {
    "id": EXCEPTION_ID,
    "fact_id": FACT_ID,
    "fact_type": "logistics.reimbursement.approved",
    "source_id": "TR-2026-0042",
    "status": "open",
    "reason_code": "no_posting_rule",
    "reason": "no active posting rule of logistics.reimbursement.approved for: per_diem",
    "attempts": 1,
    "entry_id": None,
    "resolved_at": None,
    "resolved_by": None,
    "resolution_note": None,
    "version": 1,
    "created_at": STAMP,
    "updated_at": STAMP,
    "fact": FACT_EXAMPLE["data"],
}


class PostingExceptionRead(BaseModel):
    """A fact that could not be posted: why, the whole fact, and how it was resolved."""

    model_config = read_examples(EXCEPTION_EXAMPLE)

    id: uuid.UUID
    fact_id: uuid.UUID
    fact_type: str
    source_id: str
    status: ExceptionStatus
    reason_code: str = Field(
        description="``no_posting_rule``, ``invalid_fact``, or the ledger's refusal "
        "(``period_closed``, ``account_not_postable``…)."
    )
    reason: str
    attempts: int
    entry_id: uuid.UUID | None
    resolved_at: datetime | None
    resolved_by: str | None
    resolution_note: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    fact: dict[str, Any] = Field(description="The whole fact, exactly as it was delivered.")


class ExceptionDismiss(BaseModel):
    """Why the fact is not to be posted (it was wrong, or finance posted it by hand)."""

    model_config = examples({"reason": "重复报销，已在凭证 记-2026-03-0012 手工处理"})

    reason: str = Field(min_length=1, max_length=2000)


class ExceptionRetryAll(BaseModel):
    """Retry the open exceptions (of one fact type), oldest first."""

    model_config = examples({"fact_type": "logistics.reimbursement.approved", "limit": 200})

    fact_type: FactType | None = None
    limit: int = Field(default=200, ge=1, le=1000)


class ExceptionRetryResult(BaseModel):
    """What a retry of the open exceptions did."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"posted": [EXCEPTION_ID], "still_open": [], "attempted": 1}]
        }
    )

    attempted: int
    posted: list[uuid.UUID]
    still_open: list[uuid.UUID]


class FactTypeRead(BaseModel):
    """A fact type finance consumes: its contract, and whether each component seen has a rule."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "fact_type": "logistics.reimbursement.approved",
                    "contract": "ReimbursementApproved",
                    "description": "travel expenses approved for reimbursement",
                    "rules": 2,
                }
            ]
        }
    )

    fact_type: str
    contract: str | None = Field(
        description="The registered payload model (null: no contract yet)."
    )
    description: str | None
    rules: int = Field(description="How many active rules the type has.")
