"""The tables the kit keeps in every service's schema: outbox, audit log, idempotency, cursors."""

from dataclasses import dataclass

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, MetaData, String, Table, Text, text
from sqlalchemy.types import Uuid

from shared.kit.db import UTCDateTime


@dataclass(frozen=True)
class KitTables:
    """Handles on the kit's tables inside one service's MetaData."""

    outbox: Table
    audit_log: Table
    idempotency_keys: Table
    consumer_cursors: Table


def define_kit_tables(metadata: MetaData) -> KitTables:
    """Add the kit's tables to ``metadata`` (call once per service)."""
    outbox = Table(
        "outbox",
        metadata,
        Column("id", Uuid(as_uuid=True), primary_key=True),
        # Assigned by the publisher after commit, in commit order: readers never see a gap.
        Column("seq", BigInteger, nullable=True, unique=True),
        Column("type", String(120), nullable=False),
        Column("subject_type", String(80), nullable=False),
        Column("subject_id", String(80), nullable=False),
        Column("data", JSON, nullable=False),
        Column("request_id", String(128), nullable=True),
        Column("occurred_at", UTCDateTime(), nullable=False),
        Index(
            "ix_outbox_unpublished",
            "occurred_at",
            postgresql_where=text("seq IS NULL"),
            sqlite_where=text("seq IS NULL"),
        ),
        Index("ix_outbox_type_seq", "type", "seq"),
    )
    audit_log = Table(
        "audit_log",
        metadata,
        Column("id", Uuid(as_uuid=True), primary_key=True),
        Column("occurred_at", UTCDateTime(), nullable=False),
        Column("actor", String(200), nullable=True),
        Column("actor_employee_id", Uuid(as_uuid=True), nullable=True),
        Column("action", String(20), nullable=False),
        Column("entity_type", String(80), nullable=False),
        Column("entity_id", String(80), nullable=False),
        Column("changes", JSON, nullable=False),
        Column("request_id", String(128), nullable=True),
        Index("ix_audit_log_entity", "entity_type", "entity_id", "occurred_at"),
    )
    idempotency_keys = Table(
        "idempotency_keys",
        metadata,
        Column("caller", String(200), primary_key=True),
        Column("key", String(255), primary_key=True),
        Column("request_hash", String(64), nullable=False),
        Column("state", String(12), nullable=False),  # in_flight | done
        Column("status_code", Integer, nullable=True),
        Column("headers", JSON, nullable=True),
        Column("body", Text, nullable=True),
        Column("created_at", UTCDateTime(), nullable=False),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )
    consumer_cursors = Table(
        "consumer_cursors",
        metadata,
        Column("consumer", String(120), primary_key=True),
        Column("last_seq", BigInteger, nullable=False, server_default="0"),
        Column("updated_at", UTCDateTime(), nullable=False),
    )
    return KitTables(outbox, audit_log, idempotency_keys, consumer_cursors)
