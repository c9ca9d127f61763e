"""Posting throughput of the finance ledger: entries per second through the API.

    python -m bench.finance_posting [--seconds 10] [--concurrency 1 4 16] [--postgres URL | --sqlite]

Runs the finance service in-process (ASGI, no gateway, no network) on a fresh, migrated and
seeded database (a schema of its own on PostgreSQL, dropped afterwards; a temporary file on
SQLite), then for each concurrency level keeps that many clients posting for ``--seconds``:

- ``api``: a manual entry through the API — ``POST /journal-entries`` (draft, 4 lines) then
  ``POST /journal-entries/{id}/post`` — two requests, two transactions per entry;
- ``domain``: ``post_entry`` in a transaction of its own (what posting rules, claims and
  invoices do: one transaction per entry, no HTTP).

All entries go into one month, so every post waits for the same period row (the voucher
counter): the figure is the serialized throughput of one period, the worst case. Each
level reports entries per second and the latency of one entry (p50, p95), and checks the
voucher numbers of the month are 1..N without a gap.
"""

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

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
from services.finance.db.ledger import JournalEntry
from services.finance.domain.ledger import Line, post_entry
from services.finance.reference import load_reference_data
from shared.kit.testing import TokenMinter, bearer

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
API = "/api/v1/finance"
DEPARTMENTS = [str(uuid.uuid4()) for _ in range(4)]


def entry_body(n: int, month: int) -> dict[str, Any]:
    amount = f"{100 + n % 900}.{n % 100:02d}"
    return {
        "entry_date": f"2026-{month:02d}-{1 + n % 28:02d}",
        "memo": f"bench {n}",
        "lines": [
            {"account": "6602.02", "debit": amount, "department_id": DEPARTMENTS[n % 4]},
            {"account": "2221.01.01", "debit": "13.00"},
            {"account": "2241", "credit": amount},
            {"account": "1002", "credit": "13.00", "cash_flow_item": "tax_payments"},
        ],
    }


def domain_lines(n: int) -> list[Line]:
    amount = Decimal(f"{100 + n % 900}.{n % 100:02d}")
    return [
        Line("6602.02", debit=amount, department_id=uuid.UUID(DEPARTMENTS[n % 4])),
        Line("2221.01.01", debit=Decimal("13.00")),
        Line("2241", credit=amount),
        Line("1002", credit=Decimal("13.00"), cash_flow_item="tax_payments"),
    ]


async def run_level(
    app: Any,
    client: httpx.AsyncClient,
    headers: dict[str, str],
    mode: str,
    clients: int,
    seconds: float,
    month: int,
) -> dict[str, Any]:
    """``clients`` workers posting into ``month`` for ``seconds``."""
    latencies: list[float] = []
    failures: list[str] = []
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            n = next(counter)
            started = time.perf_counter()
            if mode == "api":
                draft = await client.post(
                    f"{API}/journal-entries", json=entry_body(n, month), headers=headers
                )
                if draft.status_code != 201:
                    failures.append(draft.text)
                    continue
                posted = await client.post(
                    f"{API}/journal-entries/{draft.json()['id']}/post", headers=headers
                )
                if posted.status_code != 200:
                    failures.append(posted.text)
                    continue
            else:
                async with app.state.runtime.transaction() as session:
                    await post_entry(
                        session,
                        entry_date=date(2026, month, 1 + n % 28),
                        memo=f"bench {n}",
                        lines=domain_lines(n),
                        source="manual",
                        source_id=None,
                        actor="bench",
                    )
            latencies.append((time.perf_counter() - started) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - began
    async with app.state.runtime.transaction() as session:
        numbers = sorted(
            (
                await session.scalars(
                    select(JournalEntry.voucher_seq).where(
                        JournalEntry.year == 2026,
                        JournalEntry.month == month,
                        JournalEntry.status == "posted",
                    )
                )
            ).all()
        )
    return {
        "mode": mode,
        "clients": clients,
        "entries": len(latencies),
        "seconds": round(elapsed, 2),
        "entries_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms": summarize(latencies),
        "failures": len(failures),
        "first_failure": failures[0][:300] if failures else None,
        "gapless": numbers == list(range(1, len(numbers) + 1)),
    }


async def bench(url: str, schema: str, seconds: float, levels: list[int]) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as data_dir:
        await asyncio.to_thread(shared.kit.migrations.upgrade, "finance", url, schema)
        await load_reference_data(url=url, schema=schema, data_dir=Path(data_dir), demo=False)
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
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            month = 0
            for mode in ("api", "domain"):
                for clients in levels:
                    month += 1
                    results.append(
                        await run_level(app, client, headers, mode, clients, seconds, month)
                    )
    return results


async def drop_schema(url: str, schema: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    args = parser.parse_args()
    warning = busy_warning()
    if warning:
        print(warning)
    if len(args.concurrency) * 2 > 12:
        parser.error("at most six concurrency levels (each runs per mode, each needs a month)")
    schema = f"bench_{uuid.uuid4().hex[:10]}_finance"
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/finance.db" if args.sqlite else args.postgres
        try:
            results = asyncio.run(bench(url, schema, args.seconds, args.concurrency))
        finally:
            if not args.sqlite:
                asyncio.run(drop_schema(url, schema))
    print(
        format_table(
            ["mode", "clients", "entries", "entries/s", "p50 ms", "p95 ms", "failures", "gapless"],
            [
                [
                    r["mode"],
                    r["clients"],
                    r["entries"],
                    r["entries_per_second"],
                    round(r["latency_ms"]["median"], 1),
                    round(r["latency_ms"]["p95"], 1),
                    r["failures"],
                    r["gapless"],
                ]
                for r in results
            ],
        )
    )
    path = write_result(
        "finance_posting",
        {
            "started": utc_now(),
            "machine": machine_info(),
            "busy_warning": warning,
            "database": "sqlite" if args.sqlite else "postgresql",
            "seconds": args.seconds,
            "results": results,
        },
    )
    print(f"raw figures: {path}")


if __name__ == "__main__":
    main()
