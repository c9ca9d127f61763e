"""company events and sign-ups

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 17:40:00

Places are a counter row per event with ``0 <= taken <= capacity`` checked by the database;
one live sign-up per person and event (a partial unique index).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
LIVE = sa.text("status <> 'cancelled'")


def upgrade() -> None:
    op.create_table(
        "company_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("ends_at", TS, nullable=False),
        sa.Column("signup_deadline", TS, nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(
            "kind IN ('team_building', 'festival')", name=op.f("ck_company_events_kind")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'cancelled')", name=op.f("ck_company_events_status")
        ),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_company_events_capacity_positive")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_company_events_ends_after_start")),
        sa.CheckConstraint(
            "signup_deadline <= starts_at", name=op.f("ck_company_events_deadline_before_start")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_events")),
    )
    op.create_table(
        "company_event_seats",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "taken >= 0 AND taken <= capacity", name=op.f("ck_company_event_seats_within_capacity")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["company_events.id"],
            name=op.f("fk_company_event_seats_event_id_company_events"),
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_company_event_seats")),
    )
    op.create_table(
        "event_signups",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("queued_at", TS, nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(
            "status IN ('confirmed', 'waitlisted', 'cancelled')",
            name=op.f("ck_event_signups_status"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["company_events.id"],
            name=op.f("fk_event_signups_event_id_company_events"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_signups")),
    )
    op.create_index(op.f("ix_event_signups_event_id"), "event_signups", ["event_id"])
    op.create_index(op.f("ix_event_signups_employee_id"), "event_signups", ["employee_id"])
    op.create_index(
        "uq_event_signups_live",
        "event_signups",
        ["event_id", "employee_id"],
        unique=True,
        postgresql_where=LIVE,
        sqlite_where=LIVE,
    )
    op.create_index("ix_event_signups_queue", "event_signups", ["event_id", "status", "queued_at"])


def downgrade() -> None:
    op.drop_table("event_signups")
    op.drop_table("company_event_seats")
    op.drop_table("company_events")
