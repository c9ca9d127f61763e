"""Replayed migrations (what every ``db`` test gets) against Alembic's own.

The suite migrates each component once per process and gives later fresh databases the
recorded result (``shared.kit.migrations.replay_migrations``). Here a replayed database is
compared with one Alembic migrated, and a migration history that changes mid-run is never
served the old recording.
"""

import asyncio
import importlib
import shutil
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from shared.kit import migrations
from shared.kit.db import create_engine_for
from tests.conftest import TestDatabase, drop_schema


def _sibling(db: TestDatabase, tmp_path: Path, name: str) -> TestDatabase:
    """Another empty database beside the test's own (a SQLite file or a schema)."""
    if db.is_postgres:
        return TestDatabase(db.url, f"{db.schema}_{name}")
    return TestDatabase(f"sqlite+aiosqlite:///{tmp_path / name}.db", db.schema)


@pytest.fixture
def databases(database_url: TestDatabase, tmp_path: Path) -> Iterator[list[TestDatabase]]:
    """Three empty databases; on PostgreSQL the extra schemas are dropped afterwards."""
    extra = [_sibling(database_url, tmp_path, name) for name in ("b", "c")]
    yield [database_url, *extra]
    if database_url.is_postgres:
        for db in extra:
            asyncio.run(drop_schema(db.url, db.schema))


T = TypeVar("T")


def read_with(db: TestDatabase, read: Callable[[Connection], T]) -> T:
    """What ``read`` finds in the database, through a connection of its own."""

    async def run() -> T:
        engine = create_engine_for(db.url, db.schema if db.is_postgres else None)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(read)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def describe(db: TestDatabase, component: str) -> dict[str, Any]:
    """Tables with their columns, indexes, keys and row counts, and the migration version."""

    def read(conn: Connection) -> dict[str, Any]:
        found = inspect(conn)
        tables: dict[str, Any] = {}
        for table in sorted(found.get_table_names()):
            tables[table] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                    for c in found.get_columns(table)
                ],
                "indexes": sorted(
                    (i["name"] or "", tuple(str(c) for c in i["column_names"]), bool(i["unique"]))
                    for i in found.get_indexes(table)
                ),
                "primary_key": found.get_pk_constraint(table)["constrained_columns"],
                "foreign_keys": sorted(
                    (f["name"] or "", tuple(f["constrained_columns"]), f["referred_table"])
                    for f in found.get_foreign_keys(table)
                ),
                "unique": sorted(
                    (u["name"] or "", tuple(u["column_names"]))
                    for u in found.get_unique_constraints(table)
                ),
                "rows": conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one(),
            }
        version = conn.execute(
            text(f"SELECT version_num FROM {migrations.version_table(component)}")
        ).scalar_one()
        return {"tables": tables, "version": version}

    return read_with(db, read)


def _alembic_must_not_run(*args: Any) -> None:
    raise AssertionError("a fresh database was migrated by Alembic instead of the recording")


@pytest.mark.parametrize("component", ["hr", "workflow", "gateway"])
def test_a_replayed_database_is_the_one_alembic_migrates(
    component: str, databases: list[TestDatabase], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded, replayed, real = databases
    migrations.upgrade(component, recorded.url, recorded.schema)  # recorded unless already
    with monkeypatch.context() as patch:
        patch.setattr(migrations.command, "upgrade", _alembic_must_not_run)
        migrations.upgrade(component, replayed.url, replayed.schema)
    with migrations.real_migrations():
        migrations.upgrade(component, real.url, real.schema)

    expected = describe(real, component)
    assert expected["version"] == migrations.head_revision(component)
    assert len(expected["tables"]) > 4
    assert describe(replayed, component) == expected
    assert describe(recorded, component) == expected
    # A database that is already migrated is left to Alembic, which finds nothing to do.
    migrations.upgrade(component, replayed.url, replayed.schema)
    assert describe(replayed, component) == expected


NEW_REVISION = '''"""A table added after the recording.

Revision ID: 9999
Revises: {head}
"""

import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("added_later", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("added_later")
'''


def test_a_new_migration_is_never_served_an_old_recording(
    databases: list[TestDatabase], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "migrations"
    shutil.copytree(
        migrations.MIGRATIONS_ROOT / "gateway",
        root / "gateway",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    monkeypatch.setattr(migrations, "MIGRATIONS_ROOT", root)
    before, after, _ = databases
    head = migrations.head_revision("gateway")
    migrations.upgrade("gateway", before.url, before.schema)
    assert "added_later" not in describe(before, "gateway")["tables"]

    (root / "gateway" / "versions" / f"9999_{uuid.uuid4().hex[:6]}.py").write_text(
        NEW_REVISION.format(head=head)
    )
    migrations.upgrade("gateway", after.url, after.schema)

    described = describe(after, "gateway")
    assert described["version"] == "9999" == migrations.head_revision("gateway")
    assert "added_later" in described["tables"]


def contents(db: TestDatabase) -> dict[str, list[str]]:
    """Every table's rows, written out and sorted."""

    def read(conn: Connection) -> dict[str, list[str]]:
        return {
            table: sorted(
                repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{table}"'))
            )
            for table in inspect(conn).get_table_names()
        }

    return read_with(db, read)


@pytest.mark.parametrize("component", ["finance", "hr"])
def test_a_seeded_database_is_the_one_seeding_makes(
    component: str, databases: list[TestDatabase], tmp_path: Path
) -> None:
    """``upgrade_and_seed`` records the first seed and gives later fresh databases its result:
    the same tables and the same rows as migrating and seeding for real."""
    reference = importlib.import_module(f"services.{component}.reference")
    seeded: list[str] = []
    # A key of its own: this test's first database is seeded for real and recorded.
    depends_on = uuid.uuid4()

    def seeding(db: TestDatabase) -> Callable[[], Awaitable[Any]]:
        async def seed() -> None:
            seeded.append(db.schema)
            await reference.load_reference_data(
                url=db.url, schema=db.schema, data_dir=tmp_path, demo=False
            )

        return seed

    def prepare(db: TestDatabase) -> None:
        asyncio.run(
            migrations.upgrade_and_seed(component, db.url, db.schema, seeding(db), depends_on)
        )

    recorded, replayed, real = databases
    prepare(recorded)
    prepare(replayed)
    assert len(seeded) == 1, "the second database was seeded again instead of replayed"
    with migrations.real_migrations():
        prepare(real)

    expected = contents(real)
    assert sum(len(rows) for rows in expected.values()) > 20
    assert contents(replayed) == contents(recorded)
    assert describe(replayed, component) == describe(real, component)
    # The rows are the same kinds in the same numbers (ids and stamps differ from a real seed).
    assert {t: len(r) for t, r in contents(replayed).items()} == {
        t: len(r) for t, r in expected.items()
    }
