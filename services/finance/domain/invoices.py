"""Invoices: drafts with exact totals, issued (their entry posted), approved for payment, cancelled.

A receivable goes to a customer party, a payable comes from a supplier party. The party is
org's: finance keeps its id and a snapshot of its name (and, for suppliers, bank details) on
the invoice, as given by the caller, so invoices, payments, batches and aging never need org
to be up (see docs/services/finance-receivables.md).
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.receivables import Invoice, InvoiceKind, InvoiceLine
from services.finance.domain import receivables_posting as posting
from services.finance.domain.invoices_math import LineAmounts, line_vat, totals
from shared.contracts.finance_receivable_events import (
    InvoiceCancelled,
    InvoiceCreated,
    InvoiceIssued,
    InvoicePaymentApproved,
)
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Unprocessable, not_found
from shared.kit.outbox import record_event

SUBJECT = "invoice"
PREFIX = {"receivable": "AR", "payable": "AP"}


@dataclass(frozen=True)
class DraftLine:
    """A line as the caller gives it."""

    description: str
    amount: Decimal
    vat_rate: Decimal
    account: str | None
    vat: Decimal | None = None  # given: the VAT a VAT-inclusive amount was split into


@dataclass(frozen=True)
class DraftInvoice:
    """What a new invoice is made of."""

    kind: InvoiceKind
    number: str | None
    party_id: uuid.UUID
    party_name: str
    issue_date: date
    due_date: date
    lines: Sequence[DraftLine]
    party_bank_account: str | None = None
    party_bank_name: str | None = None
    description: str = ""
    department_id: uuid.UUID | None = None
    project: str | None = None
    contract_reference: str | None = None
    milestone: str | None = None


def event_fields(invoice: Invoice) -> dict[str, Any]:
    """The invoice as its events carry it."""
    return {
        "kind": invoice.kind,
        "number": invoice.number,
        "party_id": invoice.party_id,
        "party_name": invoice.party_name,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "currency": invoice.currency,
        "net": invoice.net,
        "vat": invoice.vat,
        "gross": invoice.gross,
        "paid": invoice.paid,
        "status": invoice.status,
        "contract_reference": invoice.contract_reference,
        "milestone": invoice.milestone,
    }


def check_dates(issue_date: date, due_date: date) -> None:
    """An invoice is due on or after the day it is issued."""
    if due_date < issue_date:
        raise Unprocessable(
            f"due date {due_date} is before the issue date {issue_date}", code="due_before_issue"
        )


def booked_lines(kind: InvoiceKind, lines: Sequence[DraftLine]) -> list[InvoiceLine]:
    """The invoice's lines with their VAT; a payable line must name its account."""
    result = []
    for position, line in enumerate(lines, start=1):
        account = line.account
        if account is None:
            if kind == "payable":
                raise Unprocessable(
                    f"line {position} of a payable needs the account it is booked to",
                    code="account_required",
                )
            account = posting.REVENUE
        amounts = line_vat(line.amount, line.vat_rate)
        if line.vat is not None:
            amounts = LineAmounts(line.amount, line.vat_rate, line.vat)
        result.append(
            InvoiceLine(
                position=position,
                description=line.description,
                amount=amounts.amount,
                vat_rate=amounts.vat_rate,
                vat=amounts.vat,
                account=account,
            )
        )
    return result


def check_amounts(lines: Sequence[DraftLine]) -> None:
    """Every line's net amount is positive."""
    for position, line in enumerate(lines, start=1):
        if line.amount <= 0:
            raise Unprocessable(
                f"line {position}: the amount must be positive", code="validation_error"
            )


async def next_number(session: AsyncSession, kind: InvoiceKind, year: int) -> str:
    """The next free ``AR-2026-0001`` / ``AP-2026-0001`` of the year (a race on the same number
    is refused by the unique key and answered 409)."""
    prefix = f"{PREFIX[kind]}-{year}-"
    numbers = (
        await session.scalars(
            select(Invoice.number).where(Invoice.kind == kind, Invoice.number.like(f"{prefix}%"))
        )
    ).all()
    taken = [int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()]
    return f"{prefix}{max(taken, default=0) + 1:04d}"


async def check_number_free(
    session: AsyncSession,
    kind: str,
    party_id: uuid.UUID,
    number: str,
    other_than: uuid.UUID | None = None,
) -> None:
    """A party's invoices of one kind have distinct numbers."""
    query = select(Invoice.id).where(
        Invoice.kind == kind, Invoice.party_id == party_id, Invoice.number == number
    )
    if other_than is not None:
        query = query.where(Invoice.id != other_than)
    if (await session.scalar(query)) is not None:
        raise Conflict(
            f"the party already has a {kind} invoice numbered {number}",
            code="duplicate_invoice_number",
        )


async def create(session: AsyncSession, draft: DraftInvoice, actor: str | None) -> Invoice:
    """Record a draft invoice with its lines and exact totals."""
    check_dates(draft.issue_date, draft.due_date)
    check_amounts(draft.lines)
    lines = booked_lines(draft.kind, draft.lines)
    total = totals(LineAmounts(line.amount, line.vat_rate, line.vat) for line in lines)
    number = draft.number or await next_number(session, draft.kind, draft.issue_date.year)
    await check_number_free(session, draft.kind, draft.party_id, number)
    invoice = Invoice(
        kind=draft.kind,
        number=number,
        party_id=draft.party_id,
        party_name=draft.party_name,
        party_bank_account=draft.party_bank_account,
        party_bank_name=draft.party_bank_name,
        issue_date=draft.issue_date,
        due_date=draft.due_date,
        description=draft.description,
        department_id=draft.department_id,
        project=draft.project,
        contract_reference=draft.contract_reference,
        milestone=draft.milestone,
        net=total.net,
        vat=total.vat,
        gross=total.gross,
        paid=Decimal("0.00"),
        status="draft",
        created_by=actor,
        lines=lines,
    )
    session.add(invoice)
    await session.flush()
    await record_event(
        session,
        "finance.invoice.created",
        subject_type=SUBJECT,
        subject_id=invoice.id,
        data=InvoiceCreated(**event_fields(invoice)),
    )
    return invoice


def check_draft(invoice: Invoice) -> None:
    """Only drafts change or get issued."""
    if invoice.status != "draft":
        raise Conflict(
            f"invoice {invoice.number} is {invoice.status}, not a draft", code="invoice_not_draft"
        )


async def update_draft(
    session: AsyncSession,
    invoice: Invoice,
    changes: dict[str, Any],
    lines: Sequence[DraftLine] | None,
) -> Invoice:
    """Change a draft's fields (and, given, replace its lines and recompute its totals)."""
    check_draft(invoice)
    check_dates(
        changes.get("issue_date", invoice.issue_date), changes.get("due_date", invoice.due_date)
    )
    if "number" in changes and changes["number"] != invoice.number:
        await check_number_free(
            session, invoice.kind, invoice.party_id, changes["number"], other_than=invoice.id
        )
    for name, value in changes.items():
        setattr(invoice, name, value)
    if lines is not None:
        check_amounts(lines)
        booked = booked_lines(invoice.kind, lines)
        invoice.lines.clear()
        await session.flush()
        invoice.lines.extend(booked)
        total = totals(LineAmounts(line.amount, line.vat_rate, line.vat) for line in booked)
        invoice.net, invoice.vat, invoice.gross = total.net, total.vat, total.gross
    await session.flush()
    return invoice


async def issue(session: AsyncSession, invoice: Invoice, actor: str | None) -> Invoice:
    """Issue a draft (book it, for a payable): post its entry on its issue date; it is open."""
    check_draft(invoice)
    memo = f"{'开票' if invoice.kind == 'receivable' else '收票'} {invoice.number} {invoice.party_name}"
    lines = posting.invoice_lines(
        invoice.kind,
        [posting.BookedLine(line.account, line.amount, line.vat) for line in invoice.lines],
        gross=invoice.gross,
        party_id=invoice.party_id,
        memo=memo,
        department_id=invoice.department_id,
        project=invoice.project,
    )
    entry = await posting.post(
        session,
        entry_date=invoice.issue_date,
        memo=memo,
        lines=lines,
        source="invoice",
        source_id=invoice.id,
        actor=actor,
    )
    invoice.status = "open"
    invoice.entry_id = entry.id
    invoice.issued_at = utcnow()
    await session.flush()
    await record_event(
        session,
        "finance.invoice.issued",
        subject_type=SUBJECT,
        subject_id=invoice.id,
        data=InvoiceIssued(**event_fields(invoice), entry_id=entry.id),
    )
    return invoice


async def approve_payment(session: AsyncSession, invoice: Invoice, actor: str | None) -> Invoice:
    """Approve a booked payable for payment, so a payment batch may take it (idempotent)."""
    if invoice.kind != "payable":
        raise Unprocessable(
            f"invoice {invoice.number} is a receivable; only payables are approved for payment",
            code="not_a_payable",
        )
    if invoice.status not in ("open", "partly_paid"):
        raise Conflict(
            f"invoice {invoice.number} is {invoice.status}; only an open payable is approved",
            code="invoice_not_open",
        )
    if invoice.payment_approved_at is None:
        invoice.payment_approved_at = utcnow()
        invoice.payment_approved_by = actor
        await session.flush()
        await record_event(
            session,
            "finance.invoice.payment_approved",
            subject_type=SUBJECT,
            subject_id=invoice.id,
            data=InvoicePaymentApproved(**event_fields(invoice)),
        )
    return invoice


async def cancel(
    session: AsyncSession, invoice: Invoice, *, reason: str, today: date, actor: str | None
) -> Invoice:
    """Cancel a draft, or an issued invoice nothing has been paid on (its entry is reversed)."""
    if invoice.status not in ("draft", "open") or invoice.paid > 0:
        raise Conflict(
            f"invoice {invoice.number} is {invoice.status}; only a draft or an unpaid open "
            "invoice is cancelled",
            code="invoice_not_cancellable",
        )
    reversal_id = None
    if invoice.entry_id is not None:
        reversal = await posting.reverse(
            session,
            invoice.entry_id,
            entry_date=max(today, invoice.issue_date),
            memo=f"作废 {invoice.number}: {reason}",
            actor=actor,
        )
        reversal_id = reversal.id
    invoice.status = "cancelled"
    invoice.cancelled_on = today
    invoice.cancel_reason = reason
    invoice.reversal_entry_id = reversal_id
    await session.flush()
    await record_event(
        session,
        "finance.invoice.cancelled",
        subject_type=SUBJECT,
        subject_id=invoice.id,
        data=InvoiceCancelled(
            **event_fields(invoice), reason=reason, reversal_entry_id=reversal_id
        ),
    )
    return invoice


async def get(session: AsyncSession, invoice_id: uuid.UUID, *, lock: bool = False) -> Invoice:
    """One invoice (under a row lock with ``lock``), or 404."""
    query = select(Invoice).where(Invoice.id == invoice_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    invoice = await session.scalar(query)
    if invoice is None:
        raise not_found("invoice", invoice_id)
    return invoice


def listing(
    *,
    kind: str | None = None,
    status: str | None = None,
    party_id: uuid.UUID | None = None,
    due_before: date | None = None,
    contract_reference: str | None = None,
) -> Select[tuple[Invoice]]:
    """Invoices matching the filters."""
    query = select(Invoice)
    if kind:
        query = query.where(Invoice.kind == kind)
    if status:
        query = query.where(Invoice.status == status)
    if party_id:
        query = query.where(Invoice.party_id == party_id)
    if due_before:
        query = query.where(Invoice.due_date <= due_before)
    if contract_reference:
        query = query.where(Invoice.contract_reference == contract_reference)
    return query
