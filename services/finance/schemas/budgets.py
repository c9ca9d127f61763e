"""Wire shapes of finance's budgets, revisions and budget execution."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from shared.contracts.money import Money, NonNegativeMoney

BudgetStatus = Literal["draft", "submitted", "approved", "rejected", "approval_refused"]
RevisionStatus = Literal["pending", "approved", "rejected", "withdrawn", "approval_refused"]

Percent = Annotated[
    Decimal,
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["77.78"]}),
]

BUDGET_ID = "0193a8c0-0000-7000-8000-00000000bd01"
REVISION_ID = "0193a8c0-0000-7000-8000-00000000bd11"
DEPARTMENT_ID = "0193a8c0-0000-7000-8000-0000000000d1"
INSTANCE_ID = "0193a8c0-0000-7000-8000-00000000a101"
STAMP = "2026-11-20T08:30:00Z"
ACCOUNT_CODE = "6602.02"


def examples(*values: dict[str, Any]) -> ConfigDict:
    """A strict request model's config with its examples."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(values)})


def read_examples(*values: dict[str, Any]) -> ConfigDict:
    """A response model's config (read from ORM objects) with its examples."""
    return ConfigDict(from_attributes=True, json_schema_extra={"examples": list(values)})


AccountCode = Field(
    min_length=1,
    max_length=20,
    pattern=r"^[0-9]{4}(\.[0-9]{1,4})*$",
    description="A cost or expense account of the chart (5xxx, 64xx, 66xx, 67xx, 68xx…).",
)
Month = Field(ge=1, le=12, description="The month of the fiscal year, 1 to 12.")
Year = Field(ge=2000, le=2999, description="The fiscal year.")


class BudgetLineIn(BaseModel):
    """What the budget gives one account in one month."""

    model_config = examples({"account_code": ACCOUNT_CODE, "month": 1, "amount": "20000.00"})

    account_code: str = AccountCode
    month: int = Month
    amount: NonNegativeMoney = Field(description="Not negative.")


class BudgetLineRead(BaseModel):
    """One line of a budget (a control figure once the budget is approved)."""

    model_config = read_examples({"account_code": ACCOUNT_CODE, "month": 1, "amount": "20000.00"})

    account_code: str
    month: int
    amount: Money


class BudgetCreate(BaseModel):
    """A draft budget of a department for a fiscal year."""

    model_config = examples(
        {
            "year": 2027,
            "department_id": DEPARTMENT_ID,
            "note": "2027 年研发部费用预算",
            "lines": [
                {"account_code": ACCOUNT_CODE, "month": 1, "amount": "20000.00"},
                {"account_code": "6602.03", "month": 1, "amount": "5000.00"},
            ],
        }
    )

    year: int = Year
    department_id: uuid.UUID
    note: str = Field(default="", max_length=2000)
    lines: list[BudgetLineIn] = Field(default_factory=list, max_length=2000)


class BudgetLinesReplace(BaseModel):
    """All the lines of a draft (they replace the ones it has)."""

    model_config = examples(
        {
            "note": "按财务意见修改",
            "lines": [{"account_code": ACCOUNT_CODE, "month": 1, "amount": "18000.00"}],
        }
    )

    note: str | None = Field(default=None, max_length=2000)
    lines: list[BudgetLineIn] = Field(max_length=2000)


class AdjustmentCreate(BaseModel):
    """Finance sets one line of a budget under review to a new amount, with its reason."""

    model_config = examples(
        {"account_code": ACCOUNT_CODE, "month": 1, "amount": "15000.00", "reason": "差旅标准下调"}
    )

    account_code: str = AccountCode
    month: int = Month
    amount: NonNegativeMoney = Field(description="The line's new amount (0 takes it out).")
    reason: str = Field(min_length=1, max_length=2000)


ADJUSTMENT_EXAMPLE: dict[str, Any] = {
    "id": "0193a8c0-0000-7000-8000-00000000bd21",
    "account_code": ACCOUNT_CODE,
    "month": 1,
    "old_amount": "20000.00",
    "new_amount": "15000.00",
    "reason": "差旅标准下调",
    "created_by": "finance-staff",
    "created_at": STAMP,
}


class AdjustmentRead(BaseModel):
    """One of finance's adjustments, kept with its reason."""

    model_config = read_examples(ADJUSTMENT_EXAMPLE)

    id: uuid.UUID
    account_code: str
    month: int
    old_amount: Money
    new_amount: Money
    reason: str
    created_by: str | None
    created_at: datetime


BUDGET_EXAMPLE: dict[str, Any] = {
    "id": BUDGET_ID,
    "year": 2027,
    "department_id": DEPARTMENT_ID,
    "status": "approved",
    "note": "2027 年研发部费用预算",
    "total": "23000.00",
    "lines": [
        {"account_code": ACCOUNT_CODE, "month": 1, "amount": "18000.00"},
        {"account_code": "6602.03", "month": 1, "amount": "5000.00"},
    ],
    "adjustments": [ADJUSTMENT_EXAMPLE],
    "workflow_instance_id": INSTANCE_ID,
    "submitted_at": STAMP,
    "approved_at": STAMP,
    "created_by": "rd-head",
    "version": 4,
    "created_at": STAMP,
    "updated_at": STAMP,
}


class BudgetRead(BaseModel):
    """A budget with its lines and finance's adjustments."""

    model_config = read_examples(BUDGET_EXAMPLE)

    id: uuid.UUID
    year: int
    department_id: uuid.UUID
    status: BudgetStatus
    note: str
    total: Money
    lines: list[BudgetLineRead]
    adjustments: list[AdjustmentRead]
    workflow_instance_id: uuid.UUID | None
    submitted_at: datetime | None
    approved_at: datetime | None
    created_by: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class BudgetSummary(BaseModel):
    """A budget in a list (without its lines)."""

    model_config = read_examples(
        {k: v for k, v in BUDGET_EXAMPLE.items() if k not in ("lines", "adjustments", "note")}
    )

    id: uuid.UUID
    year: int
    department_id: uuid.UUID
    status: BudgetStatus
    total: Money
    workflow_instance_id: uuid.UUID | None
    submitted_at: datetime | None
    approved_at: datetime | None
    created_by: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class RevisionLineIn(BaseModel):
    """What a revision adds to (positive) or takes from (negative) one account in one month."""

    model_config = examples({"account_code": ACCOUNT_CODE, "month": 6, "delta": "8000.00"})

    account_code: str = AccountCode
    month: int = Month
    delta: Money = Field(description="Not zero.")


class RevisionCreate(BaseModel):
    """A revision of an approved budget: deltas with a reason."""

    model_config = examples(
        {
            "reason": "新增海外客户拜访",
            "lines": [
                {"account_code": ACCOUNT_CODE, "month": 6, "delta": "8000.00"},
                {"account_code": "6602.03", "month": 6, "delta": "-2000.00"},
            ],
        }
    )

    reason: str = Field(min_length=1, max_length=2000)
    lines: list[RevisionLineIn] = Field(min_length=1, max_length=500)


class RevisionLineRead(BaseModel):
    model_config = read_examples({"account_code": ACCOUNT_CODE, "month": 6, "delta": "8000.00"})

    account_code: str
    month: int
    delta: Money


class RevisionRead(BaseModel):
    """A revision of a budget and where its approval stands."""

    model_config = read_examples(
        {
            "id": REVISION_ID,
            "budget_id": BUDGET_ID,
            "reason": "新增海外客户拜访",
            "status": "approved",
            "lines": [{"account_code": ACCOUNT_CODE, "month": 6, "delta": "8000.00"}],
            "workflow_instance_id": INSTANCE_ID,
            "decided_at": STAMP,
            "created_by": "rd-head",
            "version": 3,
            "created_at": STAMP,
            "updated_at": STAMP,
        }
    )

    id: uuid.UUID
    budget_id: uuid.UUID
    reason: str
    status: RevisionStatus
    lines: list[RevisionLineRead]
    workflow_instance_id: uuid.UUID | None
    decided_at: datetime | None
    created_by: str | None
    version: int
    created_at: datetime
    updated_at: datetime


FIGURES_EXAMPLE: dict[str, Any] = {
    "budget": "18000.00",
    "committed": "2000.00",
    "actual": "12000.00",
    "remaining": "4000.00",
    "variance": "6000.00",
    "percent_used": "77.78",
}


class ExecutionFigures(BaseModel):
    """Budget, committed (approved spending not posted), actual (posted), remaining (budget -
    committed - actual), variance (budget - actual) and percentage used ((actual + committed)
    / budget * 100; null when the budget is zero)."""

    model_config = read_examples(FIGURES_EXAMPLE)

    budget: Money
    committed: Money
    actual: Money
    remaining: Money
    variance: Money
    percent_used: Percent | None = Field(description="Two decimal places; null when no budget.")


class ExecutionRow(ExecutionFigures):
    """Execution of one department's budget account in one month."""

    model_config = read_examples(
        {
            "department_id": DEPARTMENT_ID,
            "account_code": ACCOUNT_CODE,
            "month": 1,
            **FIGURES_EXAMPLE,
        }
    )

    department_id: uuid.UUID
    account_code: str
    month: int


class DepartmentExecution(ExecutionFigures):
    """One department's rows added up."""

    model_config = read_examples({"department_id": DEPARTMENT_ID, **FIGURES_EXAMPLE})

    department_id: uuid.UUID


class Execution(BaseModel):
    """Budget execution per department, account and month, each department's subtotal, and the
    totals — the rows added up, and the subtotals too."""

    model_config = read_examples(
        {
            "year": 2027,
            "rows": [
                {
                    "department_id": DEPARTMENT_ID,
                    "account_code": ACCOUNT_CODE,
                    "month": 1,
                    **FIGURES_EXAMPLE,
                }
            ],
            "departments": [{"department_id": DEPARTMENT_ID, **FIGURES_EXAMPLE}],
            "totals": FIGURES_EXAMPLE,
        }
    )

    year: int
    rows: list[ExecutionRow]
    departments: list[DepartmentExecution]
    totals: ExecutionFigures
