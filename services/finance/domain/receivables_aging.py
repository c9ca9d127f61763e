"""Aging of receivables and payables: what each party owes (or is owed) by days past due.

Buckets: ``current`` (not yet due on the as-of date), 1-30, 31-60, 61-90 and over 90 days past
due. Figures are as of the date: invoices issued by then and not cancelled by then, less what
payments dated by then settled (unless reversed by then), so an aging report of a past date does not change afterwards.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.receivables import Invoice, InvoiceKind, Payment, PaymentAllocation
from services.finance.domain.invoices_math import ZERO

BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "over_90")


def bucket_of(due_date: date, as_of: date) -> str:
    """The bucket of an amount due on ``due_date``, seen on ``as_of``."""
    late = (as_of - due_date).days
    if late <= 0:
        return "current"
    if late <= 30:
        return "days_1_30"
    if late <= 60:
        return "days_31_60"
    if late <= 90:
        return "days_61_90"
    return "over_90"


@dataclass
class Buckets:
    """Amounts by bucket, and their total."""

    amounts: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, ZERO))

    def add(self, bucket: str, amount: Decimal) -> None:
        self.amounts[bucket] += amount

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)

    def as_dict(self) -> dict[str, Decimal]:
        return {**self.amounts, "total": self.total}


@dataclass(frozen=True)
class Outstanding:
    """What is still owed on one invoice on the as-of date."""

    party_id: uuid.UUID
    party_name: str
    due_date: date
    amount: Decimal


@dataclass
class PartyAging:
    """One party's line of the report."""

    party_id: uuid.UUID
    party_name: str
    buckets: Buckets = field(default_factory=Buckets)


def age(items: Iterable[Outstanding], as_of: date) -> tuple[list[PartyAging], Buckets]:
    """Per party (by name) and in total; the parties' totals add up to the report's."""
    parties: dict[uuid.UUID, PartyAging] = {}
    totals = Buckets()
    for item in items:
        if item.amount <= 0:
            continue
        row = parties.setdefault(item.party_id, PartyAging(item.party_id, item.party_name))
        bucket = bucket_of(item.due_date, as_of)
        row.buckets.add(bucket, item.amount)
        totals.add(bucket, item.amount)
    rows = sorted(parties.values(), key=lambda row: (row.party_name, str(row.party_id)))
    return rows, totals


async def outstanding_as_of(
    session: AsyncSession, kind: InvoiceKind, as_of: date
) -> list[Outstanding]:
    """Every invoice's balance on ``as_of``: issued by then, not cancelled by then."""
    settled = (
        select(
            PaymentAllocation.invoice_id.label("invoice_id"),
            func.sum(PaymentAllocation.amount).label("settled"),
        )
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(
            Payment.payment_date <= as_of,
            or_(Payment.reversed_on.is_(None), Payment.reversed_on > as_of),
        )
        .group_by(PaymentAllocation.invoice_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            Invoice.party_id,
            Invoice.party_name,
            Invoice.due_date,
            Invoice.gross,
            func.coalesce(settled.c.settled, 0).label("settled"),
        )
        .outerjoin(settled, settled.c.invoice_id == Invoice.id)
        .where(
            Invoice.kind == kind,
            Invoice.status != "draft",
            Invoice.issue_date <= as_of,
            or_(Invoice.cancelled_on.is_(None), Invoice.cancelled_on > as_of),
        )
    )
    return [
        Outstanding(
            row.party_id, row.party_name, row.due_date, Decimal(row.gross) - Decimal(row.settled)
        )
        for row in rows
    ]
