"""Training through hr's API: the year's plan, courses and sessions, enrolment (never past a
session's capacity, held by the database too), attendance, completion, the effectiveness
evaluation, and the training record — with who may do and see what."""

import asyncio
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from services.hr.db.development import CourseSession
from tests.hr.conftest import Company, HrService
from tests.hr.development_helpers import API


async def course(hr: HrService, code: str = "SEC-101", **more: Any) -> dict[str, Any]:
    answer = await hr.client.post(
        f"{API}/courses",
        json={
            "code": code,
            "title": "信息安全意识",
            "kind": "internal",
            "hours": "4.0",
            "cost_per_participant": "300.00",
            **more,
        },
        headers=hr.hr(),
    )
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def session_of(hr: HrService, course_id: str, capacity: int = 2) -> dict[str, Any]:
    answer = await hr.client.post(
        f"{API}/course-sessions",
        json={
            "course_id": course_id,
            "starts_on": "2027-03-02",
            "ends_on": "2027-03-02",
            "location": "培训室",
            "capacity": capacity,
        },
        headers=hr.hr(),
    )
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def enrol(hr: HrService, session_id: str, employee: object, headers: Any = None) -> Any:
    return await hr.client.post(
        f"{API}/enrolments",
        json={"session_id": session_id, "employee_id": str(employee)},
        headers=headers or hr.hr(),
    )


async def test_a_session_never_takes_more_than_its_capacity(
    hr: HrService, company: Company
) -> None:
    made = await course(hr)
    seats = await session_of(hr, made["id"], capacity=2)
    assert (await enrol(hr, seats["id"], company.employee)).status_code == 201
    assert (await enrol(hr, seats["id"], company.colleague)).status_code == 201
    full = await enrol(hr, seats["id"], company.manager)
    assert full.status_code == 409
    assert full.json()["code"] == "session_full"
    twice = await enrol(hr, seats["id"], company.employee)
    assert twice.json()["code"] in ("already_enrolled", "session_full")
    read = await hr.client.get(f"{API}/course-sessions/{seats['id']}", headers=hr.hr())
    assert read.json()["enrolled"] == 2
    # a cancelled seat is free again
    page = await hr.client.get(
        f"{API}/enrolments", params={"session_id": seats["id"]}, headers=hr.hr()
    )
    first = page.json()["items"][0]
    cancelled = await hr.client.post(
        f"{API}/enrolments/{first['id']}/cancel", headers=hr.employee(first["employee_id"])
    )
    assert cancelled.status_code == 200, cancelled.text
    assert (await enrol(hr, seats["id"], company.manager)).status_code == 201


async def test_the_database_refuses_a_count_past_capacity(hr: HrService, company: Company) -> None:
    made = await course(hr)
    seats = await session_of(hr, made["id"], capacity=1)
    async with hr.app.state.runtime.transaction() as session:
        with pytest.raises(IntegrityError):
            await session.execute(
                sa.update(CourseSession)
                .where(CourseSession.id == uuid.UUID(seats["id"]))
                .values(enrolled=2)
            )


async def test_concurrent_enrolments_for_the_last_seats_leave_exactly_the_capacity(
    hr: HrService, company: Company
) -> None:
    made = await course(hr)
    seats = await session_of(hr, made["id"], capacity=3)
    people = [await hr.person(f"学员{i}", "RND-FE") for i in range(8)]
    answers = await asyncio.gather(*(enrol(hr, seats["id"], p) for p in people))
    codes = sorted(a.status_code for a in answers)
    assert codes.count(201) == 3, [a.text for a in answers]
    refused = [a.json()["code"] for a in answers if a.status_code != 201]
    assert set(refused) <= {"session_full", "write_conflict"}
    read = await hr.client.get(f"{API}/course-sessions/{seats['id']}", headers=hr.hr())
    assert read.json()["enrolled"] == 3
    page = await hr.client.get(
        f"{API}/enrolments", params={"session_id": seats["id"], "limit": 50}, headers=hr.hr()
    )
    assert len(page.json()["items"]) == 3


async def test_self_service_only_where_the_course_allows(hr: HrService, company: Company) -> None:
    closed = await course(hr, "LEAD-1", self_service=False)
    open_ = await course(hr, "SEC-1", self_service=True)
    closed_session = await session_of(hr, closed["id"])
    open_session = await session_of(hr, open_["id"])
    me = hr.employee(company.employee)
    refused = await hr.client.post(
        f"{API}/enrolments", json={"session_id": closed_session["id"]}, headers=me
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "self_service_not_allowed"
    other = await enrol(hr, open_session["id"], company.colleague, headers=me)
    assert other.status_code == 403
    mine = await hr.client.post(
        f"{API}/enrolments", json={"session_id": open_session["id"]}, headers=me
    )
    assert mine.status_code == 201, mine.text
    assert mine.json()["employee_id"] == str(company.employee)


async def test_attendance_completion_evaluation_and_the_record(
    hr: HrService, company: Company
) -> None:
    made = await course(hr)
    seats = await session_of(hr, made["id"])
    enrolled = (await enrol(hr, seats["id"], company.employee)).json()
    path = f"{API}/enrolments/{enrolled['id']}"
    early = await hr.client.post(
        f"{path}/completion", json={"completed_on": "2027-03-02"}, headers=hr.hr()
    )
    assert early.status_code == 409
    assert early.json()["code"] == "invalid_enrolment_transition"
    assert (
        await hr.client.post(f"{path}/attendance", json={"attendance": "attended"}, headers=hr.hr())
    ).status_code == 200
    done = await hr.client.post(
        f"{path}/completion", json={"completed_on": "2027-03-02"}, headers=hr.hr()
    )
    assert done.json()["status"] == "completed"
    rated = await hr.client.post(
        f"{path}/evaluation",
        json={"rating": 5, "comment": "实用"},
        headers=hr.employee(company.employee),
    )
    assert rated.json()["participant_rating"] == 5
    assessed = await hr.client.post(
        f"{path}/evaluation",
        json={"rating": 4, "comment": "识别钓鱼邮件"},
        headers=hr.employee(company.manager),
    )
    assert assessed.json()["manager_rating"] == 4
    again = await hr.client.post(
        f"{path}/evaluation", json={"rating": 1}, headers=hr.employee(company.employee)
    )
    assert again.json()["code"] == "evaluation_recorded"
    colleague = await hr.client.post(
        f"{path}/evaluation", json={"rating": 1}, headers=hr.employee(company.colleague)
    )
    assert colleague.status_code == 404
    record = await hr.client.get(
        f"{API}/employees/{company.employee}/training-record",
        headers=hr.employee(company.employee),
    )
    assert record.status_code == 200, record.text
    body = record.json()
    assert (body["completed_courses"], body["completed_hours"]) == (1, "4.0")
    assert body["entries"][0]["course_code"] == "SEC-101"
    for allowed in (hr.employee(company.manager), hr.employee(company.rnd_head), hr.auditor()):
        seen = await hr.client.get(
            f"{API}/employees/{company.employee}/training-record", headers=allowed
        )
        assert seen.status_code == 200
    for refused in (hr.employee(company.colleague), hr.employee(company.outsider)):
        hidden = await hr.client.get(
            f"{API}/employees/{company.employee}/training-record", headers=refused
        )
        assert hidden.status_code == 404
    types = [e["type"] for e in await hr.events() if e["type"].startswith("hr.enrolment")]
    assert types == [
        "hr.enrolment.created",
        "hr.enrolment.attended",
        "hr.enrolment.completed",
        "hr.enrolment.evaluated",
        "hr.enrolment.evaluated",
    ]


async def test_a_training_plan_from_position_needs(hr: HrService, company: Company) -> None:
    made = await course(hr)
    body = {
        "year": 2027,
        "name": "2027年度培训计划",
        "needs": [{"position": "软件工程师", "course_id": made["id"], "headcount": 10}],
        "budget": "5000.00",
    }
    not_hr = await hr.client.post(
        f"{API}/training-plans", json=body, headers=hr.employee(company.rnd_head)
    )
    assert not_hr.status_code == 403
    plan = await hr.client.post(f"{API}/training-plans", json=body, headers=hr.hr())
    assert plan.status_code == 201, plan.text
    assert plan.json()["estimated_cost"] == "3000.00"
    twice = await hr.client.post(f"{API}/training-plans", json=body, headers=hr.hr())
    assert twice.json()["code"] == "training_plan_exists"
    unknown = await hr.client.post(
        f"{API}/training-plans",
        json={
            **body,
            "year": 2028,
            "needs": [{**body["needs"][0], "course_id": str(uuid.uuid4())}],
        },
        headers=hr.hr(),
    )
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_course"
    changed = await hr.client.patch(
        f"{API}/training-plans/{plan.json()['id']}",
        json={"needs": [{**body["needs"][0], "headcount": 20}]},
        headers={**hr.hr(), "If-Match": f'"{plan.json()["version"]}"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["estimated_cost"] == "6000.00"


async def test_only_hr_runs_the_catalogue(hr: HrService, company: Company) -> None:
    answer = await hr.client.post(
        f"{API}/courses",
        json={"code": "X", "title": "x", "kind": "external_seminar", "hours": "1"},
        headers=hr.employee(company.employee),
    )
    assert answer.status_code == 403
    await course(hr)
    taken = await hr.client.post(
        f"{API}/courses",
        json={"code": "SEC-101", "title": "x", "kind": "internal", "hours": "1"},
        headers=hr.hr(),
    )
    assert taken.json()["code"] == "course_code_taken"


async def test_a_session_changes_but_never_below_its_seats_and_cancelling_frees_them(
    hr: HrService, company: Company
) -> None:
    made = await course(hr)
    seats = await session_of(hr, made["id"], capacity=3)
    for person in (company.employee, company.colleague):
        assert (await enrol(hr, seats["id"], person)).status_code == 201
    path = f"{API}/course-sessions/{seats['id']}"
    below = await hr.client.patch(path, json={"capacity": 1}, headers=hr.hr())
    assert below.status_code == 409
    assert below.json()["code"] == "capacity_below_enrolled"
    not_hr = await hr.client.patch(path, json={"capacity": 5}, headers=hr.employee(company.manager))
    assert not_hr.status_code == 403
    grown = await hr.client.patch(
        path, json={"capacity": 5, "trainer": "外聘讲师"}, headers=hr.hr()
    )
    assert grown.status_code == 200, grown.text
    assert (grown.json()["capacity"], grown.json()["enrolled"]) == (5, 2)
    cancelled = await hr.client.patch(path, json={"status": "cancelled"}, headers=hr.hr())
    assert cancelled.json()["enrolled"] == 0
    page = await hr.client.get(
        f"{API}/enrolments", params={"session_id": seats["id"]}, headers=hr.hr()
    )
    assert {e["status"] for e in page.json()["items"]} == {"cancelled"}
    closed = await enrol(hr, seats["id"], company.manager)
    assert closed.json()["code"] == "session_closed"
    changed = await hr.client.patch(
        f"{API}/courses/{made['id']}", json={"cost_per_participant": "350.00"}, headers=hr.hr()
    )
    assert changed.json()["cost_per_participant"] == "350.00"
