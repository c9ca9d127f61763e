"""Fixtures every test shares: which database, tokens, and a migrated service app.

The database is SQLite unless ``OFFICINA_TEST_DB=postgresql``; then every test gets a
fresh schema in the PostgreSQL at ``OFFICINA_TEST_POSTGRES_URL`` and it is dropped after.
Tests that use ``database_url`` are marked ``db`` and run on both databases in CI.

Migrations are replayed (``shared.kit.migrations.replay_migrations``): each component is
migrated for real once per test process and later fresh databases get a copy of the result.
A test of migrations themselves asks for ``real_migrations``.
"""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.kit import migrations
from shared.kit.db import system_now
from shared.kit.testing import TokenMinter

POSTGRES_URL = os.environ.get(
    "OFFICINA_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
TEST_DB = os.environ.get("OFFICINA_TEST_DB", "sqlite")
# How long a test waits, at least, for something that is to happen soon (a consumer catching
# up, a saga settling). Waiting ends as soon as it happens, so a generous limit costs nothing
# on an idle machine and spares a busy one from failures that are only about speed.
PATIENCE = float(os.environ.get("OFFICINA_TEST_PATIENCE", "60"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: touches a database; runs on SQLite and PostgreSQL")
    config.addinivalue_line("markers", "e2e: starts real processes talking over HTTP")
    config.addinivalue_line("markers", "postgres_only: meaningful on PostgreSQL only")
    migrations.replay_migrations()


# First, so that pytest-xdist's own hook (which turns xdist_group into the node id's
# ``@platform`` suffix its scheduler groups by) sees the markers added here.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "database_url" in fixtures:
            item.add_marker(pytest.mark.db)
        if "platform" in fixtures:
            item.add_marker(pytest.mark.e2e)
        if starts_a_platform(item):
            # With pytest-xdist (``-n 2``, ``--dist loadgroup``) every test that starts the
            # platform runs on one worker, so two platforms never start at once on a 2-core
            # machine.
            item.add_marker(pytest.mark.xdist_group("platform"))
        if item.get_closest_marker("postgres_only") and TEST_DB != "postgresql":
            item.add_marker(pytest.mark.skip(reason="needs OFFICINA_TEST_DB=postgresql"))


def starts_a_platform(item: pytest.Item) -> bool:
    """Whether a test starts the platform: it is marked ``e2e`` (or uses ``platform``), or its
    module starts platforms of its own (``tests.platform_runner``) under another fixture."""
    if item.get_closest_marker("e2e"):
        return True
    module = getattr(item, "module", None)
    return any(hasattr(module, name) for name in ("start_platform", "RunningPlatform"))


@dataclass(frozen=True)
class TestDatabase:
    """Where a test's data lives: a URL and, on PostgreSQL, the schema to use."""

    __test__ = False  # a fixture's value, not a test class for pytest to collect

    url: str
    schema: str

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")


async def drop_schema(url: str, schema: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        await engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[TestDatabase]:
    """A database nobody else uses: a fresh SQLite file or a fresh PostgreSQL schema."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    if TEST_DB == "postgresql":
        yield TestDatabase(POSTGRES_URL, schema)
        asyncio.run(drop_schema(POSTGRES_URL, schema))
    else:
        yield TestDatabase(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}", schema)


async def migrate_and_seed(
    component: str,
    db: TestDatabase,
    load_reference_data: Callable[..., Awaitable[Any]],
    data_dir: Path,
    *,
    demo: bool = False,
    clock: Hashable = None,
) -> None:
    """Migrate a service's database and seed its reference data (and demo data with
    ``demo``); a seed recorded earlier in this process with the same ``demo`` and ``clock`` is
    replayed (``migrations.upgrade_and_seed``). ``clock`` is the instant the seed is stamped
    with; ``None`` is the system clock, for which any seed of the same day will do."""
    await migrations.upgrade_and_seed(
        component,
        db.url,
        db.schema,
        lambda: load_reference_data(url=db.url, schema=db.schema, data_dir=data_dir, demo=demo),
        depends_on=(demo, clock if clock is not None else system_now().date()),
    )


@pytest.fixture
def real_migrations() -> Iterator[None]:
    """``upgrade`` runs Alembic itself during this test (for tests of the migrations)."""
    with migrations.real_migrations():
        yield


@pytest.fixture
def minter() -> TokenMinter:
    """Signs tokens that the apps under test trust."""
    return TokenMinter()


@pytest.fixture
async def anyio_backend() -> AsyncIterator[str]:
    yield "asyncio"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator["RunningPlatform"]:
    """The whole platform, started by ``officina up`` once per test module, on the test database."""
    from tests.platform_runner import start_platform

    running = start_platform(
        tmp_path_factory.mktemp("platform"),
        postgres_url=POSTGRES_URL if TEST_DB == "postgresql" else None,
    )
    yield running
    running.stop()
    running.drop_schemas()


if TYPE_CHECKING:
    from tests.platform_runner import RunningPlatform
