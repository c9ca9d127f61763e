"""Many writers, several publisher replicas, one reader: every event exactly once, in order."""

import asyncio
import random
from collections import Counter

import pytest

from shared.kit.db import create_engine_for, make_sessionmaker
from shared.kit.outbox import Publisher, read_feed, record_event
from tests.conftest import TestDatabase as Database
from tests.kit.conftest import create_tables
from tests.kit.sample_app import KIT

WRITERS = 20
TRANSACTIONS = 8
EVENTS_PER_TRANSACTION = 2
ENGINES = 4
REPLICAS = 3


@pytest.mark.postgres_only
async def test_reader_sees_every_event_once_in_order_while_writers_and_replicas_race(
    database_url: Database,
) -> None:
    await create_tables(database_url)
    engines = [create_engine_for(database_url.url, database_url.schema) for _ in range(ENGINES + 3)]
    writer_engines, (reader_engine, *publisher_engines) = engines[:ENGINES], engines[ENGINES:]
    expected = WRITERS * TRANSACTIONS * EVENTS_PER_TRANSACTION
    # One Publisher per replica, each with its own engine, all numbering the same schema.
    replicas = [
        Publisher(engine, KIT, f"notes:{database_url.schema}", interval=0.05)
        for engine in publisher_engines
    ]
    writing_done = asyncio.Event()
    rng = random.Random(2024)

    async def writer(number: int) -> None:
        sessions = make_sessionmaker(writer_engines[number % ENGINES], kit=KIT)
        for txn in range(TRANSACTIONS):
            async with sessions() as session, session.begin():
                for part in range(EVENTS_PER_TRANSACTION):
                    await record_event(
                        session,
                        "notes.load.tick",
                        subject_type="writer",
                        subject_id=number,
                        data={"writer": number, "txn": txn, "part": part},
                    )
                    # Hold the transaction open so commits interleave with other writers'
                    # and commit order differs from the order the events were written in.
                    await asyncio.sleep(rng.uniform(0, 0.03))

    async def replica(publisher: Publisher) -> None:
        while not writing_done.is_set():
            await publisher.publish_pending(batch=rng.choice([1, 3, 50]))
            await asyncio.sleep(rng.uniform(0, 0.01))
        await publisher.publish_pending()

    seen: list[tuple[int, dict[str, int]]] = []

    async def reader() -> None:
        after = 0
        async with asyncio.timeout(60):
            while len(seen) < expected:
                items, after = await read_feed(
                    reader_engine, KIT, after=after, limit=rng.randint(1, 25), event_type=None
                )
                seen.extend((event.seq, event.data) for event in items)
                if not items:
                    await asyncio.sleep(0.005)

    try:
        reading = asyncio.create_task(reader())
        publishing = [asyncio.create_task(replica(p)) for p in replicas]
        await asyncio.gather(*(writer(n) for n in range(WRITERS)))
        writing_done.set()
        await asyncio.gather(*publishing)
        await reading
        # Nothing more shows up later either.
        late, _ = await read_feed(reader_engine, KIT, after=seen[-1][0], limit=100, event_type=None)
    finally:
        for engine in engines:
            await engine.dispose()

    seqs = [seq for seq, _ in seen]
    assert seqs == list(range(1, expected + 1)), "the reader skipped, repeated or reordered"
    payloads = Counter((d["writer"], d["txn"], d["part"]) for _, d in seen)
    assert len(payloads) == expected
    assert max(payloads.values()) == 1
    assert late == []
    # The events of one transaction keep the order they were written in.
    by_txn: dict[tuple[int, int], list[int]] = {}
    for seq, data in seen:
        by_txn.setdefault((data["writer"], data["txn"]), []).append(seq)
    for txn_seqs in by_txn.values():
        assert txn_seqs == sorted(txn_seqs)
