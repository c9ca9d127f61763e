"""A session for reference-data loaders, run by the launcher before the services start."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from shared.kit.audit import AuditedSession, install_audit
from shared.kit.db import create_engine_for, make_sessionmaker
from shared.kit.tables import KitTables

_session_classes: dict[int, type[AuditedSession]] = {}


@asynccontextmanager
async def seeding_session(url: str, schema: str, tables: KitTables) -> AsyncIterator[AsyncSession]:
    """One audited session on a component's database, committed when the block ends."""
    session_class = _session_classes.get(id(tables))
    if session_class is None:
        session_class = type("SeedingSession", (AuditedSession,), {})
        install_audit(session_class, tables)
        _session_classes[id(tables)] = session_class
    engine = create_engine_for(url, schema)
    try:
        async with make_sessionmaker(engine, session_class, kit=tables)() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
    finally:
        await engine.dispose()
