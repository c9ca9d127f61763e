"""The org service, running in-process on a migrated database with its reference data.

``org`` gives a test the service with the company and the seven departments loaded, and
helpers that speak for the people of the rules: ``org.admin()``, ``org.hr()``,
``org.employee(employee_id)`` and so on return request headers with real signed tokens.
"""

import time
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.org.app import create_app
from services.org.config import OrgSettings
from services.org.reference import load_reference_data
from shared.kit.testing import TokenMinter, bearer
from tests.conftest import TestDatabase, migrate_and_seed
from tests.shared_apps import service_app

API = "/api/v1/org"
EVENTS = f"{API}/events"
IMPORT_HEADER = "employee_number,name,email,department_code,hire_date"


@dataclass
class OrgService:
    """One running org service and a client talking to it over ASGI."""

    app: FastAPI
    client: httpx.AsyncClient
    minter: TokenMinter
    db: TestDatabase
    _departments: dict[str, dict[str, Any]] = field(default_factory=dict)
    _serial: int = 0

    # ---- who is calling ------------------------------------------------------------

    def as_user(
        self, *roles: str, employee_id: object = None, username: str = "someone"
    ) -> dict[str, str]:
        """Headers of a person with ``roles`` (linked to ``employee_id`` when given)."""
        linked = uuid.UUID(str(employee_id)) if employee_id is not None else None
        return bearer(self.minter.user(roles, employee_id=linked, username=username))

    def admin(self) -> dict[str, str]:
        return self.as_user("admin", username="ada")

    def gm(self, employee_id: object = None) -> dict[str, str]:
        return self.as_user("gm", employee_id=employee_id, username="grace")

    def hr(self) -> dict[str, str]:
        return self.as_user("hr", username="harriet")

    def auditor(self) -> dict[str, str]:
        return self.as_user("auditor", username="audrey")

    def employee(self, employee_id: object = None, username: str = "erin") -> dict[str, str]:
        return self.as_user("employee", employee_id=employee_id, username=username)

    def client_with(self, *scopes: str) -> dict[str, str]:
        return bearer(self.minter.client(list(scopes), client_id="integration"))

    # ---- records ------------------------------------------------------------------

    async def department(self, code: str) -> dict[str, Any]:
        """A department by code (the seven of the reference data and any created since)."""
        if code not in self._departments:
            page = await self.client.get(
                f"{API}/departments", params={"limit": 200}, headers=self.admin()
            )
            assert page.status_code == 200, page.text
            self._departments = {d["code"]: d for d in page.json()["items"]}
        return self._departments[code]

    async def department_id(self, code: str) -> str:
        return str((await self.department(code))["id"])

    async def create_department(
        self, code: str, parent: str = "GMO", **fields: Any
    ) -> dict[str, Any]:
        body = {"code": code, "name": fields.pop("name", f"部门{code}"), **fields}
        if parent:
            body["parent_id"] = await self.department_id(parent)
        response = await self.client.post(f"{API}/departments", json=body, headers=self.admin())
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        self._departments[code] = created
        return created

    async def set_head(self, code: str, employee_id: object) -> dict[str, Any]:
        department = await self.department(code)
        response = await self.client.patch(
            f"{API}/departments/{department['id']}",
            json={"head_employee_id": str(employee_id)},
            headers=self.admin(),
        )
        assert response.status_code == 200, response.text
        self._departments[code] = response.json()
        return self._departments[code]

    def next_number(self) -> str:
        self._serial += 1
        return f"E{self._serial:05d}"

    async def hire(
        self, name: str = "张三", department: str = "RND", **fields: Any
    ) -> dict[str, Any]:
        """HR creates an employee; number and email are made up unless given."""
        number = fields.pop("employee_number", None) or self.next_number()
        body = {
            "employee_number": number,
            "name": name,
            "email": fields.pop("email", f"{number.lower()}@example.cn"),
            "department_id": await self.department_id(department),
            "hire_date": fields.pop("hire_date", "2024-03-01"),
            **{k: str(v) if isinstance(v, uuid.UUID) else v for k, v in fields.items()},
        }
        response = await self.client.post(f"{API}/employees", json=body, headers=self.hr())
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def get_employee(
        self, employee_id: object, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        response = await self.client.get(
            f"{API}/employees/{employee_id}", headers=headers or self.hr()
        )
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    async def employee_count(self) -> int:
        response = await self.client.get(
            f"{API}/employees", params={"limit": 1, "with_total": "true"}, headers=self.hr()
        )
        assert response.status_code == 200, response.text
        return int(response.json()["total"])

    async def import_csv(
        self, content: str | bytes, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        data = content.encode("utf-8") if isinstance(content, str) else content
        return await self.client.post(
            f"{API}/employee-imports",
            files={"file": ("employees.csv", data, "text/csv")},
            headers=headers or self.hr(),
        )

    # ---- the event feed -------------------------------------------------------------

    async def feed_head(self) -> int:
        """The newest sequence number once everything committed so far is published."""
        await self.app.state.runtime.publisher.publish_pending()
        after = 0
        while True:
            page = await self.client.get(
                EVENTS, params={"after": after, "limit": 1000}, headers=self.auditor()
            )
            assert page.status_code == 200, page.text
            body = page.json()
            if not body["items"]:
                return after
            after = body["next_after"]

    async def events_after(self, after: int, *, within: float = 10.0) -> list[dict[str, Any]]:
        """Every event after ``after``, waiting (long-poll) until at least one is published."""
        deadline = time.monotonic() + within
        items: list[dict[str, Any]] = []
        while not items:
            if time.monotonic() > deadline:
                pytest.fail(f"no event after seq {after} within {within} s")
            page = await self.client.get(
                EVENTS, params={"after": after, "limit": 1000, "wait": 2}, headers=self.auditor()
            )
            assert page.status_code == 200, page.text
            items = page.json()["items"]
        # Events of one transaction are numbered together; read on until the feed is drained.
        while True:
            page = await self.client.get(
                EVENTS,
                params={"after": items[-1]["seq"], "limit": 1000},
                headers=self.auditor(),
            )
            more = page.json()["items"]
            if not more:
                return items
            items.extend(more)


def csv_rows(rows: Iterable[Iterable[object]], header: str = IMPORT_HEADER) -> str:
    """A CSV file: the header line and one line per row."""
    return "\n".join([header, *(",".join(str(v) for v in row) for row in rows)]) + "\n"


@pytest.fixture
async def org(
    database_url: TestDatabase, minter: TokenMinter, tmp_path: Path
) -> AsyncIterator[OrgService]:
    """The org service on this test's database, migrated and seeded with the reference data."""
    url, schema = database_url.url, database_url.schema
    await migrate_and_seed("org", database_url, load_reference_data, tmp_path)
    settings = OrgSettings(database_url=url, database_schema=schema, publisher_interval=0.1)
    with service_app(create_app, settings, verifier=minter.verifier()) as app:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield OrgService(app, client, minter, database_url)
