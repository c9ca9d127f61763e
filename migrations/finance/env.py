"""Alembic environment of the finance service."""

from services.finance.db.models import Base
from shared.kit.migrations import run_migrations

run_migrations(Base.metadata)
