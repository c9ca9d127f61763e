"""post_entry and reverse_entry: the contract every finance area posts through."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from services.finance.db.ledger import AccountBalance, JournalEntry, Period
from services.finance.domain import ledger
from services.finance.domain.ledger import Line
from shared.kit.errors import DomainError
from tests.finance.conftest import FinanceService
from tests.finance.ledger_helpers import BANK, PAYABLE, TRAVEL, post_direct

D = Decimal


async def test_post_entry_numbers_and_balances(finance: FinanceService) -> None:
    dept = uuid.uuid4()
    first = await post_direct(
        finance,
        [Line(TRAVEL, debit=D("1200.00"), department_id=dept), Line(PAYABLE, credit=D("1200.00"))],
    )
    second = await post_direct(
        finance,
        [
            Line(PAYABLE, debit=D("1200.00")),
            Line(BANK, credit=D("1200.00"), cash_flow_item="other_operating_payments"),
        ],
        entry_date=date(2026, 3, 20),
    )
    async with finance.app.state.runtime.transaction() as session:
        entries = {str(e.id): e for e in (await session.scalars(select(JournalEntry))).all()}
        assert entries[first].voucher_number == "记-2026-03-0001"
        assert entries[second].voucher_number == "记-2026-03-0002"
        totals = await ledger.account_totals(session, end=(2026, 3))
        assert totals[TRAVEL].debit == D("1200.00")
        assert totals[PAYABLE].debit == totals[PAYABLE].credit == D("1200.00")
        assert totals[BANK].credit == D("1200.00")
        by_dept = await ledger.account_totals(session, end=(2026, 3), department_id=dept)
        assert set(by_dept) == {TRAVEL}
        cash = await ledger.cash_flow_totals(session, end=(2026, 12), start=(2026, 1))
        assert cash["other_operating_payments"].credit == D("1200.00")
        period = await session.scalar(select(Period).where(Period.month == 3))
        assert period is not None and period.last_voucher == 2


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([Line(TRAVEL, debit=D("1.00")), Line(PAYABLE, credit=D("2.00"))], "entry_unbalanced"),
        ([Line(TRAVEL, debit=D("1.00"))], "entry_unbalanced"),
        (
            [Line(TRAVEL, debit=D("1.00"), credit=D("1.00")), Line(PAYABLE, credit=D("0"))],
            "invalid_line",
        ),
        ([Line(TRAVEL, debit=D("1.001")), Line(PAYABLE, credit=D("1.001"))], "invalid_line"),
        ([Line("6602", debit=D("1.00")), Line(PAYABLE, credit=D("1.00"))], "account_not_postable"),
        ([Line("9999", debit=D("1.00")), Line(PAYABLE, credit=D("1.00"))], "unknown_account"),
        ([Line(BANK, debit=D("1.00")), Line(PAYABLE, credit=D("1.00"))], "cash_flow_item_required"),
        (
            [
                Line(TRAVEL, debit=D("1.00"), cash_flow_item="tax_payments"),
                Line(PAYABLE, credit=D("1.00")),
            ],
            "invalid_cash_flow_item",
        ),
    ],
)
async def test_post_entry_refuses(finance: FinanceService, lines: list[Line], code: str) -> None:
    with pytest.raises(DomainError) as refused:
        await post_direct(finance, lines)
    assert refused.value.code == code
    async with finance.app.state.runtime.transaction() as session:
        assert (await session.scalars(select(JournalEntry))).all() == []
        assert (await session.scalars(select(AccountBalance))).all() == []


async def test_the_demo_entries_post_once(finance: FinanceService) -> None:
    from services.finance.seed.ledger import load_demo

    for _ in range(2):
        async with finance.app.state.runtime.transaction() as session:
            await load_demo(session, today=date(2026, 4, 15))
    async with finance.app.state.runtime.transaction() as session:
        entries = (await session.scalars(select(JournalEntry))).all()
        assert len(entries) == 1 + 3 * 5
        assert {e.month for e in entries} == {1, 2, 3}
        totals = await ledger.account_totals(session, end=(2026, 12))
        assert sum((t.net_debit for t in totals.values()), D(0)) == 0
        assert totals["4001"].credit == D("5000000.00")
        cash = await ledger.cash_flow_totals(session, end=(2026, 12))
        assert sum((t.net_debit for t in cash.values()), D(0)) == totals["1002"].net_debit


async def test_post_entry_refuses_text_its_columns_cannot_hold(finance: FinanceService) -> None:
    lines = [Line(TRAVEL, debit=D("1.00"), memo="长" * 501), Line(PAYABLE, credit=D("1.00"))]
    with pytest.raises(DomainError) as refused:
        await post_direct(finance, lines)
    assert refused.value.code == "validation_error"
    with pytest.raises(DomainError) as refused:
        await post_direct(finance, [*lines[1:], Line(TRAVEL, debit=D("1.00"))], memo="m" * 501)
    assert refused.value.code == "validation_error"
    with pytest.raises(DomainError) as refused:
        await post_direct(finance, lines, source="Manual")
    assert refused.value.code == "invalid_source"


async def test_post_entry_answers_the_entry_with_its_lines(finance: FinanceService) -> None:
    async with finance.app.state.runtime.transaction() as session:
        entry = await ledger.post_entry(
            session,
            entry_date=date(2026, 3, 3),
            memo="m",
            lines=[Line(TRAVEL, debit=D("2.00")), Line(PAYABLE, credit=D("2.00"))],
            source="expense_claim",
            source_id="claim-1",
            actor=None,
        )
        assert [(row.line_no, row.account_code) for row in entry.lines] == [
            (1, TRAVEL),
            (2, PAYABLE),
        ]
        reversal = await ledger.reverse_entry(
            session, entry, entry_date=None, memo=None, actor=None
        )
        assert reversal.entry_date == entry.entry_date and reversal.source_id == str(entry.id)
        assert [row.credit for row in reversal.lines] == [D("2.00"), D("0.00")]
        assert entry.reversed_by_id == reversal.id
