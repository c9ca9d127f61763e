"""names found by pinyin and initials; exactly one root department

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 14:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.org.domain.names import pinyin_keys

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("employees", "departments")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("name_pinyin", sa.String(length=400), nullable=False, server_default="")
            )
            batch.add_column(
                sa.Column("name_initials", sa.String(length=100), nullable=False, server_default="")
            )
    connection = op.get_bind()
    for table in TABLES:
        rows = sa.table(
            table,
            sa.column("id", sa.Uuid()),
            sa.column("name", sa.String()),
            sa.column("name_pinyin", sa.String()),
            sa.column("name_initials", sa.String()),
        )
        found = connection.execute(sa.select(rows.c.id, rows.c.name)).all()
        for row_id, name in found:
            full, initials = pinyin_keys(name)
            connection.execute(
                rows.update()
                .where(rows.c.id == row_id)
                .values(name_pinyin=full, name_initials=initials)
            )
    op.create_index("ix_employees_name_pinyin_id", "employees", ["name_pinyin", "id"], unique=False)
    op.create_index(
        "uq_departments_single_root",
        "departments",
        [sa.text("(parent_id IS NULL)")],
        unique=True,
        postgresql_where=sa.text("parent_id IS NULL"),
        sqlite_where=sa.text("parent_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_departments_single_root", table_name="departments")
    op.drop_index("ix_employees_name_pinyin_id", table_name="employees")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("name_initials")
            batch.drop_column("name_pinyin")
