"""The gateway as deployed: ``officina up`` in real processes, called over HTTP and from a browser.

One platform serves the whole module (starting it is most of the module's time). Failed
logins are avoided here on purpose: the gateway limits them per address, and every test
calls from 127.0.0.1.
"""

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from shared.kit.testing import TokenMinter, bearer
from tests.conftest import PATIENCE
from tests.gateway.browser import CHROMIUM, NetworkLog, authorize, chromium, shown_paths, try_it_out
from tests.platform_runner import ADMIN_PASSWORD, SERVICES, RunningPlatform

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

AUTH = "/api/v1/auth"


@pytest.fixture(scope="module")
def admin_token(platform: RunningPlatform) -> str:
    return platform.token()


@pytest.fixture(scope="module")
def http(platform: RunningPlatform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platform.url, timeout=PATIENCE) as client:
        yield client


def create_user(http: httpx.Client, admin_token: str, roles: list[str]) -> tuple[str, str]:
    username = f"user-{uuid.uuid4().hex[:8]}"
    password = f"pw-{uuid.uuid4().hex}"
    response = http.post(
        f"{AUTH}/users",
        json={"username": username, "password": password, "roles": roles},
        headers=bearer(admin_token),
    )
    assert response.status_code == 201, response.text
    return username, password


def client_token(http: httpx.Client, admin_token: str, *scopes: str) -> str:
    created = http.post(
        f"{AUTH}/clients",
        json={"name": "e2e integration", "scopes": list(scopes)},
        headers=bearer(admin_token),
    )
    assert created.status_code == 201, created.text
    client = created.json()
    response = http.post(
        f"{AUTH}/token",
        data={"grant_type": "client_credentials", "scope": " ".join(scopes)},
        auth=(client["client_id"], client["client_secret"]),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_admin_logs_in_and_the_token_describes_the_admin(
    http: httpx.Client, admin_token: str
) -> None:
    me = http.get(f"{AUTH}/me", headers=bearer(admin_token))

    assert me.status_code == 200
    assert me.json()["username"] == "admin"
    assert me.json()["roles"] == ["admin"]


def test_a_new_person_logs_in_and_may_not_manage_accounts(
    http: httpx.Client, admin_token: str
) -> None:
    username, password = create_user(http, admin_token, ["employee"])
    tokens = http.post(
        f"{AUTH}/token",
        data={"grant_type": "password", "username": username, "password": password},
    ).json()

    me = http.get(f"{AUTH}/me", headers=bearer(tokens["access_token"]))
    users = http.get(f"{AUTH}/users", headers=bearer(tokens["access_token"]))

    assert me.json()["username"] == username
    assert users.status_code == 403


def test_refresh_reuse_and_logout_through_the_real_gateway(
    platform: RunningPlatform, http: httpx.Client
) -> None:
    def refresh(token: str) -> httpx.Response:
        return http.post(
            f"{AUTH}/token", data={"grant_type": "refresh_token", "refresh_token": token}
        )

    def login() -> dict[str, Any]:
        body: dict[str, Any] = http.post(
            f"{AUTH}/token",
            data={"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD},
        ).json()
        return body

    first = login()
    second = refresh(first["refresh_token"])
    assert second.status_code == 200

    reused = refresh(first["refresh_token"])

    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    assert refresh(second.json()["refresh_token"]).status_code == 400
    other = login()
    assert http.post(f"{AUTH}/logout", headers=bearer(other["access_token"])).status_code == 204
    assert refresh(other["refresh_token"]).status_code == 400


@pytest.mark.parametrize("service", SERVICES)
def test_an_admin_reads_every_services_event_feed_through_the_gateway(
    http: httpx.Client, admin_token: str, service: str
) -> None:
    response = http.get(
        f"/api/v1/{service}/events",
        headers={**bearer(admin_token), "X-Request-ID": f"e2e-{service}"},
    )

    assert response.status_code == 200, response.text
    assert set(response.json()) == {"items", "next_after"}
    assert response.headers["x-request-id"] == f"e2e-{service}"


def test_a_client_reads_its_service_and_is_refused_writes_and_other_services(
    http: httpx.Client, admin_token: str
) -> None:
    token = client_token(http, admin_token, "org:read")

    read = http.get("/api/v1/org/events", headers=bearer(token))
    write = http.post("/api/v1/org/events", headers=bearer(token), json={})
    elsewhere = http.get("/api/v1/hr/events", headers=bearer(token))

    assert read.status_code == 200
    assert (write.status_code, write.json()["code"]) == (403, "insufficient_scope")
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (403, "insufficient_scope")


def test_services_refuse_a_direct_call_without_a_token(platform: RunningPlatform) -> None:
    response = httpx.get(f"{platform.service_url('org')}/api/v1/org/events", timeout=PATIENCE)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"].startswith("application/problem+json")


def test_services_refuse_a_direct_call_with_a_token_signed_by_another_key(
    platform: RunningPlatform,
) -> None:
    forged = TokenMinter().user(("admin",), username="admin")

    response = httpx.get(
        f"{platform.service_url('org')}/api/v1/org/events", headers=bearer(forged), timeout=PATIENCE
    )

    assert response.status_code == 401


def test_services_accept_a_direct_call_with_a_gateway_token(
    platform: RunningPlatform, admin_token: str
) -> None:
    response = httpx.get(
        f"{platform.service_url('org')}/api/v1/org/events",
        headers=bearer(admin_token),
        timeout=PATIENCE,
    )

    assert response.status_code == 200


def test_services_apply_their_own_rules_to_a_client_that_bypasses_the_gateway(
    platform: RunningPlatform, http: httpx.Client, admin_token: str
) -> None:
    token = client_token(http, admin_token, "hr:read")

    response = httpx.get(
        f"{platform.service_url('org')}/api/v1/org/events", headers=bearer(token), timeout=PATIENCE
    )

    assert response.status_code == 403


def test_readyz_reports_every_service_ready(http: httpx.Client) -> None:
    response = http.get("/readyz")

    assert response.status_code == 200
    assert response.json()["services"] == dict.fromkeys(SERVICES, "ready")


def test_merged_openapi_has_every_service_the_auth_paths_and_the_password_flow(
    http: httpx.Client,
) -> None:
    document = http.get("/openapi.json").json()

    paths = document["paths"]
    for service in SERVICES:
        assert any(path.startswith(f"/api/v1/{service}/") for path in paths), service
    for path in ("/token", "/me", "/logout", "/users", "/users/{account_id}", "/clients"):
        assert f"{AUTH}{path}" in paths, path
    operation_ids = Counter(
        operation["operationId"]
        for item in paths.values()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    )
    assert [name for name, count in operation_ids.items() if count > 1] == []
    scheme = document["components"]["securitySchemes"]["OAuth2PasswordBearer"]
    assert scheme["type"] == "oauth2"
    assert scheme["flows"]["password"]["tokenUrl"] == f"{AUTH}/token"
    assert "Not included right now" not in document["info"]["description"]


# --- the docs page in a real browser -------------------------------------------------------


@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Chromium at /usr/bin/chromium (apt-get install chromium chromium-driver)",
)
def test_the_docs_page_works_in_a_browser_authorize_logs_in_and_try_it_out_answers(
    platform: RunningPlatform, tmp_path: Path
) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    network = NetworkLog(platform.url)
    with chromium(tmp_path / "chromium-profile") as browser:
        browser.get(f"{platform.url}/docs")

        def every_service_shown(driver: "WebDriver") -> list[str] | None:
            paths = shown_paths(driver)
            shown = all(any(p.startswith(f"/api/v1/{s}/") for p in paths) for s in SERVICES)
            return paths if shown else None

        paths = WebDriverWait(browser, 30).until(every_service_shown)
        dialog = authorize(browser, "admin", ADMIN_PASSWORD)
        me_status, me_body = try_it_out(browser, "/api/v1/auth/me")
        events_status, events_body = try_it_out(browser, "/api/v1/org/events")
        network.read(browser)

    assert "/api/v1/auth/me" in paths
    assert "Authorized" in dialog
    assert (me_status, json.loads(me_body)["username"]) == ("200", "admin")
    assert events_status == "200"
    assert "next_after" in json.loads(events_body)
    assert network.failed() == []
    fetched = network.fetched()
    web = [url for url in fetched if url.startswith(("http:", "https:"))]
    assert [url for url in web if not url.startswith(platform.url)] == [], "no CDN, no internet"
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"):
        assert f"{platform.url}/docs/assets/{asset}" in fetched
    assert f"{platform.url}/api/v1/auth/token" in fetched
    assert f"{platform.url}/api/v1/auth/me" in fetched
    assert any(url.startswith(f"{platform.url}/api/v1/org/events?") for url in fetched)
