"""Models of finance: budgets, their lines, adjustments and revisions.

A budget is one department's plan for one fiscal year, by account and month. Its lines are
the control figures once it is approved (allocated); a revision changes them by deltas, once
approved. Finance's adjustments while the budget is drafted are kept with their reasons.
"""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.finance.db.models import Base
from shared.kit.approvals import ApprovalRecord
from shared.kit.audit import Audited
from shared.kit.db import CreatedByMixin, IdMixin, TimestampMixin, VersionedMixin

AMOUNT = Numeric(16, 2)


class Budget(
    IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, ApprovalRecord, Audited, Base
):
    """One department's budget for one fiscal year, approved through workflow (``budget``)."""

    __tablename__ = "budgets"

    year: Mapped[int] = mapped_column(Integer)
    department_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # draft | submitted | approved | rejected | approval_refused
    status: Mapped[str] = mapped_column(String(20), default="draft")
    note: Mapped[str] = mapped_column(String(2000), default="")
    workflow_instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    approved_at: Mapped[datetime | None] = mapped_column(default=None)

    lines: Mapped[list["BudgetLine"]] = relationship(
        back_populates="budget",
        cascade="all, delete-orphan",
        order_by="(BudgetLine.account_code, BudgetLine.month)",
        lazy="selectin",
    )

    __table_args__ = (
        UniqueConstraint("year", "department_id"),
        CheckConstraint("year BETWEEN 2000 AND 2999", name="year_in_range"),
        CheckConstraint(
            "status IN ('draft', 'submitted', 'approved', 'rejected', 'approval_refused')",
            name="status_known",
        ),
    )


class BudgetLine(IdMixin, Audited, Base):
    """What a budget gives one account in one month (the control figure once approved)."""

    __tablename__ = "budget_lines"

    budget_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("budgets.id", ondelete="CASCADE"), index=True
    )
    account_code: Mapped[str] = mapped_column(String(20))
    month: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(AMOUNT)

    budget: Mapped[Budget] = relationship(back_populates="lines")

    __table_args__ = (
        UniqueConstraint("budget_id", "account_code", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_in_range"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )


class BudgetAdjustment(IdMixin, CreatedByMixin, Base):
    """Finance's change to one line of a budget under review, with its reason (kept for good)."""

    __tablename__ = "budget_adjustments"

    budget_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("budgets.id", ondelete="CASCADE"), index=True
    )
    account_code: Mapped[str] = mapped_column(String(20))
    month: Mapped[int] = mapped_column(Integer)
    old_amount: Mapped[Decimal] = mapped_column(AMOUNT)
    new_amount: Mapped[Decimal] = mapped_column(AMOUNT)
    reason: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime]

    __table_args__ = (CheckConstraint("month BETWEEN 1 AND 12", name="month_in_range"),)


class BudgetRevision(
    IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, ApprovalRecord, Audited, Base
):
    """A change to an approved budget by deltas with a reason, approved like the budget and
    applied on approval (``pending`` → ``approved`` | ``rejected`` | ``withdrawn`` |
    ``approval_refused``)."""

    __tablename__ = "budget_revisions"

    budget_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("budgets.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    workflow_instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)

    lines: Mapped[list["BudgetRevisionLine"]] = relationship(
        cascade="all, delete-orphan",
        order_by="(BudgetRevisionLine.account_code, BudgetRevisionLine.month)",
        lazy="selectin",
    )

    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'withdrawn', 'approval_refused')",
            name="status_known",
        ),
    )


class BudgetRevisionLine(IdMixin, Base):
    """One delta of a revision: what it adds to (or takes from) an account in a month."""

    __tablename__ = "budget_revision_lines"

    revision_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("budget_revisions.id", ondelete="CASCADE"), index=True
    )
    account_code: Mapped[str] = mapped_column(String(20))
    month: Mapped[int] = mapped_column(Integer)
    delta: Mapped[Decimal] = mapped_column(AMOUNT)

    __table_args__ = (
        UniqueConstraint("revision_id", "account_code", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_in_range"),
        CheckConstraint("delta <> 0", name="delta_not_zero"),
    )


class BudgetPlan(IdMixin, Base):
    """Demo data: a budget planned for a department *code*, made into an approved budget when
    finance learns a department of that code from org's feed (``seed/budgets.py``)."""

    __tablename__ = "budget_plans"

    department_code: Mapped[str] = mapped_column(String(32), index=True)
    year: Mapped[int] = mapped_column(Integer)
    account_code: Mapped[str] = mapped_column(String(20))
    monthly_amount: Mapped[Decimal] = mapped_column(AMOUNT)

    __table_args__ = (UniqueConstraint("department_code", "year", "account_code"),)
