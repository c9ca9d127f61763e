"""Wire shapes of the ledger: accounts, cash-flow items, periods, journal entries."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.finance.db.ledger import JournalEntry, JournalLine, Period
from services.finance.domain.accounts import CODE_PATTERN
from shared.contracts.money import Money
from shared.kit.db import MediumText

AccountCategory = Literal["asset", "liability", "equity", "cost", "profit_and_loss"]
NormalSide = Literal["debit", "credit"]
CashFlowSection = Literal["operating", "investing", "financing"]
CashFlowDirection = Literal["inflow", "outflow"]
PeriodStatus = Literal["open", "closed"]
EntryStatus = Literal["draft", "posted"]

AccountCode = Annotated[
    str, StringConstraints(pattern=CODE_PATTERN, max_length=20), Field(examples=["6602.02"])
]
PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
PeriodName = Annotated[
    str, StringConstraints(pattern=PERIOD_PATTERN, max_length=7), Field(examples=["2026-03"])
]
AccountName = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
AccountNameEn = Annotated[
    str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)
]
Memo = Annotated[str, StringConstraints(min_length=1, max_length=500)]
LineMemo = Annotated[str, StringConstraints(max_length=500)]
Project = Annotated[str, StringConstraints(min_length=1, max_length=100)]
CashFlowCode = Annotated[str, StringConstraints(min_length=1, max_length=40)]

ENTRY_ID = "0193a8c0-0000-7000-8000-0000000000a7"
REVERSAL_ID = "0193a8c0-0000-7000-8000-0000000000a8"
PERIOD_ID = "0193a8c0-0000-7000-8000-0000000000a9"
DEPARTMENT_ID = "0193a8c0-0000-7000-8000-0000000000d1"
EMPLOYEE_ID = "0193a8c0-0000-7000-8000-0000000000e1"
CREATED_AT = "2026-03-10T09:00:00Z"
UPDATED_AT = "2026-03-10T09:30:00Z"

ACCOUNT_EXAMPLE: dict[str, Any] = {
    "id": "0193a8c0-0000-7000-8000-0000000000c7",
    "code": "6602.02",
    "name": "差旅费",
    "name_en": "Travel",
    "category": "profit_and_loss",
    "normal_side": "debit",
    "parent_code": "6602",
    "level": 2,
    "is_leaf": True,
    "active": True,
    "version": 1,
    "created_at": CREATED_AT,
    "updated_at": CREATED_AT,
}


class AccountRead(BaseModel):
    """An account of the chart."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [ACCOUNT_EXAMPLE]}
    )

    id: uuid.UUID
    code: str = Field(description="``6602`` or a sub-account ``6602.02``.")
    name: str
    name_en: str
    category: AccountCategory
    normal_side: NormalSide
    parent_code: str | None
    level: int = Field(description="1 for a first-level CAS account, 2 for its sub-account, …")
    is_leaf: bool = Field(description="No sub-accounts: only leaf accounts take postings.")
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class AccountCreate(BaseModel):
    """A sub-account under an existing account; it inherits category and normal side."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"parent_code": "6602", "code": "6602.07", "name": "培训费", "name_en": "Training"}
            ]
        },
    )

    parent_code: AccountCode
    code: AccountCode | None = Field(
        default=None, description="``<parent>.NN``; omitted: the next free number."
    )
    name: AccountName
    name_en: AccountNameEn


class AccountUpdate(BaseModel):
    """Rename, deactivate or reactivate an account (the code, category and side stay)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "差旅费", "active": False}]}
    )

    name: AccountName | None = None
    name_en: AccountNameEn | None = None
    active: bool | None = None


CASH_FLOW_ITEM_EXAMPLE: dict[str, Any] = {
    "code": "sales_receipts",
    "name": "销售商品、提供劳务收到的现金",
    "name_en": "Cash received from sales of goods and services",
    "section": "operating",
    "direction": "inflow",
    "sort_order": 10,
}


class CashFlowItemRead(BaseModel):
    """A line of the direct-method cash-flow statement."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [CASH_FLOW_ITEM_EXAMPLE]}
    )

    code: str
    name: str
    name_en: str
    section: CashFlowSection
    direction: CashFlowDirection
    sort_order: int


class CashFlowItemList(BaseModel):
    """Every cash-flow item, in the statement's order."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [CASH_FLOW_ITEM_EXAMPLE]}]})

    items: list[CashFlowItemRead]


PERIOD_EXAMPLE: dict[str, Any] = {
    "id": PERIOD_ID,
    "period": "2026-03",
    "year": 2026,
    "month": 3,
    "status": "closed",
    "vouchers": 42,
    "closed_at": "2026-04-03T10:00:00Z",
    "closed_by": "finance-staff",
    "reopened_at": None,
    "reopened_by": None,
    "reopen_reason": None,
    "version": 2,
    "created_at": CREATED_AT,
    "updated_at": "2026-04-03T10:00:00Z",
}


class PeriodRead(BaseModel):
    """An accounting month."""

    model_config = ConfigDict(json_schema_extra={"examples": [PERIOD_EXAMPLE]})

    id: uuid.UUID
    period: str = Field(description="``YYYY-MM``")
    year: int
    month: int
    status: PeriodStatus
    vouchers: int = Field(description="Voucher numbers given in the month (the last one).")
    closed_at: datetime | None
    closed_by: str | None
    reopened_at: datetime | None
    reopened_by: str | None
    reopen_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, period: Period) -> "PeriodRead":
        return cls(
            id=period.id,
            period=f"{period.year:04d}-{period.month:02d}",
            year=period.year,
            month=period.month,
            status=period.status,
            vouchers=period.last_voucher,
            closed_at=period.closed_at,
            closed_by=period.closed_by,
            reopened_at=period.reopened_at,
            reopened_by=period.reopened_by,
            reopen_reason=period.reopen_reason,
            version=period.version,
            created_at=period.created_at,
            updated_at=period.updated_at,
        )


class PeriodYearCreate(BaseModel):
    """Open the twelve periods of a year (those that exist are left as they are)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"year": 2027}]})

    year: int = Field(ge=1900, le=9999)


class PeriodYear(BaseModel):
    """The twelve periods of a year."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"year": 2026, "periods": [PERIOD_EXAMPLE]}]}
    )

    year: int
    periods: list[PeriodRead]


class PeriodReopen(BaseModel):
    """Why a closed period is reopened (kept on the period and in the audit log)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"reason": "补记3月漏记的差旅费报销 (missed travel claim)"}]
        },
    )

    reason: Annotated[MediumText, StringConstraints(min_length=1, strip_whitespace=True)]


class LineIn(BaseModel):
    """A debit or a credit (exactly one, positive, two decimal places) on a leaf account."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "account": "6602.02",
                    "debit": "1200.00",
                    "memo": "北京出差",
                    "department_id": DEPARTMENT_ID,
                    "employee_id": EMPLOYEE_ID,
                }
            ]
        },
    )

    account: AccountCode
    debit: Money | None = None
    credit: Money | None = None
    memo: LineMemo | None = None
    department_id: uuid.UUID | None = None
    employee_id: uuid.UUID | None = None
    party_id: uuid.UUID | None = None
    project: Project | None = None
    cash_flow_item: CashFlowCode | None = Field(
        default=None,
        description="Required on lines of cash accounts (1001, 1002, 1012 and sub-accounts).",
    )


MAX_LINES = 500
DRAFT_EXAMPLE: dict[str, Any] = {
    "entry_date": "2026-03-10",
    "memo": "报销北京出差差旅费",
    "lines": [
        {"account": "6602.02", "debit": "1200.00", "department_id": DEPARTMENT_ID},
        {"account": "2241", "credit": "1200.00", "employee_id": EMPLOYEE_ID},
    ],
}


class EntryCreate(BaseModel):
    """A manual draft entry; posting checks that it balances."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [DRAFT_EXAMPLE]})

    entry_date: date
    memo: Memo
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)


class EntryUpdate(BaseModel):
    """Change a draft; ``lines`` replaces all of its lines."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"memo": "报销上海出差差旅费", "entry_date": "2026-03-12"}]
        },
    )

    entry_date: date | None = None
    memo: Memo | None = None
    lines: list[LineIn] | None = Field(default=None, min_length=1, max_length=MAX_LINES)


class ReverseRequest(BaseModel):
    """When and why to reverse; the date defaults to today, the memo to 冲销 <voucher>."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"entry_date": "2026-03-31", "memo": "冲销错记的差旅费"}]},
    )

    entry_date: date | None = None
    memo: Memo | None = None


LINE_EXAMPLE: dict[str, Any] = {
    "line_no": 1,
    "account": "6602.02",
    "debit": "1200.00",
    "credit": "0.00",
    "memo": None,
    "department_id": DEPARTMENT_ID,
    "employee_id": None,
    "party_id": None,
    "project": None,
    "cash_flow_item": None,
}


class LineRead(BaseModel):
    """A line as recorded."""

    model_config = ConfigDict(json_schema_extra={"examples": [LINE_EXAMPLE]})

    line_no: int
    account: str
    debit: Money
    credit: Money
    memo: str | None
    department_id: uuid.UUID | None
    employee_id: uuid.UUID | None
    party_id: uuid.UUID | None
    project: str | None
    cash_flow_item: str | None

    @classmethod
    def of(cls, line: JournalLine) -> "LineRead":
        return cls(
            line_no=line.line_no,
            account=line.account_code,
            debit=line.debit,
            credit=line.credit,
            memo=line.memo,
            department_id=line.department_id,
            employee_id=line.employee_id,
            party_id=line.party_id,
            project=line.project,
            cash_flow_item=line.cash_flow_item,
        )


ENTRY_EXAMPLE: dict[str, Any] = {
    "id": ENTRY_ID,
    "entry_date": "2026-03-10",
    "period": "2026-03",
    "memo": "报销北京出差差旅费",
    "source": "manual",
    "source_id": None,
    "status": "posted",
    "voucher_number": "记-2026-03-0007",
    "total_debit": "1200.00",
    "total_credit": "1200.00",
    "posted_at": UPDATED_AT,
    "posted_by": "finance-staff",
    "reverses_id": None,
    "reversed_by_id": None,
    "lines": [
        LINE_EXAMPLE,
        {
            **LINE_EXAMPLE,
            "line_no": 2,
            "account": "2241",
            "debit": "0.00",
            "credit": "1200.00",
            "department_id": None,
            "employee_id": EMPLOYEE_ID,
        },
    ],
    "version": 2,
    "created_at": CREATED_AT,
    "updated_at": UPDATED_AT,
    "created_by": "finance-staff",
}


class EntryRead(BaseModel):
    """A journal entry with its lines."""

    model_config = ConfigDict(json_schema_extra={"examples": [ENTRY_EXAMPLE]})

    id: uuid.UUID
    entry_date: date
    period: str = Field(description="``YYYY-MM``")
    memo: str
    source: str = Field(description="``manual``, ``expense_claim``, ``payroll``, ``reversal``, …")
    source_id: str | None
    status: EntryStatus
    voucher_number: str | None = Field(description="``记-YYYY-MM-NNNN`` once posted.")
    total_debit: Money
    total_credit: Money
    posted_at: datetime | None
    posted_by: str | None
    reverses_id: uuid.UUID | None = Field(description="The entry this one reverses.")
    reversed_by_id: uuid.UUID | None = Field(description="The entry that reverses this one.")
    lines: list[LineRead]
    version: int
    created_at: datetime
    updated_at: datetime
    created_by: str | None

    @classmethod
    def of(cls, entry: JournalEntry) -> "EntryRead":
        lines = [LineRead.of(line) for line in entry.lines]
        return cls(
            id=entry.id,
            entry_date=entry.entry_date,
            period=f"{entry.year:04d}-{entry.month:02d}",
            memo=entry.memo,
            source=entry.source,
            source_id=entry.source_id,
            status=entry.status,
            voucher_number=entry.voucher_number,
            total_debit=sum((line.debit for line in lines), Decimal("0")),
            total_credit=sum((line.credit for line in lines), Decimal("0")),
            posted_at=entry.posted_at,
            posted_by=entry.posted_by,
            reverses_id=entry.reverses_id,
            reversed_by_id=entry.reversed_by_id,
            lines=lines,
            version=entry.version,
            created_at=entry.created_at,
            updated_at=entry.updated_at,
            created_by=entry.created_by,
        )
