"""SQLAlchemy models of the workflow service (its own schema)."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.kit.audit import Audited
from shared.kit.db import IdMixin, KitBase, TimestampMixin, VersionedMixin, new_metadata
from shared.kit.tables import define_kit_tables


class Base(KitBase):
    """Root of every workflow model."""

    __abstract__ = True
    metadata = new_metadata()


KIT = define_kit_tables(Base.metadata)


class Definition(IdMixin, TimestampMixin, Audited, Base):
    """One version of an approval definition; a change makes a new row, never an edit."""

    __tablename__ = "definitions"

    key: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    subject_type: Mapped[str] = mapped_column(String(80))
    user_startable: Mapped[bool] = mapped_column(Boolean, default=False)
    form_schema: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    cc: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    on_empty: Mapped[str] = mapped_column(String(10), default="skip")
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str | None] = mapped_column(String(200), default=None)

    __table_args__ = (
        UniqueConstraint("key", "revision"),
        Index("ix_definitions_key_current", "key", "is_current"),
    )


class Instance(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """One request going through a definition's steps."""

    __tablename__ = "instances"

    definition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("definitions.id"))
    definition_key: Mapped[str] = mapped_column(String(64))
    subject_service: Mapped[str] = mapped_column(String(20))
    subject_type: Mapped[str] = mapped_column(String(80))
    subject_id: Mapped[str] = mapped_column(String(80))
    requester_employee_id: Mapped[uuid.UUID]
    # As org named the requester when the request started (inboxes show it without asking org).
    requester_name: Mapped[str | None] = mapped_column(String(200), default=None)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(
        String(12), default="pending"
    )  # pending|returned|approved|rejected|withdrawn
    current_step: Mapped[int | None] = mapped_column(Integer, default=0)
    round: Mapped[int] = mapped_column(Integer, default=1)
    started_by: Mapped[str | None] = mapped_column(String(200), default=None)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_instances_requester", "requester_employee_id", "created_at"),
        Index("ix_instances_subject", "subject_service", "subject_type", "subject_id"),
        Index("ix_instances_status", "status"),
    )


class Task(IdMixin, TimestampMixin, Base):
    """One approver's part in one step of one round of an instance."""

    __tablename__ = "tasks"

    instance_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int] = mapped_column(Integer)
    step_index: Mapped[int] = mapped_column(Integer)
    step_key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)  # order within a sequential step
    assignee_employee_id: Mapped[uuid.UUID]
    # The approver the task was meant for when a substitute holds it (delegation) or it was transferred.
    original_assignee_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(
        String(12), default="pending"
    )  # waiting|pending|approved|rejected|returned|cancelled
    due_at: Mapped[datetime | None] = mapped_column(default=None)
    # due_at, or the far future when the step has no deadline: the inbox sorts on it (never null).
    sort_due: Mapped[datetime]
    deadline_done: Mapped[bool] = mapped_column(Boolean, default=False)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_by_employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    on_behalf_of_employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)

    __table_args__ = (
        Index("ix_tasks_inbox", "assignee_employee_id", "status", "sort_due", "id"),
        Index("ix_tasks_original_inbox", "original_assignee_id", "status"),
        Index("ix_tasks_deadlines", "status", "deadline_done", "due_at"),
    )

    instance: Mapped["Instance"] = relationship(lazy="joined", innerjoin=True)


class HistoryEntry(IdMixin, Base):
    """The instance's trail: every start, assignment, decision, comment, skip and deadline action."""

    __tablename__ = "history"

    instance_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str | None] = mapped_column(String(200), default=None)
    actor_employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    on_behalf_of_employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    task_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    step_index: Mapped[int | None] = mapped_column(Integer, default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CarbonCopy(IdMixin, Base):
    """An employee copied on an instance."""

    __tablename__ = "carbon_copies"

    instance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)

    __table_args__ = (UniqueConstraint("instance_id", "employee_id"),)


class Delegation(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """While ``employee`` is away, new tasks go to ``substitute`` (optionally for some definitions)."""

    __tablename__ = "delegations"

    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    substitute_employee_id: Mapped[uuid.UUID]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    definition_keys: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[str | None] = mapped_column(String(500), default=None)
    created_by: Mapped[str | None] = mapped_column(String(200), default=None)


class NoticeDelivery(IdMixin, Base):
    """One notice a service delivered to the inbox, kept so a retry with its key is answered again.

    ``(sender, idempotency_key)`` is unique: the same key twice gives one delivery and one
    notification per recipient, however the retries interleave.
    """

    __tablename__ = "notice_deliveries"

    sender: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))
    recipients: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("sender", "idempotency_key"),)


class Notification(IdMixin, Base):
    """One notice in one person's inbox: workflow's own (a task, a copy, a reminder, an escalation,
    an outcome) or one another service delivered (``delivery_id``)."""

    __tablename__ = "notifications"

    recipient_employee_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(40))
    instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    task_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    body_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    subject_service: Mapped[str | None] = mapped_column(String(20), default=None)
    subject_type: Mapped[str | None] = mapped_column(String(80), default=None)
    subject_id: Mapped[str | None] = mapped_column(String(80), default=None)
    url: Mapped[str | None] = mapped_column(String(2000), default=None)
    sender: Mapped[str] = mapped_column(String(200), default="workflow")
    delivery_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("notice_deliveries.id", ondelete="CASCADE"), default=None
    )
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_notifications_recipient", "recipient_employee_id", "read_at", "created_at"),
        Index("ix_notifications_delivery", "delivery_id"),
    )
