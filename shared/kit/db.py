"""Engines, sessions, the declarative base and the column types every service uses."""

import os
import stat
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from annotated_types import Interval
from pydantic import StringConstraints
from sqlalchemy import DateTime, Integer, MetaData, String, TypeDecorator, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.types import Uuid

from shared.contracts.ids import new_id

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# ---- what a column can hold, as request types -------------------------------------------
# A path, query or body integer bound to a column must fit it, or the database refuses the
# statement (PostgreSQL past 32 bits for INTEGER, SQLite past 64): such a value is a 422
# before any SQL runs. ``Annotated[DbInt, Query(ge=0)]`` narrows further.
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
DbInt = Annotated[int, Interval(ge=INT32_MIN, le=INT32_MAX)]
"""An integer an ``Integer`` column holds on every database (32 bits)."""
DbBigInt = Annotated[int, Interval(ge=INT64_MIN, le=INT64_MAX)]
"""An integer a ``BigInteger`` column holds (64 bits)."""

# Free text always has a declared maximum length (it is in the OpenAPI document too).
SHORT_TEXT, MEDIUM_TEXT, LONG_TEXT = 200, 2000, 100_000
ShortText = Annotated[str, StringConstraints(max_length=SHORT_TEXT)]
"""A name, a title, a label: at most 200 characters."""
MediumText = Annotated[str, StringConstraints(max_length=MEDIUM_TEXT)]
"""A comment, a reason, a description: at most 2,000 characters."""
LongText = Annotated[str, StringConstraints(max_length=LONG_TEXT)]
"""The body of a document: at most 100,000 characters."""


# The running service's clock for the work at hand (a request, a consumer, a sweep): set by
# the kit when a service starts and on every request, so that ``utcnow()`` — and with it
# every record's ``created_at``/``updated_at`` and the kit's own stamps (idempotency claims,
# saga retry times, events' ``occurred_at``) — reads the same clock as ``runtime.now()``.
_service_clock: ContextVar[Callable[[], datetime] | None] = ContextVar(
    "officina_service_clock", default=None
)


def system_now() -> datetime:
    """The machine's clock, timezone-aware UTC (a service's clock unless a test swaps it)."""
    return datetime.now(UTC)


def utcnow() -> datetime:
    """The current instant by the running service's clock (``runtime.now()``), timezone-aware
    UTC; the machine's clock outside a service."""
    clock = _service_clock.get()
    return system_now() if clock is None else clock()


def use_service_clock(clock: Callable[[], datetime] | None) -> None:
    """Make ``clock`` the one ``utcnow()`` reads in this context and the tasks it starts."""
    _service_clock.set(clock)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def new_metadata() -> MetaData:
    """A fresh MetaData with the shared naming convention (one per service)."""
    return MetaData(naming_convention=NAMING_CONVENTION)


class KitBase(DeclarativeBase):
    """Declarative root; each service subclasses it once with its own ``metadata``."""

    __abstract__ = True
    type_annotation_map = {datetime: UTCDateTime(), uuid.UUID: Uuid(as_uuid=True)}


class IdMixin:
    """A UUIDv7 primary key assigned in Python, so the id is known before the flush."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("id", new_id())
        super().__init__(**kwargs)


class TimestampMixin:
    """``created_at`` / ``updated_at``, set by the database session, never by callers."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """An integer ``version`` used for ETag / If-Match and as SQLAlchemy's optimistic lock."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


def touch(record: Any, now: datetime | None = None) -> None:
    """Mark ``record`` changed: its ``updated_at`` moves to ``now`` (default ``utcnow()``) and,
    when it is versioned, its version (the ETag) with it — even when only its child rows
    changed and the clock has not moved (two changes in one microsecond, a test's frozen
    clock): the row is written whether or not the stamp differs."""
    record.updated_at = now or utcnow()
    flag_modified(record, "updated_at")


class CreatedByMixin:
    """Who created the record (the token subject)."""

    created_by: Mapped[str | None] = mapped_column(String(200), default=None)


def is_postgres(url: str) -> bool:
    """True for a PostgreSQL URL."""
    return make_url(url).get_backend_name() == "postgresql"


def secure_sqlite_file(url: str) -> None:
    """Make a SQLite database private to its owner: the file 0600, its directory 0700.

    The file is created empty with mode 0600 when it does not exist yet (SQLite gives its
    ``-wal`` and ``-shm`` files the database file's mode); an existing one readable by others
    is narrowed. The directory is narrowed to 0700 unless it is a shared sticky directory
    such as ``/tmp``. In-memory databases are left alone.
    """
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return
    path = Path(parsed.database)
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.stat()
    if info.st_uid == os.getuid() and not info.st_mode & stat.S_ISVTX and info.st_mode & 0o077:
        folder.chmod(0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists() and file.stat().st_mode & 0o077:
            file.chmod(0o600)


def create_engine_for(url: str, schema: str | None = None, **kwargs: Any) -> AsyncEngine:
    """An async engine: SQLite gets WAL and a busy timeout; PostgreSQL gets the schema on its path."""
    if is_postgres(url):
        connect_args = dict(kwargs.pop("connect_args", {}))
        if schema:
            connect_args.setdefault("server_settings", {})["search_path"] = schema
        kwargs.setdefault("pool_size", int(os.environ.get("OFFICINA_DB_POOL_SIZE", "8")))
        kwargs.setdefault("max_overflow", int(os.environ.get("OFFICINA_DB_MAX_OVERFLOW", "0")))
        kwargs.setdefault("pool_recycle", 1800)
        kwargs.setdefault("pool_timeout", float(os.environ.get("OFFICINA_DB_POOL_TIMEOUT", "10")))
        return create_async_engine(url, connect_args=connect_args, **kwargs)
    secure_sqlite_file(url)
    engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def create_read_engine(url: str, schema: str | None, engine: AsyncEngine) -> AsyncEngine:
    """The engine GET and HEAD read through: autocommit, so a read is one round trip.

    On PostgreSQL it has a pool of its own (``OFFICINA_DB_READ_POOL_SIZE``, 8) whose
    connections are autocommit from the moment they open: switching connections of the
    writers' pool to autocommit and back on every checkout cost about 0.2 ms of CPU per read.
    Both pools open connections only as they are needed. SQLite shares the writers' engine.
    """
    if is_postgres(url):
        return create_engine_for(
            url,
            schema,
            isolation_level="AUTOCOMMIT",
            pool_size=int(os.environ.get("OFFICINA_DB_READ_POOL_SIZE", "8")),
        )
    return engine.execution_options(isolation_level="AUTOCOMMIT")


async def ensure_schema(url: str, schema: str) -> None:
    """Create the service's PostgreSQL schema when it does not exist (no-op on SQLite)."""
    if not is_postgres(url):
        secure_sqlite_file(url)  # also validates the URL
        return
    from sqlalchemy import text

    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    finally:
        await engine.dispose()


def make_sessionmaker(
    engine: AsyncEngine, sync_session_class: type[Session] = Session, **info: Any
) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit; ``info`` travels with each session."""
    return async_sessionmaker(
        engine, expire_on_commit=False, sync_session_class=sync_session_class, info=info
    )
