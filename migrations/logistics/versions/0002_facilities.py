"""spaces, facilities, maintenance schedules, work orders and repairs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "facility_policy",
        sa.Column("repair_auto_close_days", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "repair_auto_close_days >= 1", name=op.f("ck_facility_policy_auto_close_days_positive")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_policy")),
    )
    op.create_table(
        "spaces",
        sa.Column("building", sa.String(length=100), nullable=False),
        sa.Column("floor", sa.String(length=20), nullable=False),
        sa.Column("room", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('office', 'meeting_room', 'open_area', 'storage', 'pantry', 'restroom', 'server_room', 'lobby', 'other')",
            name=op.f("ck_spaces_kind_valid"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spaces")),
        sa.UniqueConstraint(
            "building", "floor", "room", name=op.f("uq_spaces_building_floor_room")
        ),
    )
    op.create_table(
        "facilities",
        sa.Column("asset_tag", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("space_id", sa.Uuid(), nullable=True),
        sa.Column("purchased_on", sa.Date(), nullable=True),
        sa.Column("warranty_until", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=2000), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "category IN ('hvac', 'electrical', 'lighting', 'plumbing', 'it', 'furniture', 'appliance', 'safety', 'other')",
            name=op.f("ck_facilities_category_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('in_service', 'under_repair', 'out_of_service', 'retired')",
            name=op.f("ck_facilities_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["space_id"], ["spaces.id"], name=op.f("fk_facilities_space_id_spaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilities")),
        sa.UniqueConstraint("asset_tag", name=op.f("uq_facilities_asset_tag")),
    )
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facilities_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_facilities_space_id"), ["space_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_facilities_status"), ["status"], unique=False)

    op.create_table(
        "maintenance_schedules",
        sa.Column("facility_id", sa.Uuid(), nullable=True),
        sa.Column("space_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("instructions", sa.String(length=2000), nullable=False),
        sa.Column("interval_unit", sa.String(length=10), nullable=True),
        sa.Column("interval_count", sa.Integer(), nullable=True),
        sa.Column("cron", sa.String(length=100), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("next_due_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "interval_unit IS NULL OR interval_unit IN ('day', 'week', 'month')",
            name=op.f("ck_maintenance_schedules_interval_unit_valid"),
        ),
        sa.CheckConstraint(
            "(cron IS NULL AND interval_unit IS NOT NULL AND interval_count >= 1) OR (cron IS NOT NULL AND interval_unit IS NULL AND interval_count IS NULL)",
            name=op.f("ck_maintenance_schedules_one_rule"),
        ),
        sa.CheckConstraint(
            "facility_id IS NOT NULL OR space_id IS NOT NULL",
            name=op.f("ck_maintenance_schedules_has_target"),
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.id"],
            name=op.f("fk_maintenance_schedules_facility_id_facilities"),
        ),
        sa.ForeignKeyConstraint(
            ["space_id"], ["spaces.id"], name=op.f("fk_maintenance_schedules_space_id_spaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_schedules")),
    )
    with op.batch_alter_table("maintenance_schedules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_maintenance_schedules_facility_id"), ["facility_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_maintenance_schedules_next_due_on"), ["next_due_on"], unique=False
        )

    op.create_table(
        "repair_requests",
        sa.Column("requester_employee_id", sa.Uuid(), nullable=False),
        sa.Column("facility_id", sa.Uuid(), nullable=True),
        sa.Column("space_id", sa.Uuid(), nullable=True),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("photo_ref", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assignee", sa.String(length=200), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.String(length=2000), nullable=False),
        sa.Column("cost", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "status IN ('filed', 'assigned', 'in_progress', 'resolved', 'confirmed', 'closed', 'cancelled')",
            name=op.f("ck_repair_requests_status_valid"),
        ),
        sa.CheckConstraint(
            "urgency IN ('low', 'normal', 'high', 'urgent')",
            name=op.f("ck_repair_requests_urgency_valid"),
        ),
        sa.CheckConstraint(
            "cost IS NULL OR cost >= 0", name=op.f("ck_repair_requests_cost_not_negative")
        ),
        sa.CheckConstraint(
            "facility_id IS NOT NULL OR space_id IS NOT NULL",
            name=op.f("ck_repair_requests_has_target"),
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.id"],
            name=op.f("fk_repair_requests_facility_id_facilities"),
        ),
        sa.ForeignKeyConstraint(
            ["space_id"], ["spaces.id"], name=op.f("fk_repair_requests_space_id_spaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_requests")),
    )
    with op.batch_alter_table("repair_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_repair_requests_facility_id"), ["facility_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_repair_requests_requester_employee_id"),
            ["requester_employee_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_repair_requests_status_resolved", ["status", "resolved_at"], unique=False
        )

    op.create_table(
        "work_orders",
        sa.Column("schedule_id", sa.Uuid(), nullable=True),
        sa.Column("facility_id", sa.Uuid(), nullable=True),
        sa.Column("space_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("instructions", sa.String(length=2000), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assignee", sa.String(length=200), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=2000), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'done', 'cancelled')",
            name=op.f("ck_work_orders_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facilities.id"], name=op.f("fk_work_orders_facility_id_facilities")
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["maintenance_schedules.id"],
            name=op.f("fk_work_orders_schedule_id_maintenance_schedules"),
        ),
        sa.ForeignKeyConstraint(
            ["space_id"], ["spaces.id"], name=op.f("fk_work_orders_space_id_spaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_orders")),
        sa.UniqueConstraint(
            "schedule_id", "due_on", name=op.f("uq_work_orders_schedule_id_due_on")
        ),
    )
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_orders_due_on"), ["due_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_work_orders_facility_id"), ["facility_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_work_orders_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_orders_status"))
        batch_op.drop_index(batch_op.f("ix_work_orders_facility_id"))
        batch_op.drop_index(batch_op.f("ix_work_orders_due_on"))

    op.drop_table("work_orders")
    with op.batch_alter_table("repair_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_repair_requests_status_resolved")
        batch_op.drop_index(batch_op.f("ix_repair_requests_requester_employee_id"))
        batch_op.drop_index(batch_op.f("ix_repair_requests_facility_id"))

    op.drop_table("repair_requests")
    with op.batch_alter_table("maintenance_schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maintenance_schedules_next_due_on"))
        batch_op.drop_index(batch_op.f("ix_maintenance_schedules_facility_id"))

    op.drop_table("maintenance_schedules")
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_status"))
        batch_op.drop_index(batch_op.f("ix_facilities_space_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_category"))

    op.drop_table("facilities")
    op.drop_table("spaces")
    op.drop_table("facility_policy")
