"""Models of logistics: company events (team building, festivals) and their sign-ups.

Places are counted on a row of their own (``company_event_seats``): a sign-up takes a place
with one conditional ``UPDATE … SET taken = taken + 1 WHERE taken < capacity`` (the row is
locked by the update, so concurrent sign-ups queue on it), and a check constraint keeps
``0 <= taken <= capacity`` whatever the code does.
"""

import uuid
from datetime import datetime
from typing import Literal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from services.logistics.db.models import Base
from shared.kit.audit import Audited
from shared.kit.db import CreatedByMixin, IdMixin, TimestampMixin, VersionedMixin

EventKind = Literal["team_building", "festival"]
EventStatus = Literal["open", "cancelled"]
SignupStatus = Literal["confirmed", "waitlisted", "cancelled"]


class CompanyEvent(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A team-building or festival event employees sign up for."""

    __tablename__ = "company_events"

    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[EventKind] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    signup_deadline: Mapped[datetime]
    capacity: Mapped[int] = mapped_column(Integer)
    status: Mapped[EventStatus] = mapped_column(String(12), default="open")

    __table_args__ = (
        CheckConstraint("kind IN ('team_building', 'festival')", name="kind"),
        CheckConstraint("status IN ('open', 'cancelled')", name="status"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("signup_deadline <= starts_at", name="deadline_before_start"),
    )


class CompanyEventSeats(Base):
    """The places of an event: how many there are and how many are taken."""

    __tablename__ = "company_event_seats"

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company_events.id"), primary_key=True)
    capacity: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (CheckConstraint("taken >= 0 AND taken <= capacity", name="within_capacity"),)


class EventSignup(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """An employee's sign-up: a place (``confirmed``) or a turn on the waitlist."""

    __tablename__ = "event_signups"

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company_events.id"), index=True)
    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    status: Mapped[SignupStatus] = mapped_column(String(12))
    queued_at: Mapped[datetime]
    attended: Mapped[bool | None] = mapped_column(Boolean, default=None)

    __table_args__ = (
        CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name="status"),
        Index(
            "uq_event_signups_live",
            "event_id",
            "employee_id",
            unique=True,
            postgresql_where=text("status <> 'cancelled'"),
            sqlite_where=text("status <> 'cancelled'"),
        ),
        Index("ix_event_signups_queue", "event_id", "status", "queued_at"),
    )
