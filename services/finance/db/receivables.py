"""Models of finance: invoices, payments, aging and the cash plan.

An invoice is a receivable (to a customer party) or a payable (from a supplier party). Its
``paid`` amount only ever moves under a row lock, and the database refuses ``paid > gross``
(``ck_invoices_paid_within_gross``), so no two concurrent payments can over-pay it.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.finance.db.models import Base
from shared.kit.audit import Audited
from shared.kit.db import CreatedByMixin, IdMixin, TimestampMixin, VersionedMixin

AMOUNT = Numeric(16, 2)
RATE = Numeric(5, 4)

InvoiceKind = Literal["receivable", "payable"]
InvoiceStatus = Literal["draft", "open", "partly_paid", "paid", "cancelled"]
PaymentKind = Literal["receipt", "payment"]
BatchStatus = Literal["pending", "executed", "cancelled"]


class Invoice(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A receivable invoice to a customer or a payable invoice from a supplier."""

    __tablename__ = "invoices"

    kind: Mapped[InvoiceKind] = mapped_column(String(10))
    number: Mapped[str] = mapped_column(String(60))
    party_id: Mapped[uuid.UUID] = mapped_column(index=True)
    party_name: Mapped[str] = mapped_column(String(200))
    party_bank_account: Mapped[str | None] = mapped_column(String(100), default=None)
    party_bank_name: Mapped[str | None] = mapped_column(String(200), default=None)
    issue_date: Mapped[date]
    due_date: Mapped[date]
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    description: Mapped[str] = mapped_column(String(500), default="")
    net: Mapped[Decimal] = mapped_column(AMOUNT)
    vat: Mapped[Decimal] = mapped_column(AMOUNT)
    gross: Mapped[Decimal] = mapped_column(AMOUNT)
    paid: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal("0.00"))
    status: Mapped[InvoiceStatus] = mapped_column(String(12), default="draft")
    department_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    project: Mapped[str | None] = mapped_column(String(100), default=None)
    contract_reference: Mapped[str | None] = mapped_column(String(100), default=None)
    milestone: Mapped[str | None] = mapped_column(String(100), default=None)
    payment_approved_at: Mapped[datetime | None] = mapped_column(default=None)
    payment_approved_by: Mapped[str | None] = mapped_column(String(200), default=None)
    issued_at: Mapped[datetime | None] = mapped_column(default=None)
    entry_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    cancelled_on: Mapped[date | None] = mapped_column(default=None)
    cancel_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    reversal_entry_id: Mapped[uuid.UUID | None] = mapped_column(default=None)

    lines: Mapped[list["InvoiceLine"]] = relationship(
        order_by="InvoiceLine.position", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        UniqueConstraint("kind", "party_id", "number"),
        UniqueConstraint("contract_reference", "milestone"),
        Index("ix_invoices_kind_status_due", "kind", "status", "due_date"),
        CheckConstraint("kind IN ('receivable', 'payable')", name="kind"),
        CheckConstraint(
            "status IN ('draft', 'open', 'partly_paid', 'paid', 'cancelled')", name="status"
        ),
        CheckConstraint("due_date >= issue_date", name="due_after_issue"),
        CheckConstraint("net >= 0 AND vat >= 0 AND gross > 0", name="amounts_positive"),
        # within half a cent: SQLite compares NUMERIC columns as floating point
        CheckConstraint("abs(gross - net - vat) < 0.005", name="gross_is_net_plus_vat"),
        CheckConstraint("paid >= 0 AND paid <= gross", name="paid_within_gross"),
        CheckConstraint(
            "(status = 'paid' AND paid = gross)"
            " OR (status = 'partly_paid' AND paid > 0 AND paid < gross)"
            " OR (status IN ('draft', 'open', 'cancelled') AND paid = 0)",
            name="status_matches_paid",
        ),
    )

    @property
    def outstanding(self) -> Decimal:
        """What is still owed on the invoice (nothing on a draft or a cancelled one)."""
        if self.status in ("draft", "cancelled"):
            return Decimal("0.00")
        return self.gross - self.paid


class InvoiceLine(IdMixin, Audited, Base):
    """One line of an invoice: a net amount, its VAT rate and the account it is booked to."""

    __tablename__ = "invoice_lines"

    invoice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(500))
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    vat_rate: Mapped[Decimal] = mapped_column(RATE)
    vat: Mapped[Decimal] = mapped_column(AMOUNT)
    account: Mapped[str] = mapped_column(String(40))

    __table_args__ = (
        UniqueConstraint("invoice_id", "position"),
        CheckConstraint("amount > 0 AND vat >= 0", name="amounts_positive"),
        CheckConstraint("vat_rate >= 0 AND vat_rate < 1", name="vat_rate_range"),
    )


class Payment(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """Money received from a customer (``receipt``) or paid to a supplier (``payment``)."""

    __tablename__ = "payments"

    kind: Mapped[PaymentKind] = mapped_column(String(10))
    party_id: Mapped[uuid.UUID] = mapped_column(index=True)
    party_name: Mapped[str] = mapped_column(String(200))
    payment_date: Mapped[date] = mapped_column(index=True)
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    reference: Mapped[str] = mapped_column(String(200), default="")
    batch_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    entry_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    reversed_on: Mapped[date | None] = mapped_column(default=None)
    reversal_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    reversal_entry_id: Mapped[uuid.UUID | None] = mapped_column(default=None)

    allocations: Mapped[list["PaymentAllocation"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        CheckConstraint("kind IN ('receipt', 'payment')", name="kind"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )


class PaymentAllocation(IdMixin, Audited, Base):
    """The part of a payment that settles one invoice."""

    __tablename__ = "payment_allocations"

    payment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("payments.id", ondelete="CASCADE"), index=True
    )
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(AMOUNT)

    __table_args__ = (
        UniqueConstraint("payment_id", "invoice_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )


class PaymentBatch(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """Approved payables due by a date, paid together from one bank file."""

    __tablename__ = "payment_batches"

    due_by: Mapped[date]
    payment_date: Mapped[date]
    status: Mapped[BatchStatus] = mapped_column(String(10), default="pending")
    total: Mapped[Decimal] = mapped_column(AMOUNT)
    item_count: Mapped[int] = mapped_column(Integer)
    memo: Mapped[str] = mapped_column(String(500), default="")
    executed_at: Mapped[datetime | None] = mapped_column(default=None)
    executed_by: Mapped[str | None] = mapped_column(String(200), default=None)

    items: Mapped[list["PaymentBatchItem"]] = relationship(
        order_by="PaymentBatchItem.position", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'executed', 'cancelled')", name="status"),
        CheckConstraint("total > 0 AND item_count > 0", name="not_empty"),
    )


class PaymentBatchItem(IdMixin, Audited, Base):
    """One payable in a batch: whom to pay, where, how much, and the payment it became."""

    __tablename__ = "payment_batch_items"

    batch_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("payment_batches.id", ondelete="CASCADE"), index=True
    )
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id"))
    position: Mapped[int] = mapped_column(Integer)
    payee_name: Mapped[str] = mapped_column(String(200))
    bank_account: Mapped[str | None] = mapped_column(String(100), default=None)
    bank_name: Mapped[str | None] = mapped_column(String(200), default=None)
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    reference: Mapped[str] = mapped_column(String(200))
    # True while the batch is pending: an invoice is in at most one pending batch
    pending: Mapped[bool] = mapped_column(Boolean, default=True)
    payment_id: Mapped[uuid.UUID | None] = mapped_column(default=None)

    __table_args__ = (
        UniqueConstraint("batch_id", "position"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index(
            "ux_payment_batch_items_pending_invoice",
            "invoice_id",
            unique=True,
            sqlite_where=text("pending"),
            postgresql_where=text("pending"),
        ),
    )
