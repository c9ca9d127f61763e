"""Payment batches: approved payables due by a date, the bank CSV, executed into posted payments."""

import asyncio
import csv
import io
from decimal import Decimal

import pytest

from tests.finance.conftest import API, FinanceService
from tests.finance.receivables_helpers import (
    SUPPLIER,
    account_movement,
    approved_payable,
    issued_invoice,
    pay,
    read_invoice,
)

SUPPLIER_BANK = {
    "party_bank_account": "6222020200112233445",
    "party_bank_name": "中国工商银行北京海淀支行",
}


async def make_batch(service: FinanceService, due_by: str = "2026-03-31") -> dict[str, object]:
    answer = await service.client.post(
        f"{API}/payment-batches",
        json={"due_by": due_by, "payment_date": "2026-03-25"},
        headers=service.staff(),
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def test_a_batch_takes_the_approved_payables_due_by_its_date_for_what_is_owed(
    finance: FinanceService,
) -> None:
    due = await approved_payable(finance, number="S-1", due_date="2026-03-20", **SUPPLIER_BANK)
    partly = await approved_payable(finance, number="S-2", due_date="2026-03-31")
    await pay(finance, "payment", SUPPLIER, [(partly["id"], "260.00")])
    await approved_payable(finance, number="S-3", due_date="2026-04-01")  # later
    await issued_invoice(
        finance, kind="payable", party_id=SUPPLIER, number="S-4", due_date="2026-03-10"
    )  # not approved
    batch = await make_batch(finance)
    assert (batch["status"], batch["total"], batch["item_count"]) == ("pending", "4260.00", 2)
    items = batch["items"]
    assert [(i["invoice_id"], i["amount"], i["bank_account"]) for i in items] == [  # type: ignore[index]
        (due["id"], "2260.00", "6222020200112233445"),
        (partly["id"], "2000.00", None),
    ]


async def test_the_bank_csv_lists_payee_account_amount_and_reference(
    finance: FinanceService,
) -> None:
    await approved_payable(
        finance, number="S-1", due_date="2026-03-20", party_name="=HYPERLINK(1)", **SUPPLIER_BANK
    )
    batch = await make_batch(finance)
    answer = await finance.client.get(
        f"{API}/payment-batches/{batch['id']}/export", headers=finance.auditor()
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheets read the Chinese
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows == [
        ["payee_name", "bank_account", "bank_name", "amount", "currency", "reference"],
        [
            "'=HYPERLINK(1)",
            "6222020200112233445",
            "中国工商银行北京海淀支行",
            "2260.00",
            "CNY",
            "S-1 =HYPERLINK(1)",
        ],
    ]


async def test_executing_a_batch_posts_one_payment_per_item(finance: FinanceService) -> None:
    first = await approved_payable(finance, number="S-1", due_date="2026-03-20")
    second = await approved_payable(finance, number="S-2", due_date="2026-03-21")
    batch = await make_batch(finance)
    answer = await finance.client.post(
        f"{API}/payment-batches/{batch['id']}/execute",
        headers={**finance.staff(), "If-Match": f'"{batch["version"]}"'},
    )
    assert answer.status_code == 200, answer.text
    executed = answer.json()
    assert executed["status"] == "executed"
    assert all(item["payment_id"] for item in executed["items"])
    for invoice in (first, second):
        assert (await read_invoice(finance, invoice["id"]))["status"] == "paid"
    assert await account_movement(finance, "2202") == Decimal("0.00")
    assert await account_movement(finance, "1002") == Decimal("-4520.00")
    listed = await finance.client.get(
        f"{API}/payments", params={"batch_id": batch["id"]}, headers=finance.staff()
    )
    assert len(listed.json()["items"]) == 2
    again = await finance.client.post(
        f"{API}/payment-batches/{batch['id']}/execute", headers=finance.staff()
    )
    assert again.status_code == 409
    assert again.json()["code"] == "batch_not_pending"


async def test_a_payable_is_in_one_pending_batch_until_that_one_is_cancelled(
    finance: FinanceService,
) -> None:
    await approved_payable(finance, due_date="2026-03-20")
    batch = await make_batch(finance)
    empty = await finance.client.post(
        f"{API}/payment-batches",
        json={"due_by": "2026-03-31", "payment_date": "2026-03-25"},
        headers=finance.staff(),
    )
    assert empty.status_code == 422
    assert empty.json()["code"] == "batch_empty"
    cancelled = await finance.client.post(
        f"{API}/payment-batches/{batch['id']}/cancel", headers=finance.staff()
    )
    assert cancelled.json()["status"] == "cancelled"
    await make_batch(finance)


async def test_a_batch_whose_payable_was_paid_meanwhile_does_not_execute(
    finance: FinanceService,
) -> None:
    invoice = await approved_payable(finance, due_date="2026-03-20")
    batch = await make_batch(finance)
    await pay(finance, "payment", SUPPLIER, [(invoice["id"], "2260.00")])
    answer = await finance.client.post(
        f"{API}/payment-batches/{batch['id']}/execute", headers=finance.staff()
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "payment_exceeds_balance"
    held = await finance.client.get(f"{API}/payment-batches/{batch['id']}", headers=finance.staff())
    assert held.json()["status"] == "pending"


async def test_batches_are_listed_by_status(finance: FinanceService) -> None:
    await approved_payable(finance, due_date="2026-03-20")
    batch = await make_batch(finance)
    listed = await finance.client.get(
        f"{API}/payment-batches", params={"status": "pending"}, headers=finance.auditor()
    )
    assert [b["id"] for b in listed.json()["items"]] == [batch["id"]]


@pytest.mark.postgres_only
async def test_two_batches_made_at_once_never_take_the_same_payable(
    finance: FinanceService,
) -> None:
    await approved_payable(finance, due_date="2026-03-20")
    answers = await asyncio.gather(
        *(
            finance.client.post(
                f"{API}/payment-batches",
                json={"due_by": "2026-03-31", "payment_date": "2026-03-25"},
                headers=finance.staff(),
            )
            for _ in range(4)
        )
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(201) == 1
    assert set(statuses) - {201} <= {409, 422}


@pytest.mark.postgres_only
async def test_a_batch_executed_twice_at_once_pays_once(finance: FinanceService) -> None:
    invoice = await approved_payable(finance, due_date="2026-03-20")
    batch = await make_batch(finance)
    answers = await asyncio.gather(
        *(
            finance.client.post(
                f"{API}/payment-batches/{batch['id']}/execute", headers=finance.staff()
            )
            for _ in range(3)
        )
    )
    assert sorted(a.status_code for a in answers) == [200, 409, 409]
    assert (await read_invoice(finance, invoice["id"]))["paid"] == "2260.00"
    assert await account_movement(finance, "1002") == Decimal("-2260.00")
