"""Models of logistics: rooms, bookings, meetings, their minutes and action items, and the
notices owed to attendees (delivered to workflow's inbox by a sweep)."""

import uuid
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.logistics.db.models import Base
from shared.kit.audit import Audited
from shared.kit.db import CreatedByMixin, IdMixin, TimestampMixin, VersionedMixin

BookingStatus = Literal["active", "cancelled"]
MeetingStatus = Literal["scheduled", "cancelled"]
AttendeeResponse = Literal["pending", "accepted", "declined"]
ActionItemStatus = Literal["open", "done", "cancelled"]
NoticeKind = Literal["scheduled", "moved", "cancelled"]
NoticeState = Literal["pending", "sent", "failed"]


class Room(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """A meeting room: where it is, how many it holds and what is in it."""

    __tablename__ = "rooms"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    building: Mapped[str] = mapped_column(String(100), default="")
    floor: Mapped[str] = mapped_column(String(20), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    equipment: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (CheckConstraint("capacity > 0", name="capacity_positive"),)


class Booking(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A room held for a time. Two active bookings of one room never overlap: an exclusion
    constraint on PostgreSQL, a trigger on SQLite (see migration 0004)."""

    __tablename__ = "bookings"

    room_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rooms.id"))
    booker_employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    attendee_count: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[BookingStatus] = mapped_column(String(12), default="active")
    series_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)

    __table_args__ = (
        Index("ix_bookings_room_starts", "room_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("status IN ('active', 'cancelled')", name="status"),
        CheckConstraint("attendee_count > 0", name="attendees_positive"),
    )


class Meeting(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A meeting: its organiser, time, room (through its booking), agenda and materials."""

    __tablename__ = "meetings"

    organizer_employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    agenda: Mapped[str] = mapped_column(Text, default="")
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    room_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    booking_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[MeetingStatus] = mapped_column(String(12), default="scheduled")

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("status IN ('scheduled', 'cancelled')", name="status"),
    )


class MeetingAttendee(IdMixin, TimestampMixin, Audited, Base):
    """An employee invited to a meeting and their answer."""

    __tablename__ = "meeting_attendees"

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"))
    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    response: Mapped[AttendeeResponse] = mapped_column(String(10), default="pending")
    responded_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("uq_meeting_attendees_meeting_employee", "meeting_id", "employee_id", unique=True),
        CheckConstraint("response IN ('pending', 'accepted', 'declined')", name="response"),
    )


class MeetingMinutes(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """What a meeting discussed and decided (one record per meeting, edited with If-Match)."""

    __tablename__ = "meeting_minutes"

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[list[str]] = mapped_column(JSON, default=list)


class ActionItem(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """Something a meeting asked someone to do by a date."""

    __tablename__ = "action_items"

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    owner_employee_id: Mapped[uuid.UUID]
    due_date: Mapped[date | None] = mapped_column(default=None)
    status: Mapped[ActionItemStatus] = mapped_column(String(12), default="open")

    __table_args__ = (
        Index("ix_action_items_owner_status", "owner_employee_id", "status"),
        CheckConstraint("status IN ('open', 'done', 'cancelled')", name="status"),
    )


class MeetingNotice(IdMixin, TimestampMixin, Base):
    """A notice owed to attendees' inboxes, written in the change's transaction and delivered
    to workflow by the sweep (``background/meetings.py``) under its own idempotency key."""

    __tablename__ = "meeting_notices"

    meeting_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[NoticeKind] = mapped_column(String(12))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    body_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[NoticeState] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_meeting_notices_due", "state", "next_attempt_at"),
        CheckConstraint("state IN ('pending', 'sent', 'failed')", name="state"),
        CheckConstraint("kind IN ('scheduled', 'moved', 'cancelled')", name="kind"),
    )
