"""employee payables from posted facts, and their payments

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "employee_payables",
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("fact_id", sa.Uuid(), nullable=False),
        sa.Column("fact_type", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("account_code", sa.String(length=20), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("memo", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("amount_paid", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("payment_entry_id", sa.Uuid(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("paid_by", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'paid', 'settled')", name=op.f("ck_employee_payables_status_known")
        ),
        sa.CheckConstraint(
            "amount >= 0 AND amount_paid >= 0",
            name=op.f("ck_employee_payables_amounts_not_negative"),
        ),
        sa.CheckConstraint(
            "(status = 'settled') = (amount = 0)",
            name=op.f("ck_employee_payables_settled_iff_nothing_owed"),
        ),
        sa.CheckConstraint(
            "status <> 'paid' OR (amount_paid = amount AND payment_entry_id IS NOT NULL"
            " AND paid_on IS NOT NULL)",
            name=op.f("ck_employee_payables_paid_in_full"),
        ),
        sa.CheckConstraint(
            "status = 'paid' OR (amount_paid = 0 AND payment_entry_id IS NULL AND paid_on IS NULL)",
            name=op.f("ck_employee_payables_unpaid_has_no_payment"),
        ),
        sa.ForeignKeyConstraint(
            ["fact_id"],
            ["posting_facts.id"],
            name=op.f("fk_employee_payables_fact_id_posting_facts"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_employee_payables_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_employee_payables_payment_entry_id_journal_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employee_payables")),
        sa.UniqueConstraint(
            "fact_id", "employee_id", name=op.f("uq_employee_payables_fact_id_employee_id")
        ),
    )
    op.create_index(op.f("ix_employee_payables_employee_id"), "employee_payables", ["employee_id"])
    op.create_index(
        op.f("ix_employee_payables_status"), "employee_payables", ["status", "employee_id"]
    )
    op.create_table(
        "employee_payable_payments",
        sa.Column("payable_id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("paid_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_employee_payable_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["payable_id"],
            ["employee_payables.id"],
            name=op.f("fk_employee_payable_payments_payable_id_employee_payables"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_employee_payable_payments_entry_id_journal_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employee_payable_payments")),
        sa.UniqueConstraint("payable_id", name=op.f("uq_employee_payable_payments_payable_id")),
    )


def downgrade() -> None:
    op.drop_table("employee_payable_payments")
    op.drop_index(op.f("ix_employee_payables_status"), table_name="employee_payables")
    op.drop_index(op.f("ix_employee_payables_employee_id"), table_name="employee_payables")
    op.drop_table("employee_payables")
