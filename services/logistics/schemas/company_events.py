"""Wire shapes of logistics's company events and sign-ups."""

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.kit.db import LongText

EVENT_ID = "0193a8c0-0000-7000-8000-00000000d001"
SIGNUP_ID = "0193a8c0-0000-7000-8000-00000000d101"
EMPLOYEE_ID = "0193a8c0-0000-7000-8000-0000000000e1"
STAMP = "2026-03-11T08:00:00Z"

EventKind = Literal["team_building", "festival"]
EventStatus = Literal["open", "cancelled"]
SignupStatus = Literal["confirmed", "waitlisted", "cancelled"]

EVENT_EXAMPLE: dict[str, Any] = {
    "title": "春季团建 Spring team building",
    "kind": "team_building",
    "description": "Hiking in the Western Hills, lunch included.",
    "location": "香山 Fragrant Hills",
    "starts_at": "2026-04-18T01:00:00Z",
    "ends_at": "2026-04-18T09:00:00Z",
    "signup_deadline": "2026-04-10T10:00:00Z",
    "capacity": 40,
}


class CompanyEventCreate(BaseModel):
    """A new company event."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EVENT_EXAMPLE]})

    title: str = Field(min_length=1, max_length=200)
    kind: EventKind
    description: LongText = ""
    location: str = Field(default="", max_length=200)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    signup_deadline: AwareDatetime
    capacity: int = Field(ge=1, le=100000)


class CompanyEventUpdate(BaseModel):
    """Fields of an event to change (honours If-Match); more places promote the waitlist."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"capacity": 50}]})

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: LongText | None = None
    location: str | None = Field(default=None, max_length=200)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    signup_deadline: AwareDatetime | None = None
    capacity: int | None = Field(default=None, ge=1, le=100000)


class CompanyEventRead(BaseModel):
    """A company event with its places taken and its waitlist's length."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **EVENT_EXAMPLE,
                    "id": EVENT_ID,
                    "status": "open",
                    "taken": 38,
                    "waitlisted": 0,
                    "places_left": 2,
                    "version": 1,
                    "created_at": STAMP,
                    "updated_at": STAMP,
                }
            ]
        }
    )

    id: uuid.UUID
    title: str
    kind: EventKind
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    signup_deadline: datetime
    capacity: int
    status: EventStatus
    taken: int
    waitlisted: int
    places_left: int
    version: int
    created_at: datetime
    updated_at: datetime


class SignupCreate(BaseModel):
    """Sign up for an event: oneself, or (logistics) someone."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{}, {"employee_id": EMPLOYEE_ID}]}
    )

    employee_id: uuid.UUID | None = Field(
        default=None, description="Logistics only; the caller by default."
    )


class SignupRead(BaseModel):
    """A sign-up: a place (``confirmed``) or a turn on the waitlist."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": SIGNUP_ID,
                    "event_id": EVENT_ID,
                    "employee_id": EMPLOYEE_ID,
                    "status": "confirmed",
                    "queued_at": STAMP,
                    "attended": None,
                    "version": 1,
                    "created_at": STAMP,
                    "updated_at": STAMP,
                }
            ]
        },
    )

    id: uuid.UUID
    event_id: uuid.UUID
    employee_id: uuid.UUID
    status: SignupStatus
    queued_at: datetime
    attended: bool | None
    version: int
    created_at: datetime
    updated_at: datetime


class AttendanceWrite(BaseModel):
    """Whether a confirmed person came."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"attended": True}]})

    attended: bool
