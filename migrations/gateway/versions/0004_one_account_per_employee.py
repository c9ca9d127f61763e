"""one account per employee: accounts.employee_id is unique

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Earlier versions let two accounts name one employee: the newer links are cleared
    # (the accounts stay; an admin links them again) so the constraint can hold.
    op.execute(
        """
        UPDATE accounts SET employee_id = NULL
        WHERE employee_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM accounts AS older
            WHERE older.employee_id = accounts.employee_id
              AND (older.created_at < accounts.created_at
                   OR (older.created_at = accounts.created_at AND older.id < accounts.id))
        )
        """
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_accounts_employee_id"), ["employee_id"])


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_accounts_employee_id"), type_="unique")
