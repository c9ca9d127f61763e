"""Alembic, once: every service's ``migrations/<name>/env.py`` calls ``run_migrations``.

Tests may switch on ``replay_migrations()``: each component is then migrated for real once
per process while its SQL is recorded, and every later fresh database of that component gets
the recorded SQL replayed instead (milliseconds instead of seconds of Alembic). The recording
is keyed by the content of the component's migration folder, so a new or edited migration
is recorded afresh; a database that is not fresh (already has the component's version table)
always gets the real migrations.

``upgrade_and_seed`` goes one step further for tests that seed reference data after
migrating: the seed is recorded too (keyed by what the caller says it depends on, such as the
clock it stamps with) and later fresh databases get the migrated and seeded result.
"""

import asyncio
import hashlib
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Awaitable, Callable, Hashable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from alembic import command, context
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, column, event, inspect, select, text
from sqlalchemy import table as sql_table
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.kit.db import UTCDateTime, create_engine_for, ensure_schema, is_postgres

MIGRATIONS_ROOT = Path(__file__).resolve().parents[2] / "migrations"


def version_table(component: str) -> str:
    """The Alembic version table of one component (kept inside its own schema)."""
    return f"alembic_version_{component}"


def alembic_config(component: str, url: str, schema: str | None = None) -> Config:
    """An Alembic configuration for one component's environment and database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_ROOT / component))
    config.attributes.update({"component": component, "url": url, "schema": schema or component})
    return config


def migrations_fingerprint(component: str) -> str:
    """A digest of every file of a component's migration folder (its history as written)."""
    digest = hashlib.sha256()
    folder = MIGRATIONS_ROOT / component
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def head_revision(component: str) -> str | None:
    """The newest migration revision of a component (None for one without migrations)."""
    if not (MIGRATIONS_ROOT / component).is_dir():
        return None
    return _head_revision(component, migrations_fingerprint(component))


@lru_cache(maxsize=64)
def _head_revision(component: str, fingerprint: str) -> str | None:
    script = ScriptDirectory.from_config(alembic_config(component, "sqlite://"))
    return script.get_current_head()


@dataclass(frozen=True)
class _Statement:
    """One statement as the driver received it during a recorded migration."""

    sql: str
    parameters: Any


@dataclass(frozen=True)
class _Recording:
    """A component's migration as recorded once: its statements and, on SQLite, a copy."""

    statements: tuple[_Statement, ...]
    sqlite_copy: Path | None


class _Replays:
    """The recordings of this process, by component, database kind and migration folder."""

    def __init__(self) -> None:
        self.recordings: dict[tuple[str, str, str], _Recording] = {}
        self.folder = tempfile.TemporaryDirectory(prefix="officina-migrated-")


_replays: _Replays | None = None
_replays_lock = threading.Lock()


def replay_migrations(enabled: bool = True) -> None:
    """Record each component's migration once and replay it into fresh databases (tests).

    Off by default: ``officina`` always runs the real migrations.
    """
    global _replays
    with _replays_lock:
        _replays = _Replays() if enabled else None


@contextmanager
def real_migrations() -> Iterator[None]:
    """Inside this block ``upgrade`` runs Alembic even when replaying is on (migration tests)."""
    global _replays
    with _replays_lock:
        saved, _replays = _replays, None
    try:
        yield
    finally:
        with _replays_lock:
            _replays = saved


def upgrade(component: str, url: str, schema: str | None = None) -> None:
    """Bring a component's database to the newest revision (blocking; call from a thread)."""
    schema = schema or component
    replays = _replays
    if replays is None:
        asyncio.run(ensure_schema(url, schema))
        command.upgrade(alembic_config(component, url, schema), "head")
        return
    key = (component, make_url(url).get_backend_name(), migrations_fingerprint(component))
    recording = replays.recordings.get(key)
    if recording is not None and _copy_sqlite(recording, url):
        return
    fresh = asyncio.run(_replay(url, schema, component, recording))
    if fresh and recording is not None:
        return  # replayed
    config = alembic_config(component, url, schema)
    statements: list[_Statement] = []
    if fresh:
        config.attributes["recorder"] = statements
    command.upgrade(config, "head")
    if not fresh or (is_postgres(url) and _mentions(statements, schema)):
        return
    sqlite_copy = None
    path = _sqlite_path(url)
    if path is not None:
        sqlite_copy = Path(replays.folder.name) / f"{component}-{key[2][:16]}.db"
        _sqlite_backup(path, sqlite_copy)
    with _replays_lock:
        replays.recordings.setdefault(key, _Recording(tuple(statements), sqlite_copy))


class _SeedWindow:
    """The statements sent to one database while it is being seeded (one seed at a time):
    ``record`` listens on every engine while the seed runs, and only then."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.statements: list[_Statement] = []

    def record(self, *args: Any) -> None:
        conn, _cursor, statement, parameters, _context, _many = args
        if conn.engine.url == self.url:
            self.statements.append(_Statement(statement, parameters))


_seed_window: _SeedWindow | None = None  # the seed being recorded, if any


async def upgrade_and_seed(
    component: str,
    url: str,
    schema: str,
    seed: Callable[[], Awaitable[Any]],
    depends_on: Hashable,
) -> None:
    """Migrate a fresh database and seed it with ``seed()`` (tests).

    With replaying on, the first database of a component and ``depends_on`` (everything the
    seed's result depends on besides the migrations, such as the time it stamps) is migrated
    and seeded for real while the seed's statements are recorded; every later one gets a copy
    of the result (SQLite) or the recorded migration and seed replayed (PostgreSQL). Seeds run
    one at a time in a process: the recording takes every statement sent to ``url`` meanwhile.
    """
    global _seed_window
    replays = _replays
    if replays is None:
        await asyncio.to_thread(upgrade, component, url, schema)
        await seed()
        return
    backend = make_url(url).get_backend_name()
    fingerprint = migrations_fingerprint(component)
    key = (f"{component}+seed:{depends_on!r}", backend, fingerprint)
    recording = replays.recordings.get(key)
    if recording is not None:
        if await asyncio.to_thread(_copy_sqlite, recording, url):
            return
        if await _replay(url, schema, component, recording):
            return
    await asyncio.to_thread(upgrade, component, url, schema)
    migrated = replays.recordings.get((component, backend, fingerprint))
    if _seed_window is not None:  # another seed is being recorded: just seed
        await seed()
        return
    window = _SeedWindow(url)
    _seed_window = window
    event.listen(Engine, "before_cursor_execute", window.record)
    try:
        await seed()
    finally:
        event.remove(Engine, "before_cursor_execute", window.record)
        _seed_window = None
    if migrated is None or (is_postgres(url) and _mentions(window.statements, schema)):
        return
    sqlite_copy = None
    path = _sqlite_path(url)
    if path is not None:
        sqlite_copy = Path(replays.folder.name) / f"{component}-seeded-{uuid.uuid4().hex}.db"
        await asyncio.to_thread(_sqlite_backup, path, sqlite_copy)
    statements = (*migrated.statements, *window.statements)
    with _replays_lock:
        replays.recordings.setdefault(key, _Recording(statements, sqlite_copy))


def _mentions(statements: list[_Statement], schema: str) -> bool:
    """Whether a recording names the schema it was made in (then it cannot be replayed)."""
    return any(schema in s.sql or schema in repr(s.parameters) for s in statements)


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _sqlite_backup(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _copy_sqlite(recording: _Recording, url: str) -> bool:
    """Copy the migrated SQLite file to a database file that does not exist yet."""
    path = _sqlite_path(url)
    if recording.sqlite_copy is None or path is None or path.exists():
        return False
    _sqlite_backup(recording.sqlite_copy, path)
    return True


async def _replay(url: str, schema: str, component: str, recording: _Recording | None) -> bool:
    """Whether the database is fresh for ``component``; if so and recorded, replay into it."""
    postgres = is_postgres(url)
    engine = create_engine_for(url, schema if postgres else None)
    try:
        async with engine.connect() as conn:
            if postgres:
                await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
                await conn.commit()
            fresh = not await conn.run_sync(
                lambda sync: inspect(sync).has_table(version_table(component))
            )
            if fresh and recording is not None:
                if postgres:
                    await _run_in_scripts(conn, recording.statements)
                else:
                    for statement in recording.statements:
                        await conn.exec_driver_sql(statement.sql, statement.parameters)
                await conn.commit()
            return fresh
    finally:
        await engine.dispose()


async def _run_in_scripts(conn: AsyncConnection, statements: tuple[_Statement, ...]) -> None:
    """Replay on PostgreSQL: each run of statements without parameters goes as one script.

    A script is one round trip (asyncpg's simple query protocol) instead of a prepare and an
    execute per statement; it runs inside the connection's open transaction.
    """
    await conn.exec_driver_sql("SELECT 1")  # opens the transaction the scripts run in
    driver = (await conn.get_raw_connection()).driver_connection
    script: list[str] = []
    for statement in (*statements, None):
        if statement is not None and not statement.parameters:
            script.append(statement.sql)
            continue
        if script:
            await driver.execute(";\n".join(script))  # type: ignore[union-attr]
            script = []
        if statement is not None:
            await conn.exec_driver_sql(statement.sql, statement.parameters)


async def current_revision(engine: AsyncEngine, component: str) -> str | None:
    """The revision the database is at, or None before the first migration.

    Read with one plain query on the version table (in the connection's schema), not through
    Alembic's MigrationContext, which logs two lines each time: ``/readyz`` asks this on
    every probe.
    """
    table = version_table(component)

    def read(connection: Connection) -> str | None:
        if not inspect(connection).has_table(table):
            return None
        value = connection.execute(
            select(column("version_num")).select_from(sql_table(table))
        ).scalar()
        return None if value is None else str(value)

    async with engine.connect() as conn:
        return await conn.run_sync(read)


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Autogenerate writes the kit's column types as plain SQLAlchemy types."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations(metadata: MetaData) -> None:
    """Body of every env.py: migrate the configured database online, inside its schema."""
    config = context.config
    component: str = config.attributes["component"]
    url: str = config.attributes["url"]
    schema: str = config.attributes["schema"]
    recorder: list[_Statement] | None = config.attributes.get("recorder")

    def migrate(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table=version_table(component),
            render_as_batch=not is_postgres(url),
            compare_type=True,
            render_item=_render_item,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_engine_for(url, schema if is_postgres(url) else None)
        if recorder is not None:

            @event.listens_for(engine.sync_engine, "before_cursor_execute")
            def record(*args: Any) -> None:
                _conn, _cursor, statement, parameters, _context, _many = args
                recorder.append(_Statement(statement, parameters))

        try:
            async with engine.connect() as connection:
                await connection.run_sync(migrate)
                await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(run())
