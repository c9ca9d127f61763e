"""travel standards, requests and reimbursements

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "travel_requests",
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("destination", sa.String(length=200), nullable=False),
        sa.Column("city_tier", sa.String(length=10), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("purpose", sa.String(length=2000), nullable=False),
        sa.Column("estimated_cost", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("advance", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("workflow_instance_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("approval_key", sa.String(length=200), nullable=True),
        sa.Column("approval_state", sa.String(length=20), nullable=True),
        sa.Column("approval_retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approval_attempts", sa.Integer(), nullable=False),
        sa.Column("approval_error", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "advance >= 0 AND advance <= estimated_cost",
            name=op.f("ck_travel_requests_advance_within_estimate"),
        ),
        sa.CheckConstraint(
            "end_date >= start_date", name=op.f("ck_travel_requests_dates_in_order")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_travel_requests")),
    )
    op.create_index(
        op.f("ix_travel_requests_approval_retry_at"),
        "travel_requests",
        ["approval_retry_at"],
        unique=False,
    )
    op.create_index(
        "ix_travel_requests_employee",
        "travel_requests",
        ["employee_id", "start_date"],
        unique=False,
    )
    op.create_table(
        "travel_standards",
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("city_tier", sa.String(length=10), nullable=False),
        sa.Column("hotel_cap_per_night", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("per_diem", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("transport_class", sa.String(length=20), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "effective_to IS NULL OR effective_to > effective_from",
            name=op.f("ck_travel_standards_dates_in_order"),
        ),
        sa.CheckConstraint(
            "hotel_cap_per_night >= 0 AND per_diem >= 0",
            name=op.f("ck_travel_standards_non_negative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_travel_standards")),
        sa.UniqueConstraint(
            "grade",
            "city_tier",
            "effective_from",
            name=op.f("uq_travel_standards_grade_city_tier_effective_from"),
        ),
    )
    op.create_table(
        "travel_reimbursements",
        sa.Column("travel_request_id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("advance", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("over_standard", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("workflow_instance_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("approval_key", sa.String(length=200), nullable=True),
        sa.Column("approval_state", sa.String(length=20), nullable=True),
        sa.Column("approval_retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approval_attempts", sa.Integer(), nullable=False),
        sa.Column("approval_error", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "total >= 0 AND advance >= 0", name=op.f("ck_travel_reimbursements_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["travel_request_id"],
            ["travel_requests.id"],
            name=op.f("fk_travel_reimbursements_travel_request_id_travel_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_travel_reimbursements")),
    )
    op.create_index(
        op.f("ix_travel_reimbursements_approval_retry_at"),
        "travel_reimbursements",
        ["approval_retry_at"],
        unique=False,
    )
    op.create_index(
        "uq_travel_reimbursements_live",
        "travel_reimbursements",
        ["travel_request_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('pending', 'approved')"),
        sqlite_where=sa.text("status IN ('pending', 'approved')"),
    )
    op.create_table(
        "travel_reimbursement_lines",
        sa.Column("reimbursement_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.Column("nights", sa.Integer(), nullable=True),
        sa.Column("transport_class", sa.String(length=20), nullable=True),
        sa.Column("receipt_ref", sa.String(length=500), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("justification", sa.String(length=2000), nullable=True),
        sa.Column("within_standard", sa.Boolean(), nullable=False),
        sa.Column("allowed", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_travel_reimbursement_lines_positive")),
        sa.ForeignKeyConstraint(
            ["reimbursement_id"],
            ["travel_reimbursements.id"],
            name=op.f("fk_travel_reimbursement_lines_reimbursement_id_travel_reimbursements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_travel_reimbursement_lines")),
        sa.UniqueConstraint(
            "reimbursement_id",
            "line_no",
            name=op.f("uq_travel_reimbursement_lines_reimbursement_id_line_no"),
        ),
    )


def downgrade() -> None:
    op.drop_table("travel_reimbursement_lines")
    op.drop_index(
        "uq_travel_reimbursements_live",
        table_name="travel_reimbursements",
        postgresql_where=sa.text("status IN ('pending', 'approved')"),
        sqlite_where=sa.text("status IN ('pending', 'approved')"),
    )
    op.drop_index(
        op.f("ix_travel_reimbursements_approval_retry_at"), table_name="travel_reimbursements"
    )
    op.drop_table("travel_reimbursements")
    op.drop_table("travel_standards")
    op.drop_index("ix_travel_requests_employee", table_name="travel_requests")
    op.drop_index(op.f("ix_travel_requests_approval_retry_at"), table_name="travel_requests")
    op.drop_table("travel_requests")
