"""Payloads of the events hr publishes on ``/api/v1/hr/events``."""

import uuid
from datetime import date

from pydantic import Field

from shared.contracts.events import EventPayload, event_contract


class LeaveRequestEvent(EventPayload):
    """A leave request as it is after the change."""

    employee_id: uuid.UUID
    leave_type: str = Field(description="The leave type's code, e.g. ``annual``.")
    start_date: date
    end_date: date
    days: str = Field(
        pattern=r"^\d+\.\d$", description='Days charged, a decimal with one place, e.g. "1.5".'
    )
    status: str = Field(description="The request's status after the change.")


@event_contract("hr.leave_request.submitted")
class LeaveRequestSubmitted(LeaveRequestEvent):
    """An employee (or HR for them) asked for leave; its approval follows."""


@event_contract("hr.leave_request.approved")
class LeaveRequestApproved(LeaveRequestEvent):
    """The leave was approved; its days moved from pending to used."""


@event_contract("hr.leave_request.rejected")
class LeaveRequestRejected(LeaveRequestEvent):
    """The leave was rejected; its pending days were released."""

    reason: str


@event_contract("hr.leave_request.cancelled")
class LeaveRequestCancelled(LeaveRequestEvent):
    """The leave was cancelled or withdrawn; its days were released."""

    reason: str = Field(
        description="Why: cancelled before approval, withdrawn, cancelled before it started, "
        "or cancellation approved."
    )


@event_contract("hr.leave_balance.settled")
class LeaveBalanceSettled(EventPayload):
    """A leaver's annual leave for the year they left, settled for payroll (Art. 12 of the
    implementing measures for paid annual leave): ``earned`` = days worked / 365 * the full
    year's entitlement, ``untaken_days`` = earned - taken, the fraction dropped, never below 0."""

    employee_id: uuid.UUID
    year: int
    leave_date: date
    days_worked: int
    full_entitlement: int
    earned: str = Field(pattern=r"^\d+\.\d{4}$", description='Exact, e.g. "4.1096".')
    taken: str = Field(pattern=r"^\d+\.\d$", description='Days taken, e.g. "3.0".')
    untaken_days: int = Field(ge=0, description="Whole days payroll pays for.")
