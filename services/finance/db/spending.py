"""Models of finance: expense claims (reimbursements to employees) and spending requests
(prior approval of a purchase or other spending), both approved through workflow and checked
against the department's budget when the approval is applied."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.finance.db.models import Base
from shared.kit.approvals import ApprovalRecord
from shared.kit.audit import Audited
from shared.kit.db import CreatedByMixin, IdMixin, TimestampMixin, VersionedMixin

AMOUNT = Numeric(16, 2)

CLAIM_STATUSES = (
    "submitted",
    "approved",
    "over_budget",
    "rejected",
    "withdrawn",
    "approval_refused",
    "paid",
)
REQUEST_STATUSES = (
    "submitted",
    "approved",
    "over_budget",
    "rejected",
    "withdrawn",
    "approval_refused",
    "closed",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ExpenseCategory(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """What an expense is (travel, office…) and the expense account it posts to."""

    __tablename__ = "expense_categories"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    account_code: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ExpenseClaim(
    IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, ApprovalRecord, Audited, Base
):
    """An employee's claim for expenses they paid, approved in workflow (``expense_claim``);
    once approved it is posted (a payable to the employee) and then paid."""

    __tablename__ = "expense_claims"

    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(AMOUNT)
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    workflow_instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decision_reason: Mapped[str | None] = mapped_column(String(2000), default=None)
    overridden_by: Mapped[str | None] = mapped_column(String(200), default=None)
    journal_entry_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    posted_on: Mapped[date | None] = mapped_column(default=None)
    posting_error: Mapped[str | None] = mapped_column(String(500), default=None)
    payment_entry_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    paid_on: Mapped[date | None] = mapped_column(default=None)

    lines: Mapped[list["ExpenseClaimLine"]] = relationship(
        cascade="all, delete-orphan", order_by="ExpenseClaimLine.position", lazy="selectin"
    )

    __table_args__ = (
        CheckConstraint("total > 0", name="total_positive"),
        CheckConstraint(_in("status", CLAIM_STATUSES), name="status_known"),
        CheckConstraint(
            "status NOT IN ('paid') OR (journal_entry_id IS NOT NULL AND payment_entry_id IS NOT NULL)",
            name="paid_after_posting",
        ),
    )


class ExpenseClaimLine(IdMixin, Base):
    """One expense of a claim: what (category → account), when, how much, and which
    department is charged."""

    __tablename__ = "expense_claim_lines"

    claim_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("expense_claims.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(32))
    account_code: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[uuid.UUID] = mapped_column(index=True)
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    expense_date: Mapped[date]
    description: Mapped[str] = mapped_column(String(2000))
    receipt_ref: Mapped[str | None] = mapped_column(String(500), default=None)

    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)


class SpendingRequest(
    IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, ApprovalRecord, Audited, Base
):
    """Prior approval of a purchase or other spending, approved in workflow (``purchase``);
    once approved its amount is committed against the budget until it is closed."""

    __tablename__ = "spending_requests"

    requester_id: Mapped[uuid.UUID] = mapped_column(index=True)
    department_id: Mapped[uuid.UUID] = mapped_column(index=True)
    account_code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    purpose: Mapped[str] = mapped_column(String(2000))
    expected_date: Mapped[date]
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    workflow_instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decision_reason: Mapped[str | None] = mapped_column(String(2000), default=None)
    overridden_by: Mapped[str | None] = mapped_column(String(200), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    journal_entry_id: Mapped[uuid.UUID | None] = mapped_column(default=None)

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(_in("status", REQUEST_STATUSES), name="status_known"),
        Index("ix_spending_requests_budget", "department_id", "year", "status"),
    )
