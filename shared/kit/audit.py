"""The audit log: every change to an audited record is written, in its own transaction, automatically."""

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, UOWTransaction

from shared.contracts.ids import new_id
from shared.kit.context import current_principal, current_request_id
from shared.kit.db import utcnow
from shared.kit.tables import KitTables

_SKIPPED = {"created_at", "updated_at", "version"}


class AuditedSession(Session):
    """Base of each service's own session class, so audit listeners never leak between services."""


def jsonable(entry: dict[str, Any]) -> dict[str, Any]:
    """An audit row as plain JSON values."""
    return {key: _plain(value) for key, value in entry.items()}


class Audited:
    """Mixin: inserts, updates and deletes of this model land in the service's audit log."""

    __audit_entity__: str | None = None


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _entity_name(obj: Audited) -> str:
    return obj.__audit_entity__ or obj.__class__.__tablename__  # type: ignore[attr-defined]


def _changes(obj: Any, action: str) -> dict[str, Any]:
    state = inspect(obj)
    changes: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in _SKIPPED:
            continue
        history = state.attrs[key].history
        if action == "create":
            value = getattr(obj, key)
            if value is not None:
                changes[key] = {"new": _plain(value)}
        elif action == "update" and history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[key] = {"old": _plain(old), "new": _plain(new)}
        elif action == "delete":
            changes[key] = {"old": _plain(getattr(obj, key))}
    return changes


def _entry(obj: Any, action: str) -> dict[str, Any] | None:
    changes = _changes(obj, action)
    if action == "update" and not changes:
        return None
    principal = current_principal()
    state = inspect(obj)
    key = state.mapper.primary_key_from_instance(obj)
    return {
        "id": new_id(),
        "occurred_at": utcnow(),
        "actor": principal.sub if principal else "system",
        "actor_employee_id": principal.employee_id if principal else None,
        "action": action,
        "entity_type": _entity_name(obj),
        "entity_id": str(key[0]) if len(key) == 1 else ":".join(str(part) for part in key),
        "changes": changes,
        "request_id": current_request_id(),
    }


def install_audit(sync_session_class: type[Session], tables: KitTables) -> None:
    """Write an audit entry for every audited insert, update and delete flushed by that class.

    ``after_flush`` still sees the flushed objects and their attribute history, and runs in
    the same transaction: the entry commits or rolls back with the change itself.
    """

    def write(session: Session, _ctx: UOWTransaction) -> None:
        entries = []
        for objects, action in (
            (session.new, "create"),
            (session.dirty, "update"),
            (session.deleted, "delete"),
        ):
            for obj in objects:
                if isinstance(obj, Audited):
                    entry = _entry(obj, action)
                    if entry:
                        entries.append(entry)
        if entries:
            session.connection().execute(tables.audit_log.insert(), entries)

    event.listen(sync_session_class, "after_flush", write)


async def history(
    session: AsyncSession, tables: KitTables, entity_type: str, entity_id: object
) -> list[dict[str, Any]]:
    """The audit trail of one record, oldest first."""
    log = tables.audit_log
    rows = (
        await session.execute(
            select(log)
            .where(log.c.entity_type == entity_type, log.c.entity_id == str(entity_id))
            .order_by(log.c.occurred_at, log.c.id)
        )
    ).mappings()
    return [dict(row) for row in rows]
