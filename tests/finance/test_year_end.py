"""The year-end close: closing December carries every profit-and-loss balance of the year into
4103 本年利润 and on to 4104 利润分配, by entries the close posts itself; the statements stay
whole around it."""

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from services.finance.db.ledger import JournalEntry
from services.finance.domain.year_end import closing_lines
from tests.finance.conftest import API, FinanceService
from tests.finance.statements_helpers import (
    CAPITAL,
    OTHER_OUT,
    SALES,
    SMALL_COMPANY,
    HandEntry,
    by_code,
    close_month,
    cr,
    dr,
    post_hand_entries,
)

D = Decimal
SALES_DEPARTMENT = uuid.UUID("0193a8c0-0000-7000-8000-0000000000d1")
RESEARCH_DEPARTMENT = uuid.UUID("0193a8c0-0000-7000-8000-0000000000d2")


async def _trial_balance(finance: FinanceService, **params: object) -> dict[str, dict[str, str]]:
    answer = await finance.client.get(
        f"{API}/statements/trial-balance", params=params, headers=finance.staff()
    )
    assert answer.status_code == 200, answer.text
    return {row["code"]: row for row in answer.json()["rows"]}


async def _statement(finance: FinanceService, path: str, **params: object) -> dict[str, object]:
    answer = await finance.client.get(
        f"{API}/statements/{path}", params=params, headers=finance.staff()
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def _closing_entries(finance: FinanceService) -> list[JournalEntry]:
    async with finance.app.state.runtime.transaction() as session:
        return list(
            (
                await session.scalars(
                    select(JournalEntry)
                    .where(JournalEntry.source == "period_close")
                    .order_by(JournalEntry.voucher_seq)
                )
            ).all()
        )


def _closing(row: dict[str, str]) -> Decimal:
    """A trial-balance row's closing balance, debit positive."""
    return D(row["closing_debit"]) - D(row["closing_credit"])


PROFIT_AND_LOSS = ("6001", "6401", "6601", "6602.02", "6602.05", "6603", "6801")


async def test_closing_december_zeroes_profit_and_loss_and_moves_the_profit_to_4104(
    finance: FinanceService,
) -> None:
    await post_hand_entries(finance, SMALL_COMPANY)
    await close_month(finance, 2026, 12)

    rows = await _trial_balance(finance, year=2026)
    for code in PROFIT_AND_LOSS:
        assert _closing(rows[code]) == 0, code
    assert _closing(rows["4103"]) == 0
    assert rows["4104"]["closing_credit"] == "54500.00"
    assert rows["6001"]["debit"] == "200000.00"  # the close's own debit shows as a movement

    entries = await _closing_entries(finance)
    assert [(e.source_id, e.entry_date, e.status) for e in entries] == [
        ("year-end:2026:profit-and-loss", date(2026, 12, 31), "posted"),
        ("year-end:2026:profit-distribution", date(2026, 12, 31), "posted"),
    ]
    assert entries[0].total == D("200000.00") and entries[1].total == D("54500.00")

    # the year's income statement still shows the year; the balance sheet still balances
    income = by_code(await _statement(finance, "income-statement", year=2026))
    assert income["operating_revenue"] == D("200000.00")
    assert income["net_profit"] == D("54500.00")
    sheet = await _statement(finance, "balance-sheet", year=2026)
    assert by_code(sheet)["retained_earnings"] == D("54500.00")
    assert sheet["checks"]["all_tie"] is True  # type: ignore[index]
    december = await _statement(finance, "income-statement", year=2026, month=12)
    assert by_code(december)["net_profit"] == 0
    assert december["checks"]["all_tie"] is True  # type: ignore[index]

    # the next year starts with the profit in 4104 and nothing in profit and loss
    following = await _statement(finance, "balance-sheet", year=2027, month=1)
    assert by_code(following)["retained_earnings"] == D("54500.00")
    assert following["checks"]["all_tie"] is True  # type: ignore[index]
    opening = await _trial_balance(finance, year=2027)
    assert opening["4104"]["opening_credit"] == "54500.00"
    assert all(code not in opening for code in PROFIT_AND_LOSS)


async def test_a_loss_is_carried_as_a_debit_to_4104(finance: FinanceService) -> None:
    await post_hand_entries(
        finance,
        (
            HandEntry(date(2026, 1, 5), "capital", (dr("1002", "1000.00", CAPITAL), cr("4001", "1000.00"))),
            HandEntry(date(2026, 6, 5), "office", (dr("6602.03", "300.00"), cr("1002", "300.00", OTHER_OUT))),
            HandEntry(date(2026, 7, 5), "sale", (dr("1002", "100.00", SALES), cr("6001", "100.00"))),
        ),
    )  # fmt: skip
    await close_month(finance, 2026, 12)
    rows = await _trial_balance(finance, year=2026)
    assert rows["4104"]["closing_debit"] == "200.00"
    assert _closing(rows["6602.03"]) == _closing(rows["6001"]) == _closing(rows["4103"]) == 0
    sheet = await _statement(finance, "balance-sheet", year=2026)
    assert by_code(sheet)["retained_earnings"] == D("-200.00")
    assert sheet["checks"]["all_tie"] is True  # type: ignore[index]


async def test_profit_and_loss_is_closed_per_department(finance: FinanceService) -> None:
    await post_hand_entries(
        finance,
        (
            HandEntry(date(2026, 1, 5), "capital", (dr("1002", "1000.00", CAPITAL), cr("4001", "1000.00"))),
            HandEntry(
                date(2026, 3, 5),
                "travel of two departments",
                (
                    dr("6602.02", "120.00", department_id=SALES_DEPARTMENT),
                    dr("6602.02", "80.00", department_id=RESEARCH_DEPARTMENT),
                    cr("1002", "200.00", OTHER_OUT),
                ),
            ),
        ),
    )  # fmt: skip
    await close_month(finance, 2026, 12)
    entries = await _closing_entries(finance)
    async with finance.app.state.runtime.transaction() as session:
        from services.finance.db.ledger import AccountBalance

        rows = (
            await session.execute(
                select(
                    AccountBalance.department_id,
                    AccountBalance.debit,
                    AccountBalance.credit,
                ).where(AccountBalance.account_code == "6602.02")
            )
        ).all()
    by_department: dict[object, Decimal] = {}
    for department, debit, credit in rows:
        by_department[department] = by_department.get(department, D(0)) + debit - credit
    assert by_department == {SALES_DEPARTMENT: 0, RESEARCH_DEPARTMENT: 0}
    assert entries[0].total == D("200.00")


async def test_reclosing_a_reopened_december_carries_only_what_was_added(
    finance: FinanceService,
) -> None:
    await post_hand_entries(finance, SMALL_COMPANY)
    await close_month(finance, 2026, 12)
    staff = finance.staff()
    read = await finance.client.get(f"{API}/periods/2026-12", headers=staff)
    reopened = await finance.client.post(
        f"{API}/periods/2026-12/reopen",
        json={"reason": "a late supplier invoice"},
        headers={**staff, "If-Match": read.headers["ETag"]},
    )
    assert reopened.status_code == 200, reopened.text
    await post_hand_entries(
        finance,
        (
            HandEntry(
                date(2026, 12, 20),
                "late office bill",
                (dr("6602.03", "1500.00"), cr("2202", "1500.00")),
            ),
        ),
    )
    await close_month(finance, 2026, 12)
    entries = await _closing_entries(finance)
    assert [e.total for e in entries] == [
        D("200000.00"),
        D("54500.00"),
        D("1500.00"),
        D("1500.00"),
    ]
    rows = await _trial_balance(finance, year=2026)
    assert _closing(rows["6602.03"]) == 0
    assert rows["4104"]["closing_credit"] == "53000.00"
    income = by_code(await _statement(finance, "income-statement", year=2026))
    assert income["net_profit"] == D("53000.00")


async def test_a_year_without_profit_and_loss_posts_nothing(finance: FinanceService) -> None:
    await post_hand_entries(
        finance,
        (
            HandEntry(
                date(2026, 1, 5), "capital", (dr("1002", "1000.00", CAPITAL), cr("4001", "1000.00"))
            ),
        ),
    )
    await close_month(finance, 2026, 12)
    assert await _closing_entries(finance) == []


def test_closing_lines_reverse_each_balance_and_leave_the_profit() -> None:
    lines, profit = closing_lines(
        {
            ("6001", None): D("-500.00"),
            ("6602.02", SALES_DEPARTMENT): D("120.00"),
            ("6602.02", None): D("30.00"),
            ("6603", None): D("0.00"),
        }
    )
    assert [(line.account, line.debit, line.credit, line.department_id) for line in lines] == [
        ("6001", D("500.00"), 0, None),
        ("6602.02", 0, D("30.00"), None),
        ("6602.02", 0, D("120.00"), SALES_DEPARTMENT),
    ]
    assert profit == D("350.00")
    assert closing_lines({}) == ([], 0)
