"""Wire shapes of logistics's rooms, bookings, meetings, minutes and action items."""

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.omittable import omittable
from shared.kit.db import LongText, MediumText, ShortText

ROOM_ID = "0193a8c0-0000-7000-8000-00000000c001"
BOOKING_ID = "0193a8c0-0000-7000-8000-00000000c101"
SERIES_ID = "0193a8c0-0000-7000-8000-00000000c1f1"
MEETING_ID = "0193a8c0-0000-7000-8000-00000000c201"
ITEM_ID = "0193a8c0-0000-7000-8000-00000000c301"
MINUTES_ID = "0193a8c0-0000-7000-8000-00000000c401"
EMPLOYEE_ID = "0193a8c0-0000-7000-8000-0000000000e1"
OTHER_EMPLOYEE_ID = "0193a8c0-0000-7000-8000-0000000000e2"
STAMP = "2026-03-11T08:00:00Z"

BookingStatus = Literal["active", "cancelled"]
MeetingStatus = Literal["scheduled", "cancelled"]
AttendeeResponse = Literal["pending", "accepted", "declined"]
ActionItemStatus = Literal["open", "done", "cancelled"]
Frequency = Literal["daily", "weekly"]
Equipment = list[ShortText]


def examples(*values: dict[str, Any]) -> ConfigDict:
    """A model config with these examples of its JSON."""
    return ConfigDict(json_schema_extra={"examples": list(values)})


class Strict(BaseModel):
    """Request bodies refuse unknown fields."""

    model_config = ConfigDict(extra="forbid")


# ---- rooms ------------------------------------------------------------------------------

ROOM_EXAMPLE: dict[str, Any] = {
    "name": "长城 Great Wall",
    "building": "A",
    "floor": "3",
    "capacity": 12,
    "equipment": ["projector", "video_conference", "whiteboard"],
}


class RoomCreate(Strict):
    """A new meeting room."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ROOM_EXAMPLE]})

    name: str = Field(min_length=1, max_length=100)
    building: str = Field(default="", max_length=100)
    floor: str = Field(default="", max_length=20)
    capacity: int = Field(ge=1, le=10000)
    equipment: Equipment = Field(default_factory=list, max_length=50)


class RoomUpdate(Strict):
    """Fields of a room to change (honours If-Match)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"capacity": 14, "active": True}]}
    )

    name: str | None = Field(default=None, min_length=1, max_length=100)
    building: str | None = Field(default=None, max_length=100)
    floor: str | None = Field(default=None, max_length=20)
    capacity: int | None = Field(default=None, ge=1, le=10000)
    equipment: Equipment | None = Field(default=None, max_length=50)
    active: bool | None = None


class RoomRead(BaseModel):
    """A meeting room."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    **ROOM_EXAMPLE,
                    "id": ROOM_ID,
                    "active": True,
                    "version": 1,
                    "created_at": STAMP,
                    "updated_at": STAMP,
                }
            ]
        },
    )

    id: uuid.UUID
    name: str
    building: str
    floor: str
    capacity: int
    equipment: list[str]
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class FreeInterval(BaseModel):
    """A stretch of time when a room is free."""

    model_config = examples(
        {"starts_at": "2026-03-12T09:00:00Z", "ends_at": "2026-03-12T10:30:00Z"}
    )

    starts_at: datetime
    ends_at: datetime


class RoomAvailability(BaseModel):
    """One room that fits, and when it is free in the window."""

    model_config = examples(
        {
            "room_id": ROOM_ID,
            "name": ROOM_EXAMPLE["name"],
            "capacity": 12,
            "equipment": ROOM_EXAMPLE["equipment"],
            "free": [{"starts_at": "2026-03-12T09:00:00Z", "ends_at": "2026-03-12T10:30:00Z"}],
        }
    )

    room_id: uuid.UUID
    name: str
    capacity: int
    equipment: list[str]
    free: list[FreeInterval]


class AvailabilityRead(BaseModel):
    """The free time of every active room that fits, in a window."""

    model_config = examples(
        {
            "from": "2026-03-12T09:00:00Z",
            "to": "2026-03-12T18:00:00Z",
            "rooms": [
                {
                    "room_id": ROOM_ID,
                    "name": ROOM_EXAMPLE["name"],
                    "capacity": 12,
                    "equipment": ROOM_EXAMPLE["equipment"],
                    "free": [
                        {"starts_at": "2026-03-12T09:00:00Z", "ends_at": "2026-03-12T10:30:00Z"}
                    ],
                }
            ],
        }
    )

    from_: datetime = Field(alias="from", serialization_alias="from")
    to: datetime
    rooms: list[RoomAvailability]


# ---- bookings ---------------------------------------------------------------------------


class RecurrenceIn(Strict):
    """Repeat a booking every day or week, until a date (inclusive) or a number of times."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"frequency": "weekly", "count": 4}]},
    )

    frequency: Frequency
    until: date | None = None
    count: int | None = Field(default=None, ge=1, le=366)


BOOKING_CREATE_EXAMPLE: dict[str, Any] = {
    "room_id": ROOM_ID,
    "title": "周例会 Weekly sync",
    "starts_at": "2026-03-12T09:00:00Z",
    "ends_at": "2026-03-12T10:00:00Z",
    "attendee_count": 8,
    "recurrence": {"frequency": "weekly", "count": 4},
}


class BookingCreate(Strict):
    """Book a room, once or as a series (all occurrences are booked, or none)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [BOOKING_CREATE_EXAMPLE]}
    )

    room_id: uuid.UUID
    title: str = Field(min_length=1, max_length=200)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    attendee_count: int = Field(default=1, ge=1, le=10000)
    booker_employee_id: uuid.UUID | None = Field(
        default=None, description="For whom (logistics staff only); the caller by default."
    )
    recurrence: RecurrenceIn | None = None


class BookingRead(BaseModel):
    """A room booking (one occurrence of a series has the series' ``series_id``)."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": BOOKING_ID,
                    "room_id": ROOM_ID,
                    "booker_employee_id": EMPLOYEE_ID,
                    "title": "周例会 Weekly sync",
                    "starts_at": "2026-03-12T09:00:00Z",
                    "ends_at": "2026-03-12T10:00:00Z",
                    "attendee_count": 8,
                    "status": "active",
                    "series_id": SERIES_ID,
                    "meeting_id": None,
                    "version": 1,
                    "created_by": "user:erin",
                    "created_at": STAMP,
                    "updated_at": STAMP,
                }
            ]
        },
    )

    id: uuid.UUID
    room_id: uuid.UUID
    booker_employee_id: uuid.UUID | None
    title: str
    starts_at: datetime
    ends_at: datetime
    attendee_count: int
    status: BookingStatus
    series_id: uuid.UUID | None
    meeting_id: uuid.UUID | None
    version: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class BookingCancel(Strict):
    """Cancel one booking, or it and the rest of its series from it on."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"whole_series": True}]}
    )

    whole_series: bool = Field(
        default=False, description="Also cancel the series' later occurrences."
    )


# ---- meetings ---------------------------------------------------------------------------


class Material(Strict):
    """A file a meeting refers to (a reference to a stored document, not the file)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "Q1 plan.pdf", "ref": "files/2026/q1-plan.pdf"}]},
    )

    name: str = Field(min_length=1, max_length=200)
    ref: str = Field(min_length=1, max_length=500)


MEETING_CREATE_EXAMPLE: dict[str, Any] = {
    "title": "季度规划 Quarterly planning",
    "agenda": "1. Q1 review\n2. Q2 plan",
    "materials": [{"name": "Q1 plan.pdf", "ref": "files/2026/q1-plan.pdf"}],
    "starts_at": "2026-03-12T09:00:00Z",
    "ends_at": "2026-03-12T10:30:00Z",
    "room_id": ROOM_ID,
    "attendee_ids": [OTHER_EMPLOYEE_ID],
}


class MeetingCreate(Strict):
    """Schedule a meeting; with a room, the room is booked in the same step."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [MEETING_CREATE_EXAMPLE]}
    )

    title: str = Field(min_length=1, max_length=200)
    agenda: LongText = ""
    materials: list[Material] = Field(default_factory=list, max_length=50)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    room_id: uuid.UUID | None = None
    location: str = Field(default="", max_length=200, description="Where, without a room.")
    attendee_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    organizer_employee_id: uuid.UUID | None = Field(
        default=None, description="Logistics staff may schedule for someone; the caller by default."
    )


class MeetingUpdate(Strict):
    """Change a meeting (organiser or logistics; honours If-Match). A new time or room moves
    it (its booking too) and notifies the attendees; new attendees get the invitation."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"starts_at": "2026-03-12T14:00:00Z", "ends_at": "2026-03-12T15:30:00Z"}]
        },
    )

    title: str | None = Field(default=None, min_length=1, max_length=200)
    agenda: LongText | None = None
    materials: list[Material] | None = Field(default=None, max_length=50)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    room_id: uuid.UUID | None = Field(
        default=None, description="Another room; an explicit null frees the meeting's room."
    )
    location: str | None = Field(default=None, max_length=200)
    attendee_ids: list[uuid.UUID] | None = Field(default=None, max_length=500)


class AttendeeRead(BaseModel):
    """An invited employee and their answer."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {"employee_id": OTHER_EMPLOYEE_ID, "response": "accepted", "responded_at": STAMP}
            ]
        },
    )

    employee_id: uuid.UUID
    response: AttendeeResponse
    responded_at: datetime | None


class MeetingRead(BaseModel):
    """A meeting with its attendees' answers."""

    model_config = examples(
        {
            **{k: v for k, v in MEETING_CREATE_EXAMPLE.items() if k != "attendee_ids"},
            "id": MEETING_ID,
            "organizer_employee_id": EMPLOYEE_ID,
            "booking_id": BOOKING_ID,
            "location": "",
            "status": "scheduled",
            "attendees": [
                {"employee_id": OTHER_EMPLOYEE_ID, "response": "pending", "responded_at": None}
            ],
            "version": 1,
            "created_at": STAMP,
            "updated_at": STAMP,
        }
    )

    id: uuid.UUID
    organizer_employee_id: uuid.UUID
    title: str
    agenda: str
    materials: list[Material]
    starts_at: datetime
    ends_at: datetime
    room_id: uuid.UUID | None
    booking_id: uuid.UUID | None
    location: str
    status: MeetingStatus
    attendees: list[AttendeeRead]
    version: int
    created_at: datetime
    updated_at: datetime


class MeetingAnswer(Strict):
    """An attendee's answer to the invitation."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"response": "accepted"}]}
    )

    response: Literal["accepted", "declined"]


class MeetingCancel(Strict):
    """Why a meeting is called off (told to the attendees)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "客户临时改期 The client moved"}]},
    )

    reason: MediumText = ""


# ---- minutes and action items -----------------------------------------------------------


class ActionItemIn(Strict):
    """Something to do, by whom and by when."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Send the Q2 budget",
                    "owner_employee_id": OTHER_EMPLOYEE_ID,
                    "due_date": "2026-03-20",
                }
            ]
        },
    )

    title: str = Field(min_length=1, max_length=500)
    owner_employee_id: uuid.UUID
    due_date: date | None = None


class MinutesWrite(Strict):
    """A meeting's minutes (replacing earlier ones; honours If-Match) and new action items."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "summary": "Reviewed Q1; agreed the Q2 plan.",
                    "decisions": ["Hire two engineers in Q2"],
                    "action_items": [
                        {
                            "title": "Send the Q2 budget",
                            "owner_employee_id": OTHER_EMPLOYEE_ID,
                            "due_date": "2026-03-20",
                        }
                    ],
                }
            ]
        },
    )

    summary: LongText = ""
    decisions: list[MediumText] = Field(default_factory=list, max_length=100)
    action_items: list[ActionItemIn] = Field(
        default_factory=list,
        max_length=100,
        description="New action items (added, never replaced).",
    )


ACTION_ITEM_EXAMPLE: dict[str, Any] = {
    "id": ITEM_ID,
    "meeting_id": MEETING_ID,
    "title": "Send the Q2 budget",
    "owner_employee_id": OTHER_EMPLOYEE_ID,
    "due_date": "2026-03-20",
    "status": "open",
    "version": 1,
    "created_at": STAMP,
    "updated_at": STAMP,
}


class ActionItemRead(BaseModel):
    """An action item of a meeting."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [ACTION_ITEM_EXAMPLE]}
    )

    id: uuid.UUID
    meeting_id: uuid.UUID
    title: str
    owner_employee_id: uuid.UUID
    due_date: date | None
    status: ActionItemStatus
    version: int
    created_at: datetime
    updated_at: datetime


class ActionItemUpdate(Strict):
    """Change an action item (its owner, the organiser or logistics; honours If-Match)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"status": "done"}]})

    title: str | None = omittable(min_length=1, max_length=500)
    owner_employee_id: uuid.UUID | None = omittable()
    due_date: date | None = None
    status: ActionItemStatus | None = omittable()


class MinutesRead(BaseModel):
    """A meeting's minutes with all its action items."""

    model_config = examples(
        {
            "id": MINUTES_ID,
            "meeting_id": MEETING_ID,
            "summary": "Reviewed Q1; agreed the Q2 plan.",
            "decisions": ["Hire two engineers in Q2"],
            "action_items": [ACTION_ITEM_EXAMPLE],
            "version": 1,
            "created_at": STAMP,
            "updated_at": STAMP,
        }
    )

    id: uuid.UUID
    meeting_id: uuid.UUID
    summary: str
    decisions: list[str]
    action_items: list[ActionItemRead]
    version: int
    created_at: datetime
    updated_at: datetime
