"""Alembic environment of the logistics service."""

from services.logistics.db.models import Base
from shared.kit.migrations import run_migrations

run_migrations(Base.metadata)
