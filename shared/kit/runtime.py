"""What one running service holds: engine, sessions, kit tables, token verifier, publisher."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.kit.outbox import PENDING_EVENTS, Publisher
from shared.kit.tables import KitTables
from shared.kit.tokens import TokenVerifier


@dataclass
class ServiceRuntime:
    """The live parts of one service, kept on ``app.state.runtime``."""

    name: str
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    tables: KitTables
    verifier: TokenVerifier
    publisher: Publisher
    # Sessions for GET and HEAD: autocommit, so a read costs one round trip, not BEGIN…COMMIT.
    read_sessionmaker: async_sessionmaker[AsyncSession] | None = None
    extras: dict[str, Any] = field(default_factory=dict)

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
