"""The transactional outbox: events written with the change, numbered after commit, served as a feed."""

import asyncio
import contextlib
import logging
import zlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shared.contracts.events import (
    EventEnvelope,
    EventPayload,
    EventSubject,
    validate_event_data,
)
from shared.contracts.ids import new_id
from shared.kit.context import current_request_id
from shared.kit.db import utcnow
from shared.kit.tables import KitTables

log = logging.getLogger("officina.outbox")

PENDING_EVENTS = "officina_pending_events"


def kit_tables_of(session: AsyncSession) -> KitTables:
    """The kit tables of the service that opened ``session``."""
    tables = session.info.get("kit")
    if not isinstance(tables, KitTables):
        raise RuntimeError("this session was not made by the service kit")
    return tables


async def record_event(
    session: AsyncSession,
    event_type: str,
    *,
    subject_type: str,
    subject_id: object,
    data: Mapping[str, Any] | EventPayload,
) -> None:
    """Write an event in the caller's transaction; it is published only if that commits.

    ``data`` is the payload model of ``event_type`` (see ``shared.contracts``) or a mapping
    that validates against it; an unknown type or a payload that does not match raises
    ``EventContractError`` (a programming error: nothing is written).
    """
    payload = validate_event_data(event_type, data)
    table = kit_tables_of(session).outbox
    await session.execute(
        table.insert().values(
            id=new_id(),
            seq=None,
            type=event_type,
            subject_type=subject_type,
            subject_id=str(subject_id),
            data=payload,
            request_id=current_request_id(),
            occurred_at=utcnow(),
        )
    )
    session.info[PENDING_EVENTS] = True


class Publisher:
    """Numbers committed events in commit order, one publisher at a time per schema.

    Writers insert events without a number. The publisher takes a lock (a PostgreSQL advisory
    lock keyed by the schema, so replicas can all run it; an asyncio lock on SQLite, whose
    writes are serialized anyway), then gives every committed, unnumbered event the next
    numbers and commits. A number is therefore never visible before every lower number is.
    """

    def __init__(
        self, engine: AsyncEngine, tables: KitTables, lock_name: str, interval: float = 1.0
    ):
        self.engine = engine
        self.tables = tables
        self.lock_key = zlib.crc32(f"officina-outbox:{lock_name}".encode()) & 0x7FFF_FFFF
        self.interval = interval
        self._wake = asyncio.Event()
        self._published = asyncio.Condition()
        self._local_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    def notify(self) -> None:
        """Tell the publisher that a transaction with events has committed."""
        self._wake.set()

    async def publish_pending(self, batch: int = 2000) -> int:
        """Number every committed, unnumbered event; returns how many were numbered."""
        outbox = self.tables.outbox
        total = 0
        async with self._local_lock:
            while True:
                async with self.engine.begin() as conn:
                    if conn.dialect.name == "postgresql":
                        await conn.execute(
                            text("SELECT pg_advisory_xact_lock(:key)"), {"key": self.lock_key}
                        )
                    last = (
                        await conn.execute(select(func.coalesce(func.max(outbox.c.seq), 0)))
                    ).scalar_one()
                    # One statement numbers the whole batch, in commit-independent order
                    # (occurred_at, id): the oldest ``batch`` unnumbered events get
                    # last+1, last+2, … (the window is computed in the same order as LIMIT).
                    order = (outbox.c.occurred_at, outbox.c.id)
                    numbered = (
                        select(
                            outbox.c.id,
                            (last + func.row_number().over(order_by=order)).label("seq"),
                        )
                        .where(outbox.c.seq.is_(None))
                        .order_by(*order)
                        .limit(batch)
                        .subquery()
                    )
                    result = await conn.execute(
                        update(outbox)
                        .where(outbox.c.id == numbered.c.id)
                        .values(seq=numbered.c.seq)
                    )
                    count = result.rowcount
                total += count
                if count < batch:
                    break
        if total:
            async with self._published:
                self._published.notify_all()
        return total

    async def wait_for_events(self, seconds: float) -> None:
        """Return when this process publishes something, or after ``seconds``."""
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that
        # arrives just as the awaited thing completes, and the task then never stops.
        async with self._published:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await self._published.wait()

    async def run(self) -> None:
        """Publish whenever notified, and every ``interval`` seconds in any case."""
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval):
                    await self._wake.wait()
            self._wake.clear()
            try:
                await self.publish_pending()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("publishing events failed; retrying")
                await asyncio.sleep(self.interval)

    def start(self) -> None:
        """Run the publisher in the background of the current event loop."""
        self._task = asyncio.get_running_loop().create_task(self.run(), name="outbox-publisher")

    async def stop(self) -> None:
        """Stop the background loop."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


def _envelope(row: Any) -> EventEnvelope:
    return EventEnvelope(
        seq=row.seq,
        id=row.id,
        type=row.type,
        occurred_at=row.occurred_at,
        subject=EventSubject(type=row.subject_type, id=row.subject_id),
        data=row.data,
        request_id=row.request_id,
    )


async def read_feed(
    engine: AsyncEngine,
    tables: KitTables,
    *,
    after: int,
    limit: int,
    event_type: str | None,
) -> tuple[list[EventEnvelope], int]:
    """Published events after ``after`` (by sequence) and the cursor to read on from."""
    outbox = tables.outbox
    query = select(outbox).where(outbox.c.seq.is_not(None), outbox.c.seq > after)
    async with engine.connect() as conn:
        if not event_type:
            rows = (await conn.execute(query.order_by(outbox.c.seq).limit(limit))).all()
            return [_envelope(row) for row in rows], (rows[-1].seq if rows else after)
        # Filtered reads scan up to the newest number seen first, so that when fewer than
        # ``limit`` events match, the reader may skip to that number without missing one.
        newest = (await conn.execute(select(func.coalesce(func.max(outbox.c.seq), 0)))).scalar_one()
        query = query.where(outbox.c.type == event_type, outbox.c.seq <= newest)
        rows = (await conn.execute(query.order_by(outbox.c.seq).limit(limit))).all()
        if len(rows) == limit:
            return [_envelope(row) for row in rows], rows[-1].seq
        return [_envelope(row) for row in rows], max(after, newest)
