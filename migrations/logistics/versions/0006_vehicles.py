"""vehicles, vehicle requests, dispatches, trips and maintenance

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 17:40:00

A vehicle, and a driver, are never dispatched twice for overlapping times: exclusion
constraints on PostgreSQL (``btree_gist``), triggers raising ``vehicle_booked`` /
``driver_booked`` on SQLite. A vehicle's odometer never goes down (a trigger on both).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
MONEY = sa.Numeric(14, 2)

SQLITE_OVERLAP = """
CREATE TRIGGER dispatches_{what}_no_overlap_{event_name} BEFORE {event} ON dispatches
WHEN NEW.status <> 'cancelled' AND EXISTS (
    SELECT 1 FROM dispatches AS other
    WHERE other.{column} = NEW.{column} AND other.status <> 'cancelled' AND other.id != NEW.id
      AND other.starts_at < NEW.ends_at AND NEW.starts_at < other.ends_at
)
BEGIN
    SELECT RAISE(ABORT, '{what}_booked: already dispatched at that time');
END
"""
SQLITE_ODOMETER = """
CREATE TRIGGER vehicles_odometer_monotonic BEFORE UPDATE OF odometer_km ON vehicles
WHEN NEW.odometer_km < OLD.odometer_km
BEGIN
    SELECT RAISE(ABORT, 'odometer_decreased: a vehicle''s odometer never goes down');
END
"""
PG_ODOMETER = """
CREATE FUNCTION vehicles_odometer_monotonic() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.odometer_km < OLD.odometer_km THEN
        RAISE EXCEPTION 'odometer_decreased: a vehicle''s odometer never goes down'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$
"""
PG_ODOMETER_TRIGGER = """
CREATE TRIGGER vehicles_odometer_monotonic BEFORE UPDATE OF odometer_km ON vehicles
FOR EACH ROW EXECUTE FUNCTION vehicles_odometer_monotonic();
"""


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    ]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "vehicles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plate", sa.String(20), nullable=False),
        sa.Column("make_model", sa.String(100), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("odometer_km", sa.Integer(), nullable=False),
        sa.Column("next_maintenance_date", sa.Date(), nullable=True),
        sa.Column("next_maintenance_km", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_stamps(),
        sa.CheckConstraint("seats > 0", name=op.f("ck_vehicles_seats_positive")),
        sa.CheckConstraint("odometer_km >= 0", name=op.f("ck_vehicles_odometer_not_negative")),
        sa.CheckConstraint(
            "status IN ('available', 'maintenance', 'retired')", name=op.f("ck_vehicles_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicles")),
        sa.UniqueConstraint("plate", name=op.f("uq_vehicles_plate")),
    )
    if postgres:
        op.execute(PG_ODOMETER)
        op.execute(PG_ODOMETER_TRIGGER)
    else:
        op.execute(SQLITE_ODOMETER)
    op.create_table(
        "vehicle_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(500), nullable=False),
        sa.Column("destination", sa.String(200), nullable=False),
        sa.Column("passengers", sa.Integer(), nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("ends_at", TS, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("workflow_instance_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=True),
        sa.Column("approval_key", sa.String(200), nullable=True),
        sa.Column("approval_state", sa.String(20), nullable=True),
        sa.Column("approval_retry_at", TS, nullable=True),
        sa.Column("approval_attempts", sa.Integer(), nullable=False),
        sa.Column("approval_error", sa.String(500), nullable=True),
        *_stamps(),
        sa.CheckConstraint(
            "ends_at > starts_at", name=op.f("ck_vehicle_requests_ends_after_start")
        ),
        sa.CheckConstraint("passengers > 0", name=op.f("ck_vehicle_requests_passengers_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_requests")),
    )
    op.create_index(op.f("ix_vehicle_requests_employee_id"), "vehicle_requests", ["employee_id"])
    op.create_index(
        op.f("ix_vehicle_requests_approval_retry_at"), "vehicle_requests", ["approval_retry_at"]
    )
    op.create_table(
        "dispatches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("vehicle_id", sa.Uuid(), nullable=False),
        sa.Column("driver_employee_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("ends_at", TS, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=True),
        *_stamps(),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_dispatches_ends_after_start")),
        sa.CheckConstraint(
            "status IN ('active', 'completed', 'cancelled')", name=op.f("ck_dispatches_status")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["vehicle_requests.id"],
            name=op.f("fk_dispatches_request_id_vehicle_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"], ["vehicles.id"], name=op.f("fk_dispatches_vehicle_id_vehicles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatches")),
    )
    op.create_index(op.f("ix_dispatches_request_id"), "dispatches", ["request_id"])
    op.create_index("ix_dispatches_vehicle_starts", "dispatches", ["vehicle_id", "starts_at"])
    op.create_index(
        "ix_dispatches_driver_starts", "dispatches", ["driver_employee_id", "starts_at"]
    )
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public")
        for what, column in (("vehicle", "vehicle_id"), ("driver", "driver_employee_id")):
            op.execute(
                f"ALTER TABLE dispatches ADD CONSTRAINT dispatches_{what}_no_overlap "
                f"EXCLUDE USING gist ({column} WITH =, tstzrange(starts_at, ends_at) WITH &&) "
                "WHERE (status <> 'cancelled')"
            )
    else:
        for what, column in (("vehicle", "vehicle_id"), ("driver", "driver_employee_id")):
            op.execute(
                SQLITE_OVERLAP.format(what=what, column=column, event="INSERT", event_name="insert")
            )
            op.execute(
                SQLITE_OVERLAP.format(
                    what=what,
                    column=column,
                    event=f"UPDATE OF {column}, starts_at, ends_at, status",
                    event_name="update",
                )
            )
    op.create_table(
        "trips",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("vehicle_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column("dispatch_id", sa.Uuid(), nullable=True),
        sa.Column("driver_employee_id", sa.Uuid(), nullable=True),
        sa.Column("odometer_out", sa.Integer(), nullable=False),
        sa.Column("odometer_in", sa.Integer(), nullable=True),
        sa.Column("fuel_cost", MONEY, nullable=True),
        sa.Column("tolls", MONEY, nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=True),
        *_stamps(),
        sa.CheckConstraint("odometer_out >= 0", name=op.f("ck_trips_odometer_out_not_negative")),
        sa.CheckConstraint(
            "odometer_in IS NULL OR odometer_in >= odometer_out",
            name=op.f("ck_trips_odometer_in_order"),
        ),
        sa.CheckConstraint(
            "fuel_cost IS NULL OR fuel_cost >= 0", name=op.f("ck_trips_fuel_not_negative")
        ),
        sa.CheckConstraint("tolls IS NULL OR tolls >= 0", name=op.f("ck_trips_tolls_not_negative")),
        sa.CheckConstraint("status IN ('open', 'completed')", name=op.f("ck_trips_status")),
        sa.ForeignKeyConstraint(
            ["vehicle_id"], ["vehicles.id"], name=op.f("fk_trips_vehicle_id_vehicles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trips")),
    )
    op.create_index(op.f("ix_trips_vehicle_id"), "trips", ["vehicle_id"])
    op.create_index(op.f("ix_trips_request_id"), "trips", ["request_id"])
    op.create_index(
        "uq_trips_one_open_per_vehicle",
        "trips",
        ["vehicle_id"],
        unique=True,
        postgresql_where=sa.text("status = 'open'"),
        sqlite_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "vehicle_maintenance",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("vehicle_id", sa.Uuid(), nullable=False),
        sa.Column("performed_on", sa.Date(), nullable=False),
        sa.Column("odometer_km", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("cost", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("next_due_date", sa.Date(), nullable=True),
        sa.Column("next_due_km", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=True),
        *_stamps(),
        sa.CheckConstraint("cost >= 0", name=op.f("ck_vehicle_maintenance_cost_not_negative")),
        sa.ForeignKeyConstraint(
            ["vehicle_id"], ["vehicles.id"], name=op.f("fk_vehicle_maintenance_vehicle_id_vehicles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_maintenance")),
    )
    op.create_index(
        op.f("ix_vehicle_maintenance_vehicle_id"), "vehicle_maintenance", ["vehicle_id"]
    )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.drop_table("vehicle_maintenance")
    op.drop_table("trips")
    op.drop_table("dispatches")
    op.drop_table("vehicle_requests")
    op.drop_table("vehicles")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS vehicles_odometer_monotonic()")
