"""Room bookings: the free-slot search over many rooms and a year of bookings, and concurrent
bookings against hot rows.

    python -m bench.logistics_rooms [--rooms 200] [--per-day 4] [--searches 50]
                                    [--clients 64] [--hot-rooms 4] [--seconds 10]
                                    [--postgres URL | --sqlite]

Runs the logistics service in-process (ASGI, no gateway, no network) on a fresh, migrated
database (a schema of its own on PostgreSQL, dropped afterwards; a temporary file on SQLite):

1. **Setup**: ``--rooms`` rooms (capacities 4 to 40, mixed equipment) and a year of bookings
   (``--per-day`` one-hour bookings per room per working day), written straight to the tables
   (the exclusion constraint or trigger checks each one).
2. **Availability**: ``GET /rooms/availability`` over one day and over a week, plain and with
   ``capacity`` and ``equipment`` filters, ``--searches`` times each: latency p50/p99.
3. **Hot rows**: ``--clients`` concurrent clients keep booking random half-hour slots of one
   day in ``--hot-rooms`` rooms for ``--seconds`` (most attempts collide): requests per second,
   bookings made, 409 ``room_booked`` answers, anything else, latency p50/p99 — and then a
   self-join counts overlapping active bookings, which must be zero.
"""

import argparse
import asyncio
import random
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, text
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
from services.logistics.db.meetings import Booking, Room
from services.logistics.reference import load_reference_data
from shared.contracts.ids import new_id
from shared.kit.testing import TokenMinter, bearer

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
API = "/api/v1/logistics"
YEAR_START = datetime(2027, 1, 4, tzinfo=UTC)  # a Monday, in the future of the real clock
EQUIPMENT = ["projector", "video_conference", "whiteboard", "tv", "microphone"]


async def setup(app: Any, rooms: int, per_day: int) -> list[uuid.UUID]:
    """Rooms and a year of bookings, written in batches; returns the room ids."""
    runtime = app.state.runtime
    now = datetime.now(UTC)
    ids = [new_id() for _ in range(rooms)]
    async with runtime.transaction() as session:
        await session.execute(
            insert(Room),
            [
                {
                    "id": room_id,
                    "name": f"Room {n:03d}",
                    "building": "AB"[n % 2],
                    "floor": str(1 + n % 10),
                    "capacity": 4 + (n * 7) % 37,
                    "equipment": EQUIPMENT[: 1 + n % len(EQUIPMENT)],
                    "active": True,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for n, room_id in enumerate(ids)
            ],
        )
    days = [
        YEAR_START + timedelta(days=d)
        for d in range(364)
        if (YEAR_START + timedelta(days=d)).weekday() < 5
    ]
    for room_id in ids:
        rows = []
        for day in days:
            for slot in range(per_day):
                start = day + timedelta(hours=1 + 2 * slot)  # 01:00, 03:00, … UTC
                rows.append(
                    {
                        "id": new_id(),
                        "room_id": room_id,
                        "title": "weekly",
                        "starts_at": start,
                        "ends_at": start + timedelta(hours=1),
                        "attendee_count": 2,
                        "status": "active",
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        async with runtime.transaction() as session:
            await session.execute(insert(Booking), rows)
    return ids


async def availability(
    client: httpx.AsyncClient, headers: dict[str, str], searches: int
) -> list[dict[str, Any]]:
    day = YEAR_START + timedelta(days=150)
    cases: dict[str, dict[str, Any]] = {
        "1 day, all rooms": {"from": day, "to": day + timedelta(days=1)},
        "1 week, all rooms": {"from": day, "to": day + timedelta(days=7)},
        "1 week, 10+ seats, video": {
            "from": day,
            "to": day + timedelta(days=7),
            "capacity": 10,
            "equipment": "video_conference",
        },
    }
    results = []
    for name, params in cases.items():
        query = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in params.items()}
        latencies = []
        rooms = 0
        for _ in range(searches):
            began = time.perf_counter()
            answer = await client.get(f"{API}/rooms/availability", params=query, headers=headers)
            latencies.append((time.perf_counter() - began) * 1000)
            assert answer.status_code == 200, answer.text
            rooms = len(answer.json()["rooms"])
        results.append({"search": name, "rooms_answered": rooms, "latency_ms": figures(latencies)})
    return results


async def hot_rows(
    app: Any, client: httpx.AsyncClient, rooms: list[uuid.UUID], clients: int, seconds: float
) -> dict[str, Any]:
    day = YEAR_START + timedelta(days=200, hours=0)
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    rng = random.Random(42)

    async def worker(n: int) -> None:
        headers = bearer(MINTER.user(("employee",), employee_id=uuid.uuid4(), username=f"b{n}"))
        while time.perf_counter() < deadline:
            start = day + timedelta(minutes=30 * rng.randrange(0, 47))
            body = {
                "room_id": str(rng.choice(rooms)),
                "title": "hot",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(minutes=30 * rng.choice((1, 2)))).isoformat(),
            }
            began = time.perf_counter()
            answer = await client.post(f"{API}/bookings", json=body, headers=headers)
            latencies.append((time.perf_counter() - began) * 1000)
            code = answer.json().get("code", "") if answer.status_code >= 400 else ""
            outcomes[f"{answer.status_code} {code}".strip()] += 1

    began = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(clients)))
    elapsed = time.perf_counter() - began
    async with app.state.runtime.engine.connect() as conn:
        overlaps = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM bookings a JOIN bookings b ON a.room_id = b.room_id "
                    "AND a.id < b.id AND a.status = 'active' AND b.status = 'active' "
                    "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"
                )
            )
        ).scalar_one()
    total = sum(outcomes.values())
    return {
        "clients": clients,
        "hot_rooms": len(rooms),
        "seconds": round(elapsed, 2),
        "requests": total,
        "requests_per_second": round(total / elapsed, 1),
        "outcomes": dict(outcomes),
        "latency_ms": figures(latencies),
        "overlapping_pairs": overlaps,
    }


MINTER = TokenMinter()


def figures(latencies: list[float]) -> dict[str, float]:
    """The usual summary and the 99th percentile."""
    return {**summarize(latencies), "p99": percentile(latencies, 99)}


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
        began = time.perf_counter()
        rooms = await setup(app, args.rooms, args.per_day)
        setup_seconds = time.perf_counter() - began
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=60
        ) as client:
            searches = await availability(client, headers, args.searches)
            hot = await hot_rows(app, client, rooms[: args.hot_rooms], args.clients, args.seconds)
    return {"setup_seconds": round(setup_seconds, 1), "availability": searches, "hot_rows": hot}


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
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument("--per-day", type=int, default=4)
    parser.add_argument("--searches", type=int, default=50)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--hot-rooms", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    args = parser.parse_args()
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
    bookings = args.rooms * args.per_day * 260
    print(f"setup: {args.rooms} rooms, ~{bookings} bookings in {result['setup_seconds']} s")
    print(
        format_table(
            ["search", "rooms", "p50 ms", "p99 ms", "max ms"],
            [
                [
                    s["search"],
                    s["rooms_answered"],
                    round(s["latency_ms"]["median"], 1),
                    round(s["latency_ms"]["p99"], 1),
                    round(s["latency_ms"]["max"], 1),
                ]
                for s in result["availability"]
            ],
        )
    )
    hot = result["hot_rows"]
    print(
        format_table(
            ["clients", "rooms", "req/s", "outcomes", "p50 ms", "p99 ms", "overlaps"],
            [
                [
                    hot["clients"],
                    hot["hot_rooms"],
                    hot["requests_per_second"],
                    hot["outcomes"],
                    round(hot["latency_ms"]["median"], 1),
                    round(hot["latency_ms"]["p99"], 1),
                    hot["overlapping_pairs"],
                ]
            ],
        )
    )
    path = write_result(
        "logistics_rooms",
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
