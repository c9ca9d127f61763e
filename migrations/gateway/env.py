"""Alembic environment of the gateway."""

from gateway.db.models import Base
from shared.kit.migrations import run_migrations

run_migrations(Base.metadata)
