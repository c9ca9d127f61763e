"""SQLAlchemy models of the hr service (its own schema)."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.hr.domain.calendar import DayBasis, EndPortion, StartPortion
from shared.kit.approvals import ApprovalRecord
from shared.kit.audit import Audited
from shared.kit.db import (
    CreatedByMixin,
    IdMixin,
    KitBase,
    TimestampMixin,
    VersionedMixin,
    new_metadata,
)
from shared.kit.tables import define_kit_tables

DAYS = Numeric(6, 1)

DayKind = Literal["holiday", "workday"]


class Base(KitBase):
    """Root of every hr model."""

    __abstract__ = True
    metadata = new_metadata()


KIT = define_kit_tables(Base.metadata)


class Employee(Base):
    """hr's copy of org's employees, kept current from the org event feed."""

    __tablename__ = "employees"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    employee_number: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[uuid.UUID] = mapped_column(index=True)
    manager_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    status: Mapped[str] = mapped_column(String(12))
    employment_type: Mapped[str] = mapped_column(String(12))
    hire_date: Mapped[date]
    work_start_date: Mapped[date | None] = mapped_column(default=None)
    leave_date: Mapped[date | None] = mapped_column(default=None)
    synced_at: Mapped[datetime]


class Department(Base):
    """hr's copy of org's departments (tree and heads), kept current from the org event feed."""

    __tablename__ = "departments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    head_employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    synced_at: Mapped[datetime]


class CalendarYear(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """Whether a year's working calendar has been set up by HR."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, unique=True)
    note: Mapped[str] = mapped_column(String(500), default="")


class CalendarDay(IdMixin, Audited, Base):
    """A public holiday or a make-up working day (调休); each change is audited."""

    __tablename__ = "calendar_days"

    year: Mapped[int] = mapped_column(Integer, index=True)
    day: Mapped[date] = mapped_column(unique=True)
    kind: Mapped[DayKind] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100), default="")

    __table_args__ = (CheckConstraint("kind IN ('holiday', 'workday')", name="kind"),)


class LeaveType(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """A kind of leave and how it is counted."""

    __tablename__ = "leave_types"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    paid: Mapped[bool] = mapped_column(Boolean)
    uses_balance: Mapped[bool] = mapped_column(Boolean)
    day_basis: Mapped[DayBasis] = mapped_column(String(10))
    min_unit: Mapped[Decimal] = mapped_column(DAYS)
    requires_document: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (CheckConstraint("day_basis IN ('working', 'calendar')", name="day_basis"),)


class LeaveBalance(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """An employee's days of one leave type in one year."""

    __tablename__ = "leave_balances"

    employee_id: Mapped[uuid.UUID]
    year: Mapped[int] = mapped_column(Integer)
    leave_type: Mapped[str] = mapped_column(String(20))
    entitled: Mapped[Decimal] = mapped_column(DAYS, default=Decimal("0"))
    adjusted: Mapped[Decimal] = mapped_column(DAYS, default=Decimal("0"))
    used: Mapped[Decimal] = mapped_column(DAYS, default=Decimal("0"))
    pending: Mapped[Decimal] = mapped_column(DAYS, default=Decimal("0"))

    __table_args__ = (
        UniqueConstraint("employee_id", "year", "leave_type"),
        CheckConstraint("used >= 0 AND pending >= 0", name="not_negative"),
        CheckConstraint("used + pending <= entitled + adjusted", name="within_balance"),
    )

    @property
    def remaining(self) -> Decimal:
        """Days still free to request."""
        return self.entitled + self.adjusted - self.used - self.pending


class BalanceAdjustment(IdMixin, CreatedByMixin, Audited, Base):
    """A manual change of a balance by HR, with its reason."""

    __tablename__ = "balance_adjustments"

    balance_id: Mapped[uuid.UUID] = mapped_column(index=True)
    delta: Mapped[Decimal] = mapped_column(DAYS)
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime]


class LeaveRequest(
    IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, ApprovalRecord, Audited, Base
):
    """A request for leave, approved (and, once started, cancelled) through the workflow
    service on the kit's approval saga."""

    __tablename__ = "leave_requests"

    employee_id: Mapped[uuid.UUID]
    department_id: Mapped[uuid.UUID]
    leave_type: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[date]
    start_portion: Mapped[StartPortion] = mapped_column(String(10), default="full")
    end_date: Mapped[date]
    end_portion: Mapped[EndPortion] = mapped_column(String(10), default="full")
    days: Mapped[Decimal] = mapped_column(DAYS)
    balance_year: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    attachment_ref: Mapped[str | None] = mapped_column(String(500), default=None)
    # pending | approved | rejected | withdrawn | cancelled | cancellation_pending
    # | approval_refused (workflow refused to start its approval for good)
    status: Mapped[str] = mapped_column(String(22), default="pending")
    workflow_instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    cancellation_instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_leave_requests_employee_dates", "employee_id", "start_date", "end_date"),
        Index("ix_leave_requests_dates", "start_date", "end_date", "status"),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint("days > 0", name="days_positive"),
    )


# every area's models (after Base, which they import)
# ruff: noqa: E402
from services.hr.db import (
    development,  # noqa: F401
    people,  # noqa: F401
    settlements,  # noqa: F401
)
