"""Aging: what each party owes by days past due, as of a date; the parties add up to the totals."""

import uuid
from datetime import date
from decimal import Decimal

import pytest

from services.finance.domain.receivables_aging import Outstanding, age, bucket_of
from tests.finance.conftest import API, FinanceService
from tests.finance.receivables_helpers import (
    CUSTOMER,
    CUSTOMER_2,
    SUPPLIER,
    create_invoice,
    issued_invoice,
    line,
    pay,
)

AS_OF = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("due", "bucket"),
    [
        (date(2026, 7, 31), "current"),
        (date(2026, 6, 30), "current"),  # due today: not yet late
        (date(2026, 6, 29), "days_1_30"),
        (date(2026, 5, 31), "days_1_30"),  # 30 days
        (date(2026, 5, 30), "days_31_60"),  # 31 days
        (date(2026, 5, 1), "days_31_60"),  # 60 days
        (date(2026, 4, 30), "days_61_90"),  # 61 days
        (date(2026, 4, 1), "days_61_90"),  # 90 days
        (date(2026, 3, 31), "over_90"),  # 91 days
        (date(2020, 1, 1), "over_90"),
    ],
)
def test_an_amount_falls_in_the_bucket_of_its_days_past_due(due: date, bucket: str) -> None:
    assert bucket_of(due, AS_OF) == bucket


def test_parties_are_summed_by_bucket_and_add_up_to_the_totals() -> None:
    a, b = uuid.UUID(int=1), uuid.UUID(int=2)
    rows, totals = age(
        [
            Outstanding(b, "乙公司", date(2026, 6, 1), Decimal("10.00")),
            Outstanding(a, "甲公司", date(2026, 7, 1), Decimal("5.00")),
            Outstanding(a, "甲公司", date(2026, 7, 2), Decimal("1.50")),
            Outstanding(a, "甲公司", date(2026, 1, 1), Decimal("2.00")),
            Outstanding(b, "乙公司", date(2026, 1, 1), Decimal("0.00")),  # settled: left out
        ],
        AS_OF,
    )
    assert [r.party_name for r in rows] == sorted(["乙公司", "甲公司"])  # by name
    by_party = {r.party_id: r.buckets.as_dict() for r in rows}
    assert by_party[a]["current"] == Decimal("6.50")
    assert by_party[a]["over_90"] == Decimal("2.00")
    assert by_party[a]["total"] == Decimal("8.50")
    assert by_party[b]["days_1_30"] == Decimal("10.00")
    assert totals.as_dict()["total"] == Decimal("18.50")
    for bucket in ("current", "days_1_30", "days_31_60", "days_61_90", "over_90", "total"):
        assert sum(r.buckets.as_dict()[bucket] for r in rows) == totals.as_dict()[bucket]


async def test_the_receivables_aging_report_as_of_a_date(finance: FinanceService) -> None:
    # CUSTOMER: 11300.00 due 04-01 (partly paid 1300.00 on 03-20), 1130.00 due 06-30
    first = await issued_invoice(finance, due_date="2026-04-01")
    await issued_invoice(finance, lines=[line("1000.00")], due_date="2026-06-30")
    # CUSTOMER_2: 113.00 due 03-15
    await issued_invoice(
        finance,
        party_id=CUSTOMER_2,
        party_name="北京星河贸易有限公司",
        lines=[line("100.00")],
        issue_date="2026-03-01",
        due_date="2026-03-15",
    )
    await create_invoice(finance, due_date="2026-03-05")  # a draft owes nothing
    await issued_invoice(finance, kind="payable", party_id=SUPPLIER)  # not a receivable
    assert (await pay(finance, "receipt", CUSTOMER, [(first["id"], "1300.00")])).status_code == 201
    await pay(finance, "receipt", CUSTOMER, [(first["id"], "1000.00")], payment_date="2026-07-15")

    answer = await finance.client.get(
        f"{API}/aging",
        params={"kind": "receivable", "as_of": "2026-06-30"},
        headers=finance.auditor(),
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    rows = {r["party_id"]: r for r in report["parties"]}
    assert rows[str(CUSTOMER)] == {
        "party_id": str(CUSTOMER),
        "party_name": "上海云途网络科技有限公司",
        "current": "1130.00",
        "days_1_30": "0.00",
        "days_31_60": "0.00",
        "days_61_90": "10000.00",  # due 04-01: 90 days late on 06-30; the 07-15 receipt is later
        "over_90": "0.00",
        "total": "11130.00",
    }
    assert rows[str(CUSTOMER_2)]["over_90"] == "113.00"  # 107 days
    assert report["totals"] == {
        "current": "1130.00",
        "days_1_30": "0.00",
        "days_31_60": "0.00",
        "days_61_90": "10000.00",
        "over_90": "113.00",
        "total": "11243.00",
    }


async def test_an_aging_of_a_day_before_an_invoice_was_issued_leaves_it_out(
    finance: FinanceService,
) -> None:
    await issued_invoice(finance, issue_date="2026-03-02")
    answer = await finance.client.get(
        f"{API}/aging",
        params={"kind": "receivable", "as_of": "2026-03-01"},
        headers=finance.staff(),
    )
    assert answer.json()["parties"] == []
    assert answer.json()["totals"]["total"] == "0.00"


async def test_a_cancelled_invoice_leaves_the_aging_from_its_cancellation(
    finance: FinanceService,
) -> None:
    invoice = await issued_invoice(finance, issue_date="2026-03-02", due_date="2026-03-05")
    cancelled = await finance.client.post(
        f"{API}/invoices/{invoice['id']}/cancel", json={"reason": "作废"}, headers=finance.staff()
    )
    assert cancelled.status_code == 200
    today = finance.now.date().isoformat()
    before = await finance.client.get(
        f"{API}/aging",
        params={"kind": "receivable", "as_of": "2026-03-10"},
        headers=finance.staff(),
    )
    after = await finance.client.get(
        f"{API}/aging", params={"kind": "receivable", "as_of": today}, headers=finance.staff()
    )
    assert before.json()["totals"]["total"] == "11300.00"
    assert after.json()["totals"]["total"] == "0.00"


async def test_the_payables_aging_defaults_to_today(finance: FinanceService) -> None:
    await issued_invoice(finance, kind="payable", party_id=SUPPLIER, due_date="2026-03-05")
    answer = await finance.client.get(
        f"{API}/aging", params={"kind": "payable"}, headers=finance.staff()
    )
    report = answer.json()
    assert report["as_of"] == finance.now.date().isoformat()
    assert report["totals"]["days_1_30"] == "2260.00"


async def test_the_aging_needs_a_kind(finance: FinanceService) -> None:
    answer = await finance.client.get(f"{API}/aging", headers=finance.staff())
    assert answer.status_code == 422
