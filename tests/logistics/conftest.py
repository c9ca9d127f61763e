"""The logistics service, running in-process on a migrated database with its reference data.

``logistics`` gives a test the service (``tests/service_under_test.py``): its reference data loaded,
"now" fixed at ``NOW`` (tests may move it with ``service.now = ...``), no feed consumers and no
background sweeps, and the kit's ``FakeWorkflow`` behind its service client. Each area's own
helpers live in its own ``tests/logistics/<area>_helpers.py``.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from services.logistics.app import create_app
from services.logistics.config import LogisticsSettings
from services.logistics.reference import load_reference_data
from shared.kit.testing import TokenMinter
from tests.conftest import TestDatabase
from tests.service_under_test import ServiceUnderTest, run_service

API = "/api/v1/logistics"
TODAY = date(2026, 3, 11)  # a Wednesday
NOW = datetime.combine(TODAY, time(9, tzinfo=UTC))


@dataclass
class LogisticsService(ServiceUnderTest):
    """The running logistics service; ``staff()`` is a member of logistics staff."""

    staff_role: str = "logistics"


async def start_logistics(
    database_url: TestDatabase, minter: TokenMinter, tmp_path: Path, *, demo: bool = False
) -> AsyncIterator[LogisticsService]:
    """Migrate, seed and run the service; yields it, stops it afterwards."""
    async for service in run_service(
        LogisticsService,
        component="logistics",
        create_app=create_app,
        settings=LogisticsSettings,
        load_reference_data=load_reference_data,
        database=database_url,
        minter=minter,
        data_dir=tmp_path,
        now=NOW,
        demo=demo,
    ):
        yield service


@pytest.fixture
async def logistics(
    database_url: TestDatabase, minter: TokenMinter, tmp_path: Path
) -> AsyncIterator[LogisticsService]:
    """The logistics service on this test's database, migrated and seeded with its reference data."""
    async for service in start_logistics(database_url, minter, tmp_path):
        yield service
