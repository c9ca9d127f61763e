"""Who may: finance staff and admins manage, the auditor reads, everyone else finds nothing."""

import uuid

import pytest

from tests.finance.conftest import API, FinanceService
from tests.finance.receivables_helpers import CUSTOMER, invoice_body, issued_invoice, pay

READS = [
    "/invoices",
    "/payments",
    "/payment-batches",
    "/aging?kind=receivable",
    "/cash-plan?from=2026-03-01&to=2026-03-31",
]


@pytest.mark.parametrize("path", READS)
async def test_an_employee_finds_nothing_here(finance: FinanceService, path: str) -> None:
    answer = await finance.client.get(f"{API}{path}", headers=finance.employee(uuid.uuid4()))
    assert answer.status_code == 404


async def test_an_employee_can_neither_read_nor_pay_an_invoice(finance: FinanceService) -> None:
    invoice = await issued_invoice(finance)
    someone = finance.as_user("employee", "hr", employee_id=uuid.uuid4())
    read = await finance.client.get(f"{API}/invoices/{invoice['id']}", headers=someone)
    assert read.status_code == 404
    made = await finance.client.post(f"{API}/invoices", json=invoice_body(), headers=someone)
    assert made.status_code == 404


async def test_the_auditor_reads_but_does_not_change(finance: FinanceService) -> None:
    invoice = await issued_invoice(finance)
    assert (
        await finance.client.get(f"{API}/invoices/{invoice['id']}", headers=finance.auditor())
    ).status_code == 200
    for path, body in [
        ("/invoices", invoice_body()),
        (f"/invoices/{invoice['id']}/cancel", {"reason": "x"}),
        ("/payments", None),
    ]:
        answer = await finance.client.post(f"{API}{path}", json=body, headers=finance.auditor())
        assert answer.status_code in (403, 422)
    refused = await finance.client.post(
        f"{API}/invoices/{invoice['id']}/cancel", json={"reason": "x"}, headers=finance.auditor()
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "finance_only"


async def test_an_admin_manages(finance: FinanceService) -> None:
    invoice = await issued_invoice(finance)
    answer = await finance.client.post(
        f"{API}/payments",
        json={
            "kind": "receipt",
            "party_id": str(CUSTOMER),
            "payment_date": "2026-03-20",
            "allocations": [{"invoice_id": invoice["id"], "amount": "1.00"}],
        },
        headers=finance.admin(),
    )
    assert answer.status_code == 201
    assert (await pay(finance, "receipt", CUSTOMER, [(invoice["id"], "1.00")])).status_code == 201
