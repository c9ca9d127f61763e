"""Every change of an invoice, payment or batch is on finance's feed, with its typed payload."""

from typing import Any

from sqlalchemy import select

from shared.kit.outbox import kit_tables_of
from tests.finance.conftest import API, FinanceService
from tests.finance.receivables_helpers import CUSTOMER, approved_payable, issued_invoice, line, pay


async def feed(service: FinanceService, prefix: tuple[str, ...]) -> list[dict[str, Any]]:
    """The events recorded in the outbox (what the feed publishes), in the order written."""
    async with service.app.state.runtime.transaction() as session:
        outbox = kit_tables_of(session).outbox
        rows = await session.execute(
            select(
                outbox.c.type, outbox.c.subject_type, outbox.c.subject_id, outbox.c.data
            ).order_by(outbox.c.occurred_at, outbox.c.id)
        )
        return [
            {
                "type": r.type,
                "subject": {"type": r.subject_type, "id": r.subject_id},
                "data": r.data,
            }
            for r in rows
            if r.type.startswith(prefix)
        ]


async def test_an_invoice_paid_in_full_and_one_cancelled_are_on_the_feed(
    finance: FinanceService,
) -> None:
    paid = await issued_invoice(finance, lines=[line("100.00")])
    cancelled = await issued_invoice(finance, lines=[line("50.00")])
    receipt = (await pay(finance, "receipt", CUSTOMER, [(paid["id"], "113.00")])).json()
    await finance.client.post(
        f"{API}/invoices/{cancelled['id']}/cancel", json={"reason": "重开"}, headers=finance.staff()
    )
    events = await feed(
        finance, ("finance.invoice.paid", "finance.invoice.cancelled", "finance.payment.")
    )
    by_type = {e["type"]: e for e in events}
    assert by_type["finance.invoice.paid"]["subject"] == {"type": "invoice", "id": paid["id"]}
    assert by_type["finance.invoice.paid"]["data"]["payment_id"] == receipt["id"]
    assert by_type["finance.invoice.paid"]["data"]["paid"] == "113.00"
    made = by_type["finance.payment.made"]["data"]
    assert (made["kind"], made["amount"], made["allocations"][0]["invoice_number"]) == (
        "receipt",
        "113.00",
        paid["number"],
    )
    gone = by_type["finance.invoice.cancelled"]
    assert gone["subject"]["id"] == cancelled["id"]
    assert gone["data"]["reason"] == "重开"
    assert gone["data"]["reversal_entry_id"] is not None


async def test_a_batch_made_and_executed_is_on_the_feed(finance: FinanceService) -> None:
    await approved_payable(finance, due_date="2026-03-20")
    made = await finance.client.post(
        f"{API}/payment-batches",
        json={"due_by": "2026-03-31", "payment_date": "2026-03-25"},
        headers=finance.staff(),
    )
    batch = made.json()
    executed = await finance.client.post(
        f"{API}/payment-batches/{batch['id']}/execute", headers=finance.staff()
    )
    events = await feed(finance, ("finance.payment_batch.", "finance.invoice.payment_approved"))
    assert [e["type"] for e in events] == [
        "finance.invoice.payment_approved",
        "finance.payment_batch.created",
        "finance.payment_batch.executed",
    ]
    assert events[2]["data"]["payment_ids"] == [executed.json()["items"][0]["payment_id"]]
    assert events[2]["data"]["total"] == "2260.00"
