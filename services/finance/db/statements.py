"""Models of finance: statement line mappings (data finance may change).

A statement line (``balance_sheet``, ``income_statement`` or ``cash_flow``) has its place, a
code, Chinese and English names, a kind (heading, item or total), the side its amounts are
read on, and its terms: the accounts, categories or cash-flow items an item adds, or the
lines a total adds, each with a sign. ``domain/statements.py`` says what each term reads.

The statements read the ledger's monthly balances (``AccountBalance``) and monthly cash-flow
totals (``CashFlowBalance``, kept by ``post_entry``), so this area keeps no totals of its own.
"""

import uuid
from typing import Literal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.finance.db.models import Base
from shared.kit.audit import Audited
from shared.kit.db import IdMixin, TimestampMixin, VersionedMixin

StatementKindColumn = Literal["balance_sheet", "income_statement", "cash_flow"]


class StatementLine(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """One line of a statement, in its place."""

    __tablename__ = "statement_lines"

    statement: Mapped[StatementKindColumn] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[Literal["heading", "item", "total"]] = mapped_column(String(7))
    side: Mapped[Literal["debit", "credit"]] = mapped_column(String(6))

    terms: Mapped[list["StatementLineTerm"]] = relationship(
        back_populates="line",
        order_by="StatementLineTerm.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    __table_args__ = (
        UniqueConstraint("statement", "code"),
        UniqueConstraint("statement", "position"),
        CheckConstraint(
            "statement IN ('balance_sheet', 'income_statement', 'cash_flow')", name="statement"
        ),
        CheckConstraint("kind IN ('heading', 'item', 'total')", name="kind"),
        CheckConstraint("side IN ('debit', 'credit')", name="side"),
    )


class StatementLineTerm(IdMixin, Audited, Base):
    """One account, category, cash-flow item or line a statement line adds, with its sign."""

    __tablename__ = "statement_line_terms"

    line_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("statement_lines.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[Literal["account", "category", "cash_flow_item", "opening_account", "line"]] = (
        mapped_column(String(15))
    )
    ref: Mapped[str] = mapped_column(String(60))
    sign: Mapped[int] = mapped_column(SmallInteger, default=1)

    line: Mapped[StatementLine] = relationship(back_populates="terms", lazy="raise")

    __table_args__ = (
        UniqueConstraint("line_id", "position"),
        CheckConstraint("sign IN (1, -1)", name="sign"),
        CheckConstraint(
            "kind IN ('account', 'category', 'cash_flow_item', 'opening_account', 'line')",
            name="kind",
        ),
    )
