"""Leave through the real platform (issue 6, "Done when"): people set up through the gateway,
an employee asks, the manager approves in workflow, and hr follows workflow's feed — fast when
it is up, and catching up without applying anything twice when it was down (SIGSTOP) meanwhile.
"""

import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from services.hr.domain.entitlement import annual_leave_entitlement
from tests.conftest import PATIENCE, POSTGRES_URL, TEST_DB
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform, start_platform

PASSWORD = "a-long-enough-secret-42"
HR = "/api/v1/hr"
WF = "/api/v1/workflow"


def login(platform: RunningPlatform, username: str, password: str = PASSWORD) -> httpx.Client:
    token = platform.token(username, password)
    return httpx.Client(
        base_url=platform.url, headers={"Authorization": f"Bearer {token}"}, timeout=PATIENCE
    )


def eventually(
    probe: Callable[[], Any], *, within: float, every: float = 0.05, what: str = "the condition"
) -> Any:
    """Call ``probe`` until it returns something truthy; fail after ``within`` seconds."""
    within = max(within, PATIENCE)  # a busy machine is slow, not wrong
    deadline = time.monotonic() + within
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {within} s (last: {result!r})")
        time.sleep(every)


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


def warm_up(client: httpx.Client) -> None:
    """Right after start a service may not have fetched the gateway's signing keys yet."""
    for path in ("/api/v1/org/departments", f"{HR}/leave-types", f"{WF}/definitions"):

        def accepted(path: str = path) -> bool:
            return client.get(path).status_code != 401

        eventually(accepted, within=15, every=0.2, what=f"{path} accepting tokens")


def leave_weeks(today: date) -> date:
    """A Monday after today with two whole weeks ahead in the same year (this year if it can)."""
    monday = today + timedelta(days=7 - today.weekday())
    if (monday + timedelta(days=11)).year != monday.year:
        new_year = date(monday.year + 1, 1, 1)
        monday = new_year + timedelta(days=(7 - new_year.weekday()) % 7)
    return monday


@dataclass
class Company:
    platform: RunningPlatform
    admin: httpx.Client
    hr: httpx.Client
    manager: httpx.Client
    employee: httpx.Client
    manager_id: str
    employee_id: str
    year: int
    monday: date
    entitled: int

    def day(self, week: int, weekday: int) -> str:
        return (self.monday + timedelta(weeks=week, days=weekday)).isoformat()

    # ---- hr ----------------------------------------------------------------------------

    def balance(self) -> dict[str, Decimal]:
        balances = ok(self.employee.get(f"{HR}/leave-balances", params={"year": self.year}))
        annual = next(b for b in balances if b["leave_type"] == "annual")
        return {
            k: Decimal(annual[k]) for k in ("entitled", "adjusted", "used", "pending", "remaining")
        }

    def ask(self, week: int, first: int, last: int) -> dict[str, Any]:
        return self.ask_dates(self.day(week, first), self.day(week, last))

    def ask_dates(self, start: str, end: str) -> dict[str, Any]:
        created: dict[str, Any] = ok(
            self.employee.post(
                f"{HR}/leave-requests",
                json={
                    "leave_type": "annual",
                    "start_date": start,
                    "end_date": end,
                    "reason": "家事",
                },
            ),
            201,
        )
        assert created["status"] == "pending"
        assert created["workflow_instance_id"]
        return created

    def request(self, request_id: str) -> dict[str, Any]:
        found: dict[str, Any] = ok(self.employee.get(f"{HR}/leave-requests/{request_id}"))
        return found

    def wait_for_status(self, request_id: str, status: str, within: float) -> dict[str, Any]:
        def probe() -> dict[str, Any] | None:
            found = self.request(request_id)
            return found if found["status"] == status else None

        found: dict[str, Any] = eventually(probe, within=within, what=f"{request_id} {status}")
        return found

    def hr_events(
        self, event_type: str, request_id: str, *, at_least: int = 1
    ) -> list[dict[str, Any]]:
        """hr's events of that type about the request, once there are ``at_least`` of them: an
        event joins the feed when hr's publisher numbers it, a moment after its commit."""

        def fetch() -> list[dict[str, Any]]:
            params: dict[str, str | int] = {"after": 0, "limit": 1000, "type": event_type}
            page = ok(self.admin.get(f"{HR}/events", params=params))
            return [e for e in page["items"] if e["subject"]["id"] == request_id]

        if at_least == 0:
            return fetch()
        found: list[dict[str, Any]] = eventually(
            lambda: (events := fetch()) and len(events) >= at_least and events,
            within=10,
            what=f"{event_type} in hr's feed",
        )
        return found

    # ---- workflow -----------------------------------------------------------------------

    def task_for(self, request: dict[str, Any], *, cancellation: bool = False) -> dict[str, Any]:
        """The manager's pending task of the request's approval (it is opened when it starts)."""
        instance_id = request[
            "cancellation_instance_id" if cancellation else "workflow_instance_id"
        ]

        def probe() -> dict[str, Any] | None:
            inbox = ok(
                self.manager.get(
                    f"{WF}/tasks", params={"assignee": "me", "status": "pending", "limit": 100}
                )
            )
            return next(
                (t for t in inbox["items"] if t["instance_id"] == instance_id),
                None,
            )

        task: dict[str, Any] = eventually(probe, within=5, what="the manager's task")
        assert task["definition_key"] == "leave"
        assert task["requester_employee_id"] == self.employee_id
        return task

    def decide(
        self, request: dict[str, Any], decision: str, *, cancellation: bool = False
    ) -> dict[str, Any]:
        task = self.task_for(request, cancellation=cancellation)
        instance: dict[str, Any] = ok(
            self.manager.post(f"{WF}/tasks/{task['id']}/{decision}", json={"comment": "好的"})
        )
        return instance

    def instance(self, instance_id: str) -> dict[str, Any]:
        found: dict[str, Any] = ok(self.employee.get(f"{WF}/instances/{instance_id}"))
        return found


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    """The platform, with hr sweeping for unconfirmed approval starts every half second."""
    running = start_platform(
        tmp_path_factory.mktemp("platform"),
        postgres_url=POSTGRES_URL if TEST_DB == "postgresql" else None,
        extra_env={"OFFICINA_APPROVAL_SWEEP_INTERVAL": "0.5", "OFFICINA_APPROVAL_SWEEP_GRACE": "6"},
    )
    yield running
    running.stop()
    running.drop_schemas()


def create_account(admin: httpx.Client, username: str, **fields: Any) -> None:
    ok(
        admin.post(
            "/api/v1/auth/users", json={"username": username, "password": PASSWORD, **fields}
        ),
        201,
    )


@pytest.fixture(scope="module")
def company(platform: RunningPlatform) -> Iterator[Company]:
    """HR, a manager and an employee (10 days of annual leave), known to hr with balances."""
    admin = login(platform, "admin", ADMIN_PASSWORD)
    warm_up(admin)
    create_account(admin, "hanna.hr", roles=["hr"])
    hr = login(platform, "hanna.hr")
    monday = leave_weeks(datetime.now(UTC).date())
    year = monday.year
    departments = ok(hr.get("/api/v1/org/departments", params={"limit": 200}))["items"]
    rnd = next(d for d in departments if d["code"] == "RND")

    def hire(number: str, name: str, **fields: Any) -> dict[str, Any]:
        created: dict[str, Any] = ok(
            hr.post(
                "/api/v1/org/employees",
                json={
                    "employee_number": number,
                    "name": name,
                    "email": f"{number.lower()}@example.cn",
                    "department_id": rnd["id"],
                    **fields,
                },
            ),
            201,
        )
        return created

    hire_date, work_start = date(year - 5, 3, 1), date(year - 12, 7, 1)
    manager = hire("LV-001", "王经理", hire_date=f"{year - 8}-01-02", work_start_date="2005-07-01")
    employee = hire(
        "LV-002",
        "陈小红",
        manager_id=manager["id"],
        hire_date=hire_date.isoformat(),
        work_start_date=work_start.isoformat(),
    )
    create_account(admin, "wang.manager", employee_id=manager["id"])
    create_account(admin, "chen.xiaohong", employee_id=employee["id"])

    # hr learns about them from org's feed; allocating shows when it has
    def allocated() -> bool:
        ok(hr.post(f"{HR}/leave-balances/allocate", json={"year": year}))
        found = ok(
            hr.get(f"{HR}/leave-balances", params={"employee_id": employee["id"], "year": year})
        )
        return any(b["leave_type"] == "annual" for b in found)

    eventually(allocated, within=20, every=0.2, what="hr knowing the employee")
    manager_client = login(platform, "wang.manager")
    employee_client = login(platform, "chen.xiaohong")
    try:
        yield Company(
            platform,
            admin,
            hr,
            manager_client,
            employee_client,
            manager_id=manager["id"],
            employee_id=employee["id"],
            year=year,
            monday=monday,
            entitled=annual_leave_entitlement(year, hire_date, work_start),
        )
    finally:
        for client in (admin, hr, manager_client, employee_client):
            client.close()


def service_pid(platform: RunningPlatform, service: str) -> int:
    """A service's process, as the launcher announced it (``<name> pid <pid>``)."""
    pids = platform.pids()
    assert service in pids, f"the launcher announced no {service} process"
    return pids[service]


# ---- the tests (in file order; each one reads the balance before it starts) ------------------


def test_an_approval_in_workflow_reaches_hr_within_a_second(company: Company) -> None:
    before = company.balance()
    assert before["entitled"] == company.entitled == 10
    assert before["used"] == 0

    created = company.ask(week=0, first=0, last=2)  # Monday to Wednesday

    assert created["days"] == "3.0"
    assert company.balance()["pending"] == before["pending"] + 3
    instance = company.decide(created, "approve")
    approved_at = time.monotonic()
    assert instance["status"] == "approved"
    found = company.wait_for_status(created["id"], "approved", within=5)
    elapsed = time.monotonic() - approved_at
    assert elapsed < 1.0, f"hr applied the approval after {elapsed:.2f} s"
    assert found["decided_at"] is not None
    after = company.balance()
    assert (after["used"], after["pending"]) == (before["used"] + 3, before["pending"])
    assert after["used"] == 3
    assert after["remaining"] == before["remaining"] - 3


def test_hr_down_during_the_approval_catches_up_once(company: Company) -> None:
    before = company.balance()
    earlier = ok(
        company.employee.get(
            f"{HR}/leave-requests", params={"employee_id": "me", "status": "approved"}
        )
    )["items"]
    created = company.ask(week=0, first=3, last=4)  # Thursday and Friday
    assert created["days"] == "2.0"
    task = company.task_for(created)

    pid = service_pid(company.platform, "hr")
    os.kill(pid, signal.SIGSTOP)
    try:
        with pytest.raises(httpx.TimeoutException):  # hr really is down
            httpx.get(f"{company.platform.service_url('hr')}/healthz", timeout=0.5)
        decided = ok(
            company.manager.post(f"{WF}/tasks/{task['id']}/approve", json={"comment": "同意"})
        )
        assert decided["status"] == "approved"
        assert company.instance(created["workflow_instance_id"])["status"] == "approved"
    finally:
        os.kill(pid, signal.SIGCONT)

    company.wait_for_status(created["id"], "approved", within=30)
    after = company.balance()
    assert after["used"] == before["used"] + 2
    assert after["pending"] == before["pending"]
    time.sleep(1.0)  # give a duplicate every chance to show up
    settled = company.balance()
    assert settled == after
    approved_ids = [r["id"] for r in earlier] + [created["id"]]
    for request_id in approved_ids:
        events = company.hr_events("hr.leave_request.approved", request_id)
        assert len(events) == 1, (request_id, events)
    days = [Decimal(company.request(i)["days"]) for i in approved_ids]
    assert settled["used"] == sum(days)


def test_a_rejection_releases_the_days(company: Company) -> None:
    before = company.balance()
    created = company.ask(week=1, first=0, last=1)
    assert company.balance()["pending"] == before["pending"] + 2

    assert company.decide(created, "reject")["status"] == "rejected"

    company.wait_for_status(created["id"], "rejected", within=5)
    assert company.balance() == before
    assert len(company.hr_events("hr.leave_request.rejected", created["id"])) == 1
    assert company.hr_events("hr.leave_request.approved", created["id"], at_least=0) == []


def test_cancelling_before_the_approval_withdraws_it(company: Company) -> None:
    before = company.balance()
    created = company.ask(week=1, first=2, last=2)
    company.task_for(created)

    cancelled = ok(company.employee.post(f"{HR}/leave-requests/{created['id']}/cancel"))

    assert cancelled["status"] == "cancelled"
    assert company.balance() == before  # released at once
    assert company.instance(created["workflow_instance_id"])["status"] == "withdrawn"
    inbox = ok(company.manager.get(f"{WF}/tasks", params={"assignee": "me", "status": "pending"}))
    assert created["workflow_instance_id"] not in {t["instance_id"] for t in inbox["items"]}
    # workflow's "withdrawn" outcome reaches hr before a later one does: wait for a later one
    later = company.ask(week=1, first=2, last=2)
    company.decide(later, "approve")
    company.wait_for_status(later["id"], "approved", within=5)
    assert company.request(created["id"])["status"] == "cancelled"
    assert len(company.hr_events("hr.leave_request.cancelled", created["id"])) == 1
    assert company.balance()["used"] == before["used"] + 1
    assert company.balance()["pending"] == before["pending"]


def test_cancelling_an_approved_future_leave_returns_the_days(company: Company) -> None:
    before = company.balance()
    created = company.ask(week=1, first=3, last=4)
    company.decide(created, "approve")
    company.wait_for_status(created["id"], "approved", within=5)
    assert company.balance()["used"] == before["used"] + 2

    cancelled = ok(company.employee.post(f"{HR}/leave-requests/{created['id']}/cancel"))

    assert cancelled["status"] == "cancelled"
    assert cancelled["cancellation_instance_id"] is None  # not started yet: no approval needed
    assert company.balance() == before
    [event] = company.hr_events("hr.leave_request.cancelled", created["id"])
    assert event["data"]["reason"] == "cancelled before it started"
    again = company.employee.post(f"{HR}/leave-requests/{created['id']}/cancel")
    assert again.status_code == 409


def test_cancelling_a_started_leave_needs_approval_and_may_be_asked_again(
    company: Company,
) -> None:
    today = datetime.now(UTC).date()
    started = today - timedelta(days=max(0, today.weekday() - 4))  # today, or the last Friday
    if started.year != company.year:
        pytest.skip("no working day of the leave year has begun yet")
    before = company.balance()
    created = company.ask_dates(started.isoformat(), started.isoformat())
    company.decide(created, "approve")
    company.wait_for_status(created["id"], "approved", within=5)

    first = ok(company.employee.post(f"{HR}/leave-requests/{created['id']}/cancel"))

    assert first["status"] == "cancellation_pending"
    cancellation = company.instance(first["cancellation_instance_id"])
    assert (cancellation["definition_key"], cancellation["subject_type"]) == (
        "leave",
        "leave_cancellation",
    )
    assert company.balance()["used"] == before["used"] + 1  # still taken meanwhile
    # the manager refuses: the leave stands
    company.decide(first, "reject", cancellation=True)
    company.wait_for_status(created["id"], "approved", within=5)
    # asked again, it is a new approval (not workflow's stored answer to the first one)
    second = ok(company.employee.post(f"{HR}/leave-requests/{created['id']}/cancel"))
    assert second["status"] == "cancellation_pending"
    assert second["cancellation_instance_id"] != first["cancellation_instance_id"]
    company.decide(second, "approve", cancellation=True)
    company.wait_for_status(created["id"], "cancelled", within=5)
    assert company.balance() == before
    [event] = company.hr_events("hr.leave_request.cancelled", created["id"])
    assert event["data"]["reason"] == "cancellation approved"


def test_workflow_down_while_asking_loses_nothing_and_starts_exactly_one_approval(
    company: Company,
) -> None:
    """workflow stops mid-request: hr keeps the request (its approval not started yet), and
    once workflow is back hr's sweep asks again with the same key — one approval, which the
    manager decides as usual."""
    before = company.balance()
    pid = service_pid(company.platform, "workflow")
    os.kill(pid, signal.SIGSTOP)
    try:
        created: dict[str, Any] = ok(
            company.employee.post(
                f"{HR}/leave-requests",
                json={
                    "leave_type": "annual",
                    "start_date": company.day(1, 3),
                    "end_date": company.day(1, 3),
                },
            ),
            201,
        )
        assert (created["status"], created["workflow_instance_id"]) == ("pending", None)
        assert company.balance()["pending"] == before["pending"] + 1
    finally:
        os.kill(pid, signal.SIGCONT)

    def started() -> dict[str, Any] | None:
        found = company.request(created["id"])
        return found if found["workflow_instance_id"] else None

    found = eventually(started, within=30, every=0.2, what="the approval being started")
    instances = ok(
        company.admin.get(
            f"{WF}/instances",
            params={
                "subject_service": "hr",
                "subject_type": "leave_request",
                "subject_id": created["id"],
            },
        )
    )["items"]
    assert [i["id"] for i in instances] == [found["workflow_instance_id"]]
    company.decide(found, "approve")
    company.wait_for_status(created["id"], "approved", within=5)
    after = company.balance()
    assert (after["used"], after["pending"]) == (before["used"] + 1, before["pending"])
