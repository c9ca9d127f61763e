"""Models of logistics: the fleet, vehicle requests (approved through workflow), dispatches,
trips and the maintenance log.

A vehicle and a driver are never dispatched twice for overlapping times: exclusion constraints
on PostgreSQL, triggers on SQLite (migration 0006). A vehicle's odometer only grows (a trigger
on both databases).
"""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from services.logistics.db.models import Base
from shared.kit.approvals import ApprovalRecord
from shared.kit.audit import Audited
from shared.kit.db import CreatedByMixin, IdMixin, TimestampMixin, VersionedMixin

MONEY = Numeric(14, 2)

VehicleStatus = Literal["available", "maintenance", "retired"]
RequestStatus = Literal[
    "pending",
    "approved",
    "rejected",
    "withdrawn",
    "cancelled",
    "approval_refused",
    "dispatched",
    "completed",
]
DispatchStatus = Literal["active", "completed", "cancelled"]
TripStatus = Literal["open", "completed"]


class Vehicle(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """A vehicle of the fleet, its odometer and when its next maintenance is due."""

    __tablename__ = "vehicles"

    plate: Mapped[str] = mapped_column(String(20), unique=True)
    make_model: Mapped[str] = mapped_column(String(100), default="")
    seats: Mapped[int] = mapped_column(Integer)
    status: Mapped[VehicleStatus] = mapped_column(String(12), default="available")
    odometer_km: Mapped[int] = mapped_column(Integer, default=0)
    next_maintenance_date: Mapped[date | None] = mapped_column(default=None)
    next_maintenance_km: Mapped[int | None] = mapped_column(Integer, default=None)

    __table_args__ = (
        CheckConstraint("seats > 0", name="seats_positive"),
        CheckConstraint("odometer_km >= 0", name="odometer_not_negative"),
        CheckConstraint("status IN ('available', 'maintenance', 'retired')", name="status"),
    )


class VehicleRequest(
    IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, ApprovalRecord, Audited, Base
):
    """An employee's request for a vehicle, approved through workflow (``vehicle_request``)."""

    __tablename__ = "vehicle_requests"

    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    purpose: Mapped[str] = mapped_column(String(500))
    destination: Mapped[str] = mapped_column(String(200))
    passengers: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[RequestStatus] = mapped_column(String(20), default="pending")
    workflow_instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("passengers > 0", name="passengers_positive"),
    )


class Dispatch(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A vehicle and a driver assigned to an approved request for its times."""

    __tablename__ = "dispatches"

    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vehicle_requests.id"), index=True)
    vehicle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vehicles.id"))
    driver_employee_id: Mapped[uuid.UUID]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[DispatchStatus] = mapped_column(String(12), default="active")

    __table_args__ = (
        Index("ix_dispatches_vehicle_starts", "vehicle_id", "starts_at"),
        Index("ix_dispatches_driver_starts", "driver_employee_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("status IN ('active', 'completed', 'cancelled')", name="status"),
    )


class Trip(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A vehicle out and back: odometer readings, fuel and tolls."""

    __tablename__ = "trips"

    vehicle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vehicles.id"), index=True)
    request_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    dispatch_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    driver_employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    odometer_out: Mapped[int] = mapped_column(Integer)
    odometer_in: Mapped[int | None] = mapped_column(Integer, default=None)
    fuel_cost: Mapped[Decimal | None] = mapped_column(MONEY, default=None)
    tolls: Mapped[Decimal | None] = mapped_column(MONEY, default=None)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[TripStatus] = mapped_column(String(12), default="open")
    notes: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("odometer_out >= 0", name="odometer_out_not_negative"),
        CheckConstraint(
            "odometer_in IS NULL OR odometer_in >= odometer_out", name="odometer_in_order"
        ),
        CheckConstraint("fuel_cost IS NULL OR fuel_cost >= 0", name="fuel_not_negative"),
        CheckConstraint("tolls IS NULL OR tolls >= 0", name="tolls_not_negative"),
        CheckConstraint("status IN ('open', 'completed')", name="status"),
        Index(
            "uq_trips_one_open_per_vehicle",
            "vehicle_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
    )


class VehicleMaintenance(IdMixin, TimestampMixin, CreatedByMixin, Audited, Base):
    """A maintenance done on a vehicle, and when the next one is due."""

    __tablename__ = "vehicle_maintenance"

    vehicle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vehicles.id"), index=True)
    performed_on: Mapped[date]
    odometer_km: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(2000))
    cost: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    next_due_date: Mapped[date | None] = mapped_column(default=None)
    next_due_km: Mapped[int | None] = mapped_column(Integer, default=None)

    __table_args__ = (CheckConstraint("cost >= 0", name="cost_not_negative"),)
