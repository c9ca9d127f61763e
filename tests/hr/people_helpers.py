"""Stand-ins for what hr's recruitment, onboarding and contracts call through the gateway: org's
employees API (recording every call, down when told) and workflow's platform inbox — and a
recruitment pipeline built through hr's own API, step by step."""

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from shared.kit.testing import FakeWorkflow

API = "/api/v1/hr"


def problem(status: int, code: str, detail: str = "") -> httpx.Response:
    return httpx.Response(status, json={"status": status, "code": code, "detail": detail})


@dataclass
class FakeOrg:
    """org's ``/employees`` as hr calls it: ``Idempotency-Key`` replays the first answer, the
    employee number and e-mail are unique (409), ``down`` answers 503 and changes nothing,
    ``lose_answers`` creates but drops the answer."""

    employees: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → record
    by_key: dict[str, str] = field(default_factory=dict)  # Idempotency-Key → id
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    down: bool = False
    lose_answers: bool = False

    def creates(self) -> int:
        """How many employees org holds."""
        return len(self.employees)

    def posts(self) -> int:
        """How many creates hr asked for (answered or not)."""
        return sum(1 for method, path, _ in self.calls if method == "POST")

    async def handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        self.calls.append((request.method, request.url.path, body))
        if self.down:
            return problem(503, "service_unavailable", "org is down")
        path = request.url.path.removeprefix("/api/v1/org")
        if request.method == "POST" and path == "/employees":
            key = request.headers.get("idempotency-key", "")
            if key and key in self.by_key:
                answer = httpx.Response(201, json=self.employees[self.by_key[key]])
            else:
                if any(
                    e["employee_number"] == body["employee_number"] for e in self.employees.values()
                ):
                    return problem(409, "duplicate_employee_number")
                if any(e["email"] == body["email"] for e in self.employees.values()):
                    return problem(409, "duplicate_email")
                record = {**body, "id": str(uuid.uuid4()), "version": 1}
                self.employees[record["id"]] = record
                if key:
                    self.by_key[key] = record["id"]
                answer = httpx.Response(201, json=record)
            if self.lose_answers:
                raise httpx.ReadTimeout("the answer was lost", request=request)
            return answer
        if request.method == "GET" and path == "/employees":
            q = request.url.params.get("q", "")
            items = [e for e in self.employees.values() if q in (e["employee_number"], e["email"])]
            return httpx.Response(200, json={"items": items, "next_cursor": None})
        if request.method == "PATCH" and path.startswith("/employees/"):
            record = self.employees.get(path.split("/")[2])
            if record is None:
                return problem(404, "not_found")
            record.update(body)
            record["version"] += 1
            return httpx.Response(200, json=record)
        return problem(404, "not_found")


@dataclass
class FakeInbox:
    """workflow's platform inbox: one delivery per ``idempotency_key``; ``down`` answers 503."""

    notices: dict[str, dict[str, Any]] = field(default_factory=dict)
    posts: int = 0
    down: bool = False

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.posts += 1
        if self.down:
            return problem(503, "service_unavailable")
        body = json.loads(request.content)
        key = body["idempotency_key"]
        if key in self.notices:
            if self.notices[key] != body:
                return problem(422, "idempotency_key_reused")
            return httpx.Response(201, json={"id": key}, headers={"Idempotent-Replayed": "true"})
        self.notices[key] = body
        return httpx.Response(201, json={"id": key})


@dataclass
class Platform:
    """What hr's service client reaches in tests: org, the inbox, and the rest of workflow."""

    workflow: FakeWorkflow
    org: FakeOrg = field(default_factory=FakeOrg)
    inbox: FakeInbox = field(default_factory=FakeInbox)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.startswith("/api/v1/org/"):
            return await self.org.handle(request)
        if path == "/api/v1/workflow/notifications" and request.method == "POST":
            return await self.inbox.handle(request)
        return await self.workflow.handle(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    found: dict[str, Any] = response.json()
    return found


def later(hours: int = 2) -> str:
    return datetime(2025, 6, 20, 2 + hours, tzinfo=UTC).isoformat()
