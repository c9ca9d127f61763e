"""statement line mappings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statement_lines",
        sa.Column("statement", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=7), nullable=False),
        sa.Column("side", sa.String(length=6), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "statement IN ('balance_sheet', 'income_statement', 'cash_flow')",
            name=op.f("ck_statement_lines_statement"),
        ),
        sa.CheckConstraint(
            "kind IN ('heading', 'item', 'total')", name=op.f("ck_statement_lines_kind")
        ),
        sa.CheckConstraint("side IN ('debit', 'credit')", name=op.f("ck_statement_lines_side")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_lines")),
        sa.UniqueConstraint("statement", "code", name=op.f("uq_statement_lines_statement_code")),
        sa.UniqueConstraint(
            "statement", "position", name=op.f("uq_statement_lines_statement_position")
        ),
    )
    op.create_table(
        "statement_line_terms",
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=15), nullable=False),
        sa.Column("ref", sa.String(length=60), nullable=False),
        sa.Column("sign", sa.SmallInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("sign IN (1, -1)", name=op.f("ck_statement_line_terms_sign")),
        sa.CheckConstraint(
            "kind IN ('account', 'category', 'cash_flow_item', 'opening_account', 'line')",
            name=op.f("ck_statement_line_terms_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["statement_lines.id"],
            name=op.f("fk_statement_line_terms_line_id_statement_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_line_terms")),
        sa.UniqueConstraint(
            "line_id", "position", name=op.f("uq_statement_line_terms_line_id_position")
        ),
    )
    op.create_index(op.f("ix_statement_line_terms_line_id"), "statement_line_terms", ["line_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_statement_line_terms_line_id"), table_name="statement_line_terms")
    op.drop_table("statement_line_terms")
    op.drop_table("statement_lines")
