"""Property: whatever balanced entries are posted (and reversed), the period balances form a
trial balance that sums to zero in every month, and they agree with the journal's lines."""

import itertools
import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from services.finance.db.ledger import AccountBalance, CashFlowBalance, JournalEntry, JournalLine
from services.finance.domain import ledger
from services.finance.domain.ledger import Line
from tests.finance.conftest import FinanceService

ACCOUNTS = ("1002", "1122", "2241", "2202", "6001", "6602.02", "6602.03", "2221.01.01")
CASH = "1002"
ITEMS = ("sales_receipts", "purchase_payments", "employee_payments")
DEPARTMENTS = (None, uuid.UUID(int=1), uuid.UUID(int=2))

cents = st.integers(min_value=1, max_value=10_000_000).map(lambda c: Decimal(c).scaleb(-2))


@st.composite
def balanced_lines(draw: st.DrawFn) -> list[Line]:
    """Two to six lines on random accounts whose debits equal their credits."""
    debits = draw(st.lists(cents, min_size=1, max_size=3))
    total = sum(debits, Decimal("0"))
    splits = draw(st.integers(min_value=1, max_value=3))
    credits = [total] if splits == 1 or total < Decimal("0.03") else []
    if not credits:
        cuts = sorted(
            draw(
                st.lists(
                    st.integers(1, int(total * 100) - 1),
                    min_size=splits - 1,
                    max_size=splits - 1,
                    unique=True,
                )
            )
        )
        bounds = [0, *cuts, int(total * 100)]
        credits = [Decimal(b - a).scaleb(-2) for a, b in itertools.pairwise(bounds)]

    def one(amount: Decimal, side: str) -> Line:
        account = draw(st.sampled_from(ACCOUNTS))
        return Line(
            account=account,
            debit=amount if side == "debit" else Decimal("0"),
            credit=amount if side == "credit" else Decimal("0"),
            department_id=draw(st.sampled_from(DEPARTMENTS)),
            cash_flow_item=draw(st.sampled_from(ITEMS)) if account == CASH else None,
        )

    lines = [one(a, "debit") for a in debits] + [one(a, "credit") for a in credits]
    return draw(st.permutations(lines))


entries = st.lists(
    st.tuples(balanced_lines(), st.integers(1, 12), st.integers(1, 28), st.booleans()),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=entries)
async def test_the_trial_balance_always_sums_to_zero(
    finance: FinanceService, batch: list[tuple[list[Line], int, int, bool]]
) -> None:
    runtime = finance.app.state.runtime
    async with runtime.transaction() as session:
        for lines, month, day, reverse in batch:
            entry = await ledger.post_entry(
                session,
                entry_date=date(2026, month, day),
                memo="property",
                lines=lines,
                source="manual",
                source_id=None,
                actor="hypothesis",
            )
            if reverse:
                await ledger.reverse_entry(session, entry, entry_date=None, memo=None, actor="h")

    async with runtime.transaction() as session:
        # the trial balance of every month sums to zero
        per_month = (
            await session.execute(
                select(
                    AccountBalance.month,
                    func.sum(AccountBalance.debit),
                    func.sum(AccountBalance.credit),
                ).group_by(AccountBalance.month)
            )
        ).all()
        for _month, debit, credit in per_month:
            assert Decimal(str(debit)).quantize(Decimal("0.01")) == Decimal(str(credit)).quantize(
                Decimal("0.01")
            )
        # the balances are exactly the journal's posted lines, account by account
        from_lines: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        rows = await session.execute(
            select(JournalLine.account_code, JournalLine.debit, JournalLine.credit)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalEntry.status == "posted")
        )
        for code, debit, credit in rows:
            from_lines[code][0] += debit
            from_lines[code][1] += credit
        totals = await ledger.account_totals(session, end=(2026, 12))
        assert {c: (t.debit, t.credit) for c, t in totals.items()} == {
            c: (d.quantize(Decimal("0.01")), k.quantize(Decimal("0.01")))
            for c, (d, k) in from_lines.items()
        }
        # so the balance sheet balances: every account's net, summed, is nil
        assert sum((t.net_debit for t in totals.values()), Decimal(0)) == 0
        # and the cash-flow items explain the change in cash
        cash = await ledger.cash_flow_totals(session, end=(2026, 12))
        assert (
            sum((t.net_debit for t in cash.values()), Decimal(0))
            == totals.get(CASH, ledger.Totals()).net_debit
        )
        assert (await session.scalar(select(func.count()).select_from(CashFlowBalance))) is not None
