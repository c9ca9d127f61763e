"""The hr service, running in-process on a migrated database with its reference data.

``hr`` gives a test the service with the eight leave types loaded, "today" fixed at
``TODAY``, no feed consumers, no background approval sweep (``hr.sweep()`` runs it), and a
stand-in for workflow behind hr's service client (the kit's ``FakeWorkflow``: it answers like
the real one — 201 with an instance id, the same answer again for a repeated
``Idempotency-Key``, 409 when withdrawing an instance that has already ended). hr's copy of org is seeded by applying org-shaped events, exactly as
the org-directory consumer does; workflow outcomes are applied the same way.
"""

import itertools
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.hr.app import create_app
from services.hr.config import HrSettings
from services.hr.domain.directory import apply_org_event
from services.hr.domain.leave import SAGA
from services.hr.reference import load_reference_data
from shared.contracts.events import EventEnvelope, EventSubject
from shared.kit.approvals import ApprovalSaga
from shared.kit.consumer import apply_event
from shared.kit.db import utcnow
from shared.kit.service_client import ServiceClient
from shared.kit.testing import FakeWorkflow, TokenMinter, bearer
from tests.conftest import TestDatabase, migrate_and_seed
from tests.hr.people_helpers import Platform
from tests.shared_apps import service_app

API = "/api/v1/hr"
TODAY = date(2025, 6, 11)  # a Wednesday
NOW = datetime.combine(TODAY, time(9, tzinfo=UTC))  # the service's clock
YEAR = TODAY.year


class HrWorkflow(FakeWorkflow):
    """The kit's fake workflow, asked about hr's subjects."""

    def instance_of(self, subject_id: object, subject_type: str = "leave_request") -> str:
        """The one instance started for a request (or its cancellation)."""
        return super().instance_of(subject_id, subject_type)


@dataclass
class HrService:
    """One running hr service, a client talking to it over ASGI, and its fake workflow."""

    app: FastAPI
    client: httpx.AsyncClient
    minter: TokenMinter
    db: TestDatabase
    workflow: HrWorkflow
    platform: Platform | None = None
    clock: list[datetime] = field(default_factory=lambda: [NOW])
    departments: dict[str, uuid.UUID] = field(default_factory=dict)
    _seq: itertools.count = field(default_factory=lambda: itertools.count(1))
    _outcome_seq: itertools.count = field(default_factory=lambda: itertools.count(1))

    # ---- who is calling ------------------------------------------------------------

    def as_user(
        self, *roles: str, employee_id: object = None, username: str = "someone"
    ) -> dict[str, str]:
        linked = uuid.UUID(str(employee_id)) if employee_id is not None else None
        return bearer(self.minter.user(roles, employee_id=linked, username=username))

    def hr(self) -> dict[str, str]:
        return self.as_user("hr", username="harriet")

    def admin(self) -> dict[str, str]:
        return self.as_user("admin", username="ada")

    def auditor(self) -> dict[str, str]:
        return self.as_user("auditor", username="audrey")

    def employee(self, employee_id: object, username: str = "erin") -> dict[str, str]:
        return self.as_user("employee", employee_id=employee_id, username=username)

    # ---- hr's copy of org, fed with org-shaped events ----------------------------------

    async def org_event(self, event_type: str, subject_type: str, data: dict[str, Any]) -> None:
        event = EventEnvelope(
            seq=next(self._seq),
            id=uuid.uuid4(),
            type=event_type,
            occurred_at=datetime.now(UTC),
            subject=EventSubject(type=subject_type, id=str(data["id"])),
            data=data,
        )
        async with self.app.state.runtime.transaction() as session:
            await apply_org_event(session, event)

    async def department(
        self, code: str, parent: str | None = None, head: object = None, *, update: bool = False
    ) -> uuid.UUID:
        """Create (or, with ``update``, change) a department the way org announces it."""
        department_id = self.departments.get(code) or uuid.uuid4()
        self.departments[code] = department_id
        now = datetime.now(UTC).isoformat()
        await self.org_event(
            "org.department.updated" if update else "org.department.created",
            "department",
            {
                "id": str(department_id),
                "code": code,
                "name": f"部门{code}",
                "name_en": None,
                "parent_id": str(self.departments[parent]) if parent else None,
                "head_employee_id": str(head) if head else None,
                "status": "active",
                "version": 1,
                "created_at": now,
                "updated_at": now,
            },
        )
        return department_id

    async def person(
        self,
        name: str,
        department: str = "RND",
        *,
        manager: object = None,
        hire_date: str = "2015-03-01",
        work_start_date: str | None = "2010-07-01",
        status: str = "active",
        employee_id: object = None,
        event_type: str = "org.employee.created",
    ) -> uuid.UUID:
        """An employee as org's ``event_data`` describes them (no personal data)."""
        person_id = uuid.UUID(str(employee_id)) if employee_id else uuid.uuid4()
        number = f"E{person_id.hex[:6]}"
        await self.org_event(
            event_type,
            "employee",
            {
                "id": str(person_id),
                "employee_number": number,
                "name": name,
                "email": f"{number.lower()}@example.cn",
                "phone": None,
                "department_id": str(self.departments[department]),
                "position_id": None,
                "manager_id": str(manager) if manager else None,
                "status": status,
                "employment_type": "full_time",
                "is_management": False,
                "hire_date": hire_date,
                "leave_date": None,
                "work_start_date": work_start_date,
            },
        )
        return person_id

    # ---- workflow outcomes, applied as the workflow-outcomes consumer does -------------

    async def outcome(
        self,
        request: dict[str, Any],
        outcome: str,
        *,
        cancellation: bool = False,
        instance_id: str | None = None,
    ) -> bool:
        """workflow says the approval of ``request`` ended; False when it was applied before."""
        instance_id = (
            instance_id
            or request["cancellation_instance_id" if cancellation else "workflow_instance_id"]
        )
        assert instance_id, "hr has not recorded this approval: name its instance_id"
        return await self.replay(
            EventEnvelope(
                seq=next(self._outcome_seq),
                id=uuid.uuid4(),
                type="workflow.instance.completed",
                occurred_at=datetime.now(UTC),
                subject=EventSubject(type="instance", id=str(instance_id)),
                data={
                    "instance_id": str(instance_id),
                    "definition_key": "leave",
                    "subject": {
                        "service": "hr",
                        "type": "leave_cancellation" if cancellation else "leave_request",
                        "id": request["id"],
                    },
                    "requester_employee_id": request["employee_id"],
                    "outcome": outcome,
                },
            )
        )

    async def replay(self, event: EventEnvelope) -> bool:
        return await apply_event(
            self.app.state.runtime, "workflow-outcomes", event, SAGA.apply_outcome
        )

    async def conclude(
        self,
        saga: ApprovalSaga[Any],
        cursor: str,
        subject_type: str,
        subject_id: object,
        outcome: str,
    ) -> bool:
        """workflow decides the one instance started for a subject of another saga (a hiring
        plan, an offer), and hr applies the outcome as that saga's consumer does."""
        instance_id = self.workflow.instance_of(subject_id, subject_type)
        self.workflow.decide(instance_id, outcome)
        return await apply_event(
            self.app.state.runtime,
            cursor,
            self.workflow.completed(instance_id, outcome),
            saga.apply_outcome,
        )

    @property
    def now(self) -> datetime:
        """The service's clock (what "today" is for its rules); settable."""
        return self.clock[0]

    @now.setter
    def now(self, value: datetime) -> None:
        self.clock[0] = value

    async def sweep(self, later: timedelta = timedelta(days=1)) -> int:
        """Run hr's sweep of approvals workflow has not confirmed as it would run ``later`` from
        now (by default once every back-off has passed); returns how many it started."""
        runtime = self.app.state.runtime
        return await SAGA.sweep(runtime, runtime.service_client, now=utcnow() + later)

    # ---- calls ----------------------------------------------------------------------

    async def allocate(self, year: int = YEAR) -> dict[str, Any]:
        response = await self.client.post(
            f"{API}/leave-balances/allocate", json={"year": year}, headers=self.hr()
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def balance(
        self, employee_id: object, leave_type: str = "annual", year: int = YEAR
    ) -> dict[str, Any]:
        response = await self.client.get(
            f"{API}/leave-balances",
            params={"employee_id": str(employee_id), "year": year},
            headers=self.hr(),
        )
        assert response.status_code == 200, response.text
        found: dict[str, Any] = next(b for b in response.json() if b["leave_type"] == leave_type)
        return found

    async def ask(
        self, headers: dict[str, str], start: str, end: str, leave_type: str = "annual", **more: Any
    ) -> httpx.Response:
        return await self.client.post(
            f"{API}/leave-requests",
            json={"leave_type": leave_type, "start_date": start, "end_date": end, **more},
            headers=headers,
        )

    async def get_request(self, request_id: object) -> dict[str, Any]:
        response = await self.client.get(f"{API}/leave-requests/{request_id}", headers=self.hr())
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    async def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """Every event on hr's feed once everything committed is published."""
        await self.app.state.runtime.publisher.publish_pending()
        params: dict[str, Any] = {"after": 0, "limit": 1000}
        if event_type:
            params["type"] = event_type
        page = await self.client.get(f"{API}/events", params=params, headers=self.auditor())
        assert page.status_code == 200, page.text
        items: list[dict[str, Any]] = page.json()["items"]
        return items


@pytest.fixture
async def hr(
    database_url: TestDatabase, minter: TokenMinter, tmp_path: Path
) -> AsyncIterator[HrService]:
    """The hr service on this test's database, migrated and seeded with its leave types."""
    url, schema = database_url.url, database_url.schema
    await migrate_and_seed("hr", database_url, load_reference_data, tmp_path)
    settings = HrSettings(
        database_url=url,
        database_schema=schema,
        consumers_enabled=False,
        publisher_interval=0.1,
        approval_sweep_interval=0,  # tests run the sweep themselves
        sweep_interval=0,
    )
    clock = [NOW]
    fake = HrWorkflow()
    platform = Platform(fake)
    given = {"verifier": minter.verifier(), "clock": lambda: clock[0]}
    with service_app(create_app, settings, **given) as app:
        async with app.router.lifespan_context(app):
            runtime = app.state.runtime
            real = runtime.client
            # workflow (and, for recruitment and contracts, org and the platform inbox)
            workflow = ServiceClient(
                "http://gateway", "test-client", "secret", transport=platform.transport()
            )
            runtime.client = workflow
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            try:
                async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                    yield HrService(
                        app, client, minter, database_url, fake, platform=platform, clock=clock
                    )
            finally:
                runtime.client = real
                await workflow.aclose()


@dataclass
class Company:
    """A small company in hr's copy of org.

    GMO ─┬─ RND (head: ``rnd_head``) ── RND-FE
         └─ SALES
    ``manager`` (RND, reports to ``rnd_head``) manages ``employee`` and ``colleague`` (both
    RND-FE); ``outsider`` works in SALES; everyone has worked long enough for 10 days a year
    except where noted.
    """

    rnd_head: uuid.UUID
    manager: uuid.UUID
    employee: uuid.UUID
    colleague: uuid.UUID
    outsider: uuid.UUID


@pytest.fixture
async def company(hr: HrService) -> Company:
    await hr.department("GMO")
    await hr.department("RND", parent="GMO")
    await hr.department("RND-FE", parent="RND")
    await hr.department("SALES", parent="GMO")
    rnd_head = await hr.person("研发负责人", "RND", work_start_date="2000-07-01")
    await hr.department("RND", parent="GMO", head=rnd_head, update=True)
    manager = await hr.person("王经理", "RND", manager=rnd_head)
    employee = await hr.person("陈小红", "RND-FE", manager=manager)
    colleague = await hr.person("李同事", "RND-FE", manager=manager)
    outsider = await hr.person("赵销售", "SALES")
    return Company(rnd_head, manager, employee, colleague, outsider)
