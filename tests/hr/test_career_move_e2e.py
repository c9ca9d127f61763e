"""A job rotation through the real platform: proposed by the employee's manager, approved in
workflow (``general_request``: the manager's own manager approves), then applied to org — the
employee's department and manager change there once, through org's API with ``If-Match``."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import POSTGRES_URL, TEST_DB
from tests.hr.test_leave_saga_e2e import create_account, eventually, login, ok, warm_up
from tests.hr.test_recruitment_e2e import approve_task
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform, start_platform

HR = "/api/v1/hr"
ORG = "/api/v1/org"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
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


def test_an_approved_rotation_reaches_org_once(platform: RunningPlatform) -> None:
    admin = login(platform, "admin", ADMIN_PASSWORD)
    warm_up(admin)
    departments = {
        d["code"]: d for d in ok(admin.get(f"{ORG}/departments", params={"limit": 200}))["items"]
    }
    rnd, sales = departments["RND"]["id"], departments["SALES"]["id"]

    def hire(number: str, name: str, department: str, **more: str) -> str:
        created = ok(
            admin.post(
                f"{ORG}/employees",
                json={
                    "employee_number": number,
                    "name": name,
                    "email": f"{number.lower()}@example.cn",
                    "department_id": department,
                    "hire_date": "2019-03-01",
                    **more,
                },
            ),
            201,
        )
        return str(created["id"])

    director = hire("CM-001", "总监", rnd)
    manager = hire("CM-002", "经理", rnd, manager_id=director)
    engineer = hire("CM-003", "工程师", rnd, manager_id=manager)
    create_account(admin, "cm.director", employee_id=director)
    create_account(admin, "cm.manager", employee_id=manager)
    create_account(admin, "cm.engineer", employee_id=engineer)
    boss, lead, me = (login(platform, n) for n in ("cm.director", "cm.manager", "cm.engineer"))
    try:
        eventually(
            lambda: lead.get(f"{HR}/employees/{engineer}/training-record").status_code == 200,
            within=20,
            what="hr knowing the engineer and their manager",
        )
        before = ok(admin.get(f"{ORG}/employees/{engineer}"))["version"]
        move: dict[str, Any] = ok(
            lead.post(
                f"{HR}/career-moves",
                json={
                    "employee_id": engineer,
                    "kind": "rotation",
                    "to_department_id": sales,
                    "to_manager_id": director,
                    "effective_date": "2027-01-01",
                    "reason": "轮岗培养：了解客户需求",
                },
            ),
            201,
        )
        instance = eventually(
            lambda: ok(lead.get(f"{HR}/career-moves/{move['id']}"))["workflow_instance_id"],
            within=15,
            what="the move's approval starting in workflow",
        )
        approve_task(boss, instance)
        applied = eventually(
            lambda: (
                (m := ok(me.get(f"{HR}/career-moves/{move['id']}")))["status"] == "applied" and m
            ),
            within=20,
            what="the move applied to org",
        )
        assert applied["applied_at"]
        record = ok(admin.get(f"{ORG}/employees/{engineer}"))
        assert (record["department_id"], record["manager_id"]) == (sales, director)
        assert record["version"] == before + 1  # one PATCH: applied exactly once
    finally:
        for client in (admin, boss, lead, me):
            client.close()
