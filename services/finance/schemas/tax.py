"""Wire shapes of finance's tax registrations, filing calendar and filings."""

import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from services.finance.db.tax import FilingFrequency, FilingKind, Tax, TaxpayerKind
from services.finance.domain.tax_calendar import FilingStatus
from shared.contracts.money import Money, NonNegativeMoney
from shared.contracts.omittable import omittable


def _rate(value: Any) -> Decimal:
    if isinstance(value, (bool, float)):
        raise ValueError('a rate is a decimal string such as "0.13", not a float')
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{value!r} is not a decimal rate") from exc
    if not rate.is_finite() or not 0 <= rate <= 1:
        raise ValueError("a rate is between 0 and 1 (0.13 is 13%)")
    if rate != rate.quantize(Decimal("0.0001")):
        raise ValueError("a rate has at most four decimal places")
    return rate


Rate = Annotated[
    Decimal,
    BeforeValidator(_rate),
    PlainSerializer(lambda rate: format(rate.normalize(), "f"), return_type=str, when_used="json"),
    WithJsonSchema(
        {"type": "string", "pattern": r"^(0(\.\d{1,4})?|1(\.0{1,4})?)$", "examples": ["0.13"]}
    ),
]
"""A rate as a decimal string between 0 and 1 with at most four places (``"0.13"`` is 13%)."""


AccountCode = Annotated[str, Field(max_length=20, pattern=r"^\d{4}(\.\d{2}){0,3}$")]

REGISTRATION_ID = "0193a8c0-0000-7000-8000-00000000f401"
FILING_ID = "0193a8c0-0000-7000-8000-00000000f411"
ENTRY_ID = "0193a8c0-0000-7000-8000-00000000e501"
STAMP = "2026-03-11T09:00:00Z"


def examples(*values: dict[str, Any]) -> ConfigDict:
    """A strict request model's config with its examples."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(values)})


def read_examples(*values: dict[str, Any]) -> ConfigDict:
    """A response model's config (read from ORM objects) with its examples."""
    return ConfigDict(from_attributes=True, json_schema_extra={"examples": list(values)})


REGISTRATION_CREATE_EXAMPLE: dict[str, Any] = {
    "tax": "vat",
    "rate": "0.06",
    "taxpayer_kind": "general",
    "filing_frequency": "monthly",
    "payable_account": "2221.01.03",
    "effective_from": "2026-01-01",
    "effective_to": None,
    "note": "信息技术服务 6%",
}


class TaxRegistrationCreate(BaseModel):
    """A tax the company is registered for, from a date."""

    model_config = examples(
        REGISTRATION_CREATE_EXAMPLE,
        {"tax": "cit", "rate": "0.15", "effective_from": "2026-01-01", "note": "高新技术企业"},
    )

    tax: Tax
    rate: Rate | None = Field(
        default=None, description="Required except for IIT withheld (progressive rates)."
    )
    taxpayer_kind: TaxpayerKind | None = Field(
        default=None, description="VAT only (and required there)."
    )
    filing_frequency: FilingFrequency | None = Field(
        default=None,
        description="Monthly by default; quarterly for a small-scale VAT taxpayer that files "
        "so; CIT is always quarterly.",
    )
    payable_account: AccountCode | None = Field(
        default=None,
        description="The 2221 account a payment debits (default: the tax's own sub-account).",
    )
    effective_from: date
    effective_to: date | None = None
    note: str = Field(default="", max_length=500)


class TaxRegistrationUpdate(BaseModel):
    """A change to a registration (only the fields sent change; the tax stays)."""

    model_config = examples({"rate": "0.13"}, {"effective_to": "2026-06-30"})

    rate: Rate | None = None
    taxpayer_kind: TaxpayerKind | None = None
    filing_frequency: FilingFrequency | None = omittable()
    payable_account: AccountCode | None = omittable()
    effective_from: date | None = omittable()
    effective_to: date | None = None
    note: str | None = omittable(max_length=500)


class TaxRegistrationRead(BaseModel):
    """A tax registration."""

    model_config = read_examples(
        {
            **REGISTRATION_CREATE_EXAMPLE,
            "id": REGISTRATION_ID,
            "version": 1,
            "created_by": "finance-staff",
            "created_at": STAMP,
            "updated_at": STAMP,
        }
    )

    id: uuid.UUID
    tax: Tax
    rate: Rate | None
    taxpayer_kind: TaxpayerKind | None
    filing_frequency: FilingFrequency
    payable_account: str
    effective_from: date
    effective_to: date | None
    note: str
    version: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class TaxCalendarCreate(BaseModel):
    """The year whose filing calendar to generate."""

    model_config = examples({"year": 2026})

    year: int = Field(ge=2000, le=2100)


class TaxCalendarRead(BaseModel):
    """What generating a year's calendar did."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"year": 2026, "created": 42, "moved": 0, "filings": 42}]}
    )

    year: int
    created: int = Field(description="Filings added now.")
    moved: int = Field(description="Filings whose statutory due date was brought up to date.")
    filings: int = Field(description="Filings the year's calendar holds.")


FILING_EXAMPLE: dict[str, Any] = {
    "id": FILING_ID,
    "registration_id": REGISTRATION_ID,
    "tax": "vat",
    "kind": "monthly",
    "year": 2026,
    "period_start": "2026-02-01",
    "period_end": "2026-02-28",
    "statutory_due_date": "2026-03-16",
    "due_date": "2026-03-20",
    "extension_reason": "国家税务总局公告：春节假期顺延申报期限",
    "status": "paid",
    "filed_on": "2026-03-12",
    "tax_base": "180000.00",
    "amount": "10800.00",
    "reference": "SB-2026-02-0001",
    "paid_on": "2026-03-12",
    "payment_reference": "TX-88120",
    "entry_id": ENTRY_ID,
    "version": 4,
    "created_at": STAMP,
    "updated_at": STAMP,
}


class TaxFilingRead(BaseModel):
    """A return of the calendar: period, due dates, what was filed and paid, and its status today."""

    model_config = read_examples(FILING_EXAMPLE)

    id: uuid.UUID
    registration_id: uuid.UUID
    tax: Tax
    kind: FilingKind
    year: int
    period_start: date
    period_end: date
    statutory_due_date: date = Field(description="By statute, moved to a working day.")
    due_date: date = Field(description="The statutory date or finance's extension.")
    extension_reason: str | None
    status: FilingStatus = Field(
        description="``upcoming`` while the period runs, ``due`` once it ended, ``filed``, "
        "``paid``, ``overdue`` after the due date while not filed or not paid."
    )
    filed_on: date | None
    tax_base: Money | None
    amount: Money | None
    reference: str | None
    paid_on: date | None
    payment_reference: str | None
    entry_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


class FilingFile(BaseModel):
    """The return as filed: its tax base, the tax due and the tax authority's reference."""

    model_config = examples(
        {
            "filed_on": "2026-03-12",
            "tax_base": "180000.00",
            "amount": "10800.00",
            "reference": "SB-2026-02-0001",
        }
    )

    filed_on: date
    tax_base: NonNegativeMoney
    amount: NonNegativeMoney = Field(description="The tax due (0 for a nil return).")
    reference: str = Field(min_length=1, max_length=100)


class FilingPay(BaseModel):
    """The payment of a filed return (it posts Dr the tax's 2221 account / Cr the bank)."""

    model_config = examples(
        {
            "paid_on": "2026-03-12",
            "amount": "10800.00",
            "bank_account": "1002",
            "payment_reference": "TX-88120",
        }
    )

    paid_on: date
    amount: NonNegativeMoney = Field(description="The amount of the return.")
    bank_account: AccountCode = Field(default="1002", description="A cash account (1002 银行存款).")
    payment_reference: str | None = Field(default=None, max_length=100)


class FilingExtend(BaseModel):
    """A due date moved for an extension the tax authority announced."""

    model_config = examples(
        {"due_date": "2026-02-24", "reason": "国家税务总局通知：春节假期申报期限顺延至2月24日"}
    )

    due_date: date
    reason: str = Field(min_length=1, max_length=2000)
