"""Invoices through the API: drafts with exact totals, issuing posts the entry, cancelling reverses it."""

from decimal import Decimal

import pytest

from tests.finance.conftest import API, FinanceService
from tests.finance.receivables_helpers import (
    CUSTOMER,
    OFFICE,
    SUPPLIER,
    account_movement,
    create_invoice,
    entry_lines,
    invoice_body,
    issue,
    issued_invoice,
    line,
    pay,
    read_invoice,
)


async def test_a_draft_receivable_has_exact_totals_and_posts_nothing(
    finance: FinanceService,
) -> None:
    invoice = await create_invoice(
        finance,
        lines=[line("88.50", "0.13"), line("0.05", "0.06"), line("1000.00", "0")],
    )
    assert invoice["status"] == "draft"
    assert invoice["number"] == "AR-2026-0001"
    # 88.50 x 13 % = 11.505 -> 11.51; 0.05 x 6 % = 0.003 -> 0.00 (half up, per line)
    assert [(x["vat"], x["account"], x["vat_rate"]) for x in invoice["lines"]] == [
        ("11.51", "6001", "0.13"),
        ("0.00", "6001", "0.06"),
        ("0.00", "6001", "0"),
    ]
    assert (invoice["net"], invoice["vat"], invoice["gross"]) == ("1088.55", "11.51", "1100.06")
    assert invoice["paid"] == "0.00" and invoice["outstanding"] == "0.00"
    assert invoice["entry_id"] is None
    assert await account_movement(finance, "1122") == Decimal("0.00")


async def test_issuing_a_receivable_posts_receivable_against_revenue_and_output_vat(
    finance: FinanceService,
) -> None:
    invoice = await issued_invoice(finance)
    assert invoice["status"] == "open"
    assert invoice["outstanding"] == "11300.00"
    assert await entry_lines(finance, invoice["entry_id"]) == [
        ("1122", "11300.00", "0.00", CUSTOMER, None),
        ("6001", "0.00", "10000.00", CUSTOMER, None),
        ("2221.01.02", "0.00", "1300.00", CUSTOMER, None),
    ]


async def test_booking_a_payable_posts_expense_and_input_vat_against_accounts_payable(
    finance: FinanceService,
) -> None:
    invoice = await issued_invoice(
        finance,
        kind="payable",
        party_id=SUPPLIER,
        number="SUP-8812",
        lines=[line("2000.00", "0.13", OFFICE), line("500.00", "0.06", OFFICE)],
    )
    assert invoice["number"] == "SUP-8812"
    assert (invoice["net"], invoice["vat"], invoice["gross"]) == ("2500.00", "290.00", "2790.00")
    assert await entry_lines(finance, invoice["entry_id"]) == [
        (OFFICE, "2500.00", "0.00", SUPPLIER, None),
        ("2221.01.01", "290.00", "0.00", SUPPLIER, None),
        ("2202", "0.00", "2790.00", SUPPLIER, None),
    ]


async def test_an_issued_invoice_is_issued_once(finance: FinanceService) -> None:
    invoice = await issued_invoice(finance)
    again = await finance.client.post(
        f"{API}/invoices/{invoice['id']}/issue", headers=finance.staff()
    )
    assert again.status_code == 409
    assert again.json()["code"] == "invoice_not_draft"
    assert await account_movement(finance, "1122") == Decimal("11300.00")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (invoice_body(issue_date="2026-03-10", due_date="2026-03-09"), "due_before_issue"),
        (invoice_body("payable", party_id=SUPPLIER, lines=[line("100.00")]), "account_required"),
        (invoice_body(lines=[line("0.00")]), "validation_error"),
        (invoice_body(lines=[line("-5.00")]), "validation_error"),
        (invoice_body(lines=[line("10.001")]), "validation_error"),
        (
            invoice_body(lines=[{"description": "x", "amount": 10.5, "vat_rate": "0.13"}]),
            "validation_error",
        ),
        (invoice_body(lines=[line("100.00", "0.17")]), "validation_error"),
        (invoice_body(lines=[]), "validation_error"),
        (invoice_body(unknown="x"), "validation_error"),
    ],
)
async def test_a_bad_invoice_is_refused_and_nothing_is_recorded(
    finance: FinanceService, body: dict[str, object], code: str
) -> None:
    answer = await finance.client.post(f"{API}/invoices", json=body, headers=finance.staff())
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == code
    listed = await finance.client.get(f"{API}/invoices", headers=finance.staff())
    assert listed.json()["items"] == []


async def test_an_invoice_number_is_unique_per_party_and_kind(finance: FinanceService) -> None:
    await create_invoice(finance, number="INV-1")
    again = await finance.client.post(
        f"{API}/invoices", json=invoice_body(number="INV-1"), headers=finance.staff()
    )
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_invoice_number"
    other_party = await create_invoice(finance, number="INV-1", party_id=SUPPLIER)
    assert other_party["number"] == "INV-1"


async def test_a_draft_changes_and_its_totals_follow_but_an_issued_one_does_not(
    finance: FinanceService,
) -> None:
    draft = await create_invoice(finance)
    changed = await finance.client.patch(
        f"{API}/invoices/{draft['id']}",
        json={"due_date": "2026-04-30", "lines": [line("200.00", "0.06")]},
        headers={**finance.staff(), "If-Match": f'"{draft["version"]}"'},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["due_date"], body["net"], body["vat"], body["gross"]) == (
        "2026-04-30",
        "200.00",
        "12.00",
        "212.00",
    )
    stale = await finance.client.patch(
        f"{API}/invoices/{draft['id']}",
        json={"description": "late"},
        headers={**finance.staff(), "If-Match": f'"{draft["version"]}"'},
    )
    assert stale.status_code == 412
    await issue(finance, draft["id"])
    refused = await finance.client.patch(
        f"{API}/invoices/{draft['id']}", json={"description": "x"}, headers=finance.staff()
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "invoice_not_draft"


async def test_cancelling_an_unpaid_issued_invoice_reverses_its_entry(
    finance: FinanceService,
) -> None:
    invoice = await issued_invoice(finance)
    answer = await finance.client.post(
        f"{API}/invoices/{invoice['id']}/cancel",
        json={"reason": "客户取消订单"},
        headers=finance.staff(),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "cancelled"
    assert body["reversal_entry_id"] is not None
    assert body["cancelled_on"] == finance.now.date().isoformat()
    for account in ("1122", "6001", "2221.01.02"):
        assert await account_movement(finance, account) == Decimal("0.00")


async def test_a_draft_is_cancelled_without_any_entry(finance: FinanceService) -> None:
    draft = await create_invoice(finance)
    answer = await finance.client.post(
        f"{API}/invoices/{draft['id']}/cancel", json={"reason": "录入错误"}, headers=finance.staff()
    )
    assert answer.status_code == 200
    assert answer.json()["reversal_entry_id"] is None


async def test_a_partly_paid_invoice_cannot_be_cancelled(finance: FinanceService) -> None:
    invoice = await issued_invoice(finance)
    assert (await pay(finance, "receipt", CUSTOMER, [(invoice["id"], "100.00")])).status_code == 201
    answer = await finance.client.post(
        f"{API}/invoices/{invoice['id']}/cancel", json={"reason": "x"}, headers=finance.staff()
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "invoice_not_cancellable"
    assert (await read_invoice(finance, invoice["id"]))["status"] == "partly_paid"


async def test_a_receivable_is_not_approved_for_payment(finance: FinanceService) -> None:
    invoice = await issued_invoice(finance)
    answer = await finance.client.post(
        f"{API}/invoices/{invoice['id']}/approve-payment", headers=finance.staff()
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "not_a_payable"


async def test_a_draft_payable_is_not_approved_for_payment(finance: FinanceService) -> None:
    draft = await create_invoice(finance, kind="payable", party_id=SUPPLIER)
    answer = await finance.client.post(
        f"{API}/invoices/{draft['id']}/approve-payment", headers=finance.staff()
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "invoice_not_open"


async def test_invoices_are_listed_by_filters(finance: FinanceService) -> None:
    receivable = await issued_invoice(finance)
    await create_invoice(finance, kind="payable", party_id=SUPPLIER)
    answer = await finance.client.get(
        f"{API}/invoices", params={"kind": "receivable", "status": "open"}, headers=finance.staff()
    )
    assert [x["id"] for x in answer.json()["items"]] == [receivable["id"]]
    by_party = await finance.client.get(
        f"{API}/invoices", params={"party_id": str(SUPPLIER)}, headers=finance.auditor()
    )
    assert [x["kind"] for x in by_party.json()["items"]] == ["payable"]


async def close_february(finance: FinanceService) -> None:
    opened = await finance.client.post(
        f"{API}/periods", json={"year": 2026}, headers=finance.staff()
    )
    assert opened.status_code == 201, opened.text
    closed = await finance.client.post(f"{API}/periods/2026-02/close", headers=finance.staff())
    assert closed.status_code == 200, closed.text


async def test_an_invoice_dated_in_a_closed_period_is_not_issued_and_stays_a_draft(
    finance: FinanceService,
) -> None:
    await close_february(finance)
    draft = await create_invoice(finance, issue_date="2026-02-10", due_date="2026-03-10")
    answer = await finance.client.post(
        f"{API}/invoices/{draft['id']}/issue", headers=finance.staff()
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "period_closed"
    held = await read_invoice(finance, draft["id"])
    assert (held["status"], held["entry_id"]) == ("draft", None)


async def test_a_receipt_dated_in_a_closed_period_changes_nothing(finance: FinanceService) -> None:
    invoice = await issued_invoice(finance, issue_date="2026-02-02", due_date="2026-03-02")
    await close_february(finance)
    answer = await pay(
        finance, "receipt", CUSTOMER, [(invoice["id"], "100.00")], payment_date="2026-02-27"
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "period_closed"
    assert (await read_invoice(finance, invoice["id"]))["paid"] == "0.00"
