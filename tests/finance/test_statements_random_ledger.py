"""Random balanced entries posted through the ledger (seeded, so a failure replays): whatever
was posted, the trial balance agrees and every statement ties through the API, for the year,
each quarter and a range across the year-end close. (The pure builders have the same property
tested with Hypothesis in ``test_statements_domain.py``; this one goes through the database.)"""

import random
from datetime import date
from decimal import Decimal

import pytest

from tests.finance.conftest import API, FinanceService
from tests.finance.statements_helpers import HandEntry, HandLine, close_month, post_hand_entries

ACCOUNTS = ["1001", "1002", "1012", "1122", "1231", "1405", "1601", "1602", "2202", "2211.01",
            "2221.01.01", "2221.01.02", "2232", "4001", "4104", "5301", "6001", "6111", "6401",
            "6602.02", "6602.05", "6701", "6801"]  # fmt: skip
CASH = {"1001", "1002", "1012"}
ITEMS = ["sales_receipts", "purchase_payments", "other_operating_payments", "capital_receipts",
         "asset_purchase_payments", "dividend_interest_payments"]  # fmt: skip


def random_entries(seed: int, count: int) -> list[HandEntry]:
    """``count`` balanced entries of two to five lines over 2026 and January 2027."""
    rng = random.Random(seed)
    entries = []
    for number in range(count):
        month = rng.randint(1, 12)
        day = date(2026, month, rng.randint(1, 28))
        if number % 7 == 6:
            day = date(2027, 1, rng.randint(1, 28))
        debits = [rng.randint(1, 5_000_000) for _ in range(rng.randint(1, 3))]
        total = sum(debits)
        parts = rng.randint(1, min(2, total))
        cut = rng.randint(1, total - 1) if parts == 2 else total
        credits = [cut, total - cut] if parts == 2 else [total]
        lines = []
        for cents, debit in [(c, True) for c in debits] + [(c, False) for c in credits]:
            account = rng.choice(ACCOUNTS)
            amount = Decimal(cents) / 100
            item = rng.choice(ITEMS) if account in CASH else None
            lines.append(
                HandLine(account, debit=amount, item=item)
                if debit
                else HandLine(account, credit=amount, item=item)
            )
        entries.append(HandEntry(day, f"random {seed}-{number}", tuple(lines)))
    return sorted(entries, key=lambda entry: entry.day)


async def _all_tie(finance: FinanceService, **params: object) -> None:
    for path in ("trial-balance", "balance-sheet", "income-statement", "cash-flow"):
        answer = await finance.client.get(
            f"{API}/statements/{path}", params=params, headers=finance.auditor()
        )
        assert answer.status_code == 200, answer.text
        checks = answer.json()["checks"]
        assert checks["all_tie"] is True, (path, params, checks)
    trial = await finance.client.get(
        f"{API}/statements/trial-balance", params=params, headers=finance.auditor()
    )
    totals = trial.json()["totals"]
    assert totals["debit"] == totals["credit"]
    assert totals["opening_debit"] == totals["opening_credit"]
    assert totals["closing_debit"] == totals["closing_credit"]


@pytest.mark.parametrize("seed", [7, 2026])
async def test_random_posted_entries_always_tie(finance: FinanceService, seed: int) -> None:
    await post_hand_entries(finance, [e for e in random_entries(seed, 28) if e.day.year == 2026])
    await _all_tie(finance, year=2026)
    for quarter in (1, 2, 3, 4):
        await _all_tie(finance, year=2026, quarter=quarter)
    await close_month(finance, 2026, 12)  # the year-end close
    await post_hand_entries(finance, [e for e in random_entries(seed, 28) if e.day.year == 2027])
    await _all_tie(finance, year=2026)
    await _all_tie(finance, **{"from": "2026-07-01", "to": "2027-01-31"})
    await _all_tie(finance, year=2027, month=1)
