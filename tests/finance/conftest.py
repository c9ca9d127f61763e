"""The finance service, running in-process on a migrated database with its reference data.

``finance`` gives a test the service (``tests/service_under_test.py``): its reference data loaded,
"now" fixed at ``NOW`` (tests may move it with ``service.now = ...``), no feed consumers and no
background sweeps, and the kit's ``FakeWorkflow`` behind its service client. Each area's own
helpers live in its own ``tests/finance/<area>_helpers.py``.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from services.finance.app import create_app
from services.finance.config import FinanceSettings
from services.finance.reference import load_reference_data
from shared.kit.testing import TokenMinter
from tests.conftest import TestDatabase
from tests.service_under_test import ServiceUnderTest, run_service

API = "/api/v1/finance"
TODAY = date(2026, 3, 11)  # a Wednesday
NOW = datetime.combine(TODAY, time(9, tzinfo=UTC))


@dataclass
class FinanceService(ServiceUnderTest):
    """The running finance service; ``staff()`` is a member of finance staff."""

    staff_role: str = "finance"


async def start_finance(
    database_url: TestDatabase, minter: TokenMinter, tmp_path: Path, *, demo: bool = False
) -> AsyncIterator[FinanceService]:
    """Migrate, seed and run the service; yields it, stops it afterwards."""
    async for service in run_service(
        FinanceService,
        component="finance",
        create_app=create_app,
        settings=FinanceSettings,
        load_reference_data=load_reference_data,
        database=database_url,
        minter=minter,
        data_dir=tmp_path,
        now=NOW,
        demo=demo,
    ):
        yield service


@pytest.fixture
async def finance(
    database_url: TestDatabase, minter: TokenMinter, tmp_path: Path
) -> AsyncIterator[FinanceService]:
    """The finance service on this test's database, migrated and seeded with its reference data."""
    async for service in start_finance(database_url, minter, tmp_path):
        yield service
