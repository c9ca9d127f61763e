"""Models of finance: chart of accounts, periods, journal entries.

The ledger's invariants are held by the database as well as by ``domain/ledger.py``: check
constraints on lines (non-negative amounts, exactly one side positive) and triggers (created
by migration ``0002``) that refuse to mark an entry posted unless it has two or more lines
whose debits equal its credits, and refuse any change to a posted entry's lines.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.finance.db.models import Base
from shared.kit.audit import Audited
from shared.kit.db import CreatedByMixin, IdMixin, TimestampMixin, VersionedMixin

AMOUNT = Numeric(16, 2)
"""A line's amount: up to 99,999,999,999,999.99."""
TOTAL = Numeric(18, 2)
"""A sum of amounts (an entry's total, a month's balance)."""

AccountCategory = Literal["asset", "liability", "equity", "cost", "profit_and_loss"]
NormalSide = Literal["debit", "credit"]
CashFlowSection = Literal["operating", "investing", "financing"]
CashFlowDirection = Literal["inflow", "outflow"]
PeriodStatus = Literal["open", "closed"]
EntryStatus = Literal["draft", "posted"]


class Account(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """An account of the chart: a CAS first-level account (``6602``) or a sub-account
    (``6602.02``). Only active leaf accounts take postings."""

    __tablename__ = "accounts"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    category: Mapped[AccountCategory] = mapped_column(String(20))
    normal_side: Mapped[NormalSide] = mapped_column(String(6))
    parent_code: Mapped[str | None] = mapped_column(String(20), default=None, index=True)
    level: Mapped[int] = mapped_column(Integer, default=1)
    is_leaf: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        CheckConstraint(
            "category IN ('asset', 'liability', 'equity', 'cost', 'profit_and_loss')",
            name="category",
        ),
        CheckConstraint("normal_side IN ('debit', 'credit')", name="normal_side"),
    )


class CashFlowItem(IdMixin, Base):
    """A line of the direct-method cash-flow statement a cash movement is classified under."""

    __tablename__ = "cash_flow_items"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    section: Mapped[CashFlowSection] = mapped_column(String(10))
    direction: Mapped[CashFlowDirection] = mapped_column(String(7))
    sort_order: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("section IN ('operating', 'investing', 'financing')", name="section"),
        CheckConstraint("direction IN ('inflow', 'outflow')", name="direction"),
    )


class Period(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """An accounting month. Its row is also the voucher counter of the month: posting locks it
    (``FOR UPDATE`` on PostgreSQL), checks it is open and takes the next number, so numbers
    have no gaps and a close cannot slip in between."""

    __tablename__ = "periods"

    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    ordinal: Mapped[int] = mapped_column(Integer, unique=True)
    """``year * 100 + month``: the order of periods, for lists."""
    status: Mapped[PeriodStatus] = mapped_column(String(6), default="open")
    last_voucher: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by: Mapped[str | None] = mapped_column(String(200), default=None)
    reopened_at: Mapped[datetime | None] = mapped_column(default=None)
    reopened_by: Mapped[str | None] = mapped_column(String(200), default=None)
    reopen_reason: Mapped[str | None] = mapped_column(String(2000), default=None)

    __table_args__ = (
        UniqueConstraint("year", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("last_voucher >= 0", name="last_voucher"),
        CheckConstraint("ordinal = year * 100 + month", name="ordinal"),
    )


class JournalEntry(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A journal entry (记账凭证): a draft until posted; once posted it never changes, except
    that a reversal links back to it."""

    __tablename__ = "journal_entries"

    entry_date: Mapped[date]
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    memo: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str | None] = mapped_column(String(100), default=None)
    status: Mapped[EntryStatus] = mapped_column(String(6), default="draft")
    voucher_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    voucher_number: Mapped[str | None] = mapped_column(String(20), default=None, unique=True)
    total: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal("0"))
    posted_at: Mapped[datetime | None] = mapped_column(default=None)
    posted_by: Mapped[str | None] = mapped_column(String(200), default=None)
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("journal_entries.id"), default=None, unique=True
    )
    reversed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("journal_entries.id"), default=None, unique=True
    )

    lines: Mapped[list["JournalLine"]] = relationship(
        back_populates="entry",
        order_by="JournalLine.line_no",
        cascade="all, delete-orphan",
        lazy="raise",
    )

    __table_args__ = (
        UniqueConstraint("year", "month", "voucher_seq"),
        Index("ix_journal_entries_entry_date", "entry_date"),
        Index("ix_journal_entries_period_status", "year", "month", "status"),
        Index("ix_journal_entries_source", "source", "source_id"),
        CheckConstraint("status IN ('draft', 'posted')", name="status"),
        CheckConstraint(
            "(status = 'draft' AND voucher_seq IS NULL AND voucher_number IS NULL) OR "
            "(status = 'posted' AND voucher_seq IS NOT NULL AND voucher_number IS NOT NULL)",
            name="voucher_when_posted",
        ),
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
    )


class JournalLine(IdMixin, Audited, Base):
    """One debit or one credit of an entry, with its dimensions."""

    __tablename__ = "journal_lines"

    entry_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("journal_entries.id", ondelete="CASCADE"), index=True
    )
    line_no: Mapped[int] = mapped_column(Integer)
    account_code: Mapped[str] = mapped_column(ForeignKey("accounts.code"), index=True)
    debit: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal("0"))
    credit: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal("0"))
    memo: Mapped[str | None] = mapped_column(String(500), default=None)
    department_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    party_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    project: Mapped[str | None] = mapped_column(String(100), default=None)
    cash_flow_item: Mapped[str | None] = mapped_column(
        ForeignKey("cash_flow_items.code"), default=None
    )

    entry: Mapped[JournalEntry] = relationship(back_populates="lines", lazy="raise")

    __table_args__ = (
        UniqueConstraint("entry_id", "line_no"),
        CheckConstraint("debit >= 0 AND credit >= 0", name="not_negative"),
        CheckConstraint(
            "(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)", name="one_side"
        ),
    )


class AccountBalance(Base):
    """The posted debits and credits of one account in one month (and department), kept in
    the posting transaction. Statements and budget execution read this, never the lines.

    ``department_key`` is the department id as text ('' for none), so the row is unique on
    both databases (a unique key over a nullable column would admit duplicates)."""

    __tablename__ = "account_balances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_code: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    department_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    department_key: Mapped[str] = mapped_column(String(36), default="")
    debit: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal("0"))
    credit: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal("0"))

    __table_args__ = (
        UniqueConstraint("account_code", "year", "month", "department_key"),
        Index("ix_account_balances_period", "year", "month"),
    )


class CashFlowBalance(Base):
    """The posted movements of cash (lines on cash accounts) under one cash-flow item in one
    month: ``debit`` is cash received, ``credit`` cash paid. The direct-method cash-flow
    statement reads this, never the lines."""

    __tablename__ = "cash_flow_balances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_code: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    debit: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal("0"))
    credit: Mapped[Decimal] = mapped_column(TOTAL, default=Decimal("0"))

    __table_args__ = (UniqueConstraint("item_code", "year", "month"),)
