"""invoices, payments and allocations, payment batches

The rule that an invoice is never paid beyond its gross amount is held here as well as in the
code (``ck_invoices_paid_within_gross``), and an invoice's status always agrees with what is
paid on it (``ck_invoices_status_matches_paid``); a payable is in at most one pending payment
batch (the partial unique index ``ux_payment_batch_items_pending_invoice``); a contract
milestone makes at most one invoice (``uq_invoices_contract_reference_milestone``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "payment_batch_items",
    "payment_allocations",
    "invoice_lines",
    "payments",
    "payment_batches",
    "invoices",
)


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("party_id", sa.Uuid(), nullable=False),
        sa.Column("party_name", sa.String(length=200), nullable=False),
        sa.Column("party_bank_account", sa.String(length=100), nullable=True),
        sa.Column("party_bank_name", sa.String(length=200), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("net", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("vat", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("gross", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("paid", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("project", sa.String(length=100), nullable=True),
        sa.Column("contract_reference", sa.String(length=100), nullable=True),
        sa.Column("milestone", sa.String(length=100), nullable=True),
        sa.Column("payment_approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payment_approved_by", sa.String(length=200), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("entry_id", sa.Uuid(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("cancel_reason", sa.String(length=500), nullable=True),
        sa.Column("reversal_entry_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "(status = 'paid' AND paid = gross) OR (status = 'partly_paid' AND paid > 0 AND paid < gross) OR (status IN ('draft', 'open', 'cancelled') AND paid = 0)",
            name=op.f("ck_invoices_status_matches_paid"),
        ),
        sa.CheckConstraint("kind IN ('receivable', 'payable')", name=op.f("ck_invoices_kind")),
        sa.CheckConstraint(
            "status IN ('draft', 'open', 'partly_paid', 'paid', 'cancelled')",
            name=op.f("ck_invoices_status"),
        ),
        sa.CheckConstraint(
            "abs(gross - net - vat) < 0.005", name=op.f("ck_invoices_gross_is_net_plus_vat")
        ),
        sa.CheckConstraint("due_date >= issue_date", name=op.f("ck_invoices_due_after_issue")),
        sa.CheckConstraint(
            "net >= 0 AND vat >= 0 AND gross > 0", name=op.f("ck_invoices_amounts_positive")
        ),
        sa.CheckConstraint(
            "paid >= 0 AND paid <= gross", name=op.f("ck_invoices_paid_within_gross")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint(
            "contract_reference", "milestone", name=op.f("uq_invoices_contract_reference_milestone")
        ),
        sa.UniqueConstraint(
            "kind", "party_id", "number", name=op.f("uq_invoices_kind_party_id_number")
        ),
    )
    op.create_index(
        "ix_invoices_kind_status_due", "invoices", ["kind", "status", "due_date"], unique=False
    )
    op.create_index(op.f("ix_invoices_party_id"), "invoices", ["party_id"], unique=False)
    op.create_table(
        "payment_batches",
        sa.Column("due_by", sa.Date(), nullable=False),
        sa.Column("payment_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("total", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("memo", sa.String(length=500), nullable=False),
        sa.Column("executed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("executed_by", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'executed', 'cancelled')", name=op.f("ck_payment_batches_status")
        ),
        sa.CheckConstraint(
            "total > 0 AND item_count > 0", name=op.f("ck_payment_batches_not_empty")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_batches")),
    )
    op.create_table(
        "payments",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("party_id", sa.Uuid(), nullable=False),
        sa.Column("party_name", sa.String(length=200), nullable=False),
        sa.Column("payment_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=True),
        sa.Column("entry_id", sa.Uuid(), nullable=True),
        sa.Column("reversed_on", sa.Date(), nullable=True),
        sa.Column("reversal_reason", sa.String(length=500), nullable=True),
        sa.Column("reversal_entry_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint("kind IN ('receipt', 'payment')", name=op.f("ck_payments_kind")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    op.create_index(op.f("ix_payments_batch_id"), "payments", ["batch_id"], unique=False)
    op.create_index(op.f("ix_payments_party_id"), "payments", ["party_id"], unique=False)
    op.create_index(op.f("ix_payments_payment_date"), "payments", ["payment_date"], unique=False)
    op.create_table(
        "invoice_lines",
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("vat", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("account", sa.String(length=40), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "amount > 0 AND vat >= 0", name=op.f("ck_invoice_lines_amounts_positive")
        ),
        sa.CheckConstraint(
            "vat_rate >= 0 AND vat_rate < 1", name=op.f("ck_invoice_lines_vat_rate_range")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_lines_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
        sa.UniqueConstraint(
            "invoice_id", "position", name=op.f("uq_invoice_lines_invoice_id_position")
        ),
    )
    op.create_index(
        op.f("ix_invoice_lines_invoice_id"), "invoice_lines", ["invoice_id"], unique=False
    )
    op.create_table(
        "payment_allocations",
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_allocations_amount_positive")),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_payment_allocations_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_allocations_payment_id_payments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_allocations")),
        sa.UniqueConstraint(
            "payment_id", "invoice_id", name=op.f("uq_payment_allocations_payment_id_invoice_id")
        ),
    )
    op.create_index(
        op.f("ix_payment_allocations_invoice_id"),
        "payment_allocations",
        ["invoice_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_payment_allocations_payment_id"),
        "payment_allocations",
        ["payment_id"],
        unique=False,
    )
    op.create_table(
        "payment_batch_items",
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("payee_name", sa.String(length=200), nullable=False),
        sa.Column("bank_account", sa.String(length=100), nullable=True),
        sa.Column("bank_name", sa.String(length=200), nullable=True),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_batch_items_amount_positive")),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["payment_batches.id"],
            name=op.f("fk_payment_batch_items_batch_id_payment_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_payment_batch_items_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_batch_items")),
        sa.UniqueConstraint(
            "batch_id", "position", name=op.f("uq_payment_batch_items_batch_id_position")
        ),
    )
    op.create_index(
        op.f("ix_payment_batch_items_batch_id"), "payment_batch_items", ["batch_id"], unique=False
    )
    op.create_index(
        "ux_payment_batch_items_pending_invoice",
        "payment_batch_items",
        ["invoice_id"],
        unique=True,
        sqlite_where=sa.text("pending"),
        postgresql_where=sa.text("pending"),
    )


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
