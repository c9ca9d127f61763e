"""Reading another service's feed and applying each event exactly once.

Handlers receive the :class:`EventEnvelope`; its typed payload is ``event.payload`` (or
``parse_event_as(event, Model)`` for a given model), parsed by the event type's contract in
``shared.contracts``.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.events import (
    EventEnvelope,
    EventFeedPage,
    EventPayload,
    contract_for,
    parse_event,
    parse_event_as,
)
from shared.kit.db import utcnow
from shared.kit.runtime import ServiceRuntime

__all__ = [
    "EventEnvelope",
    "EventHandler",
    "EventPayload",
    "FeedConsumer",
    "apply_event",
    "apply_events",
    "parse_event",
    "parse_event_as",
    "read_cursor",
]

log = logging.getLogger("officina.consumer")

EventHandler = Callable[[AsyncSession, EventEnvelope], Awaitable[None]]
TokenSource = Callable[[], Awaitable[str]]


async def read_cursor(session: AsyncSession, runtime: ServiceRuntime, consumer: str) -> int:
    """The last sequence number ``consumer`` applied (0 before the first)."""
    table = runtime.tables.consumer_cursors
    row = (
        await session.execute(select(table.c.last_seq).where(table.c.consumer == consumer))
    ).first()
    return int(row[0]) if row else 0


async def _lock_cursor(session: AsyncSession, runtime: ServiceRuntime, consumer: str) -> int:
    table = runtime.tables.consumer_cursors
    query = select(table.c.last_seq).where(table.c.consumer == consumer)
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    else:
        # SQLite has no row locks and reads outside a transaction: a no-op write first takes
        # the database's write lock, so a concurrent apply waits instead of reading a stale
        # cursor and applying the same event twice.
        await session.execute(
            update(table).where(table.c.consumer == consumer).values(last_seq=table.c.last_seq)
        )
    row = (await session.execute(query)).first()
    if row is None:
        await session.execute(
            table.insert().values(consumer=consumer, last_seq=0, updated_at=utcnow())
        )
        return 0
    return int(row[0])


async def apply_event(
    runtime: ServiceRuntime, consumer: str, event: EventEnvelope, handler: EventHandler
) -> bool:
    """Apply one event and advance the cursor in the same transaction; False if already applied."""
    return await apply_events(runtime, consumer, [event], handler, up_to=event.seq) == 1


async def apply_events(
    runtime: ServiceRuntime,
    consumer: str,
    events: list[EventEnvelope],
    handler: EventHandler,
    *,
    up_to: int,
    wanted: set[str] | None = None,
) -> int:
    """Apply a page of events (those of ``wanted`` types) and move the cursor to ``up_to``, all in
    one transaction; events at or below the stored cursor are skipped. Returns how many ran."""
    table = runtime.tables.consumer_cursors
    applied = 0
    async with runtime.transaction() as session:
        last = await _lock_cursor(session, runtime, consumer)
        if up_to <= last:
            return 0
        for event in events:
            if event.seq <= last or (wanted is not None and event.type not in wanted):
                continue
            await handler(session, event)
            applied += 1
        await session.execute(
            update(table)
            .where(table.c.consumer == consumer)
            .values(last_seq=up_to, updated_at=utcnow())
        )
    return applied


class FeedConsumer:
    """Follows ``<base_url>/events`` with long polls and hands each event to ``handler``.

    The cursor lives in the consumer's own database and moves in the same transaction as the
    handler's effect: a crash before commit replays the event, a crash after commit cannot.
    """

    def __init__(
        self,
        runtime: ServiceRuntime,
        *,
        name: str,
        feed_url: str,
        handler: EventHandler,
        token: TokenSource,
        event_types: set[str] | None = None,
        wait: float = 20.0,
        page_size: int = 100,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        for event_type in event_types or ():
            contract_for(event_type)  # a type without a contract is a programming error
        self.runtime = runtime
        self.name = name
        self.feed_url = feed_url
        self.handler = handler
        self.token = token
        self.event_types = event_types
        self.wait = wait
        self.page_size = page_size
        self._client = client
        self._task: asyncio.Task[None] | None = None

    async def _fetch(self, client: httpx.AsyncClient, after: int) -> EventFeedPage:
        params: dict[str, str | int | float] = {
            "after": after,
            "limit": self.page_size,
            "wait": self.wait,
        }
        if self.event_types is not None and len(self.event_types) == 1:
            params["type"] = next(iter(self.event_types))  # the feed filters and skips ahead
        response = await client.get(
            self.feed_url,
            params=params,
            headers={"Authorization": f"Bearer {await self.token()}"},
            timeout=self.wait + 10,
        )
        response.raise_for_status()
        return EventFeedPage.model_validate(response.json())

    async def poll_once(self, client: httpx.AsyncClient) -> int:
        """Read one page after the stored cursor and apply it in one transaction; returns how many ran.

        The cursor moves to the page's ``next_after`` with the effects, so a crash before the
        commit replays the page and a crash after it cannot apply anything twice.
        """
        async with self.runtime.sessionmaker() as session:
            after = await read_cursor(session, self.runtime, self.name)
        page = await self._fetch(client, after)
        if page.next_after <= after:
            return 0
        return await apply_events(
            self.runtime,
            self.name,
            page.items,
            self.handler,
            up_to=page.next_after,
            wanted=self.event_types,
        )

    async def run(self) -> None:
        """Follow the feed until cancelled, backing off while the source is unreachable."""
        backoff = 0.5
        owns_client = self._client is None
        client = self._client or httpx.AsyncClient()
        try:
            while True:
                try:
                    await self.poll_once(client)
                    backoff = 0.5
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("consumer %s: %s; retrying in %.1fs", self.name, exc, backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 10.0)
        finally:
            if owns_client:
                await client.aclose()

    def start(self) -> None:
        """Run in the background of the current event loop."""
        self._task = asyncio.get_running_loop().create_task(
            self.run(), name=f"consumer-{self.name}"
        )

    async def stop(self) -> None:
        """Stop following the feed."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
