"""Payloads of the events finance publishes about its ledger: journal entries, periods, accounts.

Amounts are exact decimal strings with two places (``"12500.00"``), never numbers.
"""

import uuid
from datetime import date

from pydantic import Field

from shared.contracts.events import EventPayload, event_contract

AMOUNT_PATTERN = r"^\d+\.\d{2}$"


class PostedLine(EventPayload):
    """One line of a posted entry."""

    account: str = Field(description="The account code, e.g. ``6602.02``.")
    debit: str = Field(pattern=AMOUNT_PATTERN, description='e.g. "1200.00" ("0.00" on a credit)')
    credit: str = Field(pattern=AMOUNT_PATTERN, description='e.g. "0.00" on a debit')
    department_id: uuid.UUID | None = None
    employee_id: uuid.UUID | None = None
    party_id: uuid.UUID | None = None
    project: str | None = None
    cash_flow_item: str | None = None


@event_contract("finance.journal_entry.posted")
class JournalEntryPosted(EventPayload):
    """An entry was posted: it has its voucher number and is in the period balances."""

    entry_id: uuid.UUID
    voucher_number: str = Field(description="e.g. ``记-2026-03-0007``")
    entry_date: date
    year: int
    month: int
    memo: str
    source: str = Field(description="``manual``, ``expense_claim``, ``payroll``, …")
    source_id: str | None = None
    total: str = Field(pattern=AMOUNT_PATTERN, description="Total debits (= total credits).")
    reverses_id: uuid.UUID | None = Field(
        default=None, description="The entry this one reverses, when it is a reversal."
    )
    lines: list[PostedLine]


@event_contract("finance.journal_entry.reversed")
class JournalEntryReversed(EventPayload):
    """A posted entry was reversed by a mirror entry (posted too, with its own event)."""

    entry_id: uuid.UUID
    voucher_number: str
    reversal_id: uuid.UUID
    reversal_voucher_number: str
    reversal_date: date
    total: str = Field(pattern=AMOUNT_PATTERN)


class PeriodEvent(EventPayload):
    """A period as it is after the change."""

    year: int
    month: int = Field(ge=1, le=12)
    status: str = Field(description="``open`` or ``closed``")
    actor: str | None = None


@event_contract("finance.period.closed")
class PeriodClosed(PeriodEvent):
    """A month was closed: nothing more is posted into it until it is reopened."""

    entries: int = Field(description="Posted entries in the period.")


@event_contract("finance.period.reopened")
class PeriodReopened(PeriodEvent):
    """A closed month was reopened by finance, with a reason."""

    reason: str


class AccountChanged(EventPayload):
    """An account of the chart as it is after the change."""

    code: str
    name: str
    name_en: str
    category: str
    normal_side: str
    parent_code: str | None = None
    is_leaf: bool
    active: bool


@event_contract("finance.account.created")
class AccountCreated(AccountChanged):
    """Finance added a sub-account to the chart."""


@event_contract("finance.account.updated")
class AccountUpdated(AccountChanged):
    """An account was renamed, deactivated or reactivated."""
