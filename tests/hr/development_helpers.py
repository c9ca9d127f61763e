"""Helpers for performance, training and suggestion tests: a KPI template and a review cycle
built through hr's own API."""

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from tests.hr.people_helpers import FakeOrg, problem

if TYPE_CHECKING:
    from tests.hr.conftest import Company, HrService

API = "/api/v1/hr"

INDICATORS: list[dict[str, Any]] = [
    {"name": "交付", "weight": "50", "target": "100%", "method": "achievement_percentage"},
    {"name": "质量", "weight": "30", "target": "4", "method": "numeric_scale", "scale_max": 5},
    {"name": "合规", "weight": "20", "target": "通过", "method": "pass_fail"},
]


def scores(delivery: str, quality: str, compliance: str) -> list[dict[str, str]]:
    return [
        {"indicator": "交付", "value": delivery},
        {"indicator": "质量", "value": quality},
        {"indicator": "合规", "value": compliance},
    ]


async def template(hr: "HrService", department: str = "GMO", **more: Any) -> dict[str, Any]:
    answer = await hr.client.post(
        f"{API}/kpi-templates",
        json={
            "name": "通用KPI",
            "department_id": str(hr.departments[department]),
            "indicators": INDICATORS,
            **more,
        },
        headers=hr.hr(),
    )
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def cycle(hr: "HrService", department: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "2026 Q4",
        "period": "quarterly",
        "start_date": "2026-10-01",
        "end_date": "2026-12-31",
    }
    if department:
        body["department_id"] = str(hr.departments[department])
    answer = await hr.client.post(f"{API}/review-cycles", json=body, headers=hr.hr())
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def review_of(hr: "HrService", cycle_id: str, employee: object) -> dict[str, Any]:
    page = await hr.client.get(
        f"{API}/reviews",
        params={"cycle_id": cycle_id, "employee_id": str(employee)},
        headers=hr.hr(),
    )
    assert page.status_code == 200, page.text
    items: list[dict[str, Any]] = page.json()["items"]
    assert len(items) == 1, items
    return items[0]


async def run_review(
    hr: "HrService",
    company: "Company",
    review: dict[str, Any],
    manager_scores: list[dict[str, str]],
    *,
    reviewer: object = None,
) -> dict[str, Any]:
    """Self-assessment, the head's review and HR's finalization."""
    rid = review["id"]
    answer = await hr.client.post(
        f"{API}/reviews/{rid}/self-assessment",
        json={"scores": scores("100", "4", "1"), "comment": "自评"},
        headers=hr.employee(review["employee_id"]),
    )
    assert answer.status_code == 200, answer.text
    answer = await hr.client.post(
        f"{API}/reviews/{rid}/manager-review",
        json={"scores": manager_scores, "comment": "上级评价"},
        headers=hr.employee(reviewer or company.rnd_head, username="head"),
    )
    assert answer.status_code == 200, answer.text
    answer = await hr.client.post(f"{API}/reviews/{rid}/finalize", headers=hr.hr())
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


@dataclass
class OrgWithEtags(FakeOrg):
    """org's employees as promotions reach them: ``GET /employees/{id}`` with its ETag, ``PATCH``
    honouring ``If-Match`` (412 on a stale one); ``lose_patch_answers`` applies a PATCH but
    drops its answer."""

    lose_patch_answers: bool = False

    def patches(self) -> list[tuple[str, dict[str, Any]]]:
        return [(path, body) for method, path, body in self.calls if method == "PATCH"]

    async def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1/org")
        parts = path.split("/")
        if len(parts) == 3 and parts[1] == "employees" and request.method in ("GET", "PATCH"):
            body = json.loads(request.content) if request.content else {}
            self.calls.append((request.method, request.url.path, body))
            if self.down:
                return problem(503, "service_unavailable", "org is down")
            if (answer := self.mixed_up(request)) is not None:
                return answer
            record = self.employees.get(parts[2])
            if record is None:
                return problem(404, "not_found")
            etag = f'"{record["version"]}"'
            if request.method == "PATCH":
                if request.headers.get("if-match") not in (None, etag):
                    return problem(412, "precondition_failed")
                record.update(body)
                record["version"] += 1
                if self.lose_patch_answers:
                    raise httpx.ReadTimeout("the answer was lost", request=request)
            return httpx.Response(200, json=record, headers={"ETag": f'"{record["version"]}"'})
        return await super().handle(request)
