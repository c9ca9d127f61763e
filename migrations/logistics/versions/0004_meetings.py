"""rooms, bookings, meetings and minutes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 17:40:00

Two active bookings of one room never overlap: on PostgreSQL an exclusion constraint over
``tstzrange(starts_at, ends_at)`` (with ``btree_gist`` for the room's ``=``); on SQLite two
triggers that refuse such an insert or update with ``room_booked`` — so a write that goes
around the API is refused too.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    ]


SQLITE_OVERLAP = """
CREATE TRIGGER {name} BEFORE {event} ON bookings
WHEN NEW.status = 'active' AND EXISTS (
    SELECT 1 FROM bookings AS other
    WHERE other.room_id = NEW.room_id AND other.status = 'active' AND other.id != NEW.id
      AND other.starts_at < NEW.ends_at AND NEW.starts_at < other.ends_at
      -- no booking lasts over 7 days (a check below): bounds the index range scanned
      AND other.starts_at > datetime(NEW.starts_at, '-7 days')
)
BEGIN
    SELECT RAISE(ABORT, 'room_booked: the room is booked at that time');
END
"""


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "rooms",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("building", sa.String(100), nullable=False),
        sa.Column("floor", sa.String(20), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("equipment", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_stamps(),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_rooms_capacity_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rooms")),
        sa.UniqueConstraint("name", name=op.f("uq_rooms_name")),
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("room_id", sa.Uuid(), nullable=False),
        sa.Column("booker_employee_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("ends_at", TS, nullable=False),
        sa.Column("attendee_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("series_id", sa.Uuid(), nullable=True),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=True),
        *_stamps(),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_bookings_ends_after_start")),
        sa.CheckConstraint("status IN ('active', 'cancelled')", name=op.f("ck_bookings_status")),
        sa.CheckConstraint("attendee_count > 0", name=op.f("ck_bookings_attendees_positive")),
        # a booking lasts at most 7 days: searches bound the index range they scan by it
        sa.CheckConstraint(
            "ends_at - starts_at <= interval '7 days'"
            if postgres
            else "julianday(ends_at) - julianday(starts_at) <= 7",
            name=op.f("ck_bookings_at_most_a_week"),
        ),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name=op.f("fk_bookings_room_id_rooms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
    )
    op.create_index("ix_bookings_room_starts", "bookings", ["room_id", "starts_at"])
    op.create_index(op.f("ix_bookings_booker_employee_id"), "bookings", ["booker_employee_id"])
    op.create_index(op.f("ix_bookings_series_id"), "bookings", ["series_id"])
    op.create_index(op.f("ix_bookings_meeting_id"), "bookings", ["meeting_id"])
    if postgres:
        # trusted since PostgreSQL 13: the database owner may create it; in public, so that
        # dropping one service schema never drops it from under the others
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public")
        op.execute(
            "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist "
            "(room_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE (status = 'active')"
        )
    else:
        op.execute(SQLITE_OVERLAP.format(name="bookings_no_overlap_insert", event="INSERT"))
        op.execute(
            SQLITE_OVERLAP.format(
                name="bookings_no_overlap_update",
                event="UPDATE OF room_id, starts_at, ends_at, status",
            )
        )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organizer_employee_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("ends_at", TS, nullable=False),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.Column("booking_id", sa.Uuid(), nullable=True),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=True),
        *_stamps(),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_meetings_ends_after_start")),
        sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name=op.f("ck_meetings_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    op.create_index(
        op.f("ix_meetings_organizer_employee_id"), "meetings", ["organizer_employee_id"]
    )
    op.create_table(
        "meeting_attendees",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("response", sa.String(10), nullable=False),
        sa.Column("responded_at", TS, nullable=True),
        *_stamps(),
        sa.CheckConstraint(
            "response IN ('pending', 'accepted', 'declined')",
            name=op.f("ck_meeting_attendees_response"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_attendees_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attendees")),
    )
    op.create_index(
        "uq_meeting_attendees_meeting_employee",
        "meeting_attendees",
        ["meeting_id", "employee_id"],
        unique=True,
    )
    op.create_index(op.f("ix_meeting_attendees_employee_id"), "meeting_attendees", ["employee_id"])
    op.create_table(
        "meeting_minutes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("decisions", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_minutes_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_minutes")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_meeting_minutes_meeting_id")),
    )
    op.create_table(
        "action_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("owner_employee_id", sa.Uuid(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=True),
        *_stamps(),
        sa.CheckConstraint(
            "status IN ('open', 'done', 'cancelled')", name=op.f("ck_action_items_status")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_action_items_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    op.create_index(op.f("ix_action_items_meeting_id"), "action_items", ["meeting_id"])
    op.create_index("ix_action_items_owner_status", "action_items", ["owner_employee_id", "status"])
    op.create_table(
        "meeting_notices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("title_zh", sa.String(300), nullable=False),
        sa.Column("title_en", sa.String(300), nullable=False),
        sa.Column("body_zh", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("sent_at", TS, nullable=True),
        *_stamps(),
        sa.CheckConstraint(
            "state IN ('pending', 'sent', 'failed')", name=op.f("ck_meeting_notices_state")
        ),
        sa.CheckConstraint(
            "kind IN ('scheduled', 'moved', 'cancelled')", name=op.f("ck_meeting_notices_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_notices")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_meeting_notices_idempotency_key")),
    )
    op.create_index(op.f("ix_meeting_notices_meeting_id"), "meeting_notices", ["meeting_id"])
    op.create_index("ix_meeting_notices_due", "meeting_notices", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("meeting_notices")
    op.drop_table("action_items")
    op.drop_table("meeting_minutes")
    op.drop_table("meeting_attendees")
    op.drop_table("meetings")
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TRIGGER IF EXISTS bookings_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS bookings_no_overlap_update")
    op.drop_table("bookings")
    op.drop_table("rooms")
