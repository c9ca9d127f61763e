"""What one running service holds: engine, sessions, kit tables, token verifier, publisher,
and the service's typed context (its clock, its outbound client, its own dependencies)."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.kit.db import system_now
from shared.kit.outbox import PENDING_EVENTS, Publisher
from shared.kit.service_client import ServiceClient
from shared.kit.tables import KitTables
from shared.kit.tokens import TokenVerifier

Clock = Callable[[], datetime]
"""Returns the current instant, timezone-aware UTC."""

ContextT = TypeVar("ContextT")
T = TypeVar("T")


@dataclass
class ServiceRuntime(Generic[ContextT]):
    """The live parts of one service, kept on ``app.state.runtime``.

    ``clock`` is the one way a service reads the time: ``now()`` and ``today()`` derive from
    it, and tests swap it to move time. The kit makes ``now`` the clock ``utcnow()`` reads in
    the service's requests and background work, so records' stamps follow it too. ``client`` is the service's outbound client (calls to
    other services through the gateway), set by its starter; tests may swap it for a fake.
    ``context`` is the service's own typed context (a small dataclass it declares, such as
    workflow's directory); read it with ``context_of(ItsType)``.
    """

    name: str
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    tables: KitTables
    verifier: TokenVerifier
    publisher: Publisher
    # Sessions for GET and HEAD: autocommit, so a read costs one round trip, not BEGIN…COMMIT.
    read_sessionmaker: async_sessionmaker[AsyncSession] | None = None
    clock: Clock = system_now
    client: ServiceClient | None = None
    context: ContextT | None = None

    def now(self) -> datetime:
        """The current instant by the service's clock (timezone-aware UTC)."""
        now = self.clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise RuntimeError(f"{self.name}'s clock returned a naive datetime: {now!r}")
        return now.astimezone(UTC)

    def today(self) -> date:
        """Today's date in UTC by the service's clock."""
        return self.now().date()

    @property
    def service_client(self) -> ServiceClient:
        """The outbound client; an error when the service was started without one."""
        if self.client is None:
            raise RuntimeError(f"{self.name} has no outbound service client")
        return self.client

    def context_of(self, kind: type[T]) -> T:
        """The service's context, checked to be a ``kind``."""
        context: Any = self.context
        if not isinstance(context, kind):
            raise RuntimeError(
                f"{self.name}'s context is {type(context).__name__}, not {kind.__name__}"
            )
        return context

    async def commit(self, session: AsyncSession) -> None:
        """Commit ``session`` and wake the publisher if the transaction wrote events."""
        await session.commit()
        if session.info.pop(PENDING_EVENTS, False):
            self.publisher.notify()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session for work outside a request (jobs, consumers): commits once, or rolls back."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await self.commit(session)
            except BaseException:
                await session.rollback()
                raise
