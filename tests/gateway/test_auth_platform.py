"""Accounts, limits and revocation with the real platform (``officina up``), over HTTP.

Every test calls from 127.0.0.1, so failed logins use usernames no other test uses: the
per-address limit (four times the per-user one) is shared by the whole module.
"""

import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from shared.kit.testing import bearer
from tests.conftest import PATIENCE
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform

AUTH = "/api/v1/auth"


@pytest.fixture(scope="module")
def http(platform: RunningPlatform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platform.url, timeout=PATIENCE) as client:
        yield client


@pytest.fixture(scope="module")
def admin(platform: RunningPlatform) -> dict[str, str]:
    return bearer(platform.token("admin", ADMIN_PASSWORD))


def login(http: httpx.Client, username: str, password: str, **headers: str) -> httpx.Response:
    return http.post(
        f"{AUTH}/token",
        data={"grant_type": "password", "username": username, "password": password},
        headers=headers,
    )


def test_a_blocked_address_cannot_claim_another_with_x_forwarded_for(
    http: httpx.Client, admin: dict[str, str]
) -> None:
    username = f"xff-{uuid.uuid4().hex[:8]}"
    password = f"pw-{uuid.uuid4().hex}"
    created = http.post(
        f"{AUTH}/users", json={"username": username, "password": password}, headers=admin
    )
    assert created.status_code == 201, created.text
    for _ in range(5):
        assert login(http, username, "not-the-password").status_code == 400
    assert login(http, username, password).status_code == 429

    for claimed in ("203.0.113.9", "198.51.100.20"):
        answer = login(http, username, password, **{"X-Forwarded-For": claimed})
        assert answer.status_code == 429, f"X-Forwarded-For {claimed} escaped the limit"
        assert int(answer.headers["retry-after"]) > 0


def new_account(
    http: httpx.Client, admin: dict[str, str], roles: list[str] | None = None
) -> tuple[dict[str, object], str, str]:
    username = f"user-{uuid.uuid4().hex[:8]}"
    password = f"pw-{uuid.uuid4().hex}"
    created = http.post(
        f"{AUTH}/users",
        json={"username": username, "password": password, "roles": roles or ["employee"]},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    return created.json(), username, password


def access_token(http: httpx.Client, username: str, password: str) -> dict[str, str]:
    answer = login(http, username, password)
    assert answer.status_code == 200, answer.text
    return bearer(answer.json()["access_token"])


def works(http: httpx.Client, token: dict[str, str]) -> int:
    """The status of a proxied read and of the gateway's own /me with ``token``."""
    proxied = http.get("/api/v1/org/departments", headers=token)
    own = http.get(f"{AUTH}/me", headers=token)
    assert proxied.status_code == own.status_code, (proxied.text, own.text)
    return proxied.status_code


def refused_as_revoked(http: httpx.Client, token: dict[str, str]) -> None:
    for path in ("/api/v1/org/departments", f"{AUTH}/me"):
        answer = http.get(path, headers=token)
        assert answer.status_code == 401, (path, answer.text)
        assert answer.json()["code"] == "token_revoked"


def eventually_refused_by_the_service(
    platform: RunningPlatform, token: dict[str, str], path: str = "/api/v1/org/departments"
) -> None:
    """The service itself learns of the revocation from the gateway's key set within seconds."""
    deadline = time.monotonic() + 60
    while True:
        answer = httpx.get(f"{platform.service_url('org')}{path}", headers=token, timeout=PATIENCE)
        if answer.status_code == 401:
            assert answer.json()["code"] == "token_revoked"
            return
        assert answer.status_code == 200, answer.text
        assert time.monotonic() < deadline, "org still accepts the revoked token"
        time.sleep(0.5)


def test_logout_ends_the_access_token_at_once_and_only_that_sessions(
    platform: RunningPlatform, http: httpx.Client, admin: dict[str, str]
) -> None:
    _, username, password = new_account(http, admin)
    token = access_token(http, username, password)
    other_session = access_token(http, username, password)
    assert works(http, token) == 200

    assert http.post(f"{AUTH}/logout", headers=token).status_code == 204

    refused_as_revoked(http, token)
    assert works(http, other_session) == 200
    eventually_refused_by_the_service(platform, token)


def test_deactivating_an_account_ends_its_access_tokens_at_once(
    platform: RunningPlatform, http: httpx.Client, admin: dict[str, str]
) -> None:
    account, username, password = new_account(http, admin)
    token = access_token(http, username, password)
    assert works(http, token) == 200

    changed = http.patch(f"{AUTH}/users/{account['id']}", json={"active": False}, headers=admin)

    assert changed.status_code == 200, changed.text
    refused_as_revoked(http, token)
    eventually_refused_by_the_service(platform, token)


def test_changing_roles_ends_the_old_tokens_and_a_new_login_carries_the_new_roles(
    platform: RunningPlatform, http: httpx.Client, admin: dict[str, str]
) -> None:
    account, username, password = new_account(http, admin, roles=["hr", "employee"])
    token = access_token(http, username, password)
    assert works(http, token) == 200

    changed = http.patch(
        f"{AUTH}/users/{account['id']}", json={"roles": ["employee"]}, headers=admin
    )

    assert changed.status_code == 200, changed.text
    refused_as_revoked(http, token)
    fresh = access_token(http, username, password)
    assert works(http, fresh) == 200
    assert http.get(f"{AUTH}/me", headers=fresh).json()["roles"] == ["employee"]
    eventually_refused_by_the_service(platform, token)


def hire(http: httpx.Client, admin: dict[str, str], name: str, **fields: object) -> dict[str, str]:
    departments = http.get("/api/v1/org/departments", headers=admin).json()["items"]
    number = f"AU-{uuid.uuid4().hex[:6]}"
    created = http.post(
        "/api/v1/org/employees",
        json={
            "employee_number": number,
            "name": name,
            "email": f"{number.lower()}@example.cn",
            "department_id": {d["code"]: d for d in departments}["RND"]["id"],
            "hire_date": "2024-03-01",
            **fields,
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    employee: dict[str, str] = created.json()
    return employee


def test_accounts_name_employees_org_knows_once_and_me_shows_their_profile(
    http: httpx.Client, admin: dict[str, str]
) -> None:
    manager = hire(http, admin, "王经理")
    employee = hire(http, admin, "陈小红", manager_id=manager["id"])
    username, password = f"chen-{uuid.uuid4().hex[:6]}", f"pw-{uuid.uuid4().hex}"
    account = {"username": username, "password": password}

    unknown = http.post(
        f"{AUTH}/users", json={**account, "employee_id": str(uuid.uuid4())}, headers=admin
    )
    linked = http.post(
        f"{AUTH}/users", json={**account, "employee_id": employee["id"]}, headers=admin
    )
    again = http.post(
        f"{AUTH}/users",
        json={"username": f"{username}-2", "password": password, "employee_id": employee["id"]},
        headers=admin,
    )

    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_employee"
    assert linked.status_code == 201, linked.text
    assert again.status_code == 409 and again.json()["code"] == "employee_has_account"
    me = http.get(f"{AUTH}/me", headers=access_token(http, username, password)).json()
    assert me["profile_status"] == "complete"
    assert me["profile"]["name"] == "陈小红"
    assert me["profile"]["department"]["id"] == employee["department_id"]
    assert me["profile"]["department"]["name"]
    assert me["profile"]["manager"] == {"id": manager["id"], "name": "王经理"}


def test_a_json_login_is_told_to_send_a_form(http: httpx.Client) -> None:
    answer = http.post(
        f"{AUTH}/token",
        json={"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD},
    )

    assert answer.status_code == 415
    assert "application/x-www-form-urlencoded" in answer.json()["detail"]


def test_a_nul_in_the_login_form_is_422(http: httpx.Client) -> None:
    answer = login(http, "ad\x00min", ADMIN_PASSWORD)

    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
