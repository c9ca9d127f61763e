"""Alembic environment of the org service."""

from services.org.db.models import Base
from shared.kit.migrations import run_migrations

run_migrations(Base.metadata)
