"""The workflow service, in-process, with an in-memory org and a clock the test moves.

``wf`` gives a test the service migrated and seeded with the ten built-in definitions, and
a small company whose people are known by name::

    GMO  总经理办公室  head guo (gm)          ada (admin), audrey (auditor)
    RND  研发部        head rui               lena (team lead) → erin, frank, sam
    FIN  财务部        head fei (finance)     fiona (finance)
    HR   人力资源部    head hana (hr)
    SAL  销售部        head sol               uma

Everyone's manager is their department head, except lena's reports (manager lena, then rui)
and the heads (manager guo). The directory stands in for org; the engine itself is real.
Deadlines are driven by ``wf.clock.advance(hours=…)`` then ``await wf.run_due()``.
"""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.workflow.app import create_app
from services.workflow.config import WorkflowSettings
from services.workflow.reference import load_reference_data
from services.workflow.scheduler import run_due
from shared.kit.testing import TokenMinter, bearer
from tests.conftest import TestDatabase, migrate_and_seed
from tests.shared_apps import service_app

API = "/api/v1/workflow"
EVENTS = f"{API}/events"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """The service's notion of now; tests move it forward."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Person:
    name: str
    id: uuid.UUID
    department: str
    manager: str | None
    roles: tuple[str, ...]
    left: bool = False


class InMemoryDirectory:
    """The Directory protocol over a dictionary of named people (org's stand-in)."""

    def __init__(self) -> None:
        self.people: dict[str, Person] = {}
        self.heads: dict[str, str | None] = {}

    def add(
        self,
        name: str,
        department: str,
        manager: str | None = None,
        roles: tuple[str, ...] = ("employee",),
        head: bool = False,
    ) -> Person:
        person = Person(name, uuid.uuid4(), department, manager, roles)
        self.people[name] = person
        self.heads.setdefault(department, None)
        if head:
            self.heads[department] = name
        return person

    def id(self, name: str) -> uuid.UUID:
        return self.people[name].id

    def name_of(self, employee_id: object) -> str:
        return next(p.name for p in self.people.values() if str(p.id) == str(employee_id))

    def _by_id(self, employee_id: uuid.UUID) -> Person | None:
        return next((p for p in self.people.values() if p.id == employee_id), None)

    async def managers(self, employee_id: uuid.UUID, levels: int) -> list[uuid.UUID]:
        chain: list[uuid.UUID] = []
        person = self._by_id(employee_id)
        while person is not None and person.manager and len(chain) < levels:
            person = self.people[person.manager]
            chain.append(person.id)
        return chain

    async def department_head(
        self, department_code: str | None, employee_id: uuid.UUID
    ) -> uuid.UUID | None:
        if department_code is None:
            person = self._by_id(employee_id)
            department_code = person.department if person else None
        head = self.heads.get(department_code) if department_code else None
        return self.people[head].id if head else None

    async def role_members(self, role: str) -> list[uuid.UUID]:
        return [p.id for p in self.people.values() if role in p.roles and not p.left]

    async def is_current_employee(self, employee_id: uuid.UUID) -> bool:
        person = self._by_id(employee_id)
        return person is not None and not person.left

    async def employee_name(self, employee_id: uuid.UUID) -> str | None:
        person = self._by_id(employee_id)
        return person.name if person else None


def company() -> InMemoryDirectory:
    directory = InMemoryDirectory()
    directory.add("guo", "GMO", roles=("gm", "employee"), head=True)
    directory.add("ada", "GMO", "guo", roles=("admin", "employee"))
    directory.add("audrey", "GMO", "guo", roles=("auditor", "employee"))
    directory.add("rui", "RND", "guo", head=True)
    directory.add("lena", "RND", "rui")
    for name in ("erin", "frank", "sam"):
        directory.add(name, "RND", "lena")
    directory.add("fei", "FIN", "guo", roles=("finance", "employee"), head=True)
    directory.add("fiona", "FIN", "fei", roles=("finance", "employee"))
    directory.add("hana", "HR", "guo", roles=("hr", "employee"), head=True)
    directory.add("sol", "SAL", "guo", head=True)
    directory.add("uma", "SAL", "sol")
    return directory


@dataclass
class WorkflowService:
    """One running workflow service, its directory and clock, and a client talking to it."""

    app: FastAPI
    client: httpx.AsyncClient
    minter: TokenMinter
    directory: InMemoryDirectory
    clock: Clock
    _subjects: int = field(default=0)

    # ---- who is calling ------------------------------------------------------------

    def id(self, name: str) -> str:
        return str(self.directory.id(name))

    def as_(self, name: str) -> dict[str, str]:
        """Headers of a named person, with their roles and employee id."""
        person = self.directory.people[name]
        return bearer(self.minter.user(person.roles, employee_id=person.id, username=name))

    def admin(self) -> dict[str, str]:
        return self.as_("ada")

    def auditor(self) -> dict[str, str]:
        return self.as_("audrey")

    def service(self, *scopes: str) -> dict[str, str]:
        """A system client (an owning service) — workflow:read and :write unless given."""
        granted = list(scopes) or ["workflow:read", "workflow:write"]
        return bearer(self.minter.client(granted, client_id="hr-service"))

    # ---- definitions and instances ---------------------------------------------------

    async def define(self, key: str, *steps: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """An admin creates a definition with these steps."""
        body = {"key": key, "name": fields.pop("name", key), "subject_type": key, **fields}
        body["steps"] = list(steps)
        response = await self.client.post(f"{API}/definitions", json=body, headers=self.admin())
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def start(
        self,
        definition_key: str,
        requester: str,
        data: dict[str, Any] | None = None,
        *,
        title: str | None = None,
        service: str = "hr",
    ) -> dict[str, Any]:
        """The owning service starts an instance for ``requester``."""
        response = await self.start_response(
            definition_key, requester, data, title=title, service=service
        )
        assert response.status_code == 201, response.text
        started: dict[str, Any] = response.json()
        return started

    async def start_response(
        self,
        definition_key: str,
        requester: str,
        data: dict[str, Any] | None = None,
        *,
        title: str | None = None,
        service: str = "hr",
    ) -> httpx.Response:
        self._subjects += 1
        body = {
            "definition_key": definition_key,
            "subject": {"service": service, "type": definition_key, "id": f"S-{self._subjects}"},
            "requester_employee_id": self.id(requester),
            "title": title or f"{definition_key} of {requester} #{self._subjects}",
            "data": data or {},
        }
        return await self.client.post(f"{API}/instances", json=body, headers=self.service())

    async def instance(self, instance_id: str, as_: str = "audrey") -> dict[str, Any]:
        response = await self.client.get(f"{API}/instances/{instance_id}", headers=self.as_(as_))
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    async def history(self, instance_id: str) -> list[dict[str, Any]]:
        history: list[dict[str, Any]] = (await self.instance(instance_id))["history"]
        return history

    async def open_tasks(self, instance_id: str) -> dict[str, dict[str, Any]]:
        """The pending tasks of an instance, by assignee name."""
        tasks = (await self.instance(instance_id))["tasks"]
        return {
            self.directory.name_of(t["assignee_employee_id"]): t
            for t in tasks
            if t["status"] == "pending"
        }

    async def pending_approvers(self, instance_id: str) -> set[str]:
        return set(await self.open_tasks(instance_id))

    async def delegate(self, who: str, to: str, days: float = 7, **fields: Any) -> dict[str, Any]:
        """``who`` names ``to`` their substitute from now for ``days``."""
        response = await self.client.post(
            f"{API}/delegations",
            json={
                "substitute_employee_id": self.id(to),
                "starts_at": self.clock.now.isoformat(),
                "ends_at": (self.clock.now + timedelta(days=days)).isoformat(),
                **fields,
            },
            headers=self.as_(who),
        )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    # ---- the inbox and decisions ---------------------------------------------------

    async def inbox(self, name: str, **params: Any) -> list[dict[str, Any]]:
        response = await self.client.get(
            f"{API}/tasks",
            params={"assignee": "me", "status": "pending", **params},
            headers=self.as_(name),
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def task_of(self, name: str, instance_id: str) -> dict[str, Any]:
        """The one pending task of ``instance_id`` in ``name``'s inbox."""
        tasks = [t for t in await self.inbox(name) if t["instance_id"] == instance_id]
        assert len(tasks) == 1, f"{name} has {len(tasks)} tasks on {instance_id}"
        return tasks[0]

    async def act(
        self, name: str, task_id: str, verb: str = "approve", **body: Any
    ) -> httpx.Response:
        return await self.client.post(
            f"{API}/tasks/{task_id}/{verb}", json=body or None, headers=self.as_(name)
        )

    async def approve(
        self, name: str, instance_id: str, comment: str | None = None
    ) -> dict[str, Any]:
        """``name`` approves their task on the instance; returns the instance."""
        task = await self.task_of(name, instance_id)
        response = await self.act(name, task["id"], "approve", comment=comment)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def decide(self, name: str, instance_id: str, verb: str, **body: Any) -> dict[str, Any]:
        task = await self.task_of(name, instance_id)
        response = await self.act(name, task["id"], verb, **body)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    # ---- deadlines, notifications, events ---------------------------------------------

    async def run_due(self) -> dict[str, int]:
        return await run_due(self.app.state.runtime, self.clock.now)

    async def notifications(self, name: str, **params: Any) -> list[dict[str, Any]]:
        response = await self.client.get(
            f"{API}/notifications", params={"limit": 200, **params}, headers=self.as_(name)
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """Every event published so far (the outbox is drained first)."""
        await self.app.state.runtime.publisher.publish_pending()
        params: dict[str, Any] = {"after": 0, "limit": 1000}
        if event_type:
            params["type"] = event_type
        items: list[dict[str, Any]] = []
        while True:
            page = await self.client.get(EVENTS, params=params, headers=self.auditor())
            assert page.status_code == 200, page.text
            body = page.json()
            if not body["items"]:
                return items
            items.extend(body["items"])
            params["after"] = body["next_after"]


def kinds(history: list[dict[str, Any]]) -> list[str]:
    return [entry["kind"] for entry in history]


@pytest.fixture
async def wf(
    database_url: TestDatabase, minter: TokenMinter, tmp_path: Path
) -> AsyncIterator[WorkflowService]:
    """The workflow service on this test's database with the built-in definitions loaded."""
    url, schema = database_url.url, database_url.schema
    await migrate_and_seed("workflow", database_url, load_reference_data, tmp_path)
    settings = WorkflowSettings(
        database_url=url, database_schema=schema, publisher_interval=0.1, deadline_interval=3600
    )
    directory, clock = company(), Clock()
    given = {"verifier": minter.verifier(), "directory": directory, "clock": clock}
    with service_app(create_app, settings, **given) as app:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield WorkflowService(app, client, minter, directory, clock)
