"""The kit's tables: outbox, audit log, idempotency keys, consumer cursors.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from shared.kit.kit_migrations import downgrade_kit_v1 as downgrade
from shared.kit.kit_migrations import upgrade_kit_v1 as upgrade

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

__all__ = ["downgrade", "upgrade"]
