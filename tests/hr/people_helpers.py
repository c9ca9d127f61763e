"""Stand-ins for what hr's recruitment, onboarding and contracts call through the gateway: org's
employees API (recording every call, down when told) and workflow's platform inbox — and a
recruitment pipeline built through hr's own API, step by step."""

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from services.hr.domain.hiring import PLAN_SAGA
from shared.kit.testing import FakeWorkflow

if TYPE_CHECKING:
    from tests.hr.conftest import Company, HrService

API = "/api/v1/hr"


def problem(status: int, code: str, detail: str = "") -> httpx.Response:
    return httpx.Response(status, json={"status": status, "code": code, "detail": detail})


@dataclass
class FakeOrg:
    """org's ``/employees`` as hr calls it: ``Idempotency-Key`` replays the first answer, the
    employee number and e-mail are unique (409), ``down`` answers 503 and changes nothing,
    ``lose_answers`` creates but drops the answer, ``answer_about`` answers a create, a read or
    a change of an employee with that other employee's record instead (and changes nothing): an
    answer mixed up on its way."""

    employees: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → record
    by_key: dict[str, str] = field(default_factory=dict)  # Idempotency-Key → id
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    down: bool = False
    lose_answers: bool = False
    answer_about: str | None = None  # an employee id

    def creates(self) -> int:
        """How many employees org holds."""
        return len(self.employees)

    def posts(self) -> int:
        """How many creates hr asked for (answered or not)."""
        return sum(1 for method, path, _ in self.calls if method == "POST")

    def mixed_up(self, request: httpx.Request) -> httpx.Response | None:
        """With ``answer_about``: the other employee's record as the answer to a create, read
        or change of an employee."""
        path = request.url.path.removeprefix("/api/v1/org")
        about_one = request.method in ("GET", "PATCH") and path.startswith("/employees/")
        if self.answer_about is None or not (about_one or request.method == "POST"):
            return None
        status = 201 if request.method == "POST" else 200
        return httpx.Response(status, json=self.employees[self.answer_about])

    async def handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        self.calls.append((request.method, request.url.path, body))
        if self.down:
            return problem(503, "service_unavailable", "org is down")
        if (answer := self.mixed_up(request)) is not None:
            return answer
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


SCORES = [{"criterion": "系统设计", "score": 4}, {"criterion": "沟通", "score": 5}]


@dataclass
class Hiring:
    hr: "HrService"
    company: "Company"
    plan: dict[str, Any]
    posting: dict[str, Any]

    @property
    def head(self) -> dict[str, str]:
        return self.hr.employee(self.company.rnd_head, username="head")

    async def candidate(self, name: str, email: str, phone: str | None = None) -> dict[str, Any]:
        return ok(
            await self.hr.client.post(
                f"{API}/candidates",
                json={"name": name, "email": email, "phone": phone, "source_channel": "job_board"},
                headers=self.hr.hr(),
            ),
            201,
        )

    async def apply(self, candidate: dict[str, Any]) -> dict[str, Any]:
        return ok(
            await self.hr.client.post(
                f"{API}/applications",
                json={"candidate_id": candidate["id"], "job_posting_id": self.posting["id"]},
                headers=self.hr.hr(),
            ),
            201,
        )

    async def move(self, application: dict[str, Any], stage: str, **more: Any) -> Any:
        return await self.hr.client.post(
            f"{API}/applications/{application['id']}/stage",
            json={"stage": stage, **more},
            headers=self.hr.hr(),
        )

    async def to_interviewing(self, application: dict[str, Any]) -> None:
        for stage in ("screening", "shortlisted", "interviewing"):
            ok(await self.move(application, stage))

    async def interview(
        self, application: dict[str, Any], round_name: str, *interviewers: uuid.UUID
    ) -> dict[str, Any]:
        return ok(
            await self.hr.client.post(
                f"{API}/interviews",
                json={
                    "application_id": application["id"],
                    "round": round_name,
                    "scheduled_at": later(),
                    "interviewer_ids": [str(i) for i in interviewers],
                },
                headers=self.hr.hr(),
            ),
            201,
        )

    async def check(self, application: dict[str, Any], result: str = "passed") -> None:
        ok(
            await self.hr.client.post(
                f"{API}/applications/{application['id']}/background-checks",
                json={"checker": "诚信背调", "result": result, "checked_on": "2025-06-10"},
                headers=self.hr.hr(),
            ),
            201,
        )

    async def offer(self, application: dict[str, Any], salary: str = "26000.00") -> Any:
        return await self.hr.client.post(
            f"{API}/offers",
            json={
                "application_id": application["id"],
                "grade": "P5",
                "salary": salary,
                "start_date": "2025-07-01",
                "probation_months": 3,
            },
            headers=self.hr.hr(),
        )


async def approved_plan(hr: "HrService", company: "Company", **more: Any) -> dict[str, Any]:
    """The RND head asks for two engineers; workflow approves."""
    created = ok(
        await hr.client.post(
            f"{API}/hiring-plans",
            json={
                "department_id": str(hr.departments["RND"]),
                "position": "高级后端工程师",
                "grade": "P5",
                "headcount": 2,
                "reason": "新产品线",
                "channels": ["job_board", "referral"],
                **more,
            },
            headers=hr.employee(company.rnd_head, username="head"),
        ),
        201,
    )
    assert created["status"] == "pending"
    assert created["workflow_instance_id"]
    assert created["requester_employee_id"] == str(company.rnd_head)
    [started] = [b for b in hr.workflow.started() if b["subject"]["type"] == "hiring_plan"]
    assert started["definition_key"] == "hiring"
    assert await hr.conclude(
        PLAN_SAGA, "workflow-outcomes-hiring", "hiring_plan", created["id"], "approved"
    )
    plan = ok(await hr.client.get(f"{API}/hiring-plans/{created['id']}", headers=hr.hr()))
    assert plan["status"] == "approved"
    return plan


async def hiring_of(hr: "HrService", company: "Company", **plan: Any) -> Hiring:
    """An approved plan of RND (two openings) and its open posting."""
    approved = await approved_plan(hr, company, **plan)
    posting = ok(
        await hr.client.post(
            f"{API}/job-postings", json={"hiring_plan_id": approved["id"]}, headers=hr.hr()
        ),
        201,
    )
    return Hiring(hr, company, approved, posting)


async def approved_offer(hiring: Hiring, name: str, email: str) -> dict[str, Any]:
    """A candidate taken through the pipeline to an approved offer (within the band)."""
    application = await hiring.apply(await hiring.candidate(name, email))
    await hiring.to_interviewing(application)
    await hiring.check(application)
    return ok(await hiring.offer(application), 201)
