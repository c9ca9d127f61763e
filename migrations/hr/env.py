"""Alembic environment of the hr service."""

from services.hr.db.models import Base
from shared.kit.migrations import run_migrations

run_migrations(Base.metadata)
