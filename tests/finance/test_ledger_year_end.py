"""Closing December runs the year-end carry-forward in the close's own transaction.

The carry-forward itself is the statements area's (``domain/year_end.py``); here it is
replaced by a stand-in that posts one entry, so what the close does with it is visible.
"""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.ledger import JournalEntry, Period
from services.finance.domain import ledger, year_end
from services.finance.domain.ledger import Line
from shared.kit.errors import Conflict
from tests.finance.conftest import API, FinanceService
from tests.finance.ledger_helpers import post_direct

D = Decimal


def stand_in(calls: list[dict[str, Any]], fail: bool = False) -> Any:
    async def carry_forward(session: AsyncSession, *, year: int, actor: str | None) -> None:
        calls.append({"year": year, "actor": actor})
        await ledger.post_entry(
            session,
            entry_date=date(year, 12, 31),
            memo="结转本年利润",
            lines=[Line("6001", debit=D("500.00")), Line("4103", credit=D("500.00"))],
            source="period_close",
            source_id=str(year),
            actor=actor,
        )
        if fail:
            raise Conflict("the carry-forward refused", code="period_closed")

    return carry_forward


async def test_closing_december_posts_the_carry_forward_first(
    finance: FinanceService, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(year_end, "carry_forward", stand_in(calls))
    await post_direct(
        finance,
        [Line("1122", debit=D("500.00")), Line("6001", credit=D("500.00"))],
        entry_date=date(2026, 12, 5),
    )
    closed = await finance.client.post(f"{API}/periods/2026-12/close", headers=finance.staff())
    assert closed.status_code == 200, closed.text
    assert calls == [{"year": 2026, "actor": "finance-staff"}]
    assert closed.json()["vouchers"] == 2
    async with finance.app.state.runtime.transaction() as session:
        sources = (
            await session.scalars(select(JournalEntry.source).order_by(JournalEntry.voucher_seq))
        ).all()
        assert sources == ["manual", "period_close"]
    # another month's close does not call it
    await post_direct(
        finance,
        [Line("1122", debit=D("1.00")), Line("6001", credit=D("1.00"))],
        entry_date=date(2026, 11, 5),
    )
    assert (
        await finance.client.post(f"{API}/periods/2026-11/close", headers=finance.staff())
    ).status_code == 200
    assert len(calls) == 1


async def test_a_failed_carry_forward_leaves_december_open(
    finance: FinanceService, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(year_end, "carry_forward", stand_in(calls, fail=True))
    await post_direct(
        finance,
        [Line("1122", debit=D("500.00")), Line("6001", credit=D("500.00"))],
        entry_date=date(2026, 12, 5),
    )
    refused = await finance.client.post(f"{API}/periods/2026-12/close", headers=finance.staff())
    assert refused.status_code == 409 and calls
    async with finance.app.state.runtime.transaction() as session:
        period = await session.scalar(select(Period).where(Period.year == 2026, Period.month == 12))
        assert period is not None and period.status == "open" and period.last_voucher == 1
        assert (await session.scalars(select(JournalEntry.source))).all() == ["manual"]
