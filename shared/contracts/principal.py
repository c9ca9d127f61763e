"""Who is calling: the verified claims of an access token."""

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.registry import SERVICE_NAMES

ROLES = ("admin", "gm", "hr", "finance", "logistics", "auditor", "employee")
SERVICES = SERVICE_NAMES  # declared once, in shared/registry.py

Role = Literal["admin", "gm", "hr", "finance", "logistics", "auditor", "employee"]


class Principal(BaseModel):
    """A verified caller: a person (``kind="user"``) or a system client (``kind="client"``)."""

    model_config = ConfigDict(frozen=True)

    sub: str
    kind: Literal["user", "client"] = "user"
    username: str | None = None
    client_id: str | None = None
    employee_id: uuid.UUID | None = None
    roles: frozenset[str] = Field(default_factory=frozenset)
    scopes: frozenset[str] = Field(default_factory=frozenset)
    token_id: str | None = None
    session_id: str | None = None

    def has_role(self, *roles: str) -> bool:
        """True when the caller holds any of ``roles``."""
        return any(role in self.roles for role in roles)

    def can_read(self, service: str) -> bool:
        """True when a client may read ``service`` (people are checked by role instead)."""
        return f"{service}:read" in self.scopes or f"{service}:write" in self.scopes

    def can_write(self, service: str) -> bool:
        """True when a client may change ``service``."""
        return f"{service}:write" in self.scopes
