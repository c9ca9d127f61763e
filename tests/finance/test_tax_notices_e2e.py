"""Tax through the real platform: finance registers VAT, the service keeps the year's filing
calendar by itself, and when a return falls due within five days (here: after an announced
extension) the notice reaches the finance staff's inbox in workflow — once."""

import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import PATIENCE, POSTGRES_URL, TEST_DB
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform, start_platform

PASSWORD = "a-long-enough-secret-42"
FIN = "/api/v1/finance"
WF = "/api/v1/workflow"


def login(platform: RunningPlatform, username: str, password: str = PASSWORD) -> httpx.Client:
    token = platform.token(username, password)
    return httpx.Client(
        base_url=platform.url, headers={"Authorization": f"Bearer {token}"}, timeout=PATIENCE
    )


def eventually(probe: Callable[[], Any], *, within: float, what: str) -> Any:
    """Call ``probe`` until it returns something truthy; fail after ``within`` seconds."""
    deadline = time.monotonic() + max(within, PATIENCE)
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen in time (last: {result!r})")
        time.sleep(0.2)


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    """The platform, with the services' own sweeps every half second."""
    running = start_platform(
        tmp_path_factory.mktemp("platform"),
        postgres_url=POSTGRES_URL if TEST_DB == "postgresql" else None,
        extra_env={"OFFICINA_SWEEP_INTERVAL": "0.5"},
    )
    yield running
    running.stop()
    running.drop_schemas()


def test_a_return_falling_due_is_announced_in_the_finance_staffs_inbox(
    platform: RunningPlatform,
) -> None:
    admin = login(platform, "admin", ADMIN_PASSWORD)
    eventually(
        lambda: admin.get(f"{FIN}/tax-registrations").status_code != 401,
        within=15,
        what="finance accepting tokens",
    )
    departments = ok(admin.get("/api/v1/org/departments", params={"limit": 200}))["items"]
    employee = ok(
        admin.post(
            "/api/v1/org/employees",
            json={
                "employee_number": "FIN-001",
                "name": "周会计",
                "email": "fin-001@example.cn",
                "department_id": departments[0]["id"],
                "hire_date": "2020-03-02",
            },
        ),
        201,
    )
    ok(
        admin.post(
            "/api/v1/auth/users",
            json={
                "username": "zhou.finance",
                "password": PASSWORD,
                "roles": ["finance"],
                "employee_id": employee["id"],
            },
        ),
        201,
    )
    finance = login(platform, "zhou.finance")
    today = datetime.now(UTC).date()
    ok(
        finance.post(
            f"{FIN}/tax-registrations",
            json={
                "tax": "vat",
                "rate": "0.06",
                "taxpayer_kind": "general",
                "effective_from": date(today.year - 1, 1, 1).isoformat(),
            },
        ),
        201,
    )
    ok(finance.post(f"{FIN}/tax-filings/calendar", json={"year": today.year - 1}))

    # a return already past its statutory date, extended to two days from now
    overdue = ok(finance.get(f"{FIN}/tax-filings", params={"status": "overdue", "limit": 1}))
    [late] = overdue["items"]
    new_due = (today + timedelta(days=2)).isoformat()
    extended = ok(
        finance.post(
            f"{FIN}/tax-filings/{late['id']}/extend",
            json={"due_date": new_due, "reason": "税务机关公告顺延申报期限"},
            headers={"If-Match": f'"{late["version"]}"'},
        )
    )
    assert extended["status"] in ("due", "filed")

    def notices() -> list[dict[str, Any]]:
        page = ok(finance.get(f"{WF}/notifications", params={"kind": "tax_filing_due"}))
        return [n for n in page["items"] if n["link"] and n["link"]["id"] == late["id"]]

    [notice] = eventually(notices, within=30, what="the due-soon notice in the inbox")
    assert new_due in notice["title"]["zh"]
    assert notice["link"]["service"] == "finance"
    # this year's calendar was kept by the sweep without anyone asking for it
    this_year = ok(finance.get(f"{FIN}/tax-filings", params={"year": today.year, "limit": 50}))
    assert len(this_year["items"]) == 12
