"""Consuming another service's feed: each event's effect happens exactly once."""

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.events import EventEnvelope, EventSubject
from shared.kit.consumer import EventHandler, FeedConsumer, apply_event, read_cursor
from shared.kit.runtime import ServiceRuntime
from shared.kit.testing import TokenMinter
from tests.conftest import TestDatabase as Database
from tests.kit.conftest import EVENTS, NOTES, NotesService, eventually, running_notes_service
from tests.kit.sample_app import EventTally, Note

CONSUMER = "notes-mirror"


async def tally(session: AsyncSession, event: EventEnvelope) -> None:
    """The consumer's effect: count how often each event was applied."""
    row = await session.get(EventTally, str(event.id))
    if row is None:
        session.add(EventTally(event_id=str(event.id), seq=event.seq, type=event.type, applied=1))
    else:
        row.applied += 1
    await session.flush()


async def tallies(runtime: ServiceRuntime) -> dict[int, int]:
    """seq -> how many times that event was applied."""
    async with runtime.sessionmaker() as session:
        rows = (await session.scalars(select(EventTally))).all()
    return {row.seq: row.applied for row in rows}


async def cursor(runtime: ServiceRuntime, name: str = CONSUMER) -> int:
    async with runtime.sessionmaker() as session:
        return await read_cursor(session, runtime, name)


def event(seq: int, type_: str = "notes.note.created") -> EventEnvelope:
    return EventEnvelope(
        seq=seq,
        id=uuid.uuid4(),
        type=type_,
        occurred_at=datetime.now(UTC),
        subject=EventSubject(type="note", id=str(uuid.uuid4())),
        data={"n": seq},
    )


@pytest.fixture
async def consumer_service(
    second_database: Database, minter: TokenMinter
) -> AsyncIterator[NotesService]:
    """A second service, with its own database, that consumes the notes feed."""
    async with running_notes_service(second_database, minter) as service:
        yield service


async def test_each_event_is_applied_once_and_replays_do_nothing(notes: NotesService) -> None:
    runtime = notes.runtime
    events = [event(seq) for seq in (1, 2, 3)]

    first = [await apply_event(runtime, CONSUMER, e, tally) for e in events]
    replayed = [await apply_event(runtime, CONSUMER, e, tally) for e in events]
    older = await apply_event(runtime, CONSUMER, event(2), tally)

    assert first == [True, True, True]
    assert replayed == [False, False, False]
    assert older is False
    assert await tallies(runtime) == {1: 1, 2: 1, 3: 1}
    assert await cursor(runtime) == 3


async def test_consumers_keep_separate_cursors(notes: NotesService) -> None:
    runtime = notes.runtime
    one = event(1)

    assert await apply_event(runtime, "mirror-a", one, tally)
    assert not await apply_event(runtime, "mirror-a", one, tally)

    async def nothing(_session: AsyncSession, _event: EventEnvelope) -> None:
        return None

    assert await apply_event(runtime, "mirror-b", one, nothing)
    assert await cursor(runtime, "mirror-a") == 1
    assert await cursor(runtime, "mirror-b") == 1


async def test_crash_between_effect_and_cursor_keeps_neither_and_the_retry_applies_once(
    notes: NotesService,
) -> None:
    runtime = notes.runtime
    one = event(1)

    async def crash_after_effect(session: AsyncSession, e: EventEnvelope) -> None:
        await tally(session, e)
        raise ConnectionError("the process died here")

    with pytest.raises(ConnectionError):
        await apply_event(runtime, CONSUMER, one, crash_after_effect)

    assert await tallies(runtime) == {}
    assert await cursor(runtime) == 0

    assert await apply_event(runtime, CONSUMER, one, tally) is True
    assert await apply_event(runtime, CONSUMER, one, tally) is False
    assert await tallies(runtime) == {1: 1}
    assert await cursor(runtime) == 1


def feed_consumer(
    notes: NotesService,
    consumer: NotesService,
    handler: EventHandler = tally,
    event_types: set[str] | None = None,
) -> FeedConsumer:
    """A consumer in ``consumer``'s database following the notes feed over HTTP."""
    token = notes.minter.client(["notes:read"], client_id="mirror")

    async def token_source() -> str:
        return token

    return FeedConsumer(
        consumer.runtime,
        name=CONSUMER,
        feed_url=EVENTS,
        handler=handler,
        token=token_source,
        wait=1.0,
        page_size=2,
        client=notes.client,
        event_types=event_types,
    )


async def test_feed_consumer_applies_every_event_of_the_feed_exactly_once(
    notes: NotesService, consumer_service: NotesService
) -> None:
    mirror = consumer_service.runtime
    created = [await notes.create_note(f"Note {n}") for n in range(4)]
    first = feed_consumer(notes, consumer_service)
    first.start()
    try:
        await notes.client.patch(
            f"{NOTES}/{created[0]['id']}", json={"body": "edited"}, headers=notes.employee()
        )

        async def all_five() -> bool:
            return len(await tallies(mirror)) == 5

        await eventually(all_five)
    finally:
        await first.stop()

    assert await tallies(mirror) == {seq: 1 for seq in range(1, 6)}
    assert await cursor(mirror) == 5
    # The cursor lives in the consumer's database, not the producer's.
    assert await cursor(notes.runtime) == 0

    # A restarted consumer carries on from its cursor: old events are not applied again.
    await notes.create_note("After the restart")
    second = feed_consumer(notes, consumer_service)
    second.start()
    try:

        async def sixth() -> bool:
            return 6 in await tallies(mirror)

        await eventually(sixth)
    finally:
        await second.stop()
    assert await tallies(mirror) == {seq: 1 for seq in range(1, 7)}
    assert await cursor(mirror) == 6


async def test_feed_consumer_retries_an_event_whose_handler_failed(
    notes: NotesService, consumer_service: NotesService
) -> None:
    mirror = consumer_service.runtime
    for n in range(3):
        await notes.create_note(f"Note {n}")
    failures = {2: 1}  # seq 2 fails once, after making its effect

    async def flaky(session: AsyncSession, e: EventEnvelope) -> None:
        await tally(session, e)
        if failures.get(e.seq):
            failures[e.seq] -= 1
            raise RuntimeError("lost the database connection")

    consumer = feed_consumer(notes, consumer_service, handler=flaky)
    consumer.start()
    try:

        async def all_three() -> bool:
            return len(await tallies(mirror)) == 3

        await eventually(all_three)
    finally:
        await consumer.stop()

    assert failures == {2: 0}
    assert await tallies(mirror) == {1: 1, 2: 1, 3: 1}
    assert await cursor(mirror) == 3


async def test_feed_consumer_skips_types_it_does_not_handle_but_moves_on(
    notes: NotesService, consumer_service: NotesService
) -> None:
    mirror = consumer_service.runtime
    note = await notes.create_note("Watched")
    await notes.client.patch(f"{NOTES}/{note['id']}", json={"body": "v2"}, headers=notes.employee())
    await notes.create_note("Unwatched")
    consumer = feed_consumer(notes, consumer_service, event_types={"notes.note.updated"})
    consumer.start()
    try:

        async def caught_up() -> bool:
            return await cursor(mirror) == 3

        await eventually(caught_up)
    finally:
        await consumer.stop()

    assert await tallies(mirror) == {2: 1}


async def test_replicas_of_a_consumer_apply_each_event_once(
    notes: NotesService, consumer_service: NotesService
) -> None:
    mirror = consumer_service.runtime

    created = await notes.client.post(
        f"{NOTES}/batch",
        json=[{"title": f"Note {n}"} for n in range(12)],
        headers=notes.employee(),
    )
    assert created.status_code == 201

    async def published() -> bool:
        return len((await notes.feed())["items"]) == 12

    await eventually(published)

    async def copy(session: AsyncSession, e: EventEnvelope) -> None:
        # Widen the window between reading the cursor and moving it.
        await asyncio.sleep(0.02)
        # An effect nothing in the database deduplicates: one more row per application.
        session.add(Note(title=f"copy {uuid.uuid4()}", body=str(e.seq)))
        await session.flush()
        await asyncio.sleep(0.02)

    replicas = [feed_consumer(notes, consumer_service, handler=copy) for _ in range(3)]
    for replica in replicas:
        replica.start()
    try:

        async def all_applied() -> bool:
            return await cursor(mirror) == 12

        await eventually(all_applied, within=20)
    finally:
        for replica in replicas:
            await replica.stop()

    async with mirror.sessionmaker() as session:
        copies = Counter((await session.scalars(select(Note.body))).all())
    assert copies == {str(seq): 1 for seq in range(1, 13)}
