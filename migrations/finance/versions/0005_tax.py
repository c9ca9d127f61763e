"""tax registrations and filings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TAXES = (
    "'vat', 'cit', 'iit_withheld', 'city_construction', 'education_surcharge', "
    "'local_education_surcharge'"
)


def upgrade() -> None:
    op.create_table(
        "tax_registrations",
        sa.Column("tax", sa.String(length=30), nullable=False),
        sa.Column("rate", sa.Numeric(precision=7, scale=4), nullable=True),
        sa.Column("taxpayer_kind", sa.String(length=12), nullable=True),
        sa.Column("filing_frequency", sa.String(length=10), nullable=False),
        sa.Column("payable_account", sa.String(length=20), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(f"tax IN ({TAXES})", name=op.f("ck_tax_registrations_tax")),
        sa.CheckConstraint(
            "rate IS NULL OR (rate >= 0 AND rate <= 1)", name=op.f("ck_tax_registrations_rate")
        ),
        sa.CheckConstraint(
            "(tax = 'vat') = (taxpayer_kind IS NOT NULL)",
            name=op.f("ck_tax_registrations_taxpayer_kind_for_vat"),
        ),
        sa.CheckConstraint(
            "taxpayer_kind IS NULL OR taxpayer_kind IN ('general', 'small_scale')",
            name=op.f("ck_tax_registrations_taxpayer_kind"),
        ),
        sa.CheckConstraint(
            "filing_frequency IN ('monthly', 'quarterly')",
            name=op.f("ck_tax_registrations_filing_frequency"),
        ),
        sa.CheckConstraint(
            "tax <> 'cit' OR filing_frequency = 'quarterly'",
            name=op.f("ck_tax_registrations_cit_quarterly"),
        ),
        sa.CheckConstraint(
            "effective_to IS NULL OR effective_to >= effective_from",
            name=op.f("ck_tax_registrations_effective_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_registrations")),
        sa.UniqueConstraint(
            "tax", "effective_from", name=op.f("uq_tax_registrations_tax_effective_from")
        ),
    )
    op.create_table(
        "tax_filings",
        sa.Column("registration_id", sa.Uuid(), nullable=False),
        sa.Column("tax", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("statutory_due_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("extension_reason", sa.String(length=2000), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("tax_base", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("filed_by", sa.String(length=200), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("payment_reference", sa.String(length=100), nullable=True),
        sa.Column("entry_id", sa.Uuid(), nullable=True),
        sa.Column("paid_by", sa.String(length=200), nullable=True),
        sa.Column("notified_due_date", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("state IN ('open', 'filed', 'paid')", name=op.f("ck_tax_filings_state")),
        sa.CheckConstraint(
            "kind IN ('monthly', 'quarterly', 'cit_prepayment', 'cit_annual')",
            name=op.f("ck_tax_filings_kind"),
        ),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_tax_filings_period")),
        sa.CheckConstraint(
            "due_date >= statutory_due_date", name=op.f("ck_tax_filings_due_not_earlier")
        ),
        sa.CheckConstraint(
            "state = 'open' OR (filed_on IS NOT NULL AND amount IS NOT NULL "
            "AND tax_base IS NOT NULL AND reference IS NOT NULL)",
            name=op.f("ck_tax_filings_filed_has_return"),
        ),
        sa.CheckConstraint(
            "state <> 'paid' OR (paid_on IS NOT NULL AND entry_id IS NOT NULL)",
            name=op.f("ck_tax_filings_paid_has_entry"),
        ),
        sa.CheckConstraint(
            "amount IS NULL OR amount >= 0", name=op.f("ck_tax_filings_amount_not_negative")
        ),
        sa.CheckConstraint(
            "tax_base IS NULL OR tax_base >= 0", name=op.f("ck_tax_filings_base_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["tax_registrations.id"],
            name=op.f("fk_tax_filings_registration_id_tax_registrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_filings")),
        sa.UniqueConstraint(
            "tax", "kind", "period_start", name=op.f("uq_tax_filings_tax_kind_period_start")
        ),
    )
    op.create_index(op.f("ix_tax_filings_registration_id"), "tax_filings", ["registration_id"])
    op.create_index(op.f("ix_tax_filings_year"), "tax_filings", ["year"])
    op.create_index(op.f("ix_tax_filings_due_date"), "tax_filings", ["due_date"])


def downgrade() -> None:
    op.drop_table("tax_filings")
    op.drop_table("tax_registrations")
