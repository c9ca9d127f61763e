"""The OWASP API Security Top 10 (2023), one class per row, against the real platform.

Every row is probed both ways: what a caller may do works, what it may not is refused with
a problem. One platform serves the module (``tests/security/conftest.py`` gives it small
limits); the matrix with the rows covered elsewhere is in ``docs/security.md``.

Failed logins are kept to a handful (``TestAPI2BrokenAuthentication``): the gateway limits
them per address and every test calls from 127.0.0.1.
"""

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from shared.kit.testing import TokenMinter, bearer
from tests.conftest import PATIENCE
from tests.platform_runner import ADMIN_PASSWORD, SERVICES, RunningPlatform
from tests.problems import assert_problem
from tests.security.conftest import ALLOWED_ORIGIN, MAX_BODY_BYTES, WRITE_LIMIT

PASSWORD = "a-long-enough-secret-42"
AUTH = "/api/v1/auth"
ORG = "/api/v1/org"
WF = "/api/v1/workflow"
HR = "/api/v1/hr"


@dataclass
class Person:
    username: str
    http: httpx.Client
    employee_id: str | None = None


@dataclass
class Company:
    platform: RunningPlatform
    admin: Person
    hr: Person
    alice: Person
    bob: Person
    department_id: str

    def anonymous(self) -> httpx.Client:
        return httpx.Client(base_url=self.platform.url, timeout=PATIENCE)


def _login(platform: RunningPlatform, username: str, password: str = PASSWORD) -> httpx.Client:
    token = platform.token(username, password)
    return httpx.Client(base_url=platform.url, headers=bearer(token), timeout=PATIENCE)


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json() if response.content else None


def _eventually(probe: Any, what: str) -> Any:
    deadline = time.monotonic() + PATIENCE
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {PATIENCE} s")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def company(platform: RunningPlatform) -> Iterator[Company]:
    """An admin, an HR officer and two employees (Alice and Bob) with accounts."""
    admin = Person("admin", _login(platform, "admin", ADMIN_PASSWORD))
    # Right after start a service may not have fetched the gateway's signing keys yet.
    for path in (f"{ORG}/departments", f"{HR}/leave-types", f"{WF}/definitions"):
        _eventually(lambda p=path: admin.http.get(p).status_code == 200, f"{path} answering")
    _ok(
        admin.http.post(
            f"{AUTH}/users", json={"username": "sec.hr", "password": PASSWORD, "roles": ["hr"]}
        ),
        201,
    )
    hr = Person("sec.hr", _login(platform, "sec.hr"))
    departments = _ok(hr.http.get(f"{ORG}/departments", params={"limit": 200}))["items"]
    rnd = next(d for d in departments if d["code"] == "RND")

    def hire(username: str, number: str, name: str, id_number: str) -> Person:
        employee = _ok(
            hr.http.post(
                f"{ORG}/employees",
                json={
                    "employee_number": number,
                    "name": name,
                    "email": f"{username}@example.cn",
                    "department_id": rnd["id"],
                    "hire_date": "2024-03-01",
                    "id_number": id_number,
                    "birth_date": "1990-01-01",
                },
            ),
            201,
        )
        _ok(
            admin.http.post(
                f"{AUTH}/users",
                json={
                    "username": username,
                    "password": PASSWORD,
                    "roles": ["employee"],
                    "employee_id": employee["id"],
                },
            ),
            201,
        )
        return Person(username, _login(platform, username), employee["id"])

    alice = hire("sec.alice", "SEC-001", "林晓", "310101199001011234")
    bob = hire("sec.bob", "SEC-002", "郭靖", "110101198807071111")
    yield Company(platform, admin, hr, alice, bob, rnd["id"])
    for person in (admin, hr, alice, bob):
        person.http.close()


def _new_account(company: Company, *roles: str) -> Person:
    username = f"sec.{uuid.uuid4().hex[:8]}"
    _ok(
        company.admin.http.post(
            f"{AUTH}/users", json={"username": username, "password": PASSWORD, "roles": list(roles)}
        ),
        201,
    )
    return Person(username, _login(company.platform, username))


def _client_token(company: Company, *scopes: str) -> str:
    created = _ok(
        company.admin.http.post(
            f"{AUTH}/clients", json={"name": "security probe", "scopes": list(scopes)}
        ),
        201,
    )
    token = _ok(
        company.anonymous().post(
            f"{AUTH}/token",
            data={"grant_type": "client_credentials", "scope": " ".join(scopes)},
            auth=(created["client_id"], created["client_secret"]),
        )
    )
    return str(token["access_token"])


def _party(person: Person, name: str) -> dict[str, Any]:
    created: dict[str, Any] = _ok(
        person.http.post(f"{ORG}/parties", json={"kind": "customer", "name": name}), 201
    )
    return created


# ---- API1:2023 Broken Object Level Authorization --------------------------------------------


class TestAPI1BrokenObjectLevelAuthorization:
    def test_the_owner_changes_their_party_and_a_colleague_cannot(self, company: Company) -> None:
        party = _party(company.bob, f"鲍勃的客户 {uuid.uuid4().hex[:6]}")

        by_owner = company.bob.http.patch(f"{ORG}/parties/{party['id']}", json={"tier": "A"})
        by_colleague = company.alice.http.patch(f"{ORG}/parties/{party['id']}", json={"tier": "C"})
        contact_by_colleague = company.alice.http.post(
            f"{ORG}/parties/{party['id']}/contacts", json={"name": "冒名者"}
        )

        assert _ok(by_owner)["tier"] == "A"
        assert_problem(by_colleague, 403, "not_party_owner")
        assert_problem(contact_by_colleague, 403, "not_party_owner")
        assert _ok(company.alice.http.get(f"{ORG}/parties/{party['id']}"))["tier"] == "A"

    def test_an_employee_reads_their_own_history_but_not_a_colleagues(
        self, company: Company
    ) -> None:
        own = company.alice.http.get(f"{ORG}/employees/{company.alice.employee_id}/history")
        other = company.alice.http.get(f"{ORG}/employees/{company.bob.employee_id}/history")
        by_hr = company.hr.http.get(f"{ORG}/employees/{company.bob.employee_id}/history")

        assert own.status_code == 200, own.text
        assert_problem(other, 403)
        assert by_hr.status_code == 200, by_hr.text

    def test_a_guessed_id_is_a_404_problem_not_someone_elses_record(self, company: Company) -> None:
        for path in (f"{ORG}/parties", f"{ORG}/employees", f"{WF}/notifications"):
            assert_problem(company.alice.http.get(f"{path}/{uuid.uuid4()}"), 404)


# ---- API2:2023 Broken Authentication --------------------------------------------------------


class TestAPI2BrokenAuthentication:
    def test_every_service_needs_a_token_through_the_gateway_and_directly(
        self, company: Company
    ) -> None:
        platform = company.platform
        for service in SERVICES:
            through = company.anonymous().get(f"/api/v1/{service}/events")
            direct = httpx.get(
                f"{platform.service_url(service)}/api/v1/{service}/events", timeout=PATIENCE
            )
            assert_problem(through, 401)
            assert_problem(direct, 401)
            assert through.headers["www-authenticate"].startswith("Bearer")
            with_token = company.admin.http.get(f"/api/v1/{service}/events")
            assert with_token.status_code == 200, with_token.text

    @pytest.mark.parametrize(
        "token",
        [
            pytest.param(TokenMinter().user(("admin",), username="admin"), id="another-key"),
            pytest.param(
                "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiIsInJvbGVzIjpbImFkbWluIl19.",
                id="alg-none",
            ),
            pytest.param("not-a-jwt", id="garbage"),
        ],
    )
    def test_a_forged_token_is_refused_by_the_gateway_and_by_every_service(
        self, company: Company, token: str
    ) -> None:
        platform = company.platform
        assert_problem(company.anonymous().get(f"{AUTH}/me", headers=bearer(token)), 401)
        for service in SERVICES:
            through = company.anonymous().get(f"/api/v1/{service}/events", headers=bearer(token))
            direct = httpx.get(
                f"{platform.service_url(service)}/api/v1/{service}/events",
                headers=bearer(token),
                timeout=PATIENCE,
            )
            assert_problem(through, 401)
            assert_problem(direct, 401)

    def test_a_logged_out_token_is_refused_at_once_and_a_fresh_login_works(
        self, company: Company
    ) -> None:
        person = _new_account(company, "employee")
        assert person.http.get(f"{ORG}/departments").status_code == 200
        assert person.http.post(f"{AUTH}/logout").status_code == 204

        assert_problem(person.http.get(f"{ORG}/departments"), 401)
        assert_problem(person.http.get(f"{AUTH}/me"), 401)
        again = _login(company.platform, person.username)
        assert again.get(f"{ORG}/departments").status_code == 200

    def test_guessing_a_password_is_stopped_and_the_account_owner_is_not_locked_out_elsewhere(
        self, company: Company
    ) -> None:
        target = _new_account(company, "employee")
        anonymous = company.anonymous()

        def attempt(password: str) -> httpx.Response:
            return anonymous.post(
                f"{AUTH}/token",
                data={"grant_type": "password", "username": target.username, "password": password},
            )

        answers = [attempt(f"wrong-{n}") for n in range(6)]

        statuses = [a.status_code for a in answers]
        assert statuses[:5] == [401] * 5 or statuses[:5] == [400] * 5, statuses
        refused = answers[5]
        assert refused.status_code == 429, refused.text
        assert int(refused.headers["retry-after"]) >= 1
        # Even the right password is refused from this address until the window passes.
        assert attempt(PASSWORD).status_code == 429
        # Everyone else still logs in from here.
        assert _login(company.platform, company.bob.username).get(f"{AUTH}/me").status_code == 200


# ---- API3:2023 Broken Object Property Level Authorization -----------------------------------

_SECRET_KEYS = ("password", "hash", "secret", "private")
_SECRET_VALUES = ("$argon2", "$2b$", "$scrypt", "pbkdf2", "-----BEGIN")


def _secrets_in(value: Any, where: str = "") -> list[str]:
    """Keys or values of an answer that look like a stored secret."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if any(word in key.lower() for word in _SECRET_KEYS):
                found.append(f"{where}.{key}")
            found += _secrets_in(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _secrets_in(item, f"{where}[{index}]")
    elif isinstance(value, str) and any(marker in value for marker in _SECRET_VALUES):
        found.append(f"{where}={value[:20]}…")
    return found


class TestAPI3BrokenObjectPropertyLevelAuthorization:
    def test_no_answer_carries_a_password_hash_or_a_client_secret(self, company: Company) -> None:
        _client_token(company, "org:read")
        admin = company.admin.http
        accounts = _ok(admin.get(f"{AUTH}/users", params={"limit": 200}))
        answers = {
            "users": accounts,
            "user": _ok(admin.get(f"{AUTH}/users/{accounts['items'][0]['id']}")),
            "clients": _ok(admin.get(f"{AUTH}/clients")),
            "me": _ok(admin.get(f"{AUTH}/me")),
            "role-members": _ok(admin.get(f"{AUTH}/role-members", params={"role": "hr"})),
            "gateway-events": _ok(admin.get(f"{ORG}/events", params={"after": 0})),
            "audit": _ok(admin.get(f"{ORG}/audit-log")),
            "jwks": _ok(company.anonymous().get("/.well-known/jwks.json")),
        }

        for name, answer in answers.items():
            assert _secrets_in(answer) == [], name

    def test_a_client_secret_is_shown_once_when_it_is_made(self, company: Company) -> None:
        created = _ok(
            company.admin.http.post(
                f"{AUTH}/clients", json={"name": "shown once", "scopes": ["org:read"]}
            ),
            201,
        )
        listed = _ok(company.admin.http.get(f"{AUTH}/clients"))

        assert created["client_secret"]
        assert created["client_secret"] not in json.dumps(listed)

    def test_an_employee_sees_a_colleagues_work_details_but_not_their_personal_data(
        self, company: Company
    ) -> None:
        colleague = _ok(company.alice.http.get(f"{ORG}/employees/{company.bob.employee_id}"))
        own = _ok(company.alice.http.get(f"{ORG}/employees/{company.alice.employee_id}"))
        by_hr = _ok(company.hr.http.get(f"{ORG}/employees/{company.bob.employee_id}"))

        assert colleague["email"] == "sec.bob@example.cn"
        assert "id_number" not in colleague and "birth_date" not in colleague
        assert own["id_number"] == "310101199001011234"
        assert by_hr["id_number"] == "110101198807071111"

    def test_an_employee_cannot_give_a_party_to_someone_else_but_the_admin_can(
        self, company: Company
    ) -> None:
        body = {"kind": "customer", "owner_employee_id": company.bob.employee_id}
        by_employee = company.alice.http.post(
            f"{ORG}/parties", json={**body, "name": f"塞给别人 {uuid.uuid4().hex[:6]}"}
        )
        by_admin = company.admin.http.post(
            f"{ORG}/parties", json={**body, "name": f"管理员分配 {uuid.uuid4().hex[:6]}"}
        )

        assert_problem(by_employee, 403, "owner_assignment_forbidden")
        assert _ok(by_admin, 201)["owner_employee_id"] == company.bob.employee_id

    @pytest.mark.parametrize(
        "extra",
        [{"id": str(uuid.uuid4())}, {"version": 99}, {"created_at": "2000-01-01T00:00:00Z"}],
        ids=["id", "version", "created_at"],
    )
    def test_fields_the_server_owns_cannot_be_sent(
        self, company: Company, extra: dict[str, Any]
    ) -> None:
        name = f"多给字段 {uuid.uuid4().hex[:6]}"
        refused = company.alice.http.post(
            f"{ORG}/parties", json={"kind": "customer", "name": name, **extra}
        )
        party = _party(company.alice, name)
        patched = company.alice.http.patch(f"{ORG}/parties/{party['id']}", json=extra)

        assert_problem(refused, 422)
        assert_problem(patched, 422)

    def test_an_account_cannot_grant_itself_roles(self, company: Company) -> None:
        me = _ok(company.alice.http.get(f"{AUTH}/me"))
        account_id = me.get("id") or me.get("account_id") or me["sub"]

        attempt = company.alice.http.patch(f"{AUTH}/users/{account_id}", json={"roles": ["admin"]})

        assert_problem(attempt, 403)
        assert _ok(company.alice.http.get(f"{AUTH}/me"))["roles"] == ["employee"]


# ---- API4:2023 Unrestricted Resource Consumption --------------------------------------------


class TestAPI4UnrestrictedResourceConsumption:
    def test_a_body_over_the_limit_is_413_before_authentication_on_the_gateways_own_routes(
        self, company: Company
    ) -> None:
        big = b'{"username": "' + b"x" * (MAX_BODY_BYTES * 4) + b'"}'
        headers = {"Content-Type": "application/json"}

        anonymous = company.anonymous().post(f"{AUTH}/users", content=big, headers=headers)
        signed_in = company.admin.http.post(f"{AUTH}/users", content=big, headers=headers)
        form = company.anonymous().post(
            f"{AUTH}/token",
            content=b"grant_type=password&username=" + b"x" * (MAX_BODY_BYTES * 4),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

        assert_problem(anonymous, 413)
        assert_problem(signed_in, 413)
        assert_problem(form, 413)
        assert company.anonymous().get("/healthz").status_code == 200

    def test_a_body_over_the_limit_is_413_on_proxied_routes_and_one_under_it_goes_through(
        self, company: Company
    ) -> None:
        big = {"kind": "customer", "name": "大", "address": "x" * (MAX_BODY_BYTES * 2)}

        assert_problem(company.alice.http.post(f"{ORG}/parties", json=big), 413)
        # Without a token the body is never read: refused as too big or as unauthenticated.
        anonymous = company.anonymous().post(f"{ORG}/parties", json=big)
        assert_problem(anonymous, anonymous.status_code)
        assert anonymous.status_code in (401, 413)
        _party(company.alice, f"小 {uuid.uuid4().hex[:6]}")

    def test_free_text_has_a_maximum_length(self, company: Company) -> None:
        too_long = company.alice.http.post(
            f"{ORG}/parties", json={"kind": "customer", "name": "名" * 201}
        )
        assert_problem(too_long, 422)
        _party(company.alice, "名" * 190 + uuid.uuid4().hex[:10])

    @pytest.mark.parametrize("path", [f"{ORG}/employees", f"{ORG}/parties", f"{AUTH}/users"])
    def test_a_page_is_at_most_200_items(self, company: Company, path: str) -> None:
        assert company.admin.http.get(path, params={"limit": 200}).status_code == 200
        assert_problem(company.admin.http.get(path, params={"limit": 201}), 422)
        assert_problem(company.admin.http.get(path, params={"limit": 10**30}), 422)

    def test_a_long_poll_is_bounded(self, company: Company) -> None:
        assert_problem(company.admin.http.get(f"{ORG}/events", params={"wait": 3600}), 422)
        quick = company.admin.http.get(f"{ORG}/events", params={"after": 0, "wait": 0})
        assert quick.status_code == 200, quick.text

    def test_writes_beyond_a_callers_allowance_are_429_and_other_callers_still_write(
        self, company: Company
    ) -> None:
        busy = _new_account(company, "employee")
        # Writes the gateway counts before the service sees them (the party is refused there).
        answers = [
            busy.http.post(f"{ORG}/parties", json={"kind": "customer", "name": ""})
            for _ in range(WRITE_LIMIT + 2)
        ]

        statuses = [answer.status_code for answer in answers]
        assert 429 not in statuses[:WRITE_LIMIT], statuses
        refused = answers[-1]
        assert_problem(refused, 429, "too_many_writes")
        assert int(refused.headers["retry-after"]) >= 1
        assert busy.http.get(f"{ORG}/departments").status_code == 200  # reads go on
        _party(company.bob, f"别人照常写 {uuid.uuid4().hex[:6]}")


# ---- API5:2023 Broken Function Level Authorization ------------------------------------------

_ADMIN_ONLY: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", f"{AUTH}/users", {"username": "sneaky", "password": PASSWORD}),
    ("GET", f"{AUTH}/users", None),
    ("POST", f"{AUTH}/clients", {"name": "sneaky", "scopes": ["org:write"]}),
    ("GET", f"{AUTH}/clients", None),
]
_HR_OR_ADMIN: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", f"{ORG}/departments", {"code": "SNK", "name": "偷偷加的部门"}),
    ("PUT", f"{HR}/calendars/2031", {"days": []}),
    ("POST", f"{HR}/leave-balances/allocate", {"year": 2031}),
]


class TestAPI5BrokenFunctionLevelAuthorization:
    @pytest.mark.parametrize(
        ("method", "path", "body"), _ADMIN_ONLY + _HR_OR_ADMIN, ids=lambda v: str(v)[:40]
    )
    def test_an_employee_is_refused_management_functions(
        self, company: Company, method: str, path: str, body: dict[str, Any] | None
    ) -> None:
        answer = company.alice.http.request(method, path, json=body)
        assert_problem(answer, 403)

    @pytest.mark.parametrize(
        ("method", "path", "body"), _ADMIN_ONLY[1::2], ids=["users", "clients"]
    )
    def test_the_admin_may(
        self, company: Company, method: str, path: str, body: dict[str, Any] | None
    ) -> None:
        assert company.admin.http.request(method, path, json=body).status_code == 200

    def test_the_admin_may_create_a_department_hr_and_employees_may_not(
        self, company: Company
    ) -> None:
        body = {"code": f"S{uuid.uuid4().hex[:5].upper()}", "name": "安全部"}
        body["parent_id"] = company.department_id
        assert_problem(company.alice.http.post(f"{ORG}/departments", json=body), 403)
        assert_problem(company.hr.http.post(f"{ORG}/departments", json=body), 403)
        created = _ok(company.admin.http.post(f"{ORG}/departments", json=body), 201)
        assert created["code"] == body["code"]

    def test_only_services_deliver_notices(self, company: Company) -> None:
        notice = {
            "recipients": {"employee_ids": [company.bob.employee_id]},
            "kind": "probe",
            "title": {"zh": "伪造", "en": "Forged"},
        }
        assert_problem(company.alice.http.post(f"{WF}/notifications", json=notice), 403)
        assert_problem(company.admin.http.post(f"{WF}/notifications", json=notice), 403)

    def test_a_client_is_held_to_its_scopes_by_the_gateway_and_by_each_service(
        self, company: Company
    ) -> None:
        token = _client_token(company, "org:read")
        platform = company.platform
        hr_direct = httpx.get(
            f"{platform.service_url('hr')}{HR}/leave-requests",
            headers=bearer(token),
            timeout=PATIENCE,
        )
        wf_direct = httpx.get(
            f"{platform.service_url('workflow')}{WF}/definitions",
            headers=bearer(token),
            timeout=PATIENCE,
        )
        org_write_direct = httpx.post(
            f"{platform.service_url('org')}{ORG}/parties",
            json={"kind": "customer", "name": "客户端写"},
            headers=bearer(token),
            timeout=PATIENCE,
        )
        org_read_direct = httpx.get(
            f"{platform.service_url('org')}{ORG}/departments",
            headers=bearer(token),
            timeout=PATIENCE,
        )

        assert_problem(company.anonymous().get(f"{HR}/leave-requests", headers=bearer(token)), 403)
        assert_problem(hr_direct, 403)
        assert_problem(wf_direct, 403)
        assert_problem(org_write_direct, 403)
        assert org_read_direct.status_code == 200, org_read_direct.text


# ---- API6:2023 Unrestricted Access to Sensitive Business Flows ------------------------------


class TestAPI6UnrestrictedAccessToSensitiveBusinessFlows:
    def test_a_retried_creation_with_its_key_is_applied_once(self, company: Company) -> None:
        key = str(uuid.uuid4())
        body = {"kind": "supplier", "name": f"重试的供应商 {key[:6]}"}
        headers = {"Idempotency-Key": key}

        first = company.alice.http.post(f"{ORG}/parties", json=body, headers=headers)
        again = company.alice.http.post(f"{ORG}/parties", json=body, headers=headers)
        other_body = company.alice.http.post(
            f"{ORG}/parties", json={**body, "name": "另一个"}, headers=headers
        )

        assert first.status_code == 201, first.text
        assert (again.status_code, again.json()["id"]) == (201, first.json()["id"])
        assert again.headers.get("idempotent-replayed") == "true"
        assert 400 <= other_body.status_code < 500 and other_body.status_code != 404
        found = _ok(company.alice.http.get(f"{ORG}/parties", params={"q": body["name"]}))
        assert [p["id"] for p in found["items"]] == [first.json()["id"]]

    def test_a_reused_refresh_token_ends_the_whole_session(self, company: Company) -> None:
        anonymous = company.anonymous()
        tokens = _ok(
            anonymous.post(
                f"{AUTH}/token",
                data={"grant_type": "password", "username": "sec.bob", "password": PASSWORD},
            )
        )

        def refresh(token: str) -> httpx.Response:
            return anonymous.post(
                f"{AUTH}/token", data={"grant_type": "refresh_token", "refresh_token": token}
            )

        rotated = refresh(tokens["refresh_token"])
        stolen = refresh(tokens["refresh_token"])

        assert rotated.status_code == 200
        assert stolen.status_code == 400
        assert refresh(rotated.json()["refresh_token"]).status_code == 400


# ---- API7:2023 Server Side Request Forgery --------------------------------------------------


class TestAPI7ServerSideRequestForgery:
    @pytest.mark.parametrize(
        "path",
        [
            "/api/v1/127.0.0.1:22/",
            "/api/v1/http://169.254.169.254/latest/meta-data",
            "/api/v1/org@evil.example/departments",
            "/api/v1/orgx/departments",
            "/api/v1/org/../../gateway/users",
            "/api/v1/%2e%2e/auth/users",
        ],
    )
    def test_a_path_only_reaches_the_services_the_gateway_knows(
        self, company: Company, path: str
    ) -> None:
        answer = company.admin.http.get(path)
        assert answer.status_code in (400, 404, 422), answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")

    def test_the_host_header_does_not_choose_the_upstream(self, company: Company) -> None:
        for host in ("169.254.169.254", "evil.example:80", "127.0.0.1:22"):
            answer = company.admin.http.get(
                f"{ORG}/departments",
                headers={"Host": host, "X-Forwarded-Host": host, "Forwarded": f"host={host}"},
            )
            assert answer.status_code == 200, answer.text
            assert any(d["code"] == "RND" for d in answer.json()["items"])

    def test_a_url_in_a_field_is_stored_as_text_not_fetched(self, company: Company) -> None:
        url = "http://169.254.169.254/latest/meta-data/iam"
        party = company.alice.http.post(
            f"{ORG}/parties", json={"kind": "partner", "name": url, "address": url}
        )
        assert _ok(party, 201)["address"] == url


# ---- API8:2023 Security Misconfiguration ----------------------------------------------------


class TestAPI8SecurityMisconfiguration:
    def test_every_answer_says_nosniff_and_authenticated_json_is_not_stored(
        self, company: Company
    ) -> None:
        for service in SERVICES:
            answer = company.admin.http.get(f"/api/v1/{service}/events")
            assert answer.headers["x-content-type-options"] == "nosniff", service
            assert "no-store" in answer.headers["cache-control"], service
        for path in ("/healthz", "/openapi.json", "/nowhere"):
            answer = company.anonymous().get(path)
            assert answer.headers["x-content-type-options"] == "nosniff", path
        me = company.admin.http.get(f"{AUTH}/me")
        assert "no-store" in me.headers["cache-control"]

    def test_the_docs_page_has_a_csp_and_may_not_be_framed(self, company: Company) -> None:
        docs = company.anonymous().get("/docs")
        assert docs.status_code == 200
        assert "default-src" in docs.headers["content-security-policy"]
        assert docs.headers["x-frame-options"].upper() in ("DENY", "SAMEORIGIN")

    def test_cors_answers_the_configured_origin_only(self, company: Company) -> None:
        def preflight(origin: str) -> httpx.Response:
            return company.anonymous().options(
                f"{ORG}/departments",
                headers={
                    "Origin": origin,
                    "Access-Control-Request-Method": "GET",
                    "Access-Control-Request-Headers": "authorization",
                },
            )

        allowed = preflight(ALLOWED_ORIGIN)
        evil = preflight("https://evil.example")
        simple = company.admin.http.get(
            f"{ORG}/departments", headers={"Origin": "https://evil.example"}
        )

        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
        assert_problem(evil, 400, "cors_refused")
        assert "access-control-allow-origin" not in evil.headers
        assert "access-control-allow-origin" not in simple.headers

    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("GET", f"{ORG}/employees/not-a-uuid", None),
            ("GET", f"{HR}/calendars/99999999999999999999999", None),
            ("GET", f"{ORG}/events?after=99999999999999999999999", None),
            ("POST", f"{ORG}/parties", "{not json"),
            ("POST", f"{ORG}/parties", '{"kind": "customer", "name": "a\\u0000b"}'),
            ("DELETE", f"{ORG}/departments", None),
            ("GET", f"{ORG}/employees?sort=password", None),
        ],
        ids=["uuid", "int-overflow", "feed-overflow", "bad-json", "nul", "method", "sort"],
    )
    def test_errors_are_problems_without_internals(
        self, company: Company, method: str, path: str, body: str | None
    ) -> None:
        answer = company.admin.http.request(
            method, path, content=body, headers={"Content-Type": "application/json"}
        )

        assert 400 <= answer.status_code < 500, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        text = answer.text
        for leak in ("Traceback", 'File "', "sqlalchemy", "asyncpg", "sqlite3", "/site-packages/"):
            assert leak not in text, (leak, text)

    def test_an_unknown_account_and_a_wrong_password_look_the_same(self, company: Company) -> None:
        anonymous = company.anonymous()
        unknown = anonymous.post(
            f"{AUTH}/token",
            data={"grant_type": "password", "username": "no.such.person", "password": "x" * 12},
        )
        wrong = anonymous.post(
            f"{AUTH}/token",
            data={"grant_type": "password", "username": "sec.alice", "password": "x" * 12},
        )
        assert unknown.status_code == wrong.status_code == 401 or (
            unknown.status_code == wrong.status_code == 400
        )
        assert unknown.json() == wrong.json() | {
            k: v for k, v in unknown.json().items() if k == "request_id"
        }


# ---- API9:2023 Improper Inventory Management ------------------------------------------------


class TestAPI9ImproperInventoryManagement:
    def test_every_documented_operation_needs_a_token_except_the_login(
        self, company: Company
    ) -> None:
        document = _ok(company.anonymous().get("/openapi.json"))
        open_operations = [
            f"{method.upper()} {path}"
            for path, item in document["paths"].items()
            for method, operation in item.items()
            if method in ("get", "post", "put", "patch", "delete")
            and operation.get("security", document.get("security")) in (None, [], [{}])
        ]
        assert open_operations == [f"POST {AUTH}/token"]

    def test_every_documented_list_answers_and_undocumented_versions_do_not(
        self, company: Company
    ) -> None:
        document = _ok(company.anonymous().get("/openapi.json"))
        lists = [
            path
            for path, item in document["paths"].items()
            if "get" in item and "{" not in path and not path.endswith("/events")
        ]
        assert len(lists) > 20
        for path in lists:
            answer = company.admin.http.get(path)
            if answer.status_code == 404:  # a documented route answers; its record may not exist
                assert answer.json()["code"] != "not_found", path
            assert answer.status_code < 500, (path, answer.text)
        for service in SERVICES:
            for version in ("v0", "v2", "beta", "internal"):
                gone = company.admin.http.get(f"/api/{version}/{service}/events")
                assert_problem(gone, 404)

    def test_each_service_documents_only_its_own_prefix(self, company: Company) -> None:
        document = _ok(company.anonymous().get("/openapi.json"))
        prefixes = {path.split("/")[3] for path in document["paths"]}
        assert prefixes == {"auth", *SERVICES}


# ---- API10:2023 Unsafe Consumption of APIs --------------------------------------------------


class TestAPI10UnsafeConsumptionOfAPIs:
    def test_an_account_links_only_an_employee_org_confirms(self, company: Company) -> None:
        unknown = company.admin.http.post(
            f"{AUTH}/users",
            json={
                "username": f"sec.{uuid.uuid4().hex[:8]}",
                "password": PASSWORD,
                "employee_id": str(uuid.uuid4()),
            },
        )
        hired = _ok(
            company.hr.http.post(
                f"{ORG}/employees",
                json={
                    "employee_number": f"SEC-{uuid.uuid4().hex[:6]}",
                    "name": "新人",
                    "email": f"{uuid.uuid4().hex[:8]}@example.cn",
                    "department_id": company.department_id,
                    "hire_date": "2025-01-02",
                },
            ),
            201,
        )
        known = company.admin.http.post(
            f"{AUTH}/users",
            json={
                "username": f"sec.{uuid.uuid4().hex[:8]}",
                "password": PASSWORD,
                "employee_id": hired["id"],
            },
        )

        assert_problem(unknown, 422, "unknown_employee")
        assert known.status_code == 201, known.text

    def test_what_org_publishes_reaches_its_consumers_typed(self, company: Company) -> None:
        feed = _ok(company.admin.http.get(f"{ORG}/events", params={"after": 0, "limit": 200}))
        types = {event["type"] for event in feed["items"]}
        assert "org.employee.hired" in types or any(t.startswith("org.employee") for t in types)
        contracts = _ok(company.anonymous().get("/asyncapi.json"))
        documented = json.dumps(contracts)
        for event_type in types:
            assert event_type in documented, event_type
