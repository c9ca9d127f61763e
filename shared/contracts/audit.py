"""One entry of a service's audit log, as ``/audit-log`` and record histories answer it."""

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

AUDIT_ENTRY_EXAMPLE: dict[str, Any] = {
    "id": "0193a8c0-0000-7000-8000-00000000a001",
    "occurred_at": "2026-11-20T08:30:00Z",
    "actor": "li.hr",
    "actor_employee_id": "0193a8c0-0000-7000-8000-0000000000e3",
    "action": "update",
    "entity_type": "employees",
    "entity_id": "0193a8c0-0000-7000-8000-0000000000e1",
    "changes": {"phone": {"old": "13800000000", "new": "13900000000"}},
    "request_id": "9f6c1d2e4b7a4c0d",
}


class AuditEntry(BaseModel):
    """Who changed what and when: ``changes`` maps each field to its ``old`` and/or ``new`` value."""

    model_config = ConfigDict(json_schema_extra={"examples": [AUDIT_ENTRY_EXAMPLE]})

    id: uuid.UUID
    occurred_at: datetime
    actor: str | None
    actor_employee_id: uuid.UUID | None
    action: Literal["create", "update", "delete"]
    entity_type: str
    entity_id: str
    changes: dict[str, dict[str, Any]] = Field(
        description="Per field: `new` when created, `old` and `new` when updated, `old` when deleted."
    )
    request_id: str | None
