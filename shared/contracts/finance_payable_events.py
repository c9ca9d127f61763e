"""Payloads of the events finance publishes about what it owes employees from posted facts
(a travel advance, a reimbursement less its advance) and its payments."""

import uuid
from datetime import date

from pydantic import Field

from shared.contracts.events import EventPayload, event_contract
from shared.contracts.money import Money


@event_contract("finance.employee_payable.paid")
class EmployeePayablePaid(EventPayload):
    """Finance paid an employee what a posted fact made it owe them (Dr 2241 / Cr 1002)."""

    payable_id: uuid.UUID
    employee_id: uuid.UUID
    fact_type: str = Field(description="The posted fact, e.g. logistics.travel_advance.approved.")
    source_id: str = Field(description="The fact's source id (the trip, the reimbursement).")
    amount: Money = Field(description="What was paid: all that was owed.")
    paid_on: date
    payment_entry_id: uuid.UUID = Field(description="The payment's journal entry.")
