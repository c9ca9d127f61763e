"""Payloads of the events logistics publishes about rooms, bookings, meetings, company events and vehicles."""

import uuid
from datetime import date, datetime

from pydantic import Field

from shared.contracts.events import EventPayload, event_contract

# ---- rooms and bookings -----------------------------------------------------------------


class RoomEvent(EventPayload):
    """A meeting room as it is after the change."""

    name: str
    capacity: int
    equipment: list[str]
    active: bool


@event_contract("logistics.room.created")
class RoomCreated(RoomEvent):
    """Logistics added a meeting room."""


@event_contract("logistics.room.updated")
class RoomUpdated(RoomEvent):
    """Logistics changed a room (name, capacity, equipment, or took it out of use)."""


class BookingEvent(EventPayload):
    """A room booking as it is after the change."""

    room_id: uuid.UUID
    booker_employee_id: uuid.UUID | None
    starts_at: datetime
    ends_at: datetime
    status: str = Field(description="`active` or `cancelled`.")
    series_id: uuid.UUID | None = None
    meeting_id: uuid.UUID | None = None


@event_contract("logistics.booking.created")
class BookingCreated(BookingEvent):
    """A room was booked (each occurrence of a recurring booking is one event)."""


@event_contract("logistics.booking.moved")
class BookingMoved(BookingEvent):
    """A booking moved to another time or room (its meeting moved)."""


@event_contract("logistics.booking.cancelled")
class BookingCancelled(BookingEvent):
    """A booking was cancelled; the room is free again."""


# ---- meetings ---------------------------------------------------------------------------


class MeetingEvent(EventPayload):
    """A meeting as it is after the change."""

    organizer_employee_id: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    room_id: uuid.UUID | None
    attendee_ids: list[uuid.UUID]
    status: str = Field(description="`scheduled` or `cancelled`.")


@event_contract("logistics.meeting.scheduled")
class MeetingScheduled(MeetingEvent):
    """A meeting was scheduled; its attendees are sent a notice."""


@event_contract("logistics.meeting.updated")
class MeetingUpdated(MeetingEvent):
    """A meeting's title, agenda, materials or attendees changed (not its time or room)."""


@event_contract("logistics.meeting.moved")
class MeetingMoved(MeetingEvent):
    """A meeting moved to another time or room; its attendees are sent a notice."""


@event_contract("logistics.meeting.cancelled")
class MeetingCancelled(MeetingEvent):
    """A meeting was cancelled; its booking is released and attendees are sent a notice."""


@event_contract("logistics.meeting_invitation.answered")
class MeetingInvitationAnswered(EventPayload):
    """An attendee accepted or declined a meeting."""

    meeting_id: uuid.UUID
    employee_id: uuid.UUID
    response: str = Field(description="`accepted` or `declined`.")


@event_contract("logistics.meeting_minutes.recorded")
class MeetingMinutesRecorded(EventPayload):
    """A meeting's minutes were written or revised."""

    meeting_id: uuid.UUID
    decisions: int = Field(description="How many decisions the minutes hold.")


class ActionItemEvent(EventPayload):
    """An action item as it is after the change."""

    meeting_id: uuid.UUID
    owner_employee_id: uuid.UUID
    due_date: date | None
    status: str = Field(description="`open`, `done` or `cancelled`.")


@event_contract("logistics.action_item.created")
class ActionItemCreated(ActionItemEvent):
    """A meeting gave someone something to do."""


@event_contract("logistics.action_item.updated")
class ActionItemUpdated(ActionItemEvent):
    """An action item's owner, due date or status changed."""


# ---- company events ---------------------------------------------------------------------


class CompanyEventEvent(EventPayload):
    """A company event as it is after the change."""

    title: str
    kind: str = Field(description="`team_building` or `festival`.")
    starts_at: datetime
    capacity: int
    signup_deadline: datetime
    status: str = Field(description="`open` or `cancelled`.")


@event_contract("logistics.company_event.created")
class CompanyEventCreated(CompanyEventEvent):
    """Logistics announced a company event."""


@event_contract("logistics.company_event.updated")
class CompanyEventUpdated(CompanyEventEvent):
    """A company event's details, capacity or deadline changed."""


@event_contract("logistics.company_event.cancelled")
class CompanyEventCancelled(CompanyEventEvent):
    """A company event was called off."""


class SignupEvent(EventPayload):
    """A sign-up as it is after the change."""

    event_id: uuid.UUID
    employee_id: uuid.UUID
    status: str = Field(description="`confirmed`, `waitlisted` or `cancelled`.")


@event_contract("logistics.event_signup.confirmed")
class SignupConfirmed(SignupEvent):
    """An employee got a place at a company event."""


@event_contract("logistics.event_signup.waitlisted")
class SignupWaitlisted(SignupEvent):
    """The event was full: the employee waits for a place."""


@event_contract("logistics.event_signup.promoted")
class SignupPromoted(SignupEvent):
    """A place came free and went to the first person waiting."""


@event_contract("logistics.event_signup.cancelled")
class SignupCancelled(SignupEvent):
    """An employee withdrew a sign-up (a confirmed place goes to the first person waiting)."""


@event_contract("logistics.event_signup.attended")
class SignupAttended(SignupEvent):
    """Attendance was recorded for a sign-up."""

    attended: bool


# ---- vehicles ---------------------------------------------------------------------------


class VehicleEvent(EventPayload):
    """A vehicle as it is after the change."""

    plate: str
    seats: int
    status: str
    odometer_km: int
    next_maintenance_date: date | None
    next_maintenance_km: int | None


@event_contract("logistics.vehicle.registered")
class VehicleRegistered(VehicleEvent):
    """A vehicle joined the fleet."""


@event_contract("logistics.vehicle.updated")
class VehicleUpdated(VehicleEvent):
    """A vehicle's details or status changed."""


@event_contract("logistics.vehicle.maintained")
class VehicleMaintained(VehicleEvent):
    """A maintenance was logged; the next one is due by ``next_maintenance_*``."""

    maintenance_id: uuid.UUID


class VehicleRequestEvent(EventPayload):
    """A vehicle request as it is after the change."""

    employee_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    passengers: int
    status: str


@event_contract("logistics.vehicle_request.submitted")
class VehicleRequestSubmitted(VehicleRequestEvent):
    """An employee asked for a vehicle; its ``vehicle_request`` approval follows."""


@event_contract("logistics.vehicle_request.approved")
class VehicleRequestApproved(VehicleRequestEvent):
    """Workflow approved the request; logistics dispatches a vehicle and a driver."""


@event_contract("logistics.vehicle_request.rejected")
class VehicleRequestRejected(VehicleRequestEvent):
    """Workflow rejected the request, or refused to start its approval."""

    reason: str


@event_contract("logistics.vehicle_request.cancelled")
class VehicleRequestCancelled(VehicleRequestEvent):
    """The requester (or logistics) cancelled the request, or its approval was withdrawn."""

    reason: str


@event_contract("logistics.vehicle_request.dispatched")
class VehicleRequestDispatched(VehicleRequestEvent):
    """A vehicle and a driver were assigned to the request."""

    vehicle_id: uuid.UUID
    driver_employee_id: uuid.UUID


class TripEvent(EventPayload):
    """A trip as it is after the change."""

    vehicle_id: uuid.UUID
    request_id: uuid.UUID | None
    odometer_out: int
    odometer_in: int | None
    fuel_cost: str | None = Field(default=None, description="Money, two decimals.")
    tolls: str | None = Field(default=None, description="Money, two decimals.")
    status: str = Field(description="`open` or `completed`.")


@event_contract("logistics.trip.started")
class TripStarted(TripEvent):
    """A vehicle left with its odometer reading."""


@event_contract("logistics.trip.completed")
class TripCompleted(TripEvent):
    """A vehicle came back: the odometer, fuel and tolls are recorded."""
