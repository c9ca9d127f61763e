"""Wire shapes of the auth API."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from shared.contracts.principal import ROLES, SERVICES

Role = Literal["admin", "gm", "hr", "finance", "logistics", "auditor", "employee"]
SCOPES = tuple(f"{service}:{mode}" for service in SERVICES for mode in ("read", "write"))
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,63}$"


def refuse_nul(value: str) -> str:
    """NUL characters are refused in every auth field (PostgreSQL cannot store them)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(refuse_nul)]


class TokenResponse(BaseModel):
    """RFC 6749 §5.1 access token response."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    refresh_token: str | None = None
    scope: str = ""


class NamedRef(BaseModel):
    """Something org knows, by id and name (None when org could not say)."""

    id: uuid.UUID
    name: str | None = None


class EmployeeProfile(BaseModel):
    """The person behind an account, as org knows them."""

    employee_id: uuid.UUID
    name: str
    employee_number: str | None = None
    email: str | None = None
    status: str | None = None
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
                    "profile": {
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
                    },
                    "profile_status": "complete",
                }
            ]
        }
    )

    sub: str
    username: str | None
    employee_id: uuid.UUID | None
    roles: list[str]
    scopes: list[str]
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

    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_PATTERN, description="Lowercase letters, digits, . _ -")
    password: Text
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

    password: Text | None = None
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

    name: Text = Field(min_length=1, max_length=200)
    scopes: list[Literal[SCOPES]] = Field(min_length=1)  # type: ignore[valid-type]


class ClientUpdate(BaseModel):
    """Fields an admin may change on a client."""

    model_config = ConfigDict(extra="forbid")

    name: Text | None = Field(default=None, min_length=1, max_length=200)
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
