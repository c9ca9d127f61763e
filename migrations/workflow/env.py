"""Alembic environment of the workflow service."""

from services.workflow.db.models import Base
from shared.kit.migrations import run_migrations

run_migrations(Base.metadata)
