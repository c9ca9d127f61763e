"""Wire shapes of the auth API."""

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from shared.contracts.principal import ROLES, SERVICES

Role = Literal["admin", "gm", "hr", "finance", "logistics", "auditor", "employee"]
SCOPES = tuple(f"{service}:{mode}" for service in SERVICES for mode in ("read", "write"))
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,63}$"
EmployeeStatus = Literal["onboarding", "active", "on_leave", "left"]

ACCOUNT_ID = "0193a8c0-0000-7000-8000-000000000001"
EMPLOYEE_ID = "0193a8c0-0000-7000-8000-0000000000e1"
CLIENT_UUID = "0193a8c0-0000-7000-8000-0000000000a9"
CREATED_AT = "2026-03-02T09:00:00Z"
CLIENT_EXAMPLE: dict[str, Any] = {
    "id": CLIENT_UUID,
    "client_id": "finance-erp",
    "name": "财务 ERP 对接",
    "scopes": ["org:read", "workflow:write"],
    "active": True,
    "builtin": False,
    "version": 1,
    "created_at": CREATED_AT,
}


PROFILE_EXAMPLE: dict[str, Any] = {
    "employee_id": "0193a8c0-0000-7000-8000-0000000000e1",
    "name": "陈小红",
    "employee_number": "E0042",
    "email": "chen.xiaohong@example.com",
    "status": "active",
    "department": {
        "id": "0193a8c0-0000-7000-8000-0000000000d1",
        "name": "研发部",
    },
    "position": {
        "id": "0193a8c0-0000-7000-8000-0000000000b1",
        "name": "工程师",
    },
    "manager": {
        "id": "0193a8c0-0000-7000-8000-0000000000e2",
        "name": "王经理",
    },
}


def examples(*values: dict[str, Any]) -> ConfigDict:
    """A model config with these examples of its JSON (shown in the OpenAPI document)."""
    return ConfigDict(json_schema_extra={"examples": list(values)})


def refuse_nul(value: str) -> str:
    """NUL characters are refused in every auth field (PostgreSQL cannot store them)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(refuse_nul)]


class TokenResponse(BaseModel):
    """RFC 6749 §5.1 access token response."""

    model_config = examples(
        {
            "access_token": "eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzdWIiOiIwMTkzIn0.c2lnbmF0dXJl",
            "token_type": "bearer",
            "expires_in": 900,
            "refresh_token": "rt_3q2-7wEXAMPLEc5Qm8",
            "scope": "",
        }
    )

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    refresh_token: str | None = None
    scope: str = ""


class NamedRef(BaseModel):
    """Something org knows, by id and name (None when org could not say)."""

    model_config = examples({"id": "0193a8c0-0000-7000-8000-0000000000d1", "name": "研发部"})

    id: uuid.UUID
    name: str | None = None


class EmployeeProfile(BaseModel):
    """The person behind an account, as org knows them."""

    model_config = examples(PROFILE_EXAMPLE)

    employee_id: uuid.UUID
    name: str
    employee_number: str | None = None
    email: str | None = None
    status: EmployeeStatus | None = None
    department: NamedRef | None = None
    position: NamedRef | None = None
    manager: NamedRef | None = Field(
        default=None, description="The first manager up the chain (reporting line or head)."
    )


ProfileStatus = Literal["complete", "partial", "unavailable", "not_found", "no_employee"]


class Me(BaseModel):
    """Who the bearer of the token is, with the employee's profile from org when there is one."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "sub": "0193a8c0-0000-7000-8000-000000000001",
                    "username": "chen.xiaohong",
                    "employee_id": "0193a8c0-0000-7000-8000-0000000000e1",
                    "roles": ["employee"],
                    "scopes": [],
                    "client_id": None,
                    "profile": PROFILE_EXAMPLE,
                    "profile_status": "complete",
                }
            ]
        }
    )

    sub: str
    username: str | None
    employee_id: uuid.UUID | None
    roles: list[str] = Field(description="Roles as the token states them (see `Role`).")
    scopes: list[str] = Field(description="A client's scopes (`<service>:read|write`).")
    client_id: str | None = None
    profile: EmployeeProfile | None = None
    profile_status: ProfileStatus = Field(
        default="no_employee",
        description="complete: the profile is org's; partial: some parts could not be read; "
        "unavailable: org could not be reached, so only the account's own data is shown; "
        "not_found: org does not know the linked employee; no_employee: no employee linked.",
    )


class AccountCreate(BaseModel):
    """A new account."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "username": "chen.xiaohong",
                    "password": "Qiming-2026-initial",
                    "roles": ["employee"],
                    "employee_id": EMPLOYEE_ID,
                    "active": True,
                }
            ]
        },
    )

    username: str = Field(pattern=USERNAME_PATTERN, description="Lowercase letters, digits, . _ -")
    password: Annotated[Text, StringConstraints(max_length=256)]
    roles: list[Role] = Field(default_factory=lambda: ["employee"])  # type: ignore[arg-type]
    employee_id: uuid.UUID | None = None
    active: bool = True

    @field_validator("username", mode="before")
    @classmethod
    def _lowercase(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


class AccountUpdate(BaseModel):
    """Fields an admin may change; ``password`` resets it."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"roles": ["employee", "hr"]}]}
    )

    password: Annotated[Text, StringConstraints(max_length=256)] | None = None
    roles: list[Role] | None = None
    employee_id: uuid.UUID | None = None
    active: bool | None = None


class AccountRead(BaseModel):
    """An account as admins see it (never the password hash)."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": ACCOUNT_ID,
                    "username": "chen.xiaohong",
                    "roles": ["employee"],
                    "employee_id": EMPLOYEE_ID,
                    "active": True,
                    "last_login_at": "2026-11-20T01:02:03Z",
                    "version": 2,
                    "created_at": CREATED_AT,
                    "updated_at": "2026-11-20T01:02:03Z",
                }
            ]
        },
    )

    id: uuid.UUID
    username: str
    roles: list[Role]
    employee_id: uuid.UUID | None
    active: bool
    last_login_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class ClientCreate(BaseModel):
    """A new integration client."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "财务 ERP 对接", "scopes": ["org:read", "workflow:write"]}]
        },
    )

    name: Text = Field(min_length=1, max_length=200)
    scopes: list[Literal[SCOPES]] = Field(min_length=1)  # type: ignore[valid-type]


class ClientUpdate(BaseModel):
    """Fields an admin may change on a client."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"scopes": ["org:read"], "active": False}]}
    )

    name: Text | None = Field(default=None, min_length=1, max_length=200)
    scopes: list[Literal[SCOPES]] | None = None  # type: ignore[valid-type]
    active: bool | None = None


class ClientRead(BaseModel):
    """A client as admins see it (never the secret)."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [CLIENT_EXAMPLE]}
    )

    id: uuid.UUID
    client_id: str
    name: str
    scopes: list[Literal[SCOPES]]  # type: ignore[valid-type]
    active: bool
    builtin: bool
    version: int
    created_at: datetime


class ClientCreated(ClientRead):
    """The answer to creating a client: the only time the secret is shown."""

    model_config = examples({**CLIENT_EXAMPLE, "client_secret": "cs_EXAMPLE_7hQ2pX9vLm4rT8wZ"})

    client_secret: str


class RoleMembers(BaseModel):
    """The employees whose active account holds a role."""

    model_config = examples({"employee_ids": [EMPLOYEE_ID]})

    employee_ids: list[uuid.UUID]


ALL_ROLES = ROLES
