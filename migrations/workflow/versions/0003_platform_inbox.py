"""The platform inbox: notices in Chinese and English with a link, delivered by any service once per key.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
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
        "notice_deliveries",
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_deliveries")),
        sa.UniqueConstraint(
            "sender", "idempotency_key", name=op.f("uq_notice_deliveries_sender_idempotency_key")
        ),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=sa.String(length=20),
            type_=sa.String(length=40),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "title",
            new_column_name="title_zh",
            existing_type=sa.String(length=300),
            existing_nullable=False,
        )
        batch_op.add_column(
            sa.Column("title_en", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("body_zh", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("body_en", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("subject_service", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("subject_type", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("subject_id", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("url", sa.String(length=2000), nullable=True))
        batch_op.add_column(
            sa.Column("sender", sa.String(length=200), nullable=False, server_default="workflow")
        )
        batch_op.add_column(sa.Column("delivery_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_notifications_delivery_id_notice_deliveries"),
            "notice_deliveries",
            ["delivery_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index("ix_notifications_delivery", ["delivery_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_delivery")
        batch_op.drop_constraint(
            op.f("fk_notifications_delivery_id_notice_deliveries"), type_="foreignkey"
        )
        for column in (
            "delivery_id",
            "sender",
            "url",
            "subject_id",
            "subject_type",
            "subject_service",
            "body_en",
            "body_zh",
            "title_en",
        ):
            batch_op.drop_column(column)
        batch_op.alter_column(
            "title_zh",
            new_column_name="title",
            existing_type=sa.String(length=300),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "kind",
            existing_type=sa.String(length=40),
            type_=sa.String(length=20),
            existing_nullable=False,
        )
    op.drop_table("notice_deliveries")
