"""posting rules and posting exceptions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "posting_rules",
        sa.Column("fact_type", sa.String(length=100), nullable=False),
        sa.Column("component", sa.String(length=60), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=True),
        sa.Column("debit_account", sa.String(length=20), nullable=False),
        sa.Column("credit_account", sa.String(length=20), nullable=False),
        sa.Column("keep_department", sa.Boolean(), nullable=False),
        sa.Column("keep_employee", sa.Boolean(), nullable=False),
        sa.Column("keep_party", sa.Boolean(), nullable=False),
        sa.Column("keep_project", sa.Boolean(), nullable=False),
        sa.Column("cash_flow_item", sa.String(length=40), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "debit_account <> credit_account", name=op.f("ck_posting_rules_two_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting_rules")),
        sa.UniqueConstraint(
            "fact_type",
            "component",
            "category",
            name=op.f("uq_posting_rules_fact_type_component_category"),
        ),
    )
    op.create_index(
        "uq_posting_rules_general",
        "posting_rules",
        ["fact_type", "component"],
        unique=True,
        sqlite_where=sa.text("category IS NULL"),
        postgresql_where=sa.text("category IS NULL"),
    )
    op.create_table(
        "posting_facts",
        sa.Column("fact_type", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "status IN ('posted', 'parked', 'dismissed')", name=op.f("ck_posting_facts_status")
        ),
        sa.CheckConstraint(
            "status <> 'posted' OR entry_id IS NOT NULL",
            name=op.f("ck_posting_facts_posted_has_entry"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting_facts")),
        sa.UniqueConstraint(
            "fact_type", "source_id", name=op.f("uq_posting_facts_fact_type_source_id")
        ),
    )
    op.create_index(op.f("ix_posting_facts_entry_id"), "posting_facts", ["entry_id"])
    op.create_table(
        "posting_exceptions",
        sa.Column("fact_id", sa.Uuid(), nullable=False),
        sa.Column("fact_type", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason_code", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.Column("resolution_note", sa.String(length=2000), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'posted', 'dismissed')", name=op.f("ck_posting_exceptions_status")
        ),
        sa.CheckConstraint(
            "status <> 'posted' OR entry_id IS NOT NULL",
            name=op.f("ck_posting_exceptions_posted_has_entry"),
        ),
        sa.CheckConstraint(
            "status <> 'dismissed' OR resolution_note IS NOT NULL",
            name=op.f("ck_posting_exceptions_dismissed_has_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["fact_id"],
            ["posting_facts.id"],
            name=op.f("fk_posting_exceptions_fact_id_posting_facts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting_exceptions")),
        sa.UniqueConstraint("fact_id", name=op.f("uq_posting_exceptions_fact_id")),
    )
    op.create_index(op.f("ix_posting_exceptions_fact_type"), "posting_exceptions", ["fact_type"])
    op.create_index(op.f("ix_posting_exceptions_status"), "posting_exceptions", ["status"])


def downgrade() -> None:
    op.drop_table("posting_exceptions")
    op.drop_table("posting_facts")
    op.drop_index("uq_posting_rules_general", table_name="posting_rules")
    op.drop_table("posting_rules")
