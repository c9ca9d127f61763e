"""What the fault tests share: waiting for a condition, the launcher's pids, a hirer that
retries a write whose answer was lost with its Idempotency-Key, and org's event feed."""

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from shared.kit.idempotency import ABANDONED_AFTER
from shared.kit.testing import bearer
from tests.conftest import PATIENCE
from tests.platform_runner import RunningPlatform

PASSWORD = "a-long-enough-secret-42"
ORG = "/api/v1/org"


def eventually(probe: Callable[[], Any], what: str, within: float = PATIENCE) -> Any:
    """``probe()`` until it is truthy (transport errors count as not yet), within ``within`` s."""
    deadline = time.monotonic() + max(within, PATIENCE)
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = probe()
        except httpx.HTTPError as error:
            last = error
        else:
            if last:
                return last
        time.sleep(0.2)
    pytest.fail(f"{what} did not happen within {max(within, PATIENCE)} s (last: {last!r})")


def pid_of(platform: RunningPlatform, name: str) -> int:
    """The latest pid the launcher printed for ``name``."""
    pids = [
        int(line.split()[2])
        for line in platform.log().splitlines()
        if line.split()[:2] == [name, "pid"]
    ]
    assert pids, platform.log()
    return pids[-1]


def hr_officer(platform: RunningPlatform) -> httpx.Client:
    """A client for an HR officer (hires people in org), once org accepts tokens."""
    admin = httpx.Client(base_url=platform.url, headers=bearer(platform.token()), timeout=PATIENCE)
    eventually(lambda: admin.get(f"{ORG}/departments").status_code == 200, "org accepting tokens")
    username = f"hr.{uuid.uuid4().hex[:6]}"
    created = admin.post(
        "/api/v1/auth/users", json={"username": username, "password": PASSWORD, "roles": ["hr"]}
    )
    assert created.status_code == 201, created.text
    token = platform.token(username, PASSWORD)
    return httpx.Client(base_url=platform.url, headers=bearer(token), timeout=PATIENCE)


def department_id(client: httpx.Client) -> str:
    departments = client.get(f"{ORG}/departments", params={"limit": 200}).json()["items"]
    return str(next(d["id"] for d in departments if d["code"] == "RND"))


class Hirer:
    """Hires people one after another, each with its own Idempotency-Key, retrying a hire
    whose answer was lost (a transport error, a 5xx) with the same key and body until it is
    answered 201.

    A hire whose request died with its process (or lost its database) after claiming its key
    is answered ``409 idempotency_request_in_flight`` until the claim counts as abandoned
    (``ABANDONED_AFTER``, 30 s) and the retry takes it over. Should that still not happen
    within ``ABANDONED_AFTER`` + ``PATIENCE``, the hire is set aside in ``stuck`` (its request
    never committed, so the test checks that it was not applied) and the hirer moves on."""

    def __init__(self, client: httpx.Client, department: str, prefix: str) -> None:
        self.client = client
        self.department = department
        self.prefix = prefix
        self.hired: dict[str, str] = {}  # employee number -> employee id
        self.retried = 0
        self.stuck: list[str] = []  # employee numbers whose key stayed in flight
        self.stop = threading.Event()
        self.failure: str | None = None

    def hire(self, number: str) -> None:
        key = str(uuid.uuid4())
        body = {
            "employee_number": number,
            "name": f"故障 {number}",
            "email": f"{number.lower()}@example.cn",
            "department_id": self.department,
            "hire_date": "2025-01-02",
        }
        deadline = time.monotonic() + 2 * PATIENCE
        in_flight_since: float | None = None
        while time.monotonic() < deadline:
            try:
                answer = self.client.post(
                    f"{ORG}/employees", json=body, headers={"Idempotency-Key": key}
                )
            except httpx.HTTPError:
                self.retried += 1
                time.sleep(0.2)
                continue
            if answer.status_code == 201:
                self.hired[number] = answer.json()["id"]
                return
            in_flight = (
                answer.status_code == 409
                and answer.json().get("code") == "idempotency_request_in_flight"
            )
            if in_flight:
                in_flight_since = in_flight_since or time.monotonic()
                waited = time.monotonic() - in_flight_since
                if waited > ABANDONED_AFTER.total_seconds() + PATIENCE:
                    self.stuck.append(number)
                    return
            elif answer.status_code < 500:
                self.failure = f"{number}: {answer.status_code} {answer.text}"
                return
            self.retried += 1
            time.sleep(0.2)
        self.failure = f"{number}: never answered 201"

    def run(self) -> None:
        count = 0
        while not self.stop.is_set() and self.failure is None:
            count += 1
            self.hire(f"{self.prefix}-{count:04d}")


def org_events(client: httpx.Client, event_type: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = 0
    while True:
        page = client.get(
            f"{ORG}/events", params={"after": after, "limit": 1000, "type": event_type}
        )
        assert page.status_code == 200, page.text
        body = page.json()
        events += body["items"]
        if not body["items"] or body["next_after"] == after:
            return events
        after = body["next_after"]


def assert_each_hire_applied_once(admin: httpx.Client, hirers: list[Hirer]) -> None:
    """Every hire answered 201 exists once, under the id its (possibly replayed) answer gave;
    a hire set aside as stuck exists at most once; org published exactly one
    ``org.employee.created`` event for each employee that exists, and none twice."""
    existing: dict[str, str] = {}
    for hirer in hirers:
        listed = admin.get(f"{ORG}/employees", params={"q": hirer.prefix, "limit": 200})
        assert listed.status_code == 200, listed.text
        items = listed.json()["items"]
        numbers = [e["employee_number"] for e in items]
        assert len(numbers) == len(set(numbers)), numbers
        found = {e["employee_number"]: e["id"] for e in items}
        assert {n: found.get(n) for n in hirer.hired} == hirer.hired
        assert set(found) - set(hirer.hired) <= set(hirer.stuck)
        existing.update(found)
    created = [
        e
        for e in org_events(admin, "org.employee.created")
        if e["subject"]["id"] in existing.values()
    ]
    assert sorted(e["subject"]["id"] for e in created) == sorted(existing.values())
    assert len({e["id"] for e in created}) == len(created)
