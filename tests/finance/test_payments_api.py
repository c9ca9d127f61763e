"""Receipts and payments: allocated to one or more invoices, partially, never beyond what is owed."""

import asyncio
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError

from services.finance.db.receivables import Invoice
from tests.finance.conftest import API, FinanceService
from tests.finance.receivables_helpers import (
    CUSTOMER,
    CUSTOMER_2,
    SUPPLIER,
    account_movement,
    create_invoice,
    entry_lines,
    issued_invoice,
    line,
    pay,
    read_invoice,
)


async def test_a_receipt_settles_two_invoices_one_partly_and_posts_bank_against_receivable(
    finance: FinanceService,
) -> None:
    first = await issued_invoice(finance)  # 11300.00
    second = await issued_invoice(finance, lines=[line("1000.00")])  # 1130.00
    answer = await pay(
        finance, "receipt", CUSTOMER, [(first["id"], "11300.00"), (second["id"], "130.00")]
    )
    assert answer.status_code == 201, answer.text
    payment = answer.json()
    assert payment["amount"] == "11430.00"
    assert payment["party_name"] == "上海云途网络科技有限公司"
    assert [(a["invoice_number"], a["amount"]) for a in payment["allocations"]] == [
        (first["number"], "11300.00"),
        (second["number"], "130.00"),
    ]
    assert await entry_lines(finance, payment["entry_id"]) == [
        ("1002", "11430.00", "0.00", None, "sales_receipts"),
        ("1122", "0.00", "11430.00", CUSTOMER, None),
    ]
    paid, partly = (
        await read_invoice(finance, first["id"]),
        await read_invoice(finance, second["id"]),
    )
    assert (paid["status"], paid["paid"], paid["outstanding"]) == ("paid", "11300.00", "0.00")
    assert (partly["status"], partly["paid"], partly["outstanding"]) == (
        "partly_paid",
        "130.00",
        "1000.00",
    )
    assert await account_movement(finance, "1122") == Decimal("1000.00")


async def test_a_supplier_payment_posts_payable_against_bank(finance: FinanceService) -> None:
    payable = await issued_invoice(finance, kind="payable", party_id=SUPPLIER)  # 2260.00
    answer = await pay(finance, "payment", SUPPLIER, [(payable["id"], "2260.00")])
    assert answer.status_code == 201, answer.text
    assert await entry_lines(finance, answer.json()["entry_id"]) == [
        ("2202", "2260.00", "0.00", SUPPLIER, None),
        ("1002", "0.00", "2260.00", None, "purchase_payments"),
    ]
    assert (await read_invoice(finance, payable["id"]))["status"] == "paid"


async def test_paying_the_rest_in_a_second_payment_makes_the_invoice_paid(
    finance: FinanceService,
) -> None:
    invoice = await issued_invoice(finance)
    assert (await pay(finance, "receipt", CUSTOMER, [(invoice["id"], "0.01")])).status_code == 201
    assert (await read_invoice(finance, invoice["id"]))["status"] == "partly_paid"
    assert (
        await pay(finance, "receipt", CUSTOMER, [(invoice["id"], "11299.99")])
    ).status_code == 201
    assert (await read_invoice(finance, invoice["id"]))["status"] == "paid"


async def test_a_payment_over_what_is_still_owed_is_refused_and_nothing_changes(
    finance: FinanceService,
) -> None:
    invoice = await issued_invoice(finance)
    other = await issued_invoice(finance, lines=[line("100.00")])
    assert (
        await pay(finance, "receipt", CUSTOMER, [(invoice["id"], "11000.00")])
    ).status_code == 201
    answer = await pay(
        finance, "receipt", CUSTOMER, [(other["id"], "10.00"), (invoice["id"], "300.01")]
    )
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["code"] == "payment_exceeds_balance"
    assert problem["outstanding"] == "300.00"
    assert (await read_invoice(finance, other["id"]))["paid"] == "0.00"
    assert (await read_invoice(finance, invoice["id"]))["paid"] == "11000.00"
    assert await account_movement(finance, "1002") == Decimal("11000.00")


async def test_a_paid_invoice_takes_no_more(finance: FinanceService) -> None:
    invoice = await issued_invoice(finance, lines=[line("100.00")])
    assert (await pay(finance, "receipt", CUSTOMER, [(invoice["id"], "113.00")])).status_code == 201
    answer = await pay(finance, "receipt", CUSTOMER, [(invoice["id"], "0.01")])
    assert answer.status_code == 422
    assert answer.json()["code"] == "payment_exceeds_balance"


@pytest.mark.parametrize(
    ("kind", "party"),
    [("receipt", CUSTOMER_2), ("payment", CUSTOMER)],
    ids=["another party", "another kind"],
)
async def test_a_payment_settles_only_its_partys_invoices_of_its_kind(
    finance: FinanceService, kind: str, party: uuid.UUID
) -> None:
    invoice = await issued_invoice(finance)
    answer = await pay(finance, kind, party, [(invoice["id"], "10.00")])
    assert answer.status_code == 422
    assert answer.json()["code"] == "allocation_mismatch"


async def test_a_draft_is_not_paid(finance: FinanceService) -> None:
    draft = await create_invoice(finance)
    answer = await pay(finance, "receipt", CUSTOMER, [(draft["id"], "10.00")])
    assert answer.status_code == 409
    assert answer.json()["code"] == "invoice_not_open"


async def test_one_invoice_is_allocated_once_per_payment(finance: FinanceService) -> None:
    invoice = await issued_invoice(finance)
    answer = await pay(
        finance, "receipt", CUSTOMER, [(invoice["id"], "1.00"), (invoice["id"], "2.00")]
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "duplicate_allocation"


async def test_an_unknown_invoice_is_404(finance: FinanceService) -> None:
    answer = await pay(finance, "receipt", CUSTOMER, [(str(uuid.uuid4()), "1.00")])
    assert answer.status_code == 404


async def test_payments_are_listed_and_read_by_invoice(finance: FinanceService) -> None:
    invoice = await issued_invoice(finance)
    other = await issued_invoice(finance, lines=[line("100.00")])
    made = (await pay(finance, "receipt", CUSTOMER, [(invoice["id"], "1.00")])).json()
    await pay(finance, "receipt", CUSTOMER, [(other["id"], "1.00")])
    listed = await finance.client.get(
        f"{API}/payments", params={"invoice_id": invoice["id"]}, headers=finance.auditor()
    )
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["items"]] == [made["id"]]
    read = await finance.client.get(f"{API}/payments/{made['id']}", headers=finance.auditor())
    assert read.json()["allocations"][0]["invoice_number"] == invoice["number"]


async def test_the_database_refuses_paying_an_invoice_beyond_its_gross(
    finance: FinanceService,
) -> None:
    invoice = await issued_invoice(finance, lines=[line("100.00")])
    with pytest.raises(IntegrityError):
        async with finance.app.state.runtime.transaction() as session:
            await session.execute(
                update(Invoice)
                .where(Invoice.id == uuid.UUID(invoice["id"]))
                .values(paid=Decimal("113.01"), status="partly_paid")
            )
    with pytest.raises(IntegrityError):  # a status that disagrees with what is paid
        async with finance.app.state.runtime.transaction() as session:
            await session.execute(
                text("UPDATE invoices SET status = 'paid' WHERE id = :id"),
                {"id": invoice["id"] if finance.db.is_postgres else uuid.UUID(invoice["id"]).hex},
            )
    assert (await read_invoice(finance, invoice["id"]))["status"] == "open"


@pytest.mark.postgres_only
async def test_concurrent_receipts_never_over_pay_an_invoice(finance: FinanceService) -> None:
    invoice = await issued_invoice(finance, lines=[line("1000.00")])  # 1130.00
    answers = await asyncio.gather(
        *(pay(finance, "receipt", CUSTOMER, [(invoice["id"], "300.00")]) for _ in range(8))
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(201) == 3  # 900.00; a fourth would make 1200.00 > 1130.00
    assert all(
        a.json()["code"] == "payment_exceeds_balance" for a in answers if a.status_code != 201
    )
    held = await read_invoice(finance, invoice["id"])
    assert (held["paid"], held["status"]) == ("900.00", "partly_paid")
    assert await account_movement(finance, "1002") == Decimal("900.00")


async def test_a_receipt_recorded_in_error_is_reversed_and_the_invoice_owes_again(
    finance: FinanceService,
) -> None:
    invoice = await issued_invoice(finance)
    receipt = (await pay(finance, "receipt", CUSTOMER, [(invoice["id"], "11300.00")])).json()
    assert (await read_invoice(finance, invoice["id"]))["status"] == "paid"
    answer = await finance.client.post(
        f"{API}/payments/{receipt['id']}/reverse",
        json={"reason": "重复登记"},
        headers={**finance.staff(), "If-Match": f'"{receipt["version"]}"'},
    )
    assert answer.status_code == 200, answer.text
    reversed_ = answer.json()
    assert reversed_["reversed_on"] == "2026-03-20"  # its own date, later than today (03-11)
    assert reversed_["reversal_entry_id"] is not None
    held = await read_invoice(finance, invoice["id"])
    assert (held["status"], held["paid"], held["outstanding"]) == ("open", "0.00", "11300.00")
    assert await account_movement(finance, "1002") == Decimal("0.00")
    assert await account_movement(finance, "1122") == Decimal("11300.00")
    again = await finance.client.post(
        f"{API}/payments/{receipt['id']}/reverse", json={"reason": "x"}, headers=finance.staff()
    )
    assert again.status_code == 409
    assert again.json()["code"] == "payment_already_reversed"
    aging = {
        day: (
            await finance.client.get(
                f"{API}/aging", params={"kind": "receivable", "as_of": day}, headers=finance.staff()
            )
        ).json()["totals"]["total"]
        for day in ("2026-03-19", "2026-03-20")
    }
    assert aging == {"2026-03-19": "11300.00", "2026-03-20": "11300.00"}


async def test_a_reversed_payment_still_counts_in_the_aging_of_the_days_before(
    finance: FinanceService,
) -> None:
    invoice = await issued_invoice(finance)
    receipt = (
        await pay(
            finance, "receipt", CUSTOMER, [(invoice["id"], "300.00")], payment_date="2026-03-05"
        )
    ).json()
    await finance.client.post(
        f"{API}/payments/{receipt['id']}/reverse", json={"reason": "退票"}, headers=finance.staff()
    )  # reversed today, 03-11

    async def owed(day: str) -> str:
        answer = await finance.client.get(
            f"{API}/aging", params={"kind": "receivable", "as_of": day}, headers=finance.staff()
        )
        return str(answer.json()["totals"]["total"])

    assert await owed("2026-03-10") == "11000.00"
    assert await owed("2026-03-11") == "11300.00"


async def test_a_payment_dated_before_the_invoice_was_issued_is_refused(
    finance: FinanceService,
) -> None:
    invoice = await issued_invoice(finance, issue_date="2026-03-02")
    answer = await pay(
        finance, "receipt", CUSTOMER, [(invoice["id"], "1.00")], payment_date="2026-03-01"
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "payment_before_issue"
    same_day = await pay(
        finance, "receipt", CUSTOMER, [(invoice["id"], "1.00")], payment_date="2026-03-02"
    )
    assert same_day.status_code == 201


@pytest.mark.postgres_only
async def test_payments_locking_the_same_invoices_in_any_order_never_deadlock(
    finance: FinanceService,
) -> None:
    first = await issued_invoice(finance, lines=[line("1000.00")])  # 1130.00
    second = await issued_invoice(finance, lines=[line("1000.00")])
    orders = [
        [(first["id"], "10.00"), (second["id"], "10.00")],
        [(second["id"], "10.00"), (first["id"], "10.00")],
    ]
    answers = await asyncio.gather(
        *(pay(finance, "receipt", CUSTOMER, orders[n % 2]) for n in range(10))
    )
    assert [a.status_code for a in answers] == [201] * 10
    for invoice in (first, second):
        assert (await read_invoice(finance, invoice["id"]))["paid"] == "100.00"
