"""Tables of the office environment: spaces, the facilities in them, maintenance schedules and
the work orders they generate (one per schedule and due date, a unique key), repair requests,
and the area's policy.

Parts a repair used are not a table of their own: they are stock movements whose cause is the
repair request (``cause_type = 'repair_request'``), so they pass through the stock ledger.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.logistics.db.models import Base
from services.logistics.db.supplies import one_of
from services.logistics.domain.facilities_kinds import (
    FacilityCategory,
    FacilityStatus,
    IntervalUnit,
    RepairStatus,
    SpaceKind,
    Urgency,
    WorkOrderStatus,
)
from shared.kit.audit import Audited
from shared.kit.db import CreatedByMixin, IdMixin, TimestampMixin, VersionedMixin


class FacilityPolicy(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """The area's settings (one row): days a resolved repair waits for the requester's
    confirmation before it closes by itself."""

    __tablename__ = "facility_policy"

    repair_auto_close_days: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("repair_auto_close_days >= 1", name="auto_close_days_positive"),
    )


class Space(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """A room or area of a building."""

    __tablename__ = "spaces"

    building: Mapped[str] = mapped_column(String(100))
    floor: Mapped[str] = mapped_column(String(20))
    room: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[SpaceKind] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (UniqueConstraint("building", "floor", "room"), one_of("kind", SpaceKind))


class Facility(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A piece of equipment or an installation, tagged, in a space."""

    __tablename__ = "facilities"

    asset_tag: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[FacilityCategory] = mapped_column(String(20), index=True)
    status: Mapped[FacilityStatus] = mapped_column(String(20), index=True)
    space_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("spaces.id"), default=None, index=True
    )
    purchased_on: Mapped[date | None] = mapped_column(default=None)
    warranty_until: Mapped[date | None] = mapped_column(default=None)
    note: Mapped[str] = mapped_column(String(2000), default="")

    __table_args__ = (one_of("category", FacilityCategory), one_of("status", FacilityStatus))


class MaintenanceSchedule(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """Recurring maintenance of a facility or a space: every N days, weeks or months from
    ``starts_on``, or a cron rule; ``next_due_on`` is the next date a work order is due."""

    __tablename__ = "maintenance_schedules"

    facility_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("facilities.id"), default=None, index=True
    )
    space_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("spaces.id"), default=None)
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(String(2000), default="")
    interval_unit: Mapped[IntervalUnit | None] = mapped_column(String(10), default=None)
    interval_count: Mapped[int | None] = mapped_column(Integer, default=None)
    cron: Mapped[str | None] = mapped_column(String(100), default=None)
    starts_on: Mapped[date]
    next_due_on: Mapped[date | None] = mapped_column(default=None, index=True)
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        CheckConstraint("facility_id IS NOT NULL OR space_id IS NOT NULL", name="has_target"),
        CheckConstraint(
            "(cron IS NULL AND interval_unit IS NOT NULL AND interval_count >= 1)"
            " OR (cron IS NOT NULL AND interval_unit IS NULL AND interval_count IS NULL)",
            name="one_rule",
        ),
        CheckConstraint(
            "interval_unit IS NULL OR interval_unit IN ('day', 'week', 'month')",
            name="interval_unit_valid",
        ),
    )


class WorkOrder(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """Work to do on a facility or space: due from a schedule (once per due date) or by hand."""

    __tablename__ = "work_orders"

    schedule_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("maintenance_schedules.id"), default=None
    )
    facility_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("facilities.id"), default=None, index=True
    )
    space_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("spaces.id"), default=None)
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(String(2000), default="")
    due_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[WorkOrderStatus] = mapped_column(String(20), index=True)
    assignee: Mapped[str | None] = mapped_column(String(200), default=None)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    note: Mapped[str] = mapped_column(String(2000), default="")

    __table_args__ = (
        # restart-safe and idempotent generation: one work order per schedule and due date
        UniqueConstraint("schedule_id", "due_on"),
        one_of("status", WorkOrderStatus),
    )


class RepairRequest(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """Something broken, reported by an employee and repaired by logistics."""

    __tablename__ = "repair_requests"

    requester_employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    facility_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("facilities.id"), default=None, index=True
    )
    space_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("spaces.id"), default=None)
    description: Mapped[str] = mapped_column(String(2000))
    urgency: Mapped[Urgency] = mapped_column(String(10))
    photo_ref: Mapped[str | None] = mapped_column(String(500), default=None)
    status: Mapped[RepairStatus] = mapped_column(String(20))
    assignee: Mapped[str | None] = mapped_column(String(200), default=None)
    assigned_at: Mapped[datetime | None] = mapped_column(default=None)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolution: Mapped[str] = mapped_column(String(2000), default="")
    cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        CheckConstraint("facility_id IS NOT NULL OR space_id IS NOT NULL", name="has_target"),
        CheckConstraint("cost IS NULL OR cost >= 0", name="cost_not_negative"),
        one_of("urgency", Urgency),
        one_of("status", RepairStatus),
        Index("ix_repair_requests_status_resolved", "status", "resolved_at"),
    )
