"""Statements over a big ledger: the trial balance and the balance sheet of a year over
1,000,000 posted journal lines, through the finance API (PostgreSQL).

    python -m bench.finance_statements [--lines 1000000] [--runs 10] [--postgres URL]

Migrates and seeds a schema of its own (dropped afterwards), then loads the ledger with bulk
SQL straight into the tables — ``generate_series`` on the server, no ORM, no API:

- one opening entry (capital in), then ``--lines / 4`` entries of four lines over the twelve
  months of 2026 in four patterns (a sale with its cost; a purchase with input VAT and office
  costs; a receipt and a supplier payment through the bank, with cash-flow items; expenses of
  eight departments paid from the bank), every one balanced, posted, with its gap-free voucher
  number;
- the ledger's monthly ``account_balances`` (per account, month and department) and
  ``cash_flow_balances`` (per item and month), computed from those lines in two aggregate
  inserts — what ``post_entry`` would have kept, so the statements read consistent figures;
- the twelve periods with their voucher counters.

The ledger's triggers (which refuse an entry inserted already posted) are off for the loading
session only (``session_replication_role = replica``); the script then checks, in SQL, that
every entry balances and that the balances equal the sums of the lines.

It runs the finance service in-process (ASGI, no gateway) and times ``--runs`` requests of each
statement for the year (after one warm-up each), checking each answer ties (``checks.all_tie``)
and the trial balance's totals equal the lines' sums. The target (issue 13): trial balance and
balance sheet for a year under 1 s.
"""

import argparse
import asyncio
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

import shared.kit.migrations
from bench.common import (
    busy_warning,
    format_table,
    machine_info,
    summarize,
    utc_now,
    write_result,
)
from services.finance.app import create_app
from services.finance.config import FinanceSettings
from services.finance.reference import load_reference_data
from shared.kit.testing import TokenMinter, bearer

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
API = "/api/v1/finance"
STATEMENTS = ("trial-balance", "balance-sheet", "income-statement", "cash-flow")

# x: the entry's base amount, 100.00 to 999.99; each pattern's four lines balance.
AMOUNT = "((100 + n % 900) + (n % 100) / 100.0)::numeric(16, 2)"
DEPARTMENT = "md5('department-' || (n / 4 % 8))::uuid"
PATTERNS = f"""
SELECT n, 1 AS line_no, '1122' AS account, {AMOUNT} AS debit, 0 AS credit,
       NULL::uuid AS department, NULL AS item FROM entries WHERE n % 4 = 0
UNION ALL SELECT n, 2, '6001', 0, {AMOUNT}, NULL, NULL FROM entries WHERE n % 4 = 0
UNION ALL SELECT n, 3, '6401', round({AMOUNT} * 0.6, 2), 0, NULL, NULL FROM entries WHERE n % 4 = 0
UNION ALL SELECT n, 4, '1405', 0, round({AMOUNT} * 0.6, 2), NULL, NULL FROM entries WHERE n % 4 = 0
UNION ALL SELECT n, 1, '1405', {AMOUNT}, 0, NULL, NULL FROM entries WHERE n % 4 = 1
UNION ALL SELECT n, 2, '2221.01.01', round({AMOUNT} * 0.13, 2), 0, NULL, NULL FROM entries WHERE n % 4 = 1
UNION ALL SELECT n, 3, '6602.03', 10.00, 0, {DEPARTMENT}, NULL FROM entries WHERE n % 4 = 1
UNION ALL SELECT n, 4, '2202', 0, {AMOUNT} + round({AMOUNT} * 0.13, 2) + 10.00, NULL, NULL FROM entries WHERE n % 4 = 1
UNION ALL SELECT n, 1, '1002', round({AMOUNT} * 0.5, 2), 0, NULL, 'sales_receipts' FROM entries WHERE n % 4 = 2
UNION ALL SELECT n, 2, '1122', 0, round({AMOUNT} * 0.5, 2), NULL, NULL FROM entries WHERE n % 4 = 2
UNION ALL SELECT n, 3, '2202', round({AMOUNT} * 0.4, 2), 0, NULL, NULL FROM entries WHERE n % 4 = 2
UNION ALL SELECT n, 4, '1002', 0, round({AMOUNT} * 0.4, 2), NULL, 'purchase_payments' FROM entries WHERE n % 4 = 2
UNION ALL SELECT n, 1, '6602.02', round({AMOUNT} * 0.1, 2), 0, {DEPARTMENT}, NULL FROM entries WHERE n % 4 = 3
UNION ALL SELECT n, 2, '6601', round({AMOUNT} * 0.2, 2), 0, {DEPARTMENT}, NULL FROM entries WHERE n % 4 = 3
UNION ALL SELECT n, 3, '6602.05', round({AMOUNT} * 0.1, 2), 0, {DEPARTMENT}, NULL FROM entries WHERE n % 4 = 3
UNION ALL SELECT n, 4, '1002', 0, round({AMOUNT} * 0.1, 2) * 2 + round({AMOUNT} * 0.2, 2), NULL,
       'other_operating_payments' FROM entries WHERE n % 4 = 3
"""


def load_statements(entries: int) -> list[str]:
    """The SQL that writes the ledger (run in one transaction on the service's schema)."""
    return [
        "SET LOCAL session_replication_role = replica",
        f"""
CREATE TEMPORARY TABLE entries ON COMMIT DROP AS
SELECT n, md5('entry-' || n)::uuid AS id, 1 + n / 4 % 12 AS month,
    row_number() OVER (PARTITION BY n / 4 % 12 ORDER BY n) AS seq
FROM generate_series(1, {entries}) AS n
""",
        """
INSERT INTO journal_entries (id, entry_date, year, month, memo, source, source_id, status,
    voucher_seq, voucher_number, total, posted_at, posted_by, created_by,
    created_at, updated_at, version)
SELECT id, make_date(2026, month, 1 + n % 28), 2026, month, 'bench ' || n, 'manual', NULL,
    'posted', seq, '记-2026-' || lpad(month::text, 2, '0') || '-' || lpad(seq::text, 6, '0'),
    0, now(), 'bench', 'bench', now(), now(), 1
FROM entries
""",
        f"""
INSERT INTO journal_lines (id, entry_id, line_no, account_code, debit, credit, department_id,
    cash_flow_item)
SELECT md5('line-' || p.n || '-' || p.line_no)::uuid, e.id, p.line_no, p.account, p.debit,
    p.credit, p.department, p.item
FROM ({PATTERNS}) AS p JOIN entries AS e ON e.n = p.n
""",
        """
UPDATE journal_entries AS je SET total = t.total
FROM (SELECT entry_id, sum(debit) AS total FROM journal_lines GROUP BY entry_id) AS t
WHERE je.id = t.entry_id
""",
        # the opening capital, January's last voucher
        """
INSERT INTO journal_entries (id, entry_date, year, month, memo, source, status, voucher_seq,
    voucher_number, total, posted_at, posted_by, created_by, created_at, updated_at, version)
SELECT md5('capital')::uuid, DATE '2026-01-01', 2026, 1, 'capital', 'manual', 'posted',
    seq, '记-2026-01-' || lpad(seq::text, 6, '0'), 100000000.00, now(), 'bench', 'bench',
    now(), now(), 1
FROM (SELECT count(*) + 1 AS seq FROM entries WHERE month = 1) AS january
""",
        """
INSERT INTO journal_lines (id, entry_id, line_no, account_code, debit, credit, cash_flow_item)
VALUES (md5('capital-1')::uuid, md5('capital')::uuid, 1, '1002', 100000000.00, 0,
            'capital_receipts'),
       (md5('capital-2')::uuid, md5('capital')::uuid, 2, '4001', 0, 100000000.00, NULL)
""",
        """
INSERT INTO account_balances (account_code, year, month, department_id, department_key, debit,
    credit)
SELECT l.account_code, e.year, e.month, l.department_id, coalesce(l.department_id::text, ''),
    sum(l.debit), sum(l.credit)
FROM journal_lines AS l JOIN journal_entries AS e ON e.id = l.entry_id
WHERE e.status = 'posted'
GROUP BY l.account_code, e.year, e.month, l.department_id
""",
        """
INSERT INTO cash_flow_balances (item_code, year, month, debit, credit)
SELECT l.cash_flow_item, e.year, e.month, sum(l.debit), sum(l.credit)
FROM journal_lines AS l JOIN journal_entries AS e ON e.id = l.entry_id
WHERE e.status = 'posted' AND l.cash_flow_item IS NOT NULL
GROUP BY l.cash_flow_item, e.year, e.month
""",
        """
INSERT INTO periods (id, year, month, ordinal, status, last_voucher, created_at, updated_at,
    version)
SELECT md5('period-' || m)::uuid, 2026, m, 202600 + m, 'open',
    (SELECT max(voucher_seq) FROM journal_entries WHERE year = 2026 AND month = m),
    now(), now(), 1
FROM generate_series(1, 12) AS m
ON CONFLICT (year, month) DO UPDATE SET last_voucher = excluded.last_voucher
""",
        "ANALYZE journal_entries",
        "ANALYZE journal_lines",
        "ANALYZE account_balances",
        "ANALYZE cash_flow_balances",
    ]


CHECKS = {
    "lines": "SELECT count(*) FROM journal_lines",
    "unbalanced_entries": """
SELECT count(*) FROM (SELECT entry_id FROM journal_lines GROUP BY entry_id
    HAVING sum(debit) <> sum(credit) OR count(*) < 2) AS u""",
    "balances_differing_from_lines": """
SELECT count(*) FROM (
    SELECT l.account_code, e.year, e.month, coalesce(l.department_id::text, '') AS k,
        sum(l.debit) AS d, sum(l.credit) AS c
    FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
    GROUP BY 1, 2, 3, 4) AS x
FULL JOIN account_balances b ON b.account_code = x.account_code AND b.year = x.year
    AND b.month = x.month AND b.department_key = x.k
WHERE b.debit IS DISTINCT FROM x.d OR b.credit IS DISTINCT FROM x.c""",
    "total_debits": "SELECT sum(debit) FROM journal_lines",
    "account_balance_rows": "SELECT count(*) FROM account_balances",
}


async def _in_schema(conn: AsyncConnection, schema: str) -> None:
    await conn.execute(text(f'SET search_path TO "{schema}"'))


async def load(url: str, schema: str, entries: int) -> dict[str, Any]:
    """Write the ledger; the load's duration and the consistency checks."""
    engine = create_async_engine(url)
    try:
        started = time.perf_counter()
        async with engine.begin() as conn:
            await _in_schema(conn, schema)
            for statement in load_statements(entries):
                await conn.execute(text(statement))
        seconds = time.perf_counter() - started
        found: dict[str, Any] = {"load_seconds": round(seconds, 1)}
        async with engine.connect() as conn:
            await _in_schema(conn, schema)
            for name, query in CHECKS.items():
                value = (await conn.execute(text(query))).scalar_one()
                found[name] = f"{value:.2f}" if isinstance(value, Decimal) else value
        return found
    finally:
        await engine.dispose()


async def time_statements(url: str, schema: str, runs: int) -> tuple[list[dict[str, Any]], Any]:
    """``runs`` timed requests of each statement for 2026 (after a warm-up each)."""
    minter = TokenMinter()
    settings = FinanceSettings(
        database_url=url,
        database_schema=schema,
        consumers_enabled=False,
        sweep_interval=0,
        approval_sweep_interval=0,
        log_level="WARNING",
    )
    app = create_app(settings, verifier=minter.verifier())
    headers = bearer(minter.user(("finance",), username="bench"))
    results = []
    trial_totals = None
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=120
        ) as client:
            for path in STATEMENTS:
                latencies: list[float] = []
                tie = True
                for run in range(runs + 1):
                    began = time.perf_counter()
                    answer = await client.get(
                        f"{API}/statements/{path}", params={"year": 2026}, headers=headers
                    )
                    elapsed = (time.perf_counter() - began) * 1000
                    answer.raise_for_status()
                    body = answer.json()
                    tie = tie and body["checks"]["all_tie"]
                    if path == "trial-balance":
                        trial_totals = body["totals"]
                    if run:  # the first is the warm-up
                        latencies.append(elapsed)
                results.append({"statement": path, "ms": summarize(latencies), "all_tie": tie})
    return results, trial_totals


async def drop_schema(url: str, schema: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        await engine.dispose()


async def bench(url: str, schema: str, lines: int, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data_dir:
        await asyncio.to_thread(shared.kit.migrations.upgrade, "finance", url, schema)
        await load_reference_data(url=url, schema=schema, data_dir=Path(data_dir), demo=False)
    loaded = await load(url, schema, lines // 4)
    timings, totals = await time_statements(url, schema, runs)
    return {"loaded": loaded, "timings": timings, "trial_balance_totals": totals}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    if args.lines < 48 or args.runs < 1:
        parser.error("at least 48 lines and one run")
    warning = busy_warning()
    if warning:
        print(warning)
    schema = f"bench_{uuid.uuid4().hex[:10]}_finance"
    try:
        result = asyncio.run(bench(args.postgres, schema, args.lines, args.runs))
    finally:
        asyncio.run(drop_schema(args.postgres, schema))
    loaded = result["loaded"]
    totals = result["trial_balance_totals"]
    consistent = (
        loaded["unbalanced_entries"] == 0
        and loaded["balances_differing_from_lines"] == 0
        and Decimal(totals["debit"]) == Decimal(loaded["total_debits"])
        and totals["debit"] == totals["credit"]
    )
    print(
        f"loaded {loaded['lines']} lines in {loaded['load_seconds']} s "
        f"({loaded['account_balance_rows']} balance rows); consistent: {consistent}"
    )
    print(
        format_table(
            ["statement (year 2026)", "median ms", "p95 ms", "min ms", "max ms", "ties"],
            [
                [
                    r["statement"],
                    round(r["ms"]["median"], 1),
                    round(r["ms"]["p95"], 1),
                    round(r["ms"]["min"], 1),
                    round(r["ms"]["max"], 1),
                    r["all_tie"],
                ]
                for r in result["timings"]
            ],
        )
    )
    path = write_result(
        "finance_statements",
        {
            "started": utc_now(),
            "machine": machine_info(),
            "busy_warning": warning,
            "database": "postgresql",
            "lines": args.lines,
            "runs": args.runs,
            "consistent": consistent,
            **result,
        },
    )
    print(f"raw figures: {path}")


if __name__ == "__main__":
    main()
