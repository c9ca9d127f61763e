"""Models of finance: posting rules, consumed facts and posting exceptions."""

import uuid
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.finance.db.models import Base
from shared.kit.audit import Audited
from shared.kit.db import CreatedByMixin, IdMixin, TimestampMixin, VersionedMixin

FactStatus = Literal["posted", "parked", "dismissed"]
ExceptionStatus = Literal["open", "posted", "dismissed"]
Dimension = Literal["department", "employee", "party", "project"]
DIMENSIONS: tuple[Dimension, ...] = ("department", "employee", "party", "project")


class PostingRule(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """How one component of a fact type (optionally of one category) becomes a debit and a credit.

    A rule for (fact type, component, category) wins over the general rule of (fact type,
    component) without a category. Finance edits rules (``If-Match``); every change is in the
    audit log, which is the rule's history.
    """

    __tablename__ = "posting_rules"

    fact_type: Mapped[str] = mapped_column(String(100))
    component: Mapped[str] = mapped_column(String(60))
    category: Mapped[str | None] = mapped_column(String(60), default=None)
    debit_account: Mapped[str] = mapped_column(String(20))
    credit_account: Mapped[str] = mapped_column(String(20))
    keep_department: Mapped[bool] = mapped_column(Boolean, default=True)
    keep_employee: Mapped[bool] = mapped_column(Boolean, default=True)
    keep_party: Mapped[bool] = mapped_column(Boolean, default=True)
    keep_project: Mapped[bool] = mapped_column(Boolean, default=True)
    cash_flow_item: Mapped[str | None] = mapped_column(String(40), default=None)
    description: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        CheckConstraint("debit_account <> credit_account", name="two_accounts"),
        # one rule per (type, component, category), and one general rule per (type, component)
        UniqueConstraint("fact_type", "component", "category"),
        Index(
            "uq_posting_rules_general",
            "fact_type",
            "component",
            unique=True,
            sqlite_where=text("category IS NULL"),
            postgresql_where=text("category IS NULL"),
        ),
    )

    @property
    def dimensions(self) -> list[Dimension]:
        """The dimensions the rule keeps on the entry's lines."""
        return [name for name in DIMENSIONS if getattr(self, f"keep_{name}")]


class ConsumedFact(IdMixin, Base):
    """A fact finance received, once per (fact type, source id): the database's own guard that a
    fact delivered twice is posted once. ``data`` is the fact exactly as it arrived."""

    __tablename__ = "posting_facts"

    fact_type: Mapped[str] = mapped_column(String(100))
    source_id: Mapped[str] = mapped_column(String(100))
    occurred_on: Mapped[date | None] = mapped_column(Date, default=None)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    event_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    status: Mapped[FactStatus] = mapped_column(String(10))
    entry_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    received_at: Mapped[datetime]
    posted_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        UniqueConstraint("fact_type", "source_id"),
        CheckConstraint("status IN ('posted', 'parked', 'dismissed')", name="status"),
        CheckConstraint("status <> 'posted' OR entry_id IS NOT NULL", name="posted_has_entry"),
    )


class PostingException(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """A fact that could not be posted: why, and how finance resolved it (retried or dismissed)."""

    __tablename__ = "posting_exceptions"

    fact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posting_facts.id"), unique=True)
    fact_type: Mapped[str] = mapped_column(String(100), index=True)
    source_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[ExceptionStatus] = mapped_column(String(10), default="open", index=True)
    reason_code: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(String(2000))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    entry_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_by: Mapped[str | None] = mapped_column(String(200), default=None)
    resolution_note: Mapped[str | None] = mapped_column(String(2000), default=None)

    __table_args__ = (
        CheckConstraint("status IN ('open', 'posted', 'dismissed')", name="status"),
        CheckConstraint("status <> 'posted' OR entry_id IS NOT NULL", name="posted_has_entry"),
        CheckConstraint(
            "status <> 'dismissed' OR resolution_note IS NOT NULL", name="dismissed_has_reason"
        ),
    )
