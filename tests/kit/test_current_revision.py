"""``/readyz`` reads the migration revision on every probe: quietly, and right."""

import asyncio
import logging

import pytest

from shared.kit.db import create_engine_for
from shared.kit.migrations import current_revision, head_revision, upgrade
from tests.conftest import TestDatabase


async def test_the_revision_is_none_before_migrating_and_the_head_after(
    database_url: TestDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine_for(database_url.url, database_url.schema)
    try:
        with caplog.at_level(logging.DEBUG):
            before = await current_revision(engine, "org")
        chatter_before = [r for r in caplog.records if r.name.startswith("alembic")]
        await asyncio.to_thread(upgrade, "org", database_url.url, database_url.schema)
        caplog.clear()  # the migration itself may speak; reading the revision may not
        with caplog.at_level(logging.DEBUG):
            after = await current_revision(engine, "org")
            again = await current_revision(engine, "org")
    finally:
        await engine.dispose()

    assert before is None
    assert after == again == head_revision("org")
    assert not chatter_before
    assert not [record for record in caplog.records if record.name.startswith("alembic")]
