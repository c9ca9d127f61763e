"""Voucher numbers under concurrent posting (PostgreSQL): 1..N in each period, no gap, no
duplicate, and nothing posted into a period once its close has committed."""

import asyncio
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from services.finance.db.ledger import JournalEntry, Period
from services.finance.domain import periods
from services.finance.domain.ledger import Line
from shared.kit.errors import DomainError
from tests.conftest import TestDatabase
from tests.finance.conftest import API, FinanceService
from tests.finance.ledger_helpers import PAYABLE, TRAVEL, create_draft, post_direct

N = 40


@pytest.fixture(autouse=True)
def _postgres_only(database_url: TestDatabase) -> None:
    if not database_url.is_postgres:
        pytest.skip("concurrent writers are a PostgreSQL matter (SQLite has one writer)")


async def test_simultaneous_posts_number_one_to_n(finance: FinanceService) -> None:
    drafts = [await create_draft(finance, memo=f"第{n}笔") for n in range(N)]
    drafts += [await create_draft(finance, entry_date="2026-04-01") for _ in range(5)]
    answers = await asyncio.gather(
        *(
            finance.client.post(
                f"{API}/journal-entries/{draft['id']}/post", headers=finance.staff()
            )
            for draft in drafts
        )
    )
    assert [a.status_code for a in answers] == [200] * len(drafts), [
        a.text for a in answers if a.status_code != 200
    ]
    march = sorted(a.json()["voucher_number"] for a in answers if a.json()["period"] == "2026-03")
    april = sorted(a.json()["voucher_number"] for a in answers if a.json()["period"] == "2026-04")
    assert march == [f"记-2026-03-{n:04d}" for n in range(1, N + 1)]
    assert april == [f"记-2026-04-{n:04d}" for n in range(1, 6)]


async def test_posts_racing_a_close_leave_no_gap(finance: FinanceService) -> None:
    """Posts and the month's close at once: each post either got its number before the close
    or was refused with period_closed; the numbers given are 1..k with k the period's count."""

    async def post(n: int) -> str | None:
        try:
            await post_direct(
                finance,
                [
                    Line(TRAVEL, debit=Decimal(f"{n + 1}.00")),
                    Line(PAYABLE, credit=Decimal(f"{n + 1}.00")),
                ],
                entry_date=date(2026, 5, 1 + n % 28),
            )
        except DomainError as refused:
            return refused.code
        return None

    async def close() -> None:
        await asyncio.sleep(0)
        async with finance.app.state.runtime.transaction() as session:
            await periods.close(session, 2026, 5, actor="closer")

    await post(0)  # the period exists before the race starts
    results = await asyncio.gather(*(post(n) for n in range(1, N)), close())
    refusals = {code for code in results[:-1] if code is not None}
    assert refusals <= {"period_closed"}
    async with finance.app.state.runtime.transaction() as session:
        numbers = sorted(
            (
                await session.scalars(
                    select(JournalEntry.voucher_seq).where(
                        JournalEntry.year == 2026, JournalEntry.month == 5
                    )
                )
            ).all()
        )
        period = await session.scalar(select(Period).where(Period.year == 2026, Period.month == 5))
    assert period is not None and period.status == "closed"
    assert numbers == list(range(1, len(numbers) + 1)) and period.last_voucher == len(numbers)
    assert len(numbers) == 1 + sum(1 for code in results[:-1] if code is None)
