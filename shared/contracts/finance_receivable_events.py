"""Payloads of the events finance publishes about invoices and payments.

Amounts are decimal strings with two places (``"11300.00"``), in the record's currency.
"""

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

from shared.contracts.events import EventPayload, event_contract
from shared.contracts.money import Money


class InvoiceEvent(EventPayload):
    """An invoice as it is after the change."""

    kind: Literal["receivable", "payable"]
    number: str
    party_id: uuid.UUID
    party_name: str
    issue_date: date
    due_date: date
    currency: str = "CNY"
    net: Money
    vat: Money
    gross: Money
    paid: Money
    status: Literal["draft", "open", "partly_paid", "paid", "cancelled"]
    contract_reference: str | None = None
    milestone: str | None = None


@event_contract("finance.invoice.created")
class InvoiceCreated(InvoiceEvent):
    """A draft invoice was recorded (by finance, or from a contract's payment milestone)."""


@event_contract("finance.invoice.issued")
class InvoiceIssued(InvoiceEvent):
    """The invoice was issued (or, for a payable, booked): its entry is posted and it is open."""

    entry_id: uuid.UUID | None = Field(description="The posted journal entry.")


@event_contract("finance.invoice.payment_approved")
class InvoicePaymentApproved(InvoiceEvent):
    """Finance approved a payable for payment; payment batches may now take it."""


@event_contract("finance.invoice.partly_paid")
class InvoicePartlyPaid(InvoiceEvent):
    """A payment settled part of the invoice; ``paid`` is what has been settled so far."""

    payment_id: uuid.UUID


@event_contract("finance.invoice.paid")
class InvoicePaid(InvoiceEvent):
    """The invoice is settled in full."""

    payment_id: uuid.UUID


@event_contract("finance.invoice.cancelled")
class InvoiceCancelled(InvoiceEvent):
    """The invoice was cancelled: a draft dropped, or an issued, unpaid one reversed."""

    reason: str
    reversal_entry_id: uuid.UUID | None = None


class PaymentAllocationData(EventPayload):
    """The part of a payment that settled one invoice."""

    invoice_id: uuid.UUID
    invoice_number: str
    amount: Money


@event_contract("finance.payment.made")
class PaymentMade(EventPayload):
    """Money was received (``receipt``) or paid (``payment``) and allocated to invoices."""

    kind: Literal["receipt", "payment"]
    party_id: uuid.UUID
    party_name: str
    payment_date: date
    amount: Money
    currency: str = "CNY"
    reference: str
    allocations: list[PaymentAllocationData]
    batch_id: uuid.UUID | None = None
    entry_id: uuid.UUID | None = None


@event_contract("finance.payment.reversed")
class PaymentReversed(PaymentMade):
    """A receipt or payment recorded in error was undone: its entry reversed, its invoices owe
    again what it had settled."""

    reason: str
    reversal_entry_id: uuid.UUID


@event_contract("finance.invoice.payment_reversed")
class InvoicePaymentReversed(InvoiceEvent):
    """A payment that settled part of the invoice was reversed; ``paid`` is what is left."""

    payment_id: uuid.UUID


class PaymentBatchEvent(EventPayload):
    """A payment batch as it is after the change."""

    due_by: date
    payment_date: date
    status: Literal["pending", "executed", "cancelled"]
    total: Money
    item_count: int


@event_contract("finance.payment_batch.created")
class PaymentBatchCreated(PaymentBatchEvent):
    """A batch of approved payables was put together for the bank."""


@event_contract("finance.payment_batch.executed")
class PaymentBatchExecuted(PaymentBatchEvent):
    """The bank paid the batch; each of its items became a posted payment."""

    payment_ids: list[uuid.UUID]


@event_contract("finance.payment_batch.cancelled")
class PaymentBatchCancelled(PaymentBatchEvent):
    """The batch was dropped before it was paid; its payables may go into another."""


__all__ = [
    "InvoiceCancelled",
    "InvoiceCreated",
    "InvoiceEvent",
    "InvoiceIssued",
    "InvoicePaid",
    "InvoicePartlyPaid",
    "InvoicePaymentApproved",
    "InvoicePaymentReversed",
    "PaymentAllocationData",
    "PaymentBatchCancelled",
    "PaymentBatchCreated",
    "PaymentBatchEvent",
    "PaymentBatchExecuted",
    "PaymentMade",
    "PaymentReversed",
]
