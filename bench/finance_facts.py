"""Posting throughput of finance through consumed facts: facts (and lines) per second.

    python -m bench.finance_facts [--facts 500] [--components 4] [--postgres URL | --sqlite]

Runs the finance service in-process on a fresh, migrated and seeded database (a schema of its
own on PostgreSQL, dropped afterwards; a temporary file on SQLite) and delivers payroll facts
(``hr.payroll_run.posted``, ``--components`` components each, so twice as many lines) the way
finance's consumer does, with the kit's ``apply_events`` and finance's handler:

- ``one-by-one``: one fact per transaction (``apply_event`` in a loop: the cursor moves with
  each posting) — the slowest way a feed can be read;
- ``pages``: pages of 100 facts in one transaction each (what the ``FeedConsumer`` does with a
  full page of the feed);
- ``duplicates``: the same facts delivered again under new sequence numbers (the unique key
  finds each: nothing is posted);
- ``parked``: facts with a component no rule maps (each parked as a posting exception).

All entries go into one month (one period row, the voucher counter, serializes them): the
figure is the serialized throughput of one period. Each mode reports facts per second, lines
per second, and checks the month's voucher numbers have no gap.
"""

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

import shared.kit.migrations
from bench.common import busy_warning, format_table, machine_info, utc_now, write_result
from services.finance.app import create_app
from services.finance.config import FinanceSettings
from services.finance.db.ledger import JournalEntry
from services.finance.db.posting import PostingException
from services.finance.domain.posting import apply_fact_event
from services.finance.reference import load_reference_data
from shared.contracts.events import EventEnvelope, EventSubject
from shared.kit.consumer import apply_event, apply_events
from shared.kit.testing import TokenMinter

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
FACT = "hr.payroll_run.posted"
CONSUMER = "posting-facts-hr"
DEPARTMENTS = [str(uuid.uuid4()) for _ in range(4)]
COMPONENTS = ("wages", "social_insurance_employer", "housing_fund_employer", "iit_withheld")
PAGE = 100


def fact(n: int, components: int, *, unmapped: bool = False) -> dict[str, Any]:
    """A payroll fact with ``components`` components (the last unmapped when asked)."""
    parts = [
        {
            "component": COMPONENTS[i % len(COMPONENTS)],
            "amount": f"{1000 + n % 900}.{(n + i) % 100:02d}",
            "department_id": DEPARTMENTS[(n + i) % 4],
        }
        for i in range(components)
    ]
    if unmapped:
        parts[-1]["component"] = "unmapped_bonus"
    return {
        "source_id": f"bench-{n}{'-u' if unmapped else ''}",
        "occurred_on": f"2026-03-{1 + n % 28:02d}",
        "memo": f"bench payroll {n}",
        "run_id": str(uuid.uuid4()),
        "year": 2026,
        "month": 3,
        "components": parts,
    }


def envelope(seq: int, data: dict[str, Any]) -> EventEnvelope:
    """The feed event carrying ``data``."""
    return EventEnvelope(
        seq=seq,
        id=uuid.uuid4(),
        type=FACT,
        occurred_at=datetime.now(UTC),
        subject=EventSubject(type="payroll_run", id=data["source_id"]),
        data=data,
    )


async def run_mode(
    runtime: Any, mode: str, facts: list[dict[str, Any]], next_seq: int
) -> tuple[dict[str, Any], int]:
    """Deliver ``facts`` in ``mode``; returns the figures and the next sequence number."""
    events = [envelope(next_seq + i, data) for i, data in enumerate(facts)]
    began = time.perf_counter()
    if mode == "pages":
        for start in range(0, len(events), PAGE):
            page = events[start : start + PAGE]
            await apply_events(runtime, CONSUMER, page, apply_fact_event, up_to=page[-1].seq)
    else:
        for event in events:
            await apply_event(runtime, CONSUMER, event, apply_fact_event)
    elapsed = time.perf_counter() - began
    lines = sum(2 * len(data["components"]) for data in facts)
    return (
        {
            "mode": mode,
            "facts": len(facts),
            "seconds": round(elapsed, 2),
            "facts_per_second": round(len(facts) / elapsed, 1),
            "lines_per_second": round(lines / elapsed, 1) if mode in ("one-by-one", "pages") else 0,
        },
        next_seq + len(events),
    )


async def bench(url: str, schema: str, count: int, components: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data_dir:
        await asyncio.to_thread(shared.kit.migrations.upgrade, "finance", url, schema)
        await load_reference_data(url=url, schema=schema, data_dir=Path(data_dir), demo=False)
    settings = FinanceSettings(
        database_url=url,
        database_schema=schema,
        consumers_enabled=False,
        sweep_interval=0,
        approval_sweep_interval=0,
        log_level="WARNING",
    )
    app = create_app(settings, verifier=TokenMinter().verifier())
    results = []
    async with app.router.lifespan_context(app):
        runtime = app.state.runtime
        seq = 1
        first = [fact(n, components) for n in range(count)]
        second = [fact(n, components) for n in range(count, 2 * count)]
        plan = [
            ("one-by-one", first),
            ("pages", second),
            ("duplicates", first),
            ("parked", [fact(n, components, unmapped=True) for n in range(count)]),
        ]
        for mode, facts in plan:
            figures, seq = await run_mode(runtime, mode, facts, seq)
            results.append(figures)
        async with runtime.sessionmaker() as session:
            numbers = sorted(
                (
                    await session.scalars(
                        select(JournalEntry.voucher_seq).where(
                            JournalEntry.year == 2026, JournalEntry.month == 3
                        )
                    )
                ).all()
            )
            parked = await session.scalar(select(func.count()).select_from(PostingException))
    return {
        "results": results,
        "entries": len(numbers),
        "gapless": numbers == list(range(1, len(numbers) + 1)),
        "expected_entries": 2 * count,
        "parked": parked,
    }


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
    parser.add_argument("--facts", type=int, default=500, help="facts per mode")
    parser.add_argument("--components", type=int, default=4, help="components per fact")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    args = parser.parse_args()
    warning = busy_warning()
    if warning:
        print(warning)
    schema = f"bench_{uuid.uuid4().hex[:10]}_finance"
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/finance.db" if args.sqlite else args.postgres
        try:
            outcome = asyncio.run(bench(url, schema, args.facts, args.components))
        finally:
            if not args.sqlite:
                asyncio.run(drop_schema(url, schema))
    print(
        format_table(
            ["mode", "facts", "seconds", "facts/s", "lines/s"],
            [
                [r["mode"], r["facts"], r["seconds"], r["facts_per_second"], r["lines_per_second"]]
                for r in outcome["results"]
            ],
        )
    )
    print(
        f"entries {outcome['entries']} (expected {outcome['expected_entries']}), "
        f"gapless {outcome['gapless']}, parked {outcome['parked']}"
    )
    path = write_result(
        "finance_facts",
        {
            "started": utc_now(),
            "machine": machine_info(),
            "busy_warning": warning,
            "database": "sqlite" if args.sqlite else "postgresql",
            "facts": args.facts,
            "components": args.components,
            **outcome,
        },
    )
    print(f"raw figures: {path}")


if __name__ == "__main__":
    main()
