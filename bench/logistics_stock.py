"""Stock issues against hot rows: many clients issuing (and now and then receiving) a few SKUs.

    python -m bench.logistics_stock [--clients 64] [--hot-skus 4] [--stock 50]
                                    [--receipt-share 0.15] [--seconds 10] [--pool 8]
                                    [--postgres URL | --sqlite]

Runs the logistics service in-process (ASGI, no gateway, no network) on a fresh, migrated
database (a schema of its own on PostgreSQL, dropped afterwards; a temporary file on SQLite):

1. **Setup**: a pick-up point and ``--hot-skus`` SKUs with ``--stock`` each, received through
   the API (so through the ledger).
2. **Hot rows**: ``--clients`` concurrent clients keep posting ``/stock-movements`` for
   ``--seconds``: issues of 1 or 2 of a random hot SKU, and with ``--receipt-share`` a receipt of
   5, so the levels hover around zero and most refusals are races for the last items. Requests
   per second, outcomes (201, 409 ``insufficient_stock``, anything else), latency p50/p99.
3. **Checks**: levels below zero (must be 0), and levels whose ledger does not add up — the sum
   of its lines, its last running balance and its line count against the level (must be 0).
"""

import argparse
import asyncio
import os
import random
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

import shared.kit.migrations
from bench.common import (
    busy_warning,
    format_table,
    machine_info,
    percentile,
    summarize,
    utc_now,
    write_result,
)
from services.logistics.app import create_app
from services.logistics.config import LogisticsSettings
from services.logistics.reference import load_reference_data
from shared.kit.testing import TokenMinter, bearer

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
API = "/api/v1/logistics"
MINTER = TokenMinter()
CHECKS = {
    "negative_levels": "SELECT count(*) FROM stock_levels WHERE on_hand < 0 OR reserved < 0",
    "levels_not_adding_up": (
        "SELECT count(*) FROM stock_levels l LEFT JOIN ("
        " SELECT supply_id, pickup_point_id, sum(quantity) AS total, count(*) AS lines,"
        " max(line_no) AS last FROM stock_movements GROUP BY supply_id, pickup_point_id"
        ") m ON m.supply_id = l.supply_id AND m.pickup_point_id = l.pickup_point_id "
        "LEFT JOIN stock_movements s ON s.supply_id = l.supply_id"
        " AND s.pickup_point_id = l.pickup_point_id AND s.line_no = m.last "
        "WHERE coalesce(m.total, 0) <> l.on_hand OR coalesce(m.lines, 0) <> l.movements"
        " OR coalesce(s.balance_after, 0) <> l.on_hand"
    ),
}


def figures(latencies: list[float]) -> dict[str, float]:
    """The usual summary and the 99th percentile."""
    return {**summarize(latencies), "p99": percentile(latencies, 99)}


async def setup(
    client: httpx.AsyncClient, headers: dict[str, str], skus: int, stock: int
) -> list[str]:
    """A pick-up point and the hot SKUs with their opening stock; returns the SKU ids."""
    point = await client.post(
        f"{API}/pickup-points", json={"code": "BENCH", "name": "bench"}, headers=headers
    )
    assert point.status_code == 201, point.text
    ids = []
    for n in range(skus):
        created = await client.post(
            f"{API}/supplies",
            json={
                "sku": f"HOT-{n}",
                "name": f"hot item {n}",
                "unit": "个",
                "category": "bench",
                "pickup_point_id": point.json()["id"],
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
        received = await client.post(
            f"{API}/stock-movements",
            json={"kind": "receipt", "supply_id": ids[-1], "quantity": stock},
            headers=headers,
        )
        assert received.status_code == 201, received.text
    return ids


async def hot_rows(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    skus: list[str],
    clients: int,
    seconds: float,
    receipt_share: float,
) -> dict[str, Any]:
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    rng = random.Random(42)

    async def worker() -> None:
        while time.perf_counter() < deadline:
            sku = rng.choice(skus)
            if rng.random() < receipt_share:
                body = {"kind": "receipt", "supply_id": sku, "quantity": 5}
            else:
                body = {"kind": "issue", "supply_id": sku, "quantity": rng.choice((1, 2))}
            began = time.perf_counter()
            answer = await client.post(f"{API}/stock-movements", json=body, headers=headers)
            latencies.append((time.perf_counter() - began) * 1000)
            code = answer.json().get("code", "") if answer.status_code >= 400 else ""
            outcomes[f"{body['kind']} {answer.status_code} {code}".strip()] += 1

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - began
    total = sum(outcomes.values())
    return {
        "clients": clients,
        "hot_skus": len(skus),
        "seconds": round(elapsed, 2),
        "requests": total,
        "requests_per_second": round(total / elapsed, 1),
        "outcomes": dict(outcomes),
        "latency_ms": figures(latencies),
    }


async def bench(url: str, schema: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data_dir:
        await asyncio.to_thread(shared.kit.migrations.upgrade, "logistics", url, schema)
        await load_reference_data(url=url, schema=schema, data_dir=Path(data_dir), demo=False)
    settings = LogisticsSettings(
        database_url=url,
        database_schema=schema,
        consumers_enabled=False,
        sweep_interval=0,
        approval_sweep_interval=0,
        log_level="WARNING",
    )
    app = create_app(settings, verifier=MINTER.verifier())
    headers = bearer(MINTER.user(("logistics",), username="bench"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=60
        ) as client:
            skus = await setup(client, headers, args.hot_skus, args.stock)
            hot = await hot_rows(
                client, headers, skus, args.clients, args.seconds, args.receipt_share
            )
        async with app.state.runtime.engine.connect() as conn:
            checks = {
                name: (await conn.execute(text(sql))).scalar_one() for name, sql in CHECKS.items()
            }
    return {"hot_rows": hot, "checks": checks}


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
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--hot-skus", type=int, default=4)
    parser.add_argument("--stock", type=int, default=50)
    parser.add_argument("--receipt-share", type=float, default=0.15)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--pool",
        type=int,
        default=8,
        help="PostgreSQL connections per pool (the service's default: 8)",
    )
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    args = parser.parse_args()
    os.environ["OFFICINA_DB_POOL_SIZE"] = str(args.pool)
    warning = busy_warning()
    if warning:
        print(warning)
    schema = f"bench_{uuid.uuid4().hex[:10]}_logistics"
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/logistics.db" if args.sqlite else args.postgres
        try:
            result = asyncio.run(bench(url, schema, args))
        finally:
            if not args.sqlite:
                asyncio.run(drop_schema(url, schema))
    hot, checks = result["hot_rows"], result["checks"]
    print(
        format_table(
            [
                "clients",
                "SKUs",
                "req/s",
                "p50 ms",
                "p99 ms",
                "negative levels",
                "ledger mismatches",
            ],
            [
                [
                    hot["clients"],
                    hot["hot_skus"],
                    hot["requests_per_second"],
                    round(hot["latency_ms"]["median"], 1),
                    round(hot["latency_ms"]["p99"], 1),
                    checks["negative_levels"],
                    checks["levels_not_adding_up"],
                ]
            ],
        )
    )
    print(format_table(["outcome", "count"], sorted(hot["outcomes"].items())))
    path = write_result(
        "logistics_stock",
        {
            "started": utc_now(),
            "machine": machine_info(),
            "busy_warning": warning,
            "database": "sqlite" if args.sqlite else "postgresql",
            "arguments": vars(args),
            **result,
        },
    )
    print(f"raw figures: {path}")


if __name__ == "__main__":
    main()
