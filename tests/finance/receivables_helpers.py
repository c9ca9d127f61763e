"""Helpers of the receivables tests: invoices and payments through the API, ledger figures."""

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from services.finance.db.ledger import JournalEntry, JournalLine
from tests.finance.conftest import API, FinanceService

CUSTOMER = uuid.UUID("0193a8c0-0000-7000-8000-00000000c001")
CUSTOMER_2 = uuid.UUID("0193a8c0-0000-7000-8000-00000000c002")
SUPPLIER = uuid.UUID("0193a8c0-0000-7000-8000-00000000c101")
OFFICE = "6602.03"


def line(
    amount: str, rate: str = "0.13", account: str | None = None, text: str = "服务"
) -> dict[str, Any]:
    """One invoice line as the API takes it."""
    return {"description": text, "amount": amount, "vat_rate": rate, "account": account}


def invoice_body(
    kind: str = "receivable",
    *,
    party_id: uuid.UUID = CUSTOMER,
    party_name: str = "上海云途网络科技有限公司",
    lines: list[dict[str, Any]] | None = None,
    issue_date: str = "2026-03-02",
    due_date: str = "2026-04-01",
    **extra: Any,
) -> dict[str, Any]:
    default = [line("10000.00")] if kind == "receivable" else [line("2000.00", account=OFFICE)]
    return {
        "kind": kind,
        "party_id": str(party_id),
        "party_name": party_name,
        "issue_date": issue_date,
        "due_date": due_date,
        "lines": default if lines is None else lines,
        **extra,
    }


async def create_invoice(service: FinanceService, **kw: Any) -> dict[str, Any]:
    """A draft through the API."""
    answer = await service.client.post(
        f"{API}/invoices", json=invoice_body(**kw), headers=service.staff()
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def issue(service: FinanceService, invoice_id: str) -> dict[str, Any]:
    answer = await service.client.post(
        f"{API}/invoices/{invoice_id}/issue", headers=service.staff()
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def issued_invoice(service: FinanceService, **kw: Any) -> dict[str, Any]:
    """A draft created and issued through the API."""
    return await issue(service, (await create_invoice(service, **kw))["id"])


async def approved_payable(service: FinanceService, **kw: Any) -> dict[str, Any]:
    """A payable booked and approved for payment."""
    invoice = await issued_invoice(service, kind="payable", party_id=SUPPLIER, **kw)
    answer = await service.client.post(
        f"{API}/invoices/{invoice['id']}/approve-payment", headers=service.staff()
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def payment_body(
    kind: str,
    party_id: uuid.UUID,
    allocations: list[tuple[str, str]],
    payment_date: str = "2026-03-20",
) -> dict[str, Any]:
    return {
        "kind": kind,
        "party_id": str(party_id),
        "payment_date": payment_date,
        "reference": "银行回单",
        "allocations": [{"invoice_id": i, "amount": a} for i, a in allocations],
    }


async def pay(
    service: FinanceService,
    kind: str,
    party_id: uuid.UUID,
    allocations: list[tuple[str, str]],
    payment_date: str = "2026-03-20",
) -> Any:
    """POST a receipt or payment; the raw answer."""
    return await service.client.post(
        f"{API}/payments",
        json=payment_body(kind, party_id, allocations, payment_date),
        headers=service.staff(),
    )


async def read_invoice(service: FinanceService, invoice_id: str) -> dict[str, Any]:
    answer = await service.client.get(f"{API}/invoices/{invoice_id}", headers=service.staff())
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def entry_lines(
    service: FinanceService, entry_id: str
) -> list[tuple[str, str, str, Any, Any]]:
    """An entry's lines: (account, debit, credit, party id, cash-flow item), in order."""
    async with service.app.state.runtime.transaction() as session:
        rows = await session.execute(
            select(
                JournalLine.account_code,
                JournalLine.debit,
                JournalLine.credit,
                JournalLine.party_id,
                JournalLine.cash_flow_item,
            )
            .where(JournalLine.entry_id == uuid.UUID(entry_id))
            .order_by(JournalLine.line_no)
        )
        return [
            (
                r.account_code,
                f"{Decimal(r.debit):.2f}",
                f"{Decimal(r.credit):.2f}",
                r.party_id,
                r.cash_flow_item,
            )
            for r in rows
        ]


async def account_movement(service: FinanceService, account: str) -> Decimal:
    """Posted debits less credits on an account."""
    async with service.app.state.runtime.transaction() as session:
        value = await session.scalar(
            select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalLine.account_code == account, JournalEntry.status == "posted")
        )
        return Decimal(value or 0).quantize(Decimal("0.01"))
