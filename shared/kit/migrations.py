"""Alembic, once: every service's ``migrations/<name>/env.py`` calls ``run_migrations``."""

import asyncio
from pathlib import Path
from typing import Any, Literal

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

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


def head_revision(component: str) -> str | None:
    """The newest migration revision of a component (None for one without migrations)."""
    if not (MIGRATIONS_ROOT / component).is_dir():
        return None
    script = ScriptDirectory.from_config(alembic_config(component, "sqlite://"))
    return script.get_current_head()


def upgrade(component: str, url: str, schema: str | None = None) -> None:
    """Bring a component's database to the newest revision (blocking; call from a thread)."""
    asyncio.run(ensure_schema(url, schema or component))
    command.upgrade(alembic_config(component, url, schema), "head")


async def current_revision(engine: AsyncEngine, component: str) -> str | None:
    """The revision the database is at, or None before the first migration."""

    def read(connection: Connection) -> str | None:
        migration = MigrationContext.configure(
            connection, opts={"version_table": version_table(component)}
        )
        return migration.get_current_revision()

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
        try:
            async with engine.connect() as connection:
                await connection.run_sync(migrate)
                await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(run())
