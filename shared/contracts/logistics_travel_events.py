"""Payloads of the events logistics publishes about business travel.

Two of them are posting facts finance consumes (``shared.contracts.posting_facts``):

- ``logistics.travel_advance.approved`` — an approved trip's advance, one component
  ``advance`` (the employee as dimension): finance records what it owes the traveller;
- ``logistics.reimbursement.approved`` — an approved reimbursement: one ``travel_expense``
  component per receipt category (``category`` hotel, transport, meals, local_transport,
  other; employee and department as dimensions), and, when the trip had an advance, an
  ``advance_offset`` component of the advance set against it (at most the total) — so what
  finance still owes the traveller is the total less the advance (``net_payable``).
"""

import uuid
from datetime import date
from typing import Annotated

from pydantic import Field

from shared.contracts.events import EventPayload, event_contract
from shared.contracts.money import Money
from shared.contracts.posting_facts import PostingFact


class TravelRequestEvent(EventPayload):
    """A travel request as it is after the change."""

    employee_id: uuid.UUID
    destination: Annotated[str, Field(max_length=200)]
    city_tier: str
    start_date: date
    end_date: date
    days: int
    abroad: bool
    estimated_cost: Money
    advance: Money
    status: str


@event_contract("logistics.travel_request.submitted")
class TravelRequestSubmitted(TravelRequestEvent):
    """A trip was asked for; its approval (``travel_request``) follows."""


@event_contract("logistics.travel_request.approved")
class TravelRequestApproved(TravelRequestEvent):
    """The trip was approved; the traveller may go and later file a reimbursement."""


@event_contract("logistics.travel_request.rejected")
class TravelRequestRejected(TravelRequestEvent):
    """The trip was rejected (or workflow refused to start its approval)."""


@event_contract("logistics.travel_request.withdrawn")
class TravelRequestWithdrawn(TravelRequestEvent):
    """The traveller withdrew the request before it was decided."""


@event_contract("logistics.travel_advance.approved")
class TravelAdvanceApproved(PostingFact):
    """A posting fact: the advance of an approved trip, which finance pays the traveller."""

    travel_request_id: uuid.UUID
    employee_id: uuid.UUID


class ReimbursementEvent(EventPayload):
    """A reimbursement as it is after the change."""

    travel_request_id: uuid.UUID
    employee_id: uuid.UUID
    total: Money
    advance: Money
    over_standard: bool = Field(description="Some line is over the standard (and justified).")
    status: str


@event_contract("logistics.reimbursement.submitted")
class ReimbursementSubmitted(ReimbursementEvent):
    """A traveller filed a reimbursement; its approval (``expense_claim``) follows."""


@event_contract("logistics.reimbursement.rejected")
class ReimbursementRejected(ReimbursementEvent):
    """The reimbursement was rejected (or workflow refused to start its approval)."""


@event_contract("logistics.reimbursement.withdrawn")
class ReimbursementWithdrawn(ReimbursementEvent):
    """The traveller withdrew the reimbursement before it was decided."""


@event_contract("logistics.reimbursement.approved")
class ReimbursementApproved(PostingFact):
    """A posting fact: an approved reimbursement, which finance turns into a payable to the
    traveller (the total less the advance) and pays."""

    travel_request_id: uuid.UUID
    employee_id: uuid.UUID
    total: Money
    advance_offset: Money
    net_payable: Money = Field(description="total − advance_offset (never below zero).")
    over_standard: bool


class TravelStandardEvent(EventPayload):
    """A travel standard as it is after the change."""

    grade: str
    city_tier: str
    hotel_cap_per_night: Money
    per_diem: Money
    transport_class: str
    effective_from: date
    effective_to: date | None


@event_contract("logistics.travel_standard.created")
class TravelStandardCreated(TravelStandardEvent):
    """Logistics or finance set a new standard."""


@event_contract("logistics.travel_standard.updated")
class TravelStandardUpdated(TravelStandardEvent):
    """A standard changed (its caps or its dates)."""
