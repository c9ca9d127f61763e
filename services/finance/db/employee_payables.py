"""Models of finance: what finance owes employees from posted facts (travel advances and
reimbursements), and its payments.

A payable is recorded when a fact posts (``record_payables``, called by the posting area): one
per (posted fact, employee) whose entry credits other payables (2241) for that employee, net
of what the same entry debits 2241 for them (a reimbursement's advance offset). The database
holds the states: ``open`` (something owed, nothing paid), ``paid`` (its payment entry and
date set, all of it paid), ``settled`` (nothing was owed: a reimbursement its advance covered);
and one payment per payable (a unique key on the payment's payable).
"""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.finance.db.models import Base
from shared.kit.audit import Audited
from shared.kit.db import IdMixin, TimestampMixin, VersionedMixin, utcnow

AMOUNT = Numeric(16, 2)
PayableStatus = Literal["open", "paid", "settled"]
PAYABLE_STATUSES: tuple[str, ...] = ("open", "paid", "settled")


class EmployeePayable(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """What one posted fact made finance owe one employee, and whether it was paid."""

    __tablename__ = "employee_payables"

    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    fact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posting_facts.id"))
    fact_type: Mapped[str] = mapped_column(String(100))
    source_id: Mapped[str] = mapped_column(String(100))
    entry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("journal_entries.id"))
    account_code: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date] = mapped_column(Date)
    memo: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    amount_paid: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal("0"))
    status: Mapped[str] = mapped_column(String(10), default="open")
    payment_entry_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("journal_entries.id"), default=None
    )
    paid_on: Mapped[date | None] = mapped_column(Date, default=None)
    paid_by: Mapped[str | None] = mapped_column(String(200), default=None)

    __table_args__ = (
        UniqueConstraint("fact_id", "employee_id"),
        CheckConstraint("status IN ('open', 'paid', 'settled')", name="status_known"),
        CheckConstraint("amount >= 0 AND amount_paid >= 0", name="amounts_not_negative"),
        CheckConstraint("(status = 'settled') = (amount = 0)", name="settled_iff_nothing_owed"),
        CheckConstraint(
            "status <> 'paid' OR (amount_paid = amount AND payment_entry_id IS NOT NULL"
            " AND paid_on IS NOT NULL)",
            name="paid_in_full",
        ),
        CheckConstraint(
            "status = 'paid' OR (amount_paid = 0 AND payment_entry_id IS NULL AND paid_on IS NULL)",
            name="unpaid_has_no_payment",
        ),
        Index("ix_employee_payables_status", "status", "employee_id"),
    )

    @property
    def amount_due(self) -> Decimal:
        """What is still to pay."""
        return self.amount - self.amount_paid


class EmployeePayablePayment(IdMixin, Base):
    """The payment of a payable: at most one per payable (the database's guard against paying
    twice, with the payable's status)."""

    __tablename__ = "employee_payable_payments"

    payable_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee_payables.id"), unique=True)
    entry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("journal_entries.id"))
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    paid_on: Mapped[date] = mapped_column(Date)
    paid_by: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)
