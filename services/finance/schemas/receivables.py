"""Wire shapes of finance's receivables and payables: invoices, payments, aging, batches, cash plan."""

import datetime as dt
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, field_validator

from shared.contracts.money import Money, MoneyUpTo

InvoiceKind = Literal["receivable", "payable"]
InvoiceStatus = Literal["draft", "open", "partly_paid", "paid", "cancelled"]
PaymentKind = Literal["receipt", "payment"]
BatchStatus = Literal["pending", "executed", "cancelled"]
Granularity = Literal["week", "month"]
VatRate = Literal["0", "0.01", "0.03", "0.05", "0.06", "0.09", "0.13"]

Amount = Annotated[Decimal, MoneyUpTo(11, above_zero=True)]
"""A positive amount a client sends: up to 99,999,999,999.99 (its pattern says so), so sums of 100 lines with
their VAT still fit the ledger's columns."""

Rate = Annotated[
    Decimal,
    PlainSerializer(lambda rate: format(rate.normalize(), "f"), return_type=str, when_used="json"),
]

PARTY_ID = "0193a8c0-0000-7000-8000-00000000c001"
INVOICE_ID = "0193a8c0-0000-7000-8000-00000000f501"
PAYMENT_ID = "0193a8c0-0000-7000-8000-00000000f601"
BATCH_ID = "0193a8c0-0000-7000-8000-00000000f701"
ENTRY_ID = "0193a8c0-0000-7000-8000-00000000e501"
DEPARTMENT_ID = "0193a8c0-0000-7000-8000-0000000000d1"
STAMP = "2026-03-11T09:00:00Z"


def examples(*values: dict[str, Any]) -> ConfigDict:
    """A strict request model's config with its examples."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(values)})


def read_examples(*values: dict[str, Any]) -> ConfigDict:
    """A response model's config (read from ORM objects) with its examples."""
    return ConfigDict(from_attributes=True, json_schema_extra={"examples": list(values)})


class InvoiceLineCreate(BaseModel):
    model_config = examples(
        {
            "description": "软件实施服务 一期",
            "amount": "10000.00",
            "vat_rate": "0.13",
            "account": None,
        }
    )

    description: str = Field(min_length=1, max_length=500)
    amount: Amount = Field(description="Net amount (excluding VAT), positive.")
    vat_rate: VatRate = Field(description="The line's VAT rate.")
    account: str | None = Field(
        default=None,
        max_length=20,
        description="Ledger account of the net amount: a revenue account for a receivable "
        "(default 6001 主营业务收入), the expense or asset account for a payable (required).",
    )


LINE_EXAMPLE: dict[str, Any] = {
    "position": 1,
    "description": "软件实施服务 一期",
    "amount": "10000.00",
    "vat_rate": "0.13",
    "vat": "1300.00",
    "account": "6001",
}


class InvoiceLineRead(BaseModel):
    model_config = read_examples(LINE_EXAMPLE)

    position: int
    description: str
    amount: Money
    vat_rate: Rate
    vat: Money
    account: str


class InvoiceCreate(BaseModel):
    model_config = examples(
        {
            "kind": "receivable",
            "number": None,
            "party_id": PARTY_ID,
            "party_name": "上海云途网络科技有限公司",
            "party_bank_account": None,
            "party_bank_name": None,
            "issue_date": "2026-03-11",
            "due_date": "2026-04-10",
            "description": "软件实施服务",
            "department_id": None,
            "project": None,
            "lines": [
                {
                    "description": "软件实施服务 一期",
                    "amount": "10000.00",
                    "vat_rate": "0.13",
                    "account": None,
                }
            ],
        }
    )

    kind: InvoiceKind
    number: str | None = Field(
        default=None,
        min_length=1,
        max_length=60,
        description="The invoice number; a payable's is the supplier's. Left out, finance "
        "numbers it (`AR-2026-0001`, `AP-2026-0001`).",
    )
    party_id: uuid.UUID = Field(description="The org party (customer or supplier).")
    party_name: str = Field(min_length=1, max_length=200, description="The party's name, kept.")
    party_bank_account: str | None = Field(default=None, max_length=100)
    party_bank_name: str | None = Field(default=None, max_length=200)
    issue_date: date
    due_date: date
    description: str = Field(default="", max_length=500)
    department_id: uuid.UUID | None = None
    project: str | None = Field(default=None, max_length=100)
    lines: list[InvoiceLineCreate] = Field(min_length=1, max_length=100)


class InvoiceUpdate(BaseModel):
    """A change to a draft (only drafts change; issued invoices are cancelled instead)."""

    model_config = examples({"due_date": "2026-04-30", "number": "AR-2026-0042"})

    number: str | None = Field(default=None, min_length=1, max_length=60)
    party_name: str | None = Field(default=None, min_length=1, max_length=200)
    party_bank_account: str | None = Field(default=None, max_length=100)
    party_bank_name: str | None = Field(default=None, max_length=200)
    issue_date: date | None = None
    due_date: date | None = None
    description: str | None = Field(default=None, max_length=500)
    department_id: uuid.UUID | None = None
    project: str | None = Field(default=None, max_length=100)
    lines: list[InvoiceLineCreate] | None = Field(default=None, min_length=1, max_length=100)


INVOICE_EXAMPLE: dict[str, Any] = {
    "id": INVOICE_ID,
    "kind": "receivable",
    "number": "AR-2026-0001",
    "party_id": PARTY_ID,
    "party_name": "上海云途网络科技有限公司",
    "party_bank_account": None,
    "party_bank_name": None,
    "issue_date": "2026-03-11",
    "due_date": "2026-04-10",
    "currency": "CNY",
    "description": "软件实施服务",
    "net": "10000.00",
    "vat": "1300.00",
    "gross": "11300.00",
    "paid": "5000.00",
    "outstanding": "6300.00",
    "status": "partly_paid",
    "department_id": None,
    "project": None,
    "contract_reference": None,
    "milestone": None,
    "payment_approved_at": None,
    "payment_approved_by": None,
    "issued_at": STAMP,
    "entry_id": ENTRY_ID,
    "cancelled_on": None,
    "cancel_reason": None,
    "reversal_entry_id": None,
    "lines": [LINE_EXAMPLE],
    "version": 3,
    "created_at": STAMP,
    "updated_at": STAMP,
    "created_by": "finance-staff",
}


class InvoiceRead(BaseModel):
    model_config = read_examples(INVOICE_EXAMPLE)

    id: uuid.UUID
    kind: InvoiceKind
    number: str
    party_id: uuid.UUID
    party_name: str
    party_bank_account: str | None
    party_bank_name: str | None
    issue_date: date
    due_date: date
    currency: str
    description: str
    net: Money
    vat: Money
    gross: Money
    paid: Money
    outstanding: Money = Field(description="What is still owed (zero on drafts and cancelled).")
    status: InvoiceStatus
    department_id: uuid.UUID | None
    project: str | None
    contract_reference: str | None
    milestone: str | None
    payment_approved_at: datetime | None
    payment_approved_by: str | None
    issued_at: datetime | None
    entry_id: uuid.UUID | None
    cancelled_on: date | None
    cancel_reason: str | None
    reversal_entry_id: uuid.UUID | None
    lines: list[InvoiceLineRead]
    version: int
    created_at: datetime
    updated_at: datetime
    created_by: str | None


class InvoiceCancel(BaseModel):
    model_config = examples({"reason": "客户取消订单"})

    reason: str = Field(min_length=1, max_length=500)


class AllocationCreate(BaseModel):
    model_config = examples({"invoice_id": INVOICE_ID, "amount": "5000.00"})

    invoice_id: uuid.UUID
    amount: Amount = Field(description="The part of the payment that settles this invoice.")


class PaymentCreate(BaseModel):
    model_config = examples(
        {
            "kind": "receipt",
            "party_id": PARTY_ID,
            "payment_date": "2026-03-20",
            "reference": "银行回单 20260320-0017",
            "allocations": [{"invoice_id": INVOICE_ID, "amount": "5000.00"}],
        }
    )

    kind: PaymentKind = Field(
        description="`receipt`: from a customer, against receivables; `payment`: to a "
        "supplier, against payables."
    )
    party_id: uuid.UUID
    payment_date: date
    reference: str = Field(default="", max_length=200, description="Bank reference or memo.")
    allocations: list[AllocationCreate] = Field(min_length=1, max_length=100)


class PaymentReverse(BaseModel):
    model_config = examples({"reason": "重复登记的收款"})

    reason: str = Field(min_length=1, max_length=500)


class AllocationRead(BaseModel):
    model_config = read_examples(
        {"invoice_id": INVOICE_ID, "invoice_number": "AR-2026-0001", "amount": "5000.00"}
    )

    invoice_id: uuid.UUID
    invoice_number: str
    amount: Money


PAYMENT_EXAMPLE: dict[str, Any] = {
    "id": PAYMENT_ID,
    "kind": "receipt",
    "party_id": PARTY_ID,
    "party_name": "上海云途网络科技有限公司",
    "payment_date": "2026-03-20",
    "amount": "5000.00",
    "currency": "CNY",
    "reference": "银行回单 20260320-0017",
    "batch_id": None,
    "entry_id": ENTRY_ID,
    "reversed_on": None,
    "reversal_reason": None,
    "reversal_entry_id": None,
    "allocations": [
        {"invoice_id": INVOICE_ID, "invoice_number": "AR-2026-0001", "amount": "5000.00"}
    ],
    "version": 1,
    "created_at": STAMP,
    "updated_at": STAMP,
    "created_by": "finance-staff",
}


class PaymentRead(BaseModel):
    model_config = read_examples(PAYMENT_EXAMPLE)

    id: uuid.UUID
    kind: PaymentKind
    party_id: uuid.UUID
    party_name: str
    payment_date: date
    amount: Money
    currency: str
    reference: str
    batch_id: uuid.UUID | None
    entry_id: uuid.UUID | None
    reversed_on: date | None
    reversal_reason: str | None
    reversal_entry_id: uuid.UUID | None
    allocations: list[AllocationRead]
    version: int
    created_at: datetime
    updated_at: datetime
    created_by: str | None


BUCKETS_EXAMPLE: dict[str, Any] = {
    "current": "6300.00",
    "days_1_30": "0.00",
    "days_31_60": "2260.00",
    "days_61_90": "0.00",
    "over_90": "0.00",
    "total": "8560.00",
}


class AgingBuckets(BaseModel):
    model_config = read_examples(BUCKETS_EXAMPLE)

    current: Money = Field(description="Not yet due (due on or after the as-of date).")
    days_1_30: Money
    days_31_60: Money
    days_61_90: Money
    over_90: Money
    total: Money


class AgingRow(AgingBuckets):
    model_config = read_examples(
        {"party_id": PARTY_ID, "party_name": "上海云途网络科技有限公司", **BUCKETS_EXAMPLE}
    )

    party_id: uuid.UUID
    party_name: str


class AgingReport(BaseModel):
    model_config = read_examples(
        {
            "kind": "receivable",
            "as_of": "2026-03-11",
            "parties": [
                {"party_id": PARTY_ID, "party_name": "上海云途网络科技有限公司", **BUCKETS_EXAMPLE}
            ],
            "totals": BUCKETS_EXAMPLE,
        }
    )

    kind: InvoiceKind
    as_of: date
    parties: list[AgingRow]
    totals: AgingBuckets


class MilestoneCreate(BaseModel):
    model_config = examples(
        {
            "milestone": "M1",
            "description": "首付款 30%",
            "date": "2026-04-01",
            "amount": "33900.00",
            "vat_rate": "0.13",
        }
    )

    milestone: str = Field(
        min_length=1, max_length=100, description="The milestone's key within the contract."
    )
    description: str = Field(default="", max_length=500)
    date: dt.date = Field(
        description="When the milestone falls due: the invoice's issue and due date."
    )
    amount: Amount = Field(description="The amount the contract states, VAT included (含税).")
    vat_rate: VatRate


class ContractReceivables(BaseModel):
    model_config = examples(
        {
            "contract_reference": "HT-2026-0031",
            "party_id": PARTY_ID,
            "party_name": "上海云途网络科技有限公司",
            "account": None,
            "department_id": DEPARTMENT_ID,
            "project": "云途 ERP 实施",
            "milestones": [
                {
                    "milestone": "M1",
                    "description": "首付款 30%",
                    "date": "2026-04-01",
                    "amount": "33900.00",
                    "vat_rate": "0.13",
                }
            ],
        }
    )

    contract_reference: str = Field(min_length=1, max_length=100)
    party_id: uuid.UUID
    party_name: str = Field(min_length=1, max_length=200)
    account: str | None = Field(
        default=None, max_length=20, description="Revenue account (default 6001)."
    )
    department_id: uuid.UUID | None = None
    project: str | None = Field(default=None, max_length=100)
    milestones: list[MilestoneCreate] = Field(min_length=1, max_length=100)

    @field_validator("milestones")
    @classmethod
    def _distinct(cls, value: list[MilestoneCreate]) -> list[MilestoneCreate]:
        keys = [m.milestone for m in value]
        if len(set(keys)) != len(keys):
            raise ValueError("each milestone key appears once")
        return value


class ContractReceivablesResult(BaseModel):
    model_config = read_examples(
        {"contract_reference": "HT-2026-0031", "created": 1, "invoices": [INVOICE_EXAMPLE]}
    )

    contract_reference: str
    created: int = Field(description="How many invoices this call created (0 on a repeat).")
    invoices: list[InvoiceRead]


class PaymentBatchCreate(BaseModel):
    model_config = examples({"due_by": "2026-03-31", "payment_date": "2026-03-25", "memo": ""})

    due_by: date = Field(description="Take the approved payables due on or before this date.")
    payment_date: date = Field(description="The day the bank is to pay.")
    memo: str = Field(default="", max_length=500)


BATCH_ITEM_EXAMPLE: dict[str, Any] = {
    "position": 1,
    "invoice_id": INVOICE_ID,
    "payee_name": "北京华信办公用品有限公司",
    "bank_account": "6222020200112233445",
    "bank_name": "中国工商银行北京海淀支行",
    "amount": "2260.00",
    "reference": "AP 2026-031 北京华信办公用品有限公司",
    "payment_id": None,
}


class PaymentBatchItemRead(BaseModel):
    model_config = read_examples(BATCH_ITEM_EXAMPLE)

    position: int
    invoice_id: uuid.UUID
    payee_name: str
    bank_account: str | None
    bank_name: str | None
    amount: Money
    reference: str
    payment_id: uuid.UUID | None


class PaymentBatchRead(BaseModel):
    model_config = read_examples(
        {
            "id": BATCH_ID,
            "due_by": "2026-03-31",
            "payment_date": "2026-03-25",
            "status": "pending",
            "total": "2260.00",
            "item_count": 1,
            "memo": "",
            "executed_at": None,
            "executed_by": None,
            "items": [BATCH_ITEM_EXAMPLE],
            "version": 1,
            "created_at": STAMP,
            "updated_at": STAMP,
            "created_by": "finance-staff",
        }
    )

    id: uuid.UUID
    due_by: date
    payment_date: date
    status: BatchStatus
    total: Money
    item_count: int
    memo: str
    executed_at: datetime | None
    executed_by: str | None
    items: list[PaymentBatchItemRead]
    version: int
    created_at: datetime
    updated_at: datetime
    created_by: str | None


PLAN_PERIOD_EXAMPLE: dict[str, Any] = {
    "start": "2026-03-01",
    "end": "2026-03-31",
    "receipts_invoiced": "6300.00",
    "receipts_scheduled": "33900.00",
    "payments_invoiced": "2260.00",
    "payments_scheduled": "0.00",
    "payments_spending": "0.00",
    "receipts": "40200.00",
    "payments": "2260.00",
    "net": "37940.00",
    "closing_cash": "137940.00",
}


class CashPlanPeriod(BaseModel):
    model_config = read_examples(PLAN_PERIOD_EXAMPLE)

    start: date
    end: date
    receipts_invoiced: Money = Field(description="Still owed on issued receivables due then.")
    receipts_scheduled: Money = Field(
        description="Draft receivables (contract milestones not yet invoiced) due then."
    )
    payments_invoiced: Money = Field(description="Still owed on booked payables due then.")
    payments_scheduled: Money = Field(description="Draft payables due then.")
    payments_spending: Money = Field(
        description="Approved spending requests not yet posted, expected then."
    )
    receipts: Money
    payments: Money
    net: Money
    closing_cash: Money = Field(description="Opening cash plus the nets so far.")


class CashPlan(BaseModel):
    model_config = read_examples(
        {
            "start": "2026-03-01",
            "end": "2026-03-31",
            "granularity": "month",
            "opening_cash": "100000.00",
            "periods": [PLAN_PERIOD_EXAMPLE],
            "total_receipts": "40200.00",
            "total_payments": "2260.00",
            "closing_cash": "137940.00",
        }
    )

    start: date
    end: date
    granularity: Granularity
    opening_cash: Money = Field(
        description="Cash and bank (1001, 1002, 1012) on the ledger before `start`."
    )
    periods: list[CashPlanPeriod]
    total_receipts: Money
    total_payments: Money
    closing_cash: Money
