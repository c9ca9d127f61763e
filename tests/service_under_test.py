"""One service running in-process for its tests: migrated, seeded with its reference data,
"now" set by the test, no feed consumers and no background sweeps, and the kit's
``FakeWorkflow`` behind its service client (``tests/finance`` and ``tests/logistics`` use it;
their conftests name the service)."""

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx
from fastapi import FastAPI

from shared.kit.db import use_service_clock
from shared.kit.runtime import Clock
from shared.kit.settings import ServiceSettings
from shared.kit.testing import FakeWorkflow, TokenMinter, bearer
from shared.kit.tokens import TokenVerifier
from tests.conftest import TestDatabase, migrate_and_seed
from tests.shared_apps import service_app


class AppFactory(Protocol):
    def __call__(
        self, settings: Any, verifier: TokenVerifier | None = ..., clock: Clock | None = ...
    ) -> FastAPI: ...


class ReferenceLoader(Protocol):
    async def __call__(self, *, url: str, schema: str, data_dir: Path, demo: bool) -> Any: ...


@dataclass
class ServiceUnderTest:
    """A running service, a client talking to it over ASGI, and its fake workflow; ``now`` is
    the service's clock (a test may move it)."""

    app: FastAPI
    client: httpx.AsyncClient
    minter: TokenMinter
    db: TestDatabase
    workflow: FakeWorkflow
    now: datetime
    staff_role: str = field(default="admin")

    def as_user(
        self, *roles: str, employee_id: object = None, username: str = "someone"
    ) -> dict[str, str]:
        linked = uuid.UUID(str(employee_id)) if employee_id is not None else None
        return bearer(self.minter.user(roles, employee_id=linked, username=username))

    def staff(self) -> dict[str, str]:
        """A member of the service's staff (its managing role)."""
        return self.as_user(self.staff_role, username=f"{self.staff_role}-staff")

    def admin(self) -> dict[str, str]:
        return self.as_user("admin", username="ada")

    def auditor(self) -> dict[str, str]:
        return self.as_user("auditor", username="audrey")

    def employee(self, employee_id: object, username: str = "erin") -> dict[str, str]:
        return self.as_user("employee", employee_id=employee_id, username=username)


S = TypeVar("S", bound=ServiceUnderTest)


async def run_service(
    kind: type[S],
    *,
    component: str,
    create_app: AppFactory,
    settings: Callable[..., ServiceSettings],
    load_reference_data: ReferenceLoader,
    database: TestDatabase,
    minter: TokenMinter,
    data_dir: Path,
    now: datetime,
    demo: bool = False,
) -> AsyncIterator[S]:
    """Migrate, seed and run ``component``; yields it, stops it afterwards."""
    # The whole test world reads the test's clock, the reference data it seeds included: a
    # seeded record is not stamped after the changes the test makes "earlier" by its clock.
    holder: list[S] = []

    def clock() -> datetime:
        return holder[0].now if holder else now

    use_service_clock(clock)
    await migrate_and_seed(component, database, load_reference_data, data_dir, demo=demo, clock=now)
    configured = settings(
        database_url=database.url,
        database_schema=database.schema,
        consumers_enabled=False,
        publisher_interval=0.1,
        approval_sweep_interval=0,  # tests run sweeps themselves
        sweep_interval=0,
    )
    fake = FakeWorkflow()
    with service_app(create_app, configured, verifier=minter.verifier(), clock=clock) as app:
        async with app.router.lifespan_context(app):
            runtime = app.state.runtime
            real = runtime.client
            workflow = fake.client()
            runtime.client = workflow
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            try:
                async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                    service = kind(app, client, minter, database, fake, now)
                    holder.append(service)
                    yield service
            finally:
                runtime.client = real
                await workflow.aclose()
