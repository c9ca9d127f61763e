"""supplies, stock ledger, purchases, requisitions and stocktakes

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
        "pickup_points",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pickup_points")),
        sa.UniqueConstraint("code", name=op.f("uq_pickup_points_code")),
    )
    op.create_table(
        "supply_policy",
        sa.Column("purchase_approval_threshold", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("collection_days", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "collection_days >= 1", name=op.f("ck_supply_policy_collection_days_positive")
        ),
        sa.CheckConstraint(
            "purchase_approval_threshold >= 0", name=op.f("ck_supply_policy_threshold_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_policy")),
    )
    op.create_table(
        "purchases",
        sa.Column("supplier_party_id", sa.Uuid(), nullable=False),
        sa.Column("requester_employee_id", sa.Uuid(), nullable=True),
        sa.Column("pickup_point_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("received_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("note", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("needs_approval", sa.Boolean(), nullable=False),
        sa.Column("workflow_instance_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
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
            "status IN ('pending_approval', 'approved', 'rejected', 'withdrawn', 'approval_refused', 'cancelled', 'partially_received', 'received')",
            name=op.f("ck_purchases_status_valid"),
        ),
        sa.CheckConstraint(
            "received_amount >= 0 AND received_amount <= total",
            name=op.f("ck_purchases_received_within_total"),
        ),
        sa.CheckConstraint("total > 0", name=op.f("ck_purchases_total_positive")),
        sa.ForeignKeyConstraint(
            ["pickup_point_id"],
            ["pickup_points.id"],
            name=op.f("fk_purchases_pickup_point_id_pickup_points"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchases")),
    )
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purchases_approval_retry_at"), ["approval_retry_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_purchases_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_purchases_supplier_party_id"), ["supplier_party_id"], unique=False
        )

    op.create_table(
        "requisitions",
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("pickup_point_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("workflow_instance_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("collect_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("picked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
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
            "status IN ('pending', 'approved', 'rejected', 'withdrawn', 'approval_refused', 'cancelled', 'picked', 'collected', 'expired')",
            name=op.f("ck_requisitions_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["pickup_point_id"],
            ["pickup_points.id"],
            name=op.f("fk_requisitions_pickup_point_id_pickup_points"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requisitions")),
    )
    with op.batch_alter_table("requisitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_requisitions_approval_retry_at"), ["approval_retry_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_requisitions_collect_by"), ["collect_by"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_requisitions_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_requisitions_status"), ["status"], unique=False)

    op.create_table(
        "stocktakes",
        sa.Column("pickup_point_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("note", sa.String(length=2000), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "status IN ('counting', 'posted', 'cancelled')", name=op.f("ck_stocktakes_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["pickup_point_id"],
            ["pickup_points.id"],
            name=op.f("fk_stocktakes_pickup_point_id_pickup_points"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stocktakes")),
    )
    with op.batch_alter_table("stocktakes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stocktakes_status"), ["status"], unique=False)
        batch_op.create_index(
            "uq_stocktakes_counting_point",
            ["pickup_point_id"],
            unique=True,
            postgresql_where=sa.text("status = 'counting'"),
            sqlite_where=sa.text("status = 'counting'"),
        )

    op.create_table(
        "supplies",
        sa.Column("sku", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("reorder_point", sa.Integer(), nullable=False),
        sa.Column("unit_cost", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("pickup_point_id", sa.Uuid(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "reorder_point >= 0", name=op.f("ck_supplies_reorder_point_not_negative")
        ),
        sa.CheckConstraint("unit_cost >= 0", name=op.f("ck_supplies_unit_cost_not_negative")),
        sa.ForeignKeyConstraint(
            ["pickup_point_id"],
            ["pickup_points.id"],
            name=op.f("fk_supplies_pickup_point_id_pickup_points"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplies")),
        sa.UniqueConstraint("sku", name=op.f("uq_supplies_sku")),
    )
    with op.batch_alter_table("supplies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supplies_category"), ["category"], unique=False)

    op.create_table(
        "purchase_lines",
        sa.Column("purchase_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("supply_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("received_quantity", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_purchase_lines_quantity_positive")),
        sa.CheckConstraint(
            "received_quantity >= 0 AND received_quantity <= quantity",
            name=op.f("ck_purchase_lines_received_in_range"),
        ),
        sa.CheckConstraint(
            "unit_price >= 0", name=op.f("ck_purchase_lines_unit_price_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"], ["purchases.id"], name=op.f("fk_purchase_lines_purchase_id_purchases")
        ),
        sa.ForeignKeyConstraint(
            ["supply_id"], ["supplies.id"], name=op.f("fk_purchase_lines_supply_id_supplies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_lines")),
        sa.UniqueConstraint(
            "purchase_id", "line_no", name=op.f("uq_purchase_lines_purchase_id_line_no")
        ),
    )
    with op.batch_alter_table("purchase_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purchase_lines_purchase_id"), ["purchase_id"], unique=False
        )

    op.create_table(
        "purchase_receipts",
        sa.Column("purchase_id", sa.Uuid(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("note", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_purchase_receipts_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchases.id"],
            name=op.f("fk_purchase_receipts_purchase_id_purchases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_receipts")),
    )
    with op.batch_alter_table("purchase_receipts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purchase_receipts_purchase_id"), ["purchase_id"], unique=False
        )

    op.create_table(
        "requisition_lines",
        sa.Column("requisition_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("supply_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("picked", sa.Integer(), nullable=False),
        sa.Column("collected", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "collected >= 0 AND collected <= quantity",
            name=op.f("ck_requisition_lines_collected_in_range"),
        ),
        sa.CheckConstraint(
            "picked >= 0 AND picked <= reserved", name=op.f("ck_requisition_lines_picked_in_range")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_requisition_lines_quantity_positive")),
        sa.CheckConstraint(
            "reserved >= 0 AND reserved <= quantity",
            name=op.f("ck_requisition_lines_reserved_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["requisition_id"],
            ["requisitions.id"],
            name=op.f("fk_requisition_lines_requisition_id_requisitions"),
        ),
        sa.ForeignKeyConstraint(
            ["supply_id"], ["supplies.id"], name=op.f("fk_requisition_lines_supply_id_supplies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requisition_lines")),
        sa.UniqueConstraint(
            "requisition_id", "line_no", name=op.f("uq_requisition_lines_requisition_id_line_no")
        ),
    )
    with op.batch_alter_table("requisition_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_requisition_lines_requisition_id"), ["requisition_id"], unique=False
        )

    op.create_table(
        "stock_levels",
        sa.Column("supply_id", sa.Uuid(), nullable=False),
        sa.Column("pickup_point_id", sa.Uuid(), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("movements", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("on_hand >= 0", name=op.f("ck_stock_levels_on_hand_not_negative")),
        sa.CheckConstraint("reserved >= 0", name=op.f("ck_stock_levels_reserved_not_negative")),
        sa.ForeignKeyConstraint(
            ["pickup_point_id"],
            ["pickup_points.id"],
            name=op.f("fk_stock_levels_pickup_point_id_pickup_points"),
        ),
        sa.ForeignKeyConstraint(
            ["supply_id"], ["supplies.id"], name=op.f("fk_stock_levels_supply_id_supplies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_levels")),
        sa.UniqueConstraint(
            "supply_id", "pickup_point_id", name=op.f("uq_stock_levels_supply_id_pickup_point_id")
        ),
    )
    op.create_table(
        "stock_movements",
        sa.Column("supply_id", sa.Uuid(), nullable=False),
        sa.Column("pickup_point_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("balance_after", sa.Integer(), nullable=False),
        sa.Column("cause_type", sa.String(length=30), nullable=False),
        sa.Column("cause_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "kind IN ('receipt', 'issue', 'adjustment', 'transfer_out', 'transfer_in')",
            name=op.f("ck_stock_movements_kind_valid"),
        ),
        sa.CheckConstraint(
            "balance_after >= 0", name=op.f("ck_stock_movements_balance_not_negative")
        ),
        sa.CheckConstraint("quantity <> 0", name=op.f("ck_stock_movements_quantity_not_zero")),
        sa.ForeignKeyConstraint(
            ["pickup_point_id"],
            ["pickup_points.id"],
            name=op.f("fk_stock_movements_pickup_point_id_pickup_points"),
        ),
        sa.ForeignKeyConstraint(
            ["supply_id"], ["supplies.id"], name=op.f("fk_stock_movements_supply_id_supplies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
        sa.UniqueConstraint(
            "supply_id",
            "pickup_point_id",
            "line_no",
            name=op.f("uq_stock_movements_supply_id_pickup_point_id_line_no"),
        ),
    )
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.create_index("ix_stock_movements_cause", ["cause_type", "cause_id"], unique=False)
        batch_op.create_index("ix_stock_movements_created_at", ["created_at"], unique=False)

    op.create_table(
        "purchase_receipt_lines",
        sa.Column("receipt_id", sa.Uuid(), nullable=False),
        sa.Column("purchase_line_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("movement_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "quantity > 0", name=op.f("ck_purchase_receipt_lines_quantity_positive")
        ),
        sa.ForeignKeyConstraint(
            ["movement_id"],
            ["stock_movements.id"],
            name=op.f("fk_purchase_receipt_lines_movement_id_stock_movements"),
        ),
        sa.ForeignKeyConstraint(
            ["purchase_line_id"],
            ["purchase_lines.id"],
            name=op.f("fk_purchase_receipt_lines_purchase_line_id_purchase_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["purchase_receipts.id"],
            name=op.f("fk_purchase_receipt_lines_receipt_id_purchase_receipts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_receipt_lines")),
    )
    with op.batch_alter_table("purchase_receipt_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purchase_receipt_lines_receipt_id"), ["receipt_id"], unique=False
        )

    op.create_table(
        "stocktake_lines",
        sa.Column("stocktake_id", sa.Uuid(), nullable=False),
        sa.Column("supply_id", sa.Uuid(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=True),
        sa.Column("unit_cost", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("movement_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "counted IS NULL OR counted >= 0", name=op.f("ck_stocktake_lines_counted_not_negative")
        ),
        sa.CheckConstraint("expected >= 0", name=op.f("ck_stocktake_lines_expected_not_negative")),
        sa.ForeignKeyConstraint(
            ["movement_id"],
            ["stock_movements.id"],
            name=op.f("fk_stocktake_lines_movement_id_stock_movements"),
        ),
        sa.ForeignKeyConstraint(
            ["stocktake_id"],
            ["stocktakes.id"],
            name=op.f("fk_stocktake_lines_stocktake_id_stocktakes"),
        ),
        sa.ForeignKeyConstraint(
            ["supply_id"], ["supplies.id"], name=op.f("fk_stocktake_lines_supply_id_supplies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stocktake_lines")),
        sa.UniqueConstraint(
            "stocktake_id", "supply_id", name=op.f("uq_stocktake_lines_stocktake_id_supply_id")
        ),
    )
    with op.batch_alter_table("stocktake_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stocktake_lines_stocktake_id"), ["stocktake_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("stocktake_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stocktake_lines_stocktake_id"))

    op.drop_table("stocktake_lines")
    with op.batch_alter_table("purchase_receipt_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_receipt_lines_receipt_id"))

    op.drop_table("purchase_receipt_lines")
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_movements_created_at")
        batch_op.drop_index("ix_stock_movements_cause")

    op.drop_table("stock_movements")
    op.drop_table("stock_levels")
    with op.batch_alter_table("requisition_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_requisition_lines_requisition_id"))

    op.drop_table("requisition_lines")
    with op.batch_alter_table("purchase_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_receipts_purchase_id"))

    op.drop_table("purchase_receipts")
    with op.batch_alter_table("purchase_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_lines_purchase_id"))

    op.drop_table("purchase_lines")
    with op.batch_alter_table("supplies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplies_category"))

    op.drop_table("supplies")
    with op.batch_alter_table("stocktakes", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_stocktakes_counting_point",
            postgresql_where=sa.text("status = 'counting'"),
            sqlite_where=sa.text("status = 'counting'"),
        )
        batch_op.drop_index(batch_op.f("ix_stocktakes_status"))

    op.drop_table("stocktakes")
    with op.batch_alter_table("requisitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_requisitions_status"))
        batch_op.drop_index(batch_op.f("ix_requisitions_employee_id"))
        batch_op.drop_index(batch_op.f("ix_requisitions_collect_by"))
        batch_op.drop_index(batch_op.f("ix_requisitions_approval_retry_at"))

    op.drop_table("requisitions")
    with op.batch_alter_table("purchases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchases_supplier_party_id"))
        batch_op.drop_index(batch_op.f("ix_purchases_status"))
        batch_op.drop_index(batch_op.f("ix_purchases_approval_retry_at"))

    op.drop_table("purchases")
    op.drop_table("supply_policy")
    op.drop_table("pickup_points")
