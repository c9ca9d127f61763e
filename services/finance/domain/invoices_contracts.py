"""Receivables from a contract's payment milestones (what the sales pipeline calls).

Each milestone becomes one draft receivable, issued and due on the milestone's date, with its
VAT-inclusive amount split into net and VAT. A (contract reference, milestone) pair makes at
most one invoice: the database's unique key holds it; a repeat with the same terms returns the
invoice already made, a repeat with other terms is 409 ``milestone_conflict``. Drafts post
nothing: finance issues each one when it is invoiced, which books the revenue then.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.receivables import Invoice
from services.finance.domain import invoices
from services.finance.domain.invoices_math import split_gross
from shared.kit.errors import Conflict


@dataclass(frozen=True)
class Milestone:
    """One payment milestone of a contract."""

    milestone: str
    description: str
    date: date
    amount: Decimal
    vat_rate: Decimal


@dataclass(frozen=True)
class Contract:
    """A contract's receivable side."""

    reference: str
    party_id: uuid.UUID
    party_name: str
    milestones: Sequence[Milestone]
    account: str | None = None
    department_id: uuid.UUID | None = None
    project: str | None = None


def same_terms(invoice: Invoice, contract: Contract, milestone: Milestone) -> bool:
    """Whether an existing milestone invoice is the one this call describes."""
    return (
        invoice.party_id == contract.party_id
        and invoice.due_date == milestone.date
        and invoice.gross == milestone.amount
        and len(invoice.lines) == 1
        and invoice.lines[0].vat_rate == milestone.vat_rate
    )


async def receivables_from_contract(
    session: AsyncSession, contract: Contract, actor: str | None
) -> tuple[list[Invoice], int]:
    """The contract's milestone invoices (created where missing) and how many were created."""
    existing = {
        invoice.milestone: invoice
        for invoice in (
            await session.scalars(
                select(Invoice).where(Invoice.contract_reference == contract.reference)
            )
        ).all()
    }
    result: list[Invoice] = []
    created = 0
    for milestone in contract.milestones:
        held = existing.get(milestone.milestone)
        if held is not None:
            if not same_terms(held, contract, milestone):
                raise Conflict(
                    f"milestone {milestone.milestone} of contract {contract.reference} is already "
                    f"invoiced as {held.number} with other terms",
                    code="milestone_conflict",
                    invoice_id=str(held.id),
                )
            result.append(held)
            continue
        amounts = split_gross(milestone.amount, milestone.vat_rate)
        description = milestone.description or f"合同 {contract.reference} {milestone.milestone}"
        draft = invoices.DraftInvoice(
            kind="receivable",
            number=None,
            party_id=contract.party_id,
            party_name=contract.party_name,
            issue_date=milestone.date,
            due_date=milestone.date,
            description=description[:500],
            department_id=contract.department_id,
            project=contract.project,
            contract_reference=contract.reference,
            milestone=milestone.milestone,
            lines=[
                invoices.DraftLine(
                    description=description[:500],
                    amount=amounts.amount,
                    vat_rate=milestone.vat_rate,
                    account=contract.account,
                    vat=amounts.vat,
                )
            ],
        )
        result.append(await invoices.create(session, draft, actor))
        created += 1
    return result, created
