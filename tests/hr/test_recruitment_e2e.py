"""Recruitment to onboarding through the real platform (issue 15, "Done when"): a department
head's hiring plan is approved in workflow, a candidate is screened, interviewed in two rounds
with scorecards, checked, offered and accepts; onboarding makes them an employee in org exactly
once — also when org is stopped (SIGSTOP) at the moment of acceptance — with a labour contract,
and the completed checklist makes them active. A contract about to expire alerts HR once."""

import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import POSTGRES_URL, TEST_DB
from tests.hr.test_leave_saga_e2e import (
    create_account,
    eventually,
    login,
    ok,
    service_pid,
    warm_up,
)
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform, start_platform

HR = "/api/v1/hr"
WF = "/api/v1/workflow"
ORG = "/api/v1/org"
SCORES = [{"criterion": "技术", "score": 4}, {"criterion": "沟通", "score": 5}]


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    """The platform, with hr's sweeps (approvals, onboarding, expiry alerts) every half second."""
    running = start_platform(
        tmp_path_factory.mktemp("platform"),
        postgres_url=POSTGRES_URL if TEST_DB == "postgresql" else None,
        extra_env={
            "OFFICINA_APPROVAL_SWEEP_INTERVAL": "0.5",
            "OFFICINA_APPROVAL_SWEEP_GRACE": "2",
            "OFFICINA_SWEEP_INTERVAL": "0.5",
        },
    )
    yield running
    running.stop()
    running.drop_schemas()


@dataclass
class People:
    admin: httpx.Client
    hr: httpx.Client  # HR, and head of the HR department (the hiring definition's second step)
    head: httpx.Client  # head of R&D
    gm: httpx.Client  # head of the general manager's office
    head_id: str
    hr_id: str
    rnd_id: str


def feed(admin: httpx.Client, event_type: str) -> list[str]:
    """The subjects of hr's events of that type, once there is one (an event joins the feed a
    moment after its commit, when hr's publisher numbers it)."""

    def subjects() -> list[str]:
        page = ok(admin.get(f"{HR}/events", params={"after": 0, "type": event_type}))
        return [e["subject"]["id"] for e in page["items"]]

    found: list[str] = eventually(subjects, within=10, what=f"{event_type} in hr's feed")
    return found


def approve_task(client: httpx.Client, instance_id: str) -> None:
    """The caller's pending task of the instance, approved."""

    def probe() -> dict[str, Any] | None:
        inbox = ok(client.get(f"{WF}/tasks", params={"assignee": "me", "status": "pending"}))
        return next((t for t in inbox["items"] if t["instance_id"] == instance_id), None)

    task = eventually(probe, within=10, what="the approver's task")
    ok(client.post(f"{WF}/tasks/{task['id']}/approve", json={"comment": "同意"}))


@pytest.fixture(scope="module")
def people(platform: RunningPlatform) -> Iterator[People]:
    admin = login(platform, "admin", ADMIN_PASSWORD)
    warm_up(admin)
    departments = {
        d["code"]: d for d in ok(admin.get(f"{ORG}/departments", params={"limit": 200}))["items"]
    }

    def hire(number: str, name: str, code: str) -> str:
        created = ok(
            admin.post(
                f"{ORG}/employees",
                json={
                    "employee_number": number,
                    "name": name,
                    "email": f"{number.lower()}@example.cn",
                    "department_id": departments[code]["id"],
                    "hire_date": "2018-03-01",
                },
            ),
            201,
        )
        ok(
            admin.patch(
                f"{ORG}/departments/{departments[code]['id']}",
                json={"head_employee_id": created["id"]},
            )
        )
        return str(created["id"])

    head_id = hire("RC-001", "李研发", "RND")
    hr_id = hire("RC-002", "韩人事", "HR")
    gm_id = hire("RC-003", "高总", "GMO")
    create_account(admin, "li.head", employee_id=head_id)
    create_account(admin, "han.hr", roles=["hr"], employee_id=hr_id)
    create_account(admin, "gao.gm", roles=["gm"], employee_id=gm_id)
    clients = [login(platform, name) for name in ("han.hr", "li.head", "gao.gm")]
    try:
        yield People(admin, *clients, head_id=head_id, hr_id=hr_id, rnd_id=departments["RND"]["id"])
    finally:
        for client in (admin, *clients):
            client.close()


def test_a_hire_from_plan_to_active_employee_with_org_stopped_at_acceptance(
    platform: RunningPlatform, people: People
) -> None:
    hr, head = people.hr, people.head

    # the R&D head asks to hire, once hr knows the department and its head from org's feed
    def plan_recorded() -> dict[str, Any] | None:
        response = head.post(
            f"{HR}/hiring-plans",
            json={
                "department_id": people.rnd_id,
                "position": "后端工程师",
                "grade": "P4",
                "headcount": 1,
                "reason": "新项目",
                "channels": ["job_board"],
            },
        )
        return response.json() if response.status_code == 201 else None

    plan = eventually(plan_recorded, within=30, every=0.3, what="hr knowing the department head")
    assert plan["status"] == "pending"
    instance_id = eventually(
        lambda: hr.get(f"{HR}/hiring-plans/{plan['id']}").json()["workflow_instance_id"],
        within=15,
        what="the plan's approval started",
    )
    approve_task(hr, instance_id)  # the HR head (the requester's own step is skipped)
    approve_task(people.gm, instance_id)
    eventually(
        lambda: hr.get(f"{HR}/hiring-plans/{plan['id']}").json()["status"] == "approved",
        within=15,
        what="the plan approved in hr",
    )
    posting = ok(hr.post(f"{HR}/job-postings", json={"hiring_plan_id": plan["id"]}), 201)

    # a candidate applies, is screened and shortlisted, interviewed in two rounds
    candidate = ok(
        hr.post(
            f"{HR}/candidates",
            json={"name": "周新人", "email": "zhou.new@example.com", "source_channel": "job_board"},
        ),
        201,
    )
    application = ok(
        hr.post(
            f"{HR}/applications",
            json={"candidate_id": candidate["id"], "job_posting_id": posting["id"]},
        ),
        201,
    )
    for stage in ("screening", "shortlisted", "interviewing"):
        ok(hr.post(f"{HR}/applications/{application['id']}/stage", json={"stage": stage}))
    start = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    for round_name, interviewer, client in (
        ("部门负责人面试 Department head", people.head_id, head),
        ("人力资源面试 HR", people.hr_id, hr),
    ):
        interview = ok(
            hr.post(
                f"{HR}/interviews",
                json={
                    "application_id": application["id"],
                    "round": round_name,
                    "scheduled_at": start,
                    "interviewer_ids": [interviewer],
                },
            ),
            201,
        )
        assert ok(client.get(f"{HR}/candidates/{candidate['id']}"))["name"] == "周新人"
        ok(
            client.post(
                f"{HR}/interviews/{interview['id']}/scorecards/me/submit",
                json={"scores": SCORES, "recommendation": "hire"},
            )
        )
        assert ok(hr.get(f"{HR}/interviews/{interview['id']}"))["status"] == "completed"

    # checked, offered within the band, accepted while org is stopped
    ok(
        hr.post(
            f"{HR}/applications/{application['id']}/background-checks",
            json={"checker": "诚信背调", "result": "passed", "checked_on": start[:10]},
        ),
        201,
    )
    start_date = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
    offer = ok(
        hr.post(
            f"{HR}/offers",
            json={
                "application_id": application["id"],
                "grade": "P4",
                "salary": "20000.00",
                "start_date": start_date,
                "probation_months": 2,
            },
        ),
        201,
    )
    assert offer["status"] == "approved"
    pid = service_pid(platform, "org")
    os.kill(pid, signal.SIGSTOP)
    try:
        onboarding = ok(
            hr.post(f"{HR}/offers/{offer['id']}/accept", json={"employee_number": "RC-NEW-1"})
        )
    finally:
        os.kill(pid, signal.SIGCONT)
    assert onboarding["employee_id"] is None  # org did not answer in time

    def created() -> dict[str, Any] | None:
        found = ok(hr.get(f"{HR}/onboardings/{onboarding['id']}"))
        return found if found["employee_id"] else None

    onboarding = eventually(created, within=30, what="the employee created in org")
    time.sleep(1.0)  # give a second create every chance to show up
    matches = ok(hr.get(f"{ORG}/employees", params={"q": "RC-NEW-1"}))["items"]
    bound = hr.get(f"{ORG}/employees/{onboarding['employee_id']}")
    assert [e["id"] for e in matches] == [onboarding["employee_id"]], (
        f"hr bound the onboarding to {bound.status_code} {bound.text[:300]}; "
        f"org's log and hr's: {platform.log()[-3000:]}"
    )
    assert matches[0]["status"] == "onboarding"
    assert matches[0]["department_id"] == people.rnd_id

    # the labour contract and the rest of the checklist make them active in org
    end_date = (datetime.fromisoformat(start_date) + timedelta(days=3 * 365)).date().isoformat()
    ok(
        hr.post(
            f"{HR}/labour-contracts",
            json={
                "employee_id": onboarding["employee_id"],
                "kind": "fixed_term",
                "start_date": start_date,
                "end_date": end_date,
                "position": "后端工程师",
                "salary": "20000.00",
            },
        ),
        201,
    )
    ok(
        hr.patch(
            f"{HR}/onboardings/{onboarding['id']}",
            json={"orientation_training": True, "equipment_issued": True, "accounts_created": True},
        )
    )
    eventually(
        lambda: ok(hr.get(f"{ORG}/employees/{onboarding['employee_id']}"))["status"] == "active",
        within=30,
        what="the employee active in org",
    )
    eventually(  # hr records org's answer a moment after org has committed it
        lambda: ok(hr.get(f"{HR}/onboardings/{onboarding['id']}"))["status"] == "completed",
        within=30,
        what="the onboarding completed in hr",
    )
    assert feed(people.admin, "hr.employee.onboarded") == [onboarding["id"]]


def test_a_contract_about_to_expire_alerts_hr_once(
    platform: RunningPlatform, people: People
) -> None:
    hr = people.hr
    today = datetime.now(UTC).date()

    def signed() -> dict[str, Any] | None:  # once hr knows the head from org's feed
        response = hr.post(
            f"{HR}/labour-contracts",
            json={
                "employee_id": people.head_id,
                "kind": "fixed_term",
                "start_date": (today - timedelta(days=700)).isoformat(),
                "end_date": (today + timedelta(days=20)).isoformat(),
                "position": "研发负责人",
                "salary": "40000.00",
            },
        )
        return response.json() if response.status_code == 201 else None

    contract = eventually(signed, within=30, every=0.3, what="the contract recorded")

    def alerts() -> list[dict[str, Any]]:
        inbox = ok(hr.get(f"{WF}/notifications", params={"kind": "labour_contract_expiry"}))
        return [n for n in inbox["items"] if n["link"] and n["link"]["id"] == contract["id"]]

    eventually(alerts, within=30, what="HR's expiry alert")
    time.sleep(1.5)  # three more sweeps
    assert len(alerts()) == 1
    assert feed(people.admin, "hr.labour_contract.expiring") == [contract["id"]]
