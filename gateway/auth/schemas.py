"""Wire shapes of the auth API."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.contracts.principal import ROLES, SERVICES

Role = Literal["admin", "gm", "hr", "finance", "logistics", "auditor", "employee"]
SCOPES = tuple(f"{service}:{mode}" for service in SERVICES for mode in ("read", "write"))
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,63}$"


class TokenResponse(BaseModel):
    """RFC 6749 §5.1 access token response."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    refresh_token: str | None = None
    scope: str = ""


class Me(BaseModel):
    """Who the bearer of the token is."""

    sub: str
    username: str | None
    employee_id: uuid.UUID | None
    roles: list[str]
    scopes: list[str]
    client_id: str | None = None


class AccountCreate(BaseModel):
    """A new account."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_PATTERN, description="Lowercase letters, digits, . _ -")
    password: str
    roles: list[Role] = Field(default_factory=lambda: ["employee"])  # type: ignore[arg-type]
    employee_id: uuid.UUID | None = None
    active: bool = True

    @field_validator("username", mode="before")
    @classmethod
    def _lowercase(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


class AccountUpdate(BaseModel):
    """Fields an admin may change; ``password`` resets it."""

    model_config = ConfigDict(extra="forbid")

    password: str | None = None
    roles: list[Role] | None = None
    employee_id: uuid.UUID | None = None
    active: bool | None = None


class AccountRead(BaseModel):
    """An account as admins see it (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str
    roles: list[str]
    employee_id: uuid.UUID | None
    active: bool
    last_login_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class ClientCreate(BaseModel):
    """A new integration client."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    scopes: list[Literal[SCOPES]] = Field(min_length=1)  # type: ignore[valid-type]


class ClientUpdate(BaseModel):
    """Fields an admin may change on a client."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    scopes: list[Literal[SCOPES]] | None = None  # type: ignore[valid-type]
    active: bool | None = None


class ClientRead(BaseModel):
    """A client as admins see it (never the secret)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    client_id: str
    name: str
    scopes: list[str]
    active: bool
    builtin: bool
    version: int
    created_at: datetime


class ClientCreated(ClientRead):
    """The answer to creating a client: the only time the secret is shown."""

    client_secret: str


ALL_ROLES = ROLES
