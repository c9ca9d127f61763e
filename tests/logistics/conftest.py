"""The logistics service, running in-process on a migrated database with its reference data.

``logistics`` gives a test the service with its reference data loaded, "now" fixed at ``NOW`` (tests may
move it with ``service.now = ...``), no feed consumers and no background sweeps, and the kit's
``FakeWorkflow`` behind its service client. Each area's own helpers live in its own
``tests/logistics/<area>_helpers.py`` (not here), so several people can work on logistics at once.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

import shared.kit.migrations
from services.logistics.app import create_app
from services.logistics.config import LogisticsSettings
from services.logistics.reference import load_reference_data
from shared.kit.testing import FakeWorkflow, TokenMinter, bearer
from tests.conftest import TestDatabase

API = "/api/v1/logistics"
TODAY = date(2026, 3, 11)  # a Wednesday
NOW = datetime.combine(TODAY, time(9, tzinfo=UTC))


@dataclass
class LogisticsService:
    """One running logistics service, a client talking to it over ASGI, and its fake workflow."""

    app: FastAPI
    client: httpx.AsyncClient
    minter: TokenMinter
    db: TestDatabase
    workflow: FakeWorkflow
    now: datetime = field(default=NOW)

    def as_user(
        self, *roles: str, employee_id: object = None, username: str = "someone"
    ) -> dict[str, str]:
        linked = uuid.UUID(str(employee_id)) if employee_id is not None else None
        return bearer(self.minter.user(roles, employee_id=linked, username=username))

    def staff(self) -> dict[str, str]:
        """A member of logistics staff."""
        return self.as_user("logistics", username="logistics-staff")

    def admin(self) -> dict[str, str]:
        return self.as_user("admin", username="ada")

    def auditor(self) -> dict[str, str]:
        return self.as_user("auditor", username="audrey")

    def employee(self, employee_id: object, username: str = "erin") -> dict[str, str]:
        return self.as_user("employee", employee_id=employee_id, username=username)


async def start_logistics(
    database_url: TestDatabase, minter: TokenMinter, tmp_path: Path, *, demo: bool = False
) -> AsyncIterator[LogisticsService]:
    """Migrate, seed and run the service; yields it, stops it afterwards."""
    url, schema = database_url.url, database_url.schema
    await asyncio.to_thread(shared.kit.migrations.upgrade, "logistics", url, schema)
    await load_reference_data(url=url, schema=schema, data_dir=tmp_path, demo=demo)
    settings = LogisticsSettings(
        database_url=url,
        database_schema=schema,
        consumers_enabled=False,
        publisher_interval=0.1,
        approval_sweep_interval=0,  # tests run sweeps themselves
        sweep_interval=0,
    )
    holder: list[LogisticsService] = []
    app = create_app(
        settings, verifier=minter.verifier(), clock=lambda: holder[0].now if holder else NOW
    )
    fake = FakeWorkflow()
    async with app.router.lifespan_context(app):
        runtime = app.state.runtime
        real = runtime.client
        workflow = fake.client()
        runtime.client = workflow
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                service = LogisticsService(app, client, minter, database_url, fake)
                holder.append(service)
                yield service
        finally:
            runtime.client = real
            await workflow.aclose()


@pytest.fixture
async def logistics(
    database_url: TestDatabase, minter: TokenMinter, tmp_path: Path
) -> AsyncIterator[LogisticsService]:
    """The logistics service on this test's database, migrated and seeded with its reference data."""
    async for service in start_logistics(database_url, minter, tmp_path):
        yield service
