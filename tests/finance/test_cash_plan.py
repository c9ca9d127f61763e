"""The cash plan: expected receipts and payments per week or month, on the ledger's opening cash."""

import uuid
from datetime import date
from decimal import Decimal

import pytest

from services.finance.db.spending import SpendingRequest
from services.finance.domain.cash_plan import Expected, periods, plan
from services.finance.domain.ledger import Line
from tests.finance.conftest import API, FinanceService
from tests.finance.ledger_helpers import post_direct
from tests.finance.receivables_helpers import (
    CUSTOMER,
    OFFICE,
    SUPPLIER,
    create_invoice,
    issued_invoice,
    line,
    pay,
)


def test_weeks_run_monday_to_sunday_cut_to_the_range() -> None:
    weeks = periods(date(2026, 3, 11), date(2026, 3, 31), "week")  # a Wednesday to a Tuesday
    assert [(p.start, p.end) for p in weeks] == [
        (date(2026, 3, 11), date(2026, 3, 15)),
        (date(2026, 3, 16), date(2026, 3, 22)),
        (date(2026, 3, 23), date(2026, 3, 29)),
        (date(2026, 3, 30), date(2026, 3, 31)),
    ]


def test_months_are_calendar_months_across_a_year_end() -> None:
    months = periods(date(2026, 11, 15), date(2027, 2, 3), "month")
    assert [(p.start, p.end) for p in months] == [
        (date(2026, 11, 15), date(2026, 11, 30)),
        (date(2026, 12, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 1, 31)),
        (date(2027, 2, 1), date(2027, 2, 3)),
    ]


def test_the_last_days_of_the_calendar_are_planned_too() -> None:
    assert [(p.start, p.end) for p in periods(date(9999, 12, 20), date.max, "week")] == [
        (date(9999, 12, 20), date(9999, 12, 26)),
        (date(9999, 12, 27), date(9999, 12, 31)),
    ]
    assert len(periods(date(9999, 1, 1), date.max, "month")) == 12


def test_one_day_is_one_period() -> None:
    assert len(periods(date(2026, 2, 28), date(2026, 2, 28), "month")) == 1


def test_overdue_amounts_fall_in_the_first_period_and_later_ones_are_left_out() -> None:
    result = plan(
        date(2026, 3, 1),
        date(2026, 4, 30),
        "month",
        [
            Expected(date(2026, 1, 10), Decimal("100.00"), "receipts_invoiced"),
            Expected(date(2026, 4, 30), Decimal("50.00"), "payments_invoiced"),
            Expected(date(2026, 5, 1), Decimal("999.00"), "receipts_invoiced"),
        ],
    )
    assert [(p.receipts, p.payments, p.net) for p in result] == [
        (Decimal("100.00"), Decimal("0.00"), Decimal("100.00")),
        (Decimal("0.00"), Decimal("50.00"), Decimal("-50.00")),
    ]


async def test_the_plan_of_open_invoices_on_the_ledgers_cash(finance: FinanceService) -> None:
    await post_direct(  # 50000.00 in the bank on 03-01
        finance,
        [
            Line("1002", debit=Decimal("50000.00"), cash_flow_item="sales_receipts"),
            Line("6001", credit=Decimal("50000.00")),
        ],
        entry_date=date(2026, 3, 1),
    )
    receivable = await issued_invoice(finance, due_date="2026-04-10")  # 11300.00
    await pay(
        finance, "receipt", CUSTOMER, [(receivable["id"], "1300.00")], payment_date="2026-03-05"
    )
    await issued_invoice(
        finance, kind="payable", party_id=SUPPLIER, due_date="2026-03-20"
    )  # 2260.00
    await create_invoice(
        finance, lines=[line("3000.00")], issue_date="2026-05-01", due_date="2026-05-02"
    )
    answer = await finance.client.get(
        f"{API}/cash-plan",
        params={"from": "2026-03-11", "to": "2026-05-31", "granularity": "month"},
        headers=finance.auditor(),
    )
    assert answer.status_code == 200, answer.text
    cash = answer.json()
    assert cash["opening_cash"] == "51300.00"  # 50000.00 + the 1300.00 received on 03-05
    rows = [
        (
            p["start"],
            p["receipts_invoiced"],
            p["receipts_scheduled"],
            p["payments_invoiced"],
            p["closing_cash"],
        )
        for p in cash["periods"]
    ]
    assert rows == [
        ("2026-03-11", "0.00", "0.00", "2260.00", "49040.00"),
        ("2026-04-01", "10000.00", "0.00", "0.00", "59040.00"),
        ("2026-05-01", "0.00", "3390.00", "0.00", "62430.00"),
    ]
    assert cash["total_receipts"] == "13390.00"
    assert cash["total_payments"] == "2260.00"
    assert cash["closing_cash"] == "62430.00"
    for period in cash["periods"]:
        assert Decimal(period["net"]) == Decimal(period["receipts"]) - Decimal(period["payments"])


async def test_approved_spending_not_yet_posted_is_a_planned_payment(
    finance: FinanceService,
) -> None:
    async with finance.app.state.runtime.transaction() as session:
        for status, expected in [
            ("approved", date(2026, 3, 2)),  # overdue on 03-09: in the first week
            ("approved", date(2026, 3, 18)),
            ("submitted", date(2026, 3, 18)),  # not approved yet
            ("closed", date(2026, 3, 18)),  # posted already
        ]:
            session.add(
                SpendingRequest(
                    requester_id=uuid.uuid4(),
                    department_id=uuid.uuid4(),
                    account_code=OFFICE,
                    amount=Decimal("800.00"),
                    purpose="采购显示器",
                    expected_date=expected,
                    year=2026,
                    status=status,
                )
            )
    answer = await finance.client.get(
        f"{API}/cash-plan",
        params={"from": "2026-03-09", "to": "2026-03-31", "granularity": "week"},
        headers=finance.staff(),
    )
    assert answer.status_code == 200, answer.text
    cash = answer.json()
    assert [(p["start"], p["payments_spending"]) for p in cash["periods"]] == [
        ("2026-03-09", "800.00"),
        ("2026-03-16", "800.00"),
        ("2026-03-23", "0.00"),
        ("2026-03-30", "0.00"),
    ]
    assert cash["total_payments"] == "1600.00"
    assert cash["closing_cash"] == "-1600.00"


@pytest.mark.parametrize(
    "params",
    [{"from": "2026-04-01", "to": "2026-03-01"}, {"from": "2026-01-01", "to": "2030-01-01"}],
)
async def test_a_range_backwards_or_too_long_is_refused(
    finance: FinanceService, params: dict[str, str]
) -> None:
    answer = await finance.client.get(f"{API}/cash-plan", params=params, headers=finance.staff())
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_range"
