"""The notes sample service, running in-process, and the helpers its tests share."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.kit.db import create_engine_for, ensure_schema
from shared.kit.runtime import ServiceRuntime
from shared.kit.testing import TokenMinter, bearer
from tests.conftest import PATIENCE, TestDatabase
from tests.kit.sample_app import Base, create_app

NOTES = "/api/v1/notes/notes"
EVENTS = "/api/v1/notes/events"
AUDIT_LOG = "/api/v1/notes/audit-log"


async def create_tables(db: TestDatabase) -> None:
    """The sample service's schema and tables, as its migrations would leave them."""
    await ensure_schema(db.url, db.schema)
    engine = create_engine_for(db.url, db.schema)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
    finally:
        await engine.dispose()


@dataclass
class NotesService:
    """One running notes service and a client talking to it over ASGI."""

    app: FastAPI
    client: httpx.AsyncClient
    minter: TokenMinter
    db: TestDatabase

    @property
    def runtime(self) -> ServiceRuntime:
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    def employee(self, username: str = "erin") -> dict[str, str]:
        """Headers of an ordinary employee."""
        return bearer(self.minter.user(("employee",), username=username))

    def auditor(self) -> dict[str, str]:
        return bearer(self.minter.user(("auditor",), username="audrey"))

    def admin(self) -> dict[str, str]:
        return bearer(self.minter.user(("admin",), username="ada"))

    def feed_client(self, scopes: Iterable[str] = ("notes:read",)) -> dict[str, str]:
        """Headers of a system client reading the feed."""
        return bearer(self.minter.client(list(scopes), client_id="reader"))

    async def create_note(self, title: str, **fields: Any) -> dict[str, Any]:
        response = await self.client.post(
            NOTES, json={"title": title, **fields}, headers=self.employee()
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def feed(self, **params: Any) -> dict[str, Any]:
        response = await self.client.get(EVENTS, params=params, headers=self.auditor())
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@asynccontextmanager
async def running_notes_service(
    db: TestDatabase, minter: TokenMinter
) -> AsyncIterator[NotesService]:
    """Create the tables, start the app's lifespan (engine, publisher) and yield a client."""
    await create_tables(db)
    app = create_app(db.url, db.schema, minter.verifier())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield NotesService(app, client, minter, db)


@pytest.fixture
async def notes(database_url: TestDatabase, minter: TokenMinter) -> AsyncIterator[NotesService]:
    """The notes service on this test's database."""
    async with running_notes_service(database_url, minter) as service:
        yield service


@pytest.fixture
async def second_database(
    database_url: TestDatabase, tmp_path: Path
) -> AsyncIterator[TestDatabase]:
    """Another database beside ``database_url`` (a consumer's own), dropped afterwards."""
    if not database_url.is_postgres:
        yield TestDatabase(f"sqlite+aiosqlite:///{tmp_path / 'second.db'}", database_url.schema)
        return
    db = TestDatabase(database_url.url, f"{database_url.schema}_2")
    yield db
    engine = create_async_engine(db.url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{db.schema}" CASCADE'))
    finally:
        await engine.dispose()


async def eventually(
    check: Callable[[], Awaitable[bool]], *, within: float = 10.0, interval: float = 0.05
) -> None:
    """Wait until ``check`` holds; fail the test when it does not within ``within`` seconds."""
    within = max(within, PATIENCE)  # a busy machine is slow, not wrong
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {within} s")
        await asyncio.sleep(interval)
