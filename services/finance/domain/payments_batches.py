"""Payment batches: approved payables due by a date, exported as the bank's CSV, then executed.

A payable is in at most one pending batch (a partial unique index on the batch items holds
it). Executing a batch records one payment per item (posted, as any payment) on the batch's
payment date; an item whose invoice was paid meanwhile makes the execution fail with
``payment_exceeds_balance`` and nothing changes, so the treasurer cancels and re-makes it.
"""

import csv
import io
import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.receivables import Invoice, PaymentBatch, PaymentBatchItem
from services.finance.domain import payments
from shared.contracts.finance_receivable_events import (
    PaymentBatchCancelled,
    PaymentBatchCreated,
    PaymentBatchExecuted,
)
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Unprocessable, not_found
from shared.kit.outbox import record_event

SUBJECT = "payment_batch"
CSV_COLUMNS = ("payee_name", "bank_account", "bank_name", "amount", "currency", "reference")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def reference_of(invoice: Invoice) -> str:
    """What the bank shows the payee: our payable's number and the payee."""
    return f"{invoice.number} {invoice.party_name}"[:200]


async def due_payables(session: AsyncSession, due_by: date) -> Sequence[Invoice]:
    """Approved, unpaid payables due on or before ``due_by`` and in no pending batch."""
    in_batch = select(PaymentBatchItem.invoice_id).where(PaymentBatchItem.pending.is_(True))
    return (
        await session.scalars(
            select(Invoice)
            .where(
                Invoice.kind == "payable",
                Invoice.status.in_(("open", "partly_paid")),
                Invoice.payment_approved_at.is_not(None),
                Invoice.due_date <= due_by,
                Invoice.id.not_in(in_batch),
            )
            .order_by(Invoice.due_date, Invoice.party_name, Invoice.number)
        )
    ).all()


async def create(
    session: AsyncSession, *, due_by: date, payment_date: date, memo: str, actor: str | None
) -> PaymentBatch:
    """Put every approved payable due by ``due_by`` into a new batch, for what is still owed."""
    chosen = await due_payables(session, due_by)
    if not chosen:
        raise Unprocessable(
            f"no approved payable is due by {due_by} outside another pending batch",
            code="batch_empty",
        )
    items = [
        PaymentBatchItem(
            invoice_id=invoice.id,
            position=position,
            payee_name=invoice.party_name,
            bank_account=invoice.party_bank_account,
            bank_name=invoice.party_bank_name,
            amount=invoice.gross - invoice.paid,
            reference=reference_of(invoice),
            pending=True,
        )
        for position, invoice in enumerate(chosen, start=1)
    ]
    batch = PaymentBatch(
        due_by=due_by,
        payment_date=payment_date,
        memo=memo,
        status="pending",
        total=sum((item.amount for item in items), Decimal("0.00")),
        item_count=len(items),
        created_by=actor,
        items=items,
    )
    session.add(batch)
    await session.flush()
    await record_event(
        session,
        "finance.payment_batch.created",
        subject_type=SUBJECT,
        subject_id=batch.id,
        data=PaymentBatchCreated(**_event_fields(batch)),
    )
    return batch


def _event_fields(batch: PaymentBatch) -> dict[str, object]:
    return {
        "due_by": batch.due_by,
        "payment_date": batch.payment_date,
        "status": batch.status,
        "total": batch.total,
        "item_count": batch.item_count,
    }


def _check_pending(batch: PaymentBatch) -> None:
    if batch.status != "pending":
        raise Conflict(f"the batch is already {batch.status}", code="batch_not_pending")


async def execute(session: AsyncSession, batch: PaymentBatch, actor: str | None) -> PaymentBatch:
    """The bank paid the batch: one posted payment per item, the batch executed."""
    _check_pending(batch)
    payment_ids: list[uuid.UUID] = []
    for item in batch.items:
        invoice = await session.get_one(Invoice, item.invoice_id)
        payment = await payments.record(
            session,
            kind="payment",
            party_id=invoice.party_id,
            payment_date=batch.payment_date,
            reference=f"批量付款 {item.reference}"[:200],
            allocations=[payments.Allocation(item.invoice_id, item.amount)],
            actor=actor,
            batch_id=batch.id,
        )
        item.payment_id = payment.id
        item.pending = False
        payment_ids.append(payment.id)
    batch.status = "executed"
    batch.executed_at = utcnow()
    batch.executed_by = actor
    await session.flush()
    await record_event(
        session,
        "finance.payment_batch.executed",
        subject_type=SUBJECT,
        subject_id=batch.id,
        data=PaymentBatchExecuted(**_event_fields(batch), payment_ids=payment_ids),
    )
    return batch


async def cancel(session: AsyncSession, batch: PaymentBatch) -> PaymentBatch:
    """Drop a pending batch; its payables may go into another."""
    _check_pending(batch)
    batch.status = "cancelled"
    for item in batch.items:
        item.pending = False
    await session.flush()
    await record_event(
        session,
        "finance.payment_batch.cancelled",
        subject_type=SUBJECT,
        subject_id=batch.id,
        data=PaymentBatchCancelled(**_event_fields(batch)),
    )
    return batch


async def get(session: AsyncSession, batch_id: uuid.UUID, *, lock: bool = False) -> PaymentBatch:
    """One batch (under a row lock with ``lock``), or 404."""
    query = select(PaymentBatch).where(PaymentBatch.id == batch_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    batch = await session.scalar(query)
    if batch is None:
        raise not_found("payment batch", batch_id)
    return batch


def listing(*, status: str | None = None) -> Select[tuple[PaymentBatch]]:
    """Batches, optionally of one status."""
    query = select(PaymentBatch)
    if status:
        query = query.where(PaymentBatch.status == status)
    return query


def _cell(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def bank_csv(batch: PaymentBatch, currency: str = "CNY") -> str:
    """The batch as the bank file: a header row, then one row per item (see CSV_COLUMNS)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in batch.items:
        writer.writerow(
            (
                _cell(item.payee_name),
                _cell(item.bank_account or ""),
                _cell(item.bank_name or ""),
                f"{item.amount:.2f}",
                currency,
                _cell(item.reference),
            )
        )
    return out.getvalue()
