"""Wire shapes of finance's expense claims, spending requests and expense categories."""

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from services.finance.schemas.budgets import examples, read_examples
from shared.contracts.money import Money, PositiveMoney

ClaimStatus = Literal[
    "submitted", "approved", "over_budget", "rejected", "withdrawn", "approval_refused", "paid"
]
RequestStatus = Literal[
    "submitted", "approved", "over_budget", "rejected", "withdrawn", "approval_refused", "closed"
]

CLAIM_ID = "0193a8c0-0000-7000-8000-00000000ec01"
REQUEST_ID = "0193a8c0-0000-7000-8000-00000000ec11"
EMPLOYEE_ID = "0193a8c0-0000-7000-8000-0000000000e1"
DEPARTMENT_ID = "0193a8c0-0000-7000-8000-0000000000d1"
INSTANCE_ID = "0193a8c0-0000-7000-8000-00000000a101"
ENTRY_ID = "0193a8c0-0000-7000-8000-00000000e501"
STAMP = "2026-03-11T09:00:00Z"
AccountCode = Field(min_length=1, max_length=20, pattern=r"^[0-9]{4}(\.[0-9]{1,4})*$")


class CategoryCreate(BaseModel):
    """A new expense category and the cost or expense account it posts to."""

    model_config = examples(
        {"code": "training", "name": "培训费", "name_en": "Training", "account_code": "6602.02"}
    )

    code: str = Field(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)
    account_code: str = AccountCode


class CategoryRead(BaseModel):
    """An expense category: what a claim line is, and the account it posts to."""

    model_config = read_examples(
        {
            "code": "travel",
            "name": "差旅费",
            "name_en": "Travel",
            "account_code": "6602.02",
            "active": True,
        }
    )

    code: str
    name: str
    name_en: str
    account_code: str
    active: bool


BUDGET_VIEW_EXAMPLE: dict[str, Any] = {
    "department_id": DEPARTMENT_ID,
    "account_code": "6602.02",
    "budget_account": "6602.02",
    "requested": "1280.00",
    "remaining": "18720.00",
    "within_budget": True,
}


class BudgetView(BaseModel):
    """What remains of the department's budget for the account this year, and what is asked
    of it (the check that counts runs again when the approval is applied)."""

    model_config = read_examples(BUDGET_VIEW_EXAMPLE)

    department_id: uuid.UUID
    account_code: str
    budget_account: str | None = Field(description="The budget line that controls the account.")
    requested: Money
    remaining: Money
    within_budget: bool


class ClaimLineIn(BaseModel):
    """One expense."""

    model_config = examples(
        {
            "category": "travel",
            "amount": "1280.00",
            "expense_date": "2026-03-05",
            "description": "上海客户拜访 高铁往返",
            "receipt_ref": "INV-3100221",
            "department_id": None,
        }
    )

    category: str = Field(min_length=1, max_length=32)
    amount: PositiveMoney
    expense_date: date
    description: str = Field(min_length=1, max_length=2000)
    receipt_ref: str | None = Field(default=None, max_length=500)
    department_id: uuid.UUID | None = Field(
        default=None, description="The department charged; the claimant's own by default."
    )


class ClaimCreate(BaseModel):
    """An expense claim."""

    model_config = examples(
        {
            "title": "3 月上海出差",
            "lines": [
                {
                    "category": "travel",
                    "amount": "1280.00",
                    "expense_date": "2026-03-05",
                    "description": "上海客户拜访 高铁往返",
                    "receipt_ref": "INV-3100221",
                }
            ],
        }
    )

    employee_id: uuid.UUID | None = Field(
        default=None,
        description="Whose claim: the caller by default (finance may file for others).",
    )
    title: str = Field(min_length=1, max_length=200)
    lines: list[ClaimLineIn] = Field(min_length=1, max_length=200)


CLAIM_LINE_EXAMPLE: dict[str, Any] = {
    "position": 1,
    "category": "travel",
    "account_code": "6602.02",
    "department_id": DEPARTMENT_ID,
    "amount": "1280.00",
    "expense_date": "2026-03-05",
    "description": "上海客户拜访 高铁往返",
    "receipt_ref": "INV-3100221",
}


class ClaimLineRead(BaseModel):
    model_config = read_examples(CLAIM_LINE_EXAMPLE)

    position: int
    category: str
    account_code: str
    department_id: uuid.UUID
    amount: Money
    expense_date: date
    description: str
    receipt_ref: str | None


CLAIM_EXAMPLE: dict[str, Any] = {
    "id": CLAIM_ID,
    "employee_id": EMPLOYEE_ID,
    "title": "3 月上海出差",
    "year": 2026,
    "total": "1280.00",
    "status": "approved",
    "lines": [CLAIM_LINE_EXAMPLE],
    "budget": [BUDGET_VIEW_EXAMPLE],
    "workflow_instance_id": INSTANCE_ID,
    "decided_at": STAMP,
    "decision_reason": None,
    "overridden_by": None,
    "journal_entry_id": ENTRY_ID,
    "posted_on": "2026-03-11",
    "posting_error": None,
    "payment_entry_id": None,
    "paid_on": None,
    "payable": "1280.00",
    "version": 3,
    "created_at": STAMP,
    "updated_at": STAMP,
}


class ClaimRead(BaseModel):
    """An expense claim, where it stands, and what remains of the budget it charges."""

    model_config = read_examples(CLAIM_EXAMPLE)

    id: uuid.UUID
    employee_id: uuid.UUID
    title: str
    year: int
    total: Money
    status: ClaimStatus
    lines: list[ClaimLineRead]
    budget: list[BudgetView] = Field(
        description="Per account charged: what remains of its budget this year (on the "
        "claim's own answers; empty in lists)."
    )
    workflow_instance_id: uuid.UUID | None
    decided_at: datetime | None
    decision_reason: str | None
    overridden_by: str | None
    journal_entry_id: uuid.UUID | None
    posted_on: date | None
    posting_error: str | None = Field(
        description="Why the ledger refused the approved claim's entry (finance posts it again)."
    )
    payment_entry_id: uuid.UUID | None
    paid_on: date | None
    payable: Money = Field(description="What the company still owes the employee for it.")
    version: int
    created_at: datetime
    updated_at: datetime


class Decision(BaseModel):
    """Finance's decision on something over budget, with its reason."""

    model_config = examples({"reason": "客户紧急需求，总经理口头同意，下月调整预算"})

    reason: str = Field(min_length=1, max_length=2000)


class PaymentCreate(BaseModel):
    """Paying an approved claim."""

    model_config = examples({"paid_on": "2026-03-15"})

    paid_on: date | None = Field(default=None, description="Today by default.")


class RequestCreate(BaseModel):
    """A spending request: prior approval of a purchase or other spending."""

    model_config = examples(
        {
            "department_id": None,
            "account_code": "6602.03",
            "amount": "8600.00",
            "purpose": "研发部显示器 4 台",
            "expected_date": "2026-04-10",
        }
    )

    department_id: uuid.UUID | None = Field(
        default=None, description="The department charged; the requester's own by default."
    )
    account_code: str = AccountCode
    amount: PositiveMoney
    purpose: str = Field(min_length=1, max_length=2000)
    expected_date: date


class RequestClose(BaseModel):
    """Closing an approved request: its spending is posted (or will not happen)."""

    model_config = examples({"journal_entry_id": ENTRY_ID, "reason": "发票已入账"})

    journal_entry_id: uuid.UUID | None = None
    reason: str = Field(default="", max_length=2000)


class RequestRead(BaseModel):
    """A spending request and where it stands."""

    model_config = read_examples(
        {
            "id": REQUEST_ID,
            "requester_id": EMPLOYEE_ID,
            "department_id": DEPARTMENT_ID,
            "account_code": "6602.03",
            "amount": "8600.00",
            "purpose": "研发部显示器 4 台",
            "expected_date": "2026-04-10",
            "year": 2026,
            "status": "approved",
            "budget": BUDGET_VIEW_EXAMPLE,
            "workflow_instance_id": INSTANCE_ID,
            "decided_at": STAMP,
            "decision_reason": None,
            "overridden_by": None,
            "closed_at": None,
            "journal_entry_id": None,
            "version": 3,
            "created_at": STAMP,
            "updated_at": STAMP,
        }
    )

    id: uuid.UUID
    requester_id: uuid.UUID
    department_id: uuid.UUID
    account_code: str
    amount: Money
    purpose: str
    expected_date: date
    year: int
    status: RequestStatus
    budget: BudgetView | None = Field(
        description="What remains of the budget account this year (on the request's own answers)."
    )
    workflow_instance_id: uuid.UUID | None
    decided_at: datetime | None
    decision_reason: str | None
    overridden_by: str | None
    closed_at: datetime | None
    journal_entry_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime
