"""Payloads of the events finance publishes about tax filings and posting exceptions."""

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

# The fact shapes finance accepts (and the payroll fact it declares for hr) are registered
# whenever the platform's contracts are loaded, whichever publisher imports them first.
from shared.contracts import posting_facts  # noqa: F401
from shared.contracts.events import EventPayload, event_contract
from shared.contracts.money import Money

__all__ = [
    "EventPayload",
    "PostingExceptionParked",
    "PostingExceptionResolved",
    "TaxFilingEvent",
    "TaxFilingExtended",
    "TaxFilingFiled",
    "TaxFilingPaid",
    "event_contract",
]


class TaxFilingEvent(EventPayload):
    """A filing of the tax calendar as it is after the change."""

    filing_id: uuid.UUID
    tax: str = Field(description="``vat``, ``cit``, ``iit_withheld``, ``city_construction``, …")
    kind: str = Field(description="``monthly``, ``quarterly``, ``cit_prepayment``, ``cit_annual``")
    period_start: date
    period_end: date
    due_date: date


@event_contract("finance.tax_filing.filed")
class TaxFilingFiled(TaxFilingEvent):
    """A return was filed with the tax authority: its base, the tax due and its reference."""

    filed_on: date
    tax_base: Money
    amount: Money
    reference: str


@event_contract("finance.tax_filing.paid")
class TaxFilingPaid(TaxFilingEvent):
    """The tax of a filed return was paid; its entry is posted."""

    paid_on: date
    amount: Money
    entry_id: uuid.UUID


@event_contract("finance.tax_filing.extended")
class TaxFilingExtended(TaxFilingEvent):
    """Finance moved a due date for an extension the tax authority announced."""

    previous_due_date: date
    reason: str


@event_contract("finance.posting_exception.parked")
class PostingExceptionParked(EventPayload):
    """A fact finance could not post was parked for finance to resolve."""

    exception_id: uuid.UUID
    fact_type: str
    source_id: str
    reason_code: str = Field(
        description="``no_posting_rule``, ``invalid_fact`` or the ledger's refusal "
        "(``period_closed``, ``account_not_postable``, …)."
    )
    reason: str


@event_contract("finance.posting_exception.resolved")
class PostingExceptionResolved(EventPayload):
    """A parked fact was posted on a retry, or dismissed with a reason."""

    exception_id: uuid.UUID
    fact_type: str
    source_id: str
    resolution: Literal["posted", "dismissed"]
    entry_id: uuid.UUID | None = None
    note: str | None = None
