"""With the demo data (``--demo``: the ledger's entries, invoices, claims of the other areas),
the statements show real figures and every tie holds: the default mappings read every account
and every cash-flow item the demo posts to."""

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from shared.kit.testing import TokenMinter
from tests.conftest import TestDatabase
from tests.finance.conftest import API, FinanceService, start_finance


@pytest.fixture
async def demo_finance(
    database_url: TestDatabase, minter: TokenMinter, tmp_path: Path
) -> AsyncIterator[FinanceService]:
    async for service in start_finance(database_url, minter, tmp_path, demo=True):
        yield service


async def test_the_demo_books_give_statements_that_tie(demo_finance: FinanceService) -> None:
    this_year = date.today().year
    posted = False
    for year in (this_year - 1, this_year):
        for path in ("trial-balance", "balance-sheet", "income-statement", "cash-flow"):
            answer = await demo_finance.client.get(
                f"{API}/statements/{path}", params={"year": year}, headers=demo_finance.auditor()
            )
            assert answer.status_code == 200, answer.text
            assert answer.json()["checks"]["all_tie"] is True, (year, path, answer.json()["checks"])
            if path == "trial-balance" and answer.json()["rows"]:
                posted = True
    assert posted, "the demo posts entries the statements show"
