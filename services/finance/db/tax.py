"""Models of finance: tax registrations, the filing calendar and filings."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Literal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.finance.db.models import Base
from shared.kit.audit import Audited
from shared.kit.db import CreatedByMixin, IdMixin, TimestampMixin, VersionedMixin

Tax = Literal[
    "vat",
    "cit",
    "iit_withheld",
    "city_construction",
    "education_surcharge",
    "local_education_surcharge",
]
TAXES: tuple[Tax, ...] = (
    "vat",
    "cit",
    "iit_withheld",
    "city_construction",
    "education_surcharge",
    "local_education_surcharge",
)
TaxpayerKind = Literal["general", "small_scale"]
FilingFrequency = Literal["monthly", "quarterly"]
FilingKind = Literal["monthly", "quarterly", "cit_prepayment", "cit_annual"]
FilingState = Literal["open", "filed", "paid"]
MONEY = Numeric(16, 2)
RATE = Numeric(7, 4)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class TaxRegistration(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A tax the company is registered for, with its rate from ``effective_from`` (to
    ``effective_to``, inclusive, when it ended or changed). Rates are data finance edits."""

    __tablename__ = "tax_registrations"

    tax: Mapped[Tax] = mapped_column(String(30))
    rate: Mapped[Decimal | None] = mapped_column(RATE, default=None)
    taxpayer_kind: Mapped[TaxpayerKind | None] = mapped_column(String(12), default=None)
    filing_frequency: Mapped[FilingFrequency] = mapped_column(String(10), default="monthly")
    payable_account: Mapped[str] = mapped_column(String(20))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, default=None)
    note: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (
        UniqueConstraint("tax", "effective_from"),
        CheckConstraint(_in("tax", TAXES), name="tax"),
        CheckConstraint("rate IS NULL OR (rate >= 0 AND rate <= 1)", name="rate"),
        CheckConstraint(
            "(tax = 'vat') = (taxpayer_kind IS NOT NULL)", name="taxpayer_kind_for_vat"
        ),
        CheckConstraint(
            "taxpayer_kind IS NULL OR taxpayer_kind IN ('general', 'small_scale')",
            name="taxpayer_kind",
        ),
        CheckConstraint("filing_frequency IN ('monthly', 'quarterly')", name="filing_frequency"),
        CheckConstraint("tax <> 'cit' OR filing_frequency = 'quarterly'", name="cit_quarterly"),
        CheckConstraint(
            "effective_to IS NULL OR effective_to >= effective_from", name="effective_range"
        ),
    )


class TaxFiling(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """One return of the filing calendar: its period, due date, and what was filed and paid.

    ``state`` is the stored lifecycle (open → filed → paid); the status a reader sees
    (upcoming, due, filed, paid, overdue) also depends on today (domain/tax_calendar.py).
    """

    __tablename__ = "tax_filings"

    registration_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tax_registrations.id"), index=True
    )
    tax: Mapped[Tax] = mapped_column(String(30))
    kind: Mapped[FilingKind] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer, index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    statutory_due_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    extension_reason: Mapped[str | None] = mapped_column(String(2000), default=None)
    state: Mapped[FilingState] = mapped_column(String(10), default="open")
    filed_on: Mapped[date | None] = mapped_column(Date, default=None)
    tax_base: Mapped[Decimal | None] = mapped_column(MONEY, default=None)
    amount: Mapped[Decimal | None] = mapped_column(MONEY, default=None)
    reference: Mapped[str | None] = mapped_column(String(100), default=None)
    filed_by: Mapped[str | None] = mapped_column(String(200), default=None)
    paid_on: Mapped[date | None] = mapped_column(Date, default=None)
    payment_reference: Mapped[str | None] = mapped_column(String(100), default=None)
    entry_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    paid_by: Mapped[str | None] = mapped_column(String(200), default=None)
    notified_due_date: Mapped[date | None] = mapped_column(Date, default=None)

    __table_args__ = (
        UniqueConstraint("tax", "kind", "period_start"),
        CheckConstraint("state IN ('open', 'filed', 'paid')", name="state"),
        CheckConstraint(
            "kind IN ('monthly', 'quarterly', 'cit_prepayment', 'cit_annual')", name="kind"
        ),
        CheckConstraint("period_end >= period_start", name="period"),
        CheckConstraint("due_date >= statutory_due_date", name="due_not_earlier"),
        CheckConstraint(
            "state = 'open' OR (filed_on IS NOT NULL AND amount IS NOT NULL "
            "AND tax_base IS NOT NULL AND reference IS NOT NULL)",
            name="filed_has_return",
        ),
        CheckConstraint(
            "state <> 'paid' OR (paid_on IS NOT NULL AND entry_id IS NOT NULL)",
            name="paid_has_entry",
        ),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        CheckConstraint("tax_base IS NULL OR tax_base >= 0", name="base_not_negative"),
    )
