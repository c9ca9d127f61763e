"""The engine's directory against the real org service, reached as through the gateway.

``OrgDirectory`` talks HTTP; here its requests go to org's own application (migrated, with
the seven reference departments) behind a stand-in gateway that grants the client token
and records what was asked.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

import shared.kit.migrations
from services.org.app import create_app
from services.org.config import OrgSettings
from services.org.reference import load_reference_data
from services.workflow.domain.directory import OrgDirectory
from shared.kit.errors import ServiceUnavailable
from shared.kit.service_client import ServiceClient
from shared.kit.testing import TokenMinter, bearer
from tests.conftest import TestDatabase as Database

ORG = "/api/v1/org"


@dataclass
class Gateway(httpx.AsyncBaseTransport):
    """Grants client tokens as the gateway does and passes ``/api/v1/org/…`` on to org."""

    org: FastAPI
    minter: TokenMinter
    asked: list[httpx.Request] = field(default_factory=list)
    # path → another path: the answer to the first is the one org gives to the second
    mixed_up: dict[str, str] = field(default_factory=dict)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/auth/token":
            token = self.minter.client(["org:read"], client_id="workflow")
            return httpx.Response(200, json={"access_token": token, "expires_in": 900})
        self.asked.append(request)
        if request.url.path in self.mixed_up:
            request = httpx.Request(
                request.method,
                request.url.copy_with(path=self.mixed_up[request.url.path]),
                headers=request.headers,
            )
        return await httpx.ASGITransport(app=self.org).handle_async_request(request)


@dataclass
class Org:
    """The running org service, a client of it, and the directory reading it."""

    client: httpx.AsyncClient
    minter: TokenMinter
    gateway: Gateway
    directory: OrgDirectory
    ids: dict[str, str] = field(default_factory=dict)  # department ids by code

    def as_(self, *roles: str) -> dict[str, str]:
        return bearer(self.minter.user(roles, username="ada"))

    async def department(self, code: str) -> None:
        response = await self.client.post(
            f"{ORG}/departments",
            json={"code": code, "name": f"部门{code}", "parent_id": self.ids["GMO"]},
            headers=self.as_("admin"),
        )
        assert response.status_code == 201, response.text
        self.ids[code] = response.json()["id"]

    async def hire(self, number: str, department_code: str) -> str:
        body = {
            "employee_number": number,
            "name": f"员工{number}",
            "email": f"{number.lower()}@example.cn",
            "department_id": self.ids[department_code],
            "hire_date": "2024-03-01",
        }
        response = await self.client.post(f"{ORG}/employees", json=body, headers=self.as_("hr"))
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def set_head(self, department_code: str, employee_id: str) -> None:
        response = await self.client.patch(
            f"{ORG}/departments/{self.ids[department_code]}",
            json={"head_employee_id": employee_id},
            headers=self.as_("admin"),
        )
        assert response.status_code == 200, response.text


@pytest.fixture
async def org(database_url: Database, minter: TokenMinter, tmp_path: Path) -> AsyncIterator[Org]:
    url, schema = database_url.url, database_url.schema
    await asyncio.to_thread(shared.kit.migrations.upgrade, "org", url, schema)
    await load_reference_data(url=url, schema=schema, data_dir=tmp_path, demo=False)
    app = create_app(
        OrgSettings(database_url=url, database_schema=schema, publisher_interval=0.1),
        verifier=minter.verifier(),
    )
    async with app.router.lifespan_context(app):
        gateway = Gateway(app, minter)
        service_client = ServiceClient("http://gateway", "workflow", "secret", transport=gateway)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            seeded = await client.get(f"{ORG}/departments", headers=bearer(minter.user(("admin",))))
            ids = {d["code"]: d["id"] for d in seeded.json()["items"]}
            try:
                yield Org(client, minter, gateway, OrgDirectory(service_client), ids)
            finally:
                await service_client.aclose()


async def test_a_department_head_is_found_by_code_among_many_departments(org: Org) -> None:
    # 200 departments sort before the seven of the reference data: HR is past the first page.
    for number in range(200):
        await org.department(f"A{number:03d}")
    head = await org.hire("E00001", "HR")
    await org.set_head("HR", head)
    org.gateway.asked.clear()

    found = await org.directory.department_head("HR", uuid.uuid4())

    assert found == uuid.UUID(head)
    asked = [r for r in org.gateway.asked if r.url.path == f"{ORG}/departments"]
    assert len(asked) == 1
    assert asked[0].url.params["code"] == "HR"
    assert await org.directory.department_head("NOPE", uuid.uuid4()) is None
    assert await org.directory.department_head("A000", uuid.uuid4()) is None  # no head set


async def test_the_head_of_the_requesters_own_department(org: Org) -> None:
    head = await org.hire("E00001", "RND")
    member = await org.hire("E00002", "RND")
    await org.set_head("RND", head)

    assert await org.directory.department_head(None, uuid.UUID(member)) == uuid.UUID(head)
    assert await org.directory.department_head(None, uuid.uuid4()) is None  # nobody by that id


async def test_an_employees_name_as_org_gives_it(org: Org) -> None:
    employee = await org.hire("E00003", "RND")

    assert await org.directory.employee_name(uuid.UUID(employee)) == "员工E00003"
    assert await org.directory.employee_name(uuid.uuid4()) is None


async def test_an_answer_about_another_employee_is_never_taken(org: Org) -> None:
    """Were an answer mixed up on its way (the answer to another request), the directory
    refuses it (503, asked again later) rather than name or route to the wrong person."""
    asked_for = await org.hire("E00004", "RND")
    someone_else = await org.hire("E00005", "RND")
    await org.set_head("RND", someone_else)
    org.gateway.mixed_up[f"{ORG}/employees/{asked_for}"] = f"{ORG}/employees/{someone_else}"

    with pytest.raises(ServiceUnavailable):
        await org.directory.employee_name(uuid.UUID(asked_for))
    with pytest.raises(ServiceUnavailable):
        await org.directory.is_current_employee(uuid.UUID(asked_for))
    with pytest.raises(ServiceUnavailable):
        await org.directory.department_head(None, uuid.UUID(asked_for))

    org.gateway.mixed_up.clear()
    assert await org.directory.employee_name(uuid.UUID(asked_for)) == "员工E00004"
