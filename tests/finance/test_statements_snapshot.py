"""A statement reads in several queries; on PostgreSQL they share one snapshot, so an entry
posted while a statement is being built is in all of its figures or in none of them."""

import pytest

from services.finance.domain.statements_period import Month, MonthRange
from services.finance.domain.statements_service import load_accounts, load_figures, snapshot
from tests.finance.conftest import FinanceService
from tests.finance.statements_helpers import SMALL_COMPANY, post_hand_entries

QUARTER = MonthRange(Month(2026, 1), Month(2026, 3))


@pytest.mark.postgres_only
async def test_an_entry_posted_while_a_statement_is_built_is_not_half_seen(
    finance: FinanceService,
) -> None:
    await post_hand_entries(finance, SMALL_COMPANY[:1])
    runtime = finance.app.state.runtime
    async with snapshot(runtime.engine, runtime.sessionmaker) as session:
        accounts = await load_accounts(session)
        before = await load_figures(session, QUARTER, accounts)
        await post_hand_entries(finance, SMALL_COMPANY[1:3])  # committed meanwhile
        during = await load_figures(session, QUARTER, accounts)
    assert during == before
    assert set(before.movements) == {"1002", "4001"}
    async with snapshot(runtime.engine, runtime.sessionmaker) as session:
        after = await load_figures(session, QUARTER, accounts)
    assert "6001" in after.movements and "1405" in after.movements
