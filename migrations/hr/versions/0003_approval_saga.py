"""leave requests on the kit's approval saga: its state columns and the sweep's index

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 14:40:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leave_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approval_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("approval_state", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("approval_retry_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("approval_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("approval_error", sa.String(length=500), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_leave_requests_approval_retry_at"), ["approval_retry_at"], unique=False
        )
    # Requests waiting for an approval to start keep the key hr used for it, so a start that
    # reached workflow before the upgrade is found again, never started twice; the sweep
    # picks them up at once.
    requests = sa.table(
        "leave_requests",
        sa.column("id", sa.Uuid()),
        sa.column("status", sa.String()),
        sa.column("version", sa.Integer()),
        sa.column("workflow_instance_id", sa.Uuid()),
        sa.column("cancellation_instance_id", sa.Uuid()),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("approval_key", sa.String()),
        sa.column("approval_state", sa.String()),
        sa.column("approval_retry_at", sa.DateTime(timezone=True)),
    )
    bind = op.get_bind()
    waiting = bind.execute(
        sa.select(
            requests.c.id, requests.c.status, requests.c.version, requests.c.updated_at
        ).where(
            sa.or_(
                sa.and_(requests.c.status == "pending", requests.c.workflow_instance_id.is_(None)),
                sa.and_(
                    requests.c.status == "cancellation_pending",
                    requests.c.cancellation_instance_id.is_(None),
                ),
            )
        )
    ).all()
    for request_id, status, version, updated_at in waiting:
        key = (
            f"leave_request:{uuid.UUID(str(request_id))}"
            if status == "pending"
            else f"leave_cancellation:{uuid.UUID(str(request_id))}:{version}"
        )
        bind.execute(
            requests.update()
            .where(requests.c.id == request_id)
            .values(approval_key=key, approval_state="awaiting_start", approval_retry_at=updated_at)
        )


def downgrade() -> None:
    with op.batch_alter_table("leave_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leave_requests_approval_retry_at"))
        batch_op.drop_column("approval_error")
        batch_op.drop_column("approval_attempts")
        batch_op.drop_column("approval_retry_at")
        batch_op.drop_column("approval_state")
        batch_op.drop_column("approval_key")
