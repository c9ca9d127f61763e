"""leave settlements: a leaver's annual leave for the year they left

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 17:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "leave_settlements",
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("leave_date", sa.Date(), nullable=False),
        sa.Column("days_worked", sa.Integer(), nullable=False),
        sa.Column("full_entitlement", sa.Integer(), nullable=False),
        sa.Column("earned", sa.Numeric(precision=8, scale=4), nullable=False),
        sa.Column("taken", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("untaken_days", sa.Integer(), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leave_settlements")),
        sa.UniqueConstraint(
            "employee_id", "year", name=op.f("uq_leave_settlements_employee_id_year")
        ),
    )


def downgrade() -> None:
    op.drop_table("leave_settlements")
