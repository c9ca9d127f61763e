"""Receipts and payments, allocated to invoices of one party and kind, partially.

An allocation never takes more than is still owed on its invoice: the invoices are read under a
row lock (in id order, so two payments never deadlock), checked, and their ``paid`` moved in the
same transaction; the database refuses ``paid > gross`` besides, and the version column makes a
write from a stale read fail rather than overwrite (SQLite, which has no row locks, serializes
writers and answers the loser 409 or 412).
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.receivables import Invoice, Payment, PaymentAllocation, PaymentKind
from services.finance.domain import receivables_posting as posting
from services.finance.domain.invoices import SUBJECT as INVOICE_SUBJECT
from services.finance.domain.invoices import event_fields
from services.finance.domain.invoices_math import status_after
from shared.contracts.finance_receivable_events import (
    InvoicePaid,
    InvoicePartlyPaid,
    InvoicePaymentReversed,
    PaymentAllocationData,
    PaymentMade,
    PaymentReversed,
)
from shared.kit.errors import Conflict, Unprocessable, not_found
from shared.kit.outbox import record_event

SUBJECT = "payment"
INVOICE_KIND_OF = {"receipt": "receivable", "payment": "payable"}


@dataclass(frozen=True)
class Allocation:
    """How much of a payment settles one invoice."""

    invoice_id: uuid.UUID
    amount: Decimal


def check_allocations(allocations: Sequence[Allocation]) -> None:
    """Each invoice once, each amount positive."""
    seen: set[uuid.UUID] = set()
    for allocation in allocations:
        if allocation.invoice_id in seen:
            raise Unprocessable(
                f"invoice {allocation.invoice_id} is allocated twice; give it one allocation",
                code="duplicate_allocation",
            )
        seen.add(allocation.invoice_id)
        if allocation.amount <= 0:
            raise Unprocessable(
                f"the allocation to invoice {allocation.invoice_id} must be positive",
                code="validation_error",
            )


def check_settles(
    invoice: Invoice, kind: PaymentKind, party_id: uuid.UUID, amount: Decimal, on: date
) -> None:
    """An allocation goes to an open invoice of the payment's party and kind, issued by the
    payment's date, within what is still owed on it."""
    if invoice.kind != INVOICE_KIND_OF[kind] or invoice.party_id != party_id:
        raise Unprocessable(
            f"invoice {invoice.number} is a {invoice.kind} of party {invoice.party_id}; a {kind} "
            f"of party {party_id} settles only that party's {INVOICE_KIND_OF[kind]} invoices",
            code="allocation_mismatch",
        )
    if invoice.status in ("draft", "cancelled"):
        raise Conflict(
            f"invoice {invoice.number} is {invoice.status}; only issued invoices are paid",
            code="invoice_not_open",
        )
    if on < invoice.issue_date:
        raise Unprocessable(
            f"invoice {invoice.number} is issued on {invoice.issue_date}, after the payment's "
            f"date {on}; money received or paid before an invoice is an advance, not a settlement",
            code="payment_before_issue",
        )
    outstanding = invoice.gross - invoice.paid
    if amount > outstanding:
        raise Unprocessable(
            f"{amount} is more than the {outstanding} still owed on invoice {invoice.number}",
            code="payment_exceeds_balance",
            invoice_id=str(invoice.id),
            outstanding=f"{outstanding:.2f}",
        )


async def locked_invoices(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Invoice]:
    """The invoices, each under a row lock, taken in id order; 404 for one that does not exist."""
    rows = (
        await session.scalars(
            select(Invoice)
            .where(Invoice.id.in_(ids))
            .order_by(Invoice.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).all()
    found = {invoice.id: invoice for invoice in rows}
    for invoice_id in ids:
        if invoice_id not in found:
            raise not_found("invoice", invoice_id)
    return found


async def record(
    session: AsyncSession,
    *,
    kind: PaymentKind,
    party_id: uuid.UUID,
    payment_date: date,
    reference: str,
    allocations: Sequence[Allocation],
    actor: str | None,
    batch_id: uuid.UUID | None = None,
) -> Payment:
    """Record a receipt or payment, settle its invoices and post its entry."""
    check_allocations(allocations)
    held = await locked_invoices(session, [a.invoice_id for a in allocations])
    for allocation in allocations:
        check_settles(held[allocation.invoice_id], kind, party_id, allocation.amount, payment_date)
    first = held[allocations[0].invoice_id]
    amount = sum((a.amount for a in allocations), Decimal("0.00"))
    payment = Payment(
        kind=kind,
        party_id=party_id,
        party_name=first.party_name,
        payment_date=payment_date,
        amount=amount,
        currency=first.currency,
        reference=reference,
        batch_id=batch_id,
        created_by=actor,
        allocations=[
            PaymentAllocation(invoice_id=a.invoice_id, amount=a.amount) for a in allocations
        ],
    )
    session.add(payment)
    await session.flush()
    numbers = ", ".join(held[a.invoice_id].number for a in allocations)
    memo = f"{'收款' if kind == 'receipt' else '付款'} {first.party_name} {numbers}"
    entry = await posting.post(
        session,
        entry_date=payment_date,
        memo=memo,
        lines=posting.payment_lines(kind, amount=amount, party_id=party_id, memo=memo[:500]),
        source="payment",
        source_id=payment.id,
        actor=actor,
    )
    payment.entry_id = entry.id
    for allocation in allocations:
        invoice = held[allocation.invoice_id]
        invoice.paid += allocation.amount
        invoice.status = status_after(invoice.paid, invoice.gross)  # type: ignore[assignment]
    await session.flush()
    for allocation in allocations:
        invoice = held[allocation.invoice_id]
        if invoice.status == "paid":
            await record_event(
                session,
                "finance.invoice.paid",
                subject_type=INVOICE_SUBJECT,
                subject_id=invoice.id,
                data=InvoicePaid(**event_fields(invoice), payment_id=payment.id),
            )
        else:
            await record_event(
                session,
                "finance.invoice.partly_paid",
                subject_type=INVOICE_SUBJECT,
                subject_id=invoice.id,
                data=InvoicePartlyPaid(**event_fields(invoice), payment_id=payment.id),
            )
    await record_event(
        session,
        "finance.payment.made",
        subject_type=SUBJECT,
        subject_id=payment.id,
        data=PaymentMade(**payment_fields(payment, held)),
    )
    return payment


def payment_fields(payment: Payment, invoices: dict[uuid.UUID, Invoice]) -> dict[str, Any]:
    """The payment as its events carry it."""
    return {
        "kind": payment.kind,
        "party_id": payment.party_id,
        "party_name": payment.party_name,
        "payment_date": payment.payment_date,
        "amount": payment.amount,
        "currency": payment.currency,
        "reference": payment.reference,
        "allocations": [
            PaymentAllocationData(
                invoice_id=a.invoice_id,
                invoice_number=invoices[a.invoice_id].number,
                amount=a.amount,
            )
            for a in payment.allocations
        ],
        "batch_id": payment.batch_id,
        "entry_id": payment.entry_id,
    }


async def reverse(
    session: AsyncSession, payment: Payment, *, reason: str, today: date, actor: str | None
) -> Payment:
    """Undo a receipt or payment recorded in error: its entry is reversed (dated today, or the
    payment's date if later) and its invoices owe again what it settled."""
    if payment.reversed_on is not None:
        raise Conflict(
            f"the payment was reversed on {payment.reversed_on}", code="payment_already_reversed"
        )
    held = await locked_invoices(session, [a.invoice_id for a in payment.allocations])
    entry_date = max(today, payment.payment_date)
    reversal = await posting.reverse(
        session,
        payment.entry_id,  # type: ignore[arg-type]  # every recorded payment is posted
        entry_date=entry_date,
        memo=f"冲销 {payment.reference or payment.party_name}: {reason}",
        actor=actor,
    )
    for allocation in payment.allocations:
        invoice = held[allocation.invoice_id]
        invoice.paid -= allocation.amount
        invoice.status = status_after(invoice.paid, invoice.gross)  # type: ignore[assignment]
    payment.reversed_on = entry_date
    payment.reversal_reason = reason
    payment.reversal_entry_id = reversal.id
    await session.flush()
    for allocation in payment.allocations:
        invoice = held[allocation.invoice_id]
        await record_event(
            session,
            "finance.invoice.payment_reversed",
            subject_type=INVOICE_SUBJECT,
            subject_id=invoice.id,
            data=InvoicePaymentReversed(**event_fields(invoice), payment_id=payment.id),
        )
    await record_event(
        session,
        "finance.payment.reversed",
        subject_type=SUBJECT,
        subject_id=payment.id,
        data=PaymentReversed(
            **payment_fields(payment, held), reason=reason, reversal_entry_id=reversal.id
        ),
    )
    return payment


async def get(session: AsyncSession, payment_id: uuid.UUID, *, lock: bool = False) -> Payment:
    """One payment (under a row lock with ``lock``), or 404."""
    query = select(Payment).where(Payment.id == payment_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    payment = await session.scalar(query)
    if payment is None:
        raise not_found("payment", payment_id)
    return payment


async def invoice_numbers(
    session: AsyncSession, payments: Sequence[Payment]
) -> dict[uuid.UUID, str]:
    """The numbers of the invoices the payments settle, by invoice id."""
    ids = {a.invoice_id for payment in payments for a in payment.allocations}
    if not ids:
        return {}
    rows = await session.execute(select(Invoice.id, Invoice.number).where(Invoice.id.in_(ids)))
    return {row.id: row.number for row in rows}


def listing(
    *,
    kind: str | None = None,
    party_id: uuid.UUID | None = None,
    invoice_id: uuid.UUID | None = None,
    batch_id: uuid.UUID | None = None,
) -> Select[tuple[Payment]]:
    """Payments matching the filters."""
    query = select(Payment)
    if kind:
        query = query.where(Payment.kind == kind)
    if party_id:
        query = query.where(Payment.party_id == party_id)
    if batch_id:
        query = query.where(Payment.batch_id == batch_id)
    if invoice_id:
        query = query.where(
            Payment.id.in_(
                select(PaymentAllocation.payment_id).where(
                    PaymentAllocation.invoice_id == invoice_id
                )
            )
        )
    return query
