"""Models of logistics: business travel — standards, travel requests and reimbursements."""

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    JSON,
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

from services.logistics.db.models import Base
from shared.kit.approvals import ApprovalRecord
from shared.kit.audit import Audited
from shared.kit.db import CreatedByMixin, IdMixin, TimestampMixin, VersionedMixin

MONEY = Numeric(14, 2)


class TravelStandard(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """What a grade may spend in a city tier, from ``effective_from`` (until ``effective_to``,
    exclusive, or open). ``grade`` ``*`` is the standard of every grade that has none of its own."""

    __tablename__ = "travel_standards"
    __table_args__ = (
        UniqueConstraint("grade", "city_tier", "effective_from"),
        CheckConstraint("hotel_cap_per_night >= 0 AND per_diem >= 0", name="non_negative"),
        CheckConstraint(
            "effective_to IS NULL OR effective_to > effective_from", name="dates_in_order"
        ),
    )

    grade: Mapped[str] = mapped_column(String(20))
    city_tier: Mapped[str] = mapped_column(String(10))
    hotel_cap_per_night: Mapped[Decimal] = mapped_column(MONEY)
    per_diem: Mapped[Decimal] = mapped_column(MONEY)
    transport_class: Mapped[str] = mapped_column(String(20))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None] = mapped_column(default=None)


class TravelRequest(
    IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, ApprovalRecord, Audited, Base
):
    """A business trip asked for, approved through workflow (``travel_request``)."""

    __tablename__ = "travel_requests"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint(
            "advance >= 0 AND advance <= estimated_cost", name="advance_within_estimate"
        ),
        Index("ix_travel_requests_employee", "employee_id", "start_date"),
    )

    employee_id: Mapped[uuid.UUID]
    department_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    grade: Mapped[str] = mapped_column(String(20))

    @property
    def days(self) -> int:
        """Calendar days of the trip, both ends counted."""
        return (self.end_date - self.start_date).days + 1

    @property
    def abroad(self) -> bool:
        """A trip abroad (the approval then asks the GM too)."""
        return self.city_tier == "abroad"

    destination: Mapped[str] = mapped_column(String(200))
    city_tier: Mapped[str] = mapped_column(String(10))
    start_date: Mapped[date]
    end_date: Mapped[date]
    purpose: Mapped[str] = mapped_column(String(2000))
    estimated_cost: Mapped[Decimal] = mapped_column(MONEY)
    advance: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    workflow_instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)


class Reimbursement(
    IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, ApprovalRecord, Audited, Base
):
    """What a traveller spent on an approved trip, checked line by line against the standard in
    force on each line's date and approved through workflow (``expense_claim``). At most one
    pending or approved reimbursement per trip (a partial unique index)."""

    __tablename__ = "travel_reimbursements"
    __table_args__ = (
        CheckConstraint("total >= 0 AND advance >= 0", name="non_negative"),
        Index(
            "uq_travel_reimbursements_live",
            "travel_request_id",
            unique=True,
            postgresql_where=text("status IN ('pending', 'approved')"),
            sqlite_where=text("status IN ('pending', 'approved')"),
        ),
    )

    travel_request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("travel_requests.id"))
    employee_id: Mapped[uuid.UUID]
    department_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    total: Mapped[Decimal] = mapped_column(MONEY)
    advance: Mapped[Decimal] = mapped_column(MONEY)
    over_standard: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    workflow_instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    lines: Mapped[list["ReimbursementLine"]] = relationship(
        order_by="ReimbursementLine.line_no", lazy="selectin", cascade="all, delete-orphan"
    )

    @property
    def net_payable(self) -> Decimal:
        """What finance still owes once the advance is set off (never below zero)."""
        return max(self.total - self.advance, Decimal("0.00"))


class ReimbursementLine(IdMixin, Base):
    """One receipt of a reimbursement, with what the standard check found."""

    __tablename__ = "travel_reimbursement_lines"
    __table_args__ = (
        UniqueConstraint("reimbursement_id", "line_no"),
        CheckConstraint("amount > 0", name="positive"),
    )

    reimbursement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("travel_reimbursements.id", ondelete="CASCADE")
    )
    line_no: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    spent_on: Mapped[date]
    nights: Mapped[int | None] = mapped_column(Integer, default=None)
    transport_class: Mapped[str | None] = mapped_column(String(20), default=None)
    receipt_ref: Mapped[str | None] = mapped_column(String(500), default=None)
    description: Mapped[str] = mapped_column(String(500), default="")
    justification: Mapped[str | None] = mapped_column(String(2000), default=None)
    within_standard: Mapped[bool] = mapped_column(Boolean, default=True)
    allowed: Mapped[Decimal | None] = mapped_column(MONEY, default=None)
    findings: Mapped[list[str]] = mapped_column(JSON, default=list)
