"""Accounts name real employees (once), the token endpoint says it wants a form, ``/me``
carries the employee's profile from org, and NUL characters are refused, not a 500."""

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from shared.kit.testing import bearer
from tests.gateway.conftest import FAKE_ORG, GatewayUnderTest, MakeGateway
from tests.platform_runner import ADMIN_PASSWORD

TOKEN = "/api/v1/auth/token"
ME = "/api/v1/auth/me"
USERS = "/api/v1/auth/users"
CLIENTS = "/api/v1/auth/clients"
PROBLEM_JSON = "application/problem+json"


def org_employee(name: str = "陈小红", *, with_parts: bool = True) -> dict[str, Any]:
    """An employee the fake org knows, with a department, a position and a manager."""
    employee_id, department_id, position_id, manager_id = (str(uuid.uuid4()) for _ in range(4))
    employee = {
        "id": employee_id,
        "employee_number": "E0042",
        "name": name,
        "email": "chen.xiaohong@example.com",
        "phone": None,
        "department_id": department_id,
        "position_id": position_id,
        "manager_id": manager_id,
        "status": "active",
    }
    FAKE_ORG[f"employees/{employee_id}"] = employee
    if with_parts:
        FAKE_ORG[f"departments/{department_id}"] = {"id": department_id, "name": "研发部"}
        FAKE_ORG[f"positions/{position_id}"] = {"id": position_id, "title": "工程师"}
        FAKE_ORG[f"employees/{employee_id}/managers"] = {
            "employee_id": employee_id,
            "managers": [
                {
                    "level": 1,
                    "source": "manager",
                    "employee": {"id": manager_id, "name": "王经理"},
                }
            ],
        }
    return employee


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def assert_nul_refused(response: httpx.Response, field: str | None = None) -> None:
    """422 problem naming the field (the kit's own NUL check may answer before the gateway's)."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body = response.json()
    assert body["code"] in ("nul_character", "validation_error"), body
    if field is not None:
        assert field in str(body["errors"][0]["loc"]), body


async def create(gateway: GatewayUnderTest, username: str, **fields: Any) -> httpx.Response:
    return await gateway.client.post(
        USERS,
        json={"username": username, "password": "a-long-enough-secret", **fields},
        headers=gateway.admin(),
    )


# --- accounts and employees ----------------------------------------------------------------


async def test_an_account_for_an_employee_org_does_not_know_is_422(
    gateway: GatewayUnderTest,
) -> None:
    response = await create(gateway, "ghost", employee_id=str(uuid.uuid4()))

    body = assert_problem(response, 422, "unknown_employee")
    assert body["errors"][0]["loc"] == ["body", "employee_id"]
    listed = await gateway.client.get(USERS, params={"q": "ghost"}, headers=gateway.admin())
    assert listed.json()["items"] == []


async def test_an_account_for_a_known_employee_is_created(gateway: GatewayUnderTest) -> None:
    employee = org_employee()

    response = await create(gateway, "chen", employee_id=employee["id"])

    assert response.status_code == 201, response.text
    assert response.json()["employee_id"] == employee["id"]


async def test_when_org_is_down_no_link_is_saved_unchecked(
    make_gateway: MakeGateway, closed_port_url: str
) -> None:
    gateway = await make_gateway(org_url=closed_port_url)

    response = await create(gateway, "unchecked", employee_id=str(uuid.uuid4()))

    body = assert_problem(response, 503, "org_unavailable")
    assert body["service"] == "org"
    assert response.headers["retry-after"]
    without_link = await create(gateway, "unlinked")
    assert without_link.status_code == 201, "accounts of no employee need no org"


async def test_an_employee_may_have_only_one_account(gateway: GatewayUnderTest) -> None:
    employee = org_employee()
    first = await create(gateway, "first", employee_id=employee["id"])
    assert first.status_code == 201
    other = await create(gateway, "other")
    assert other.status_code == 201

    second = await create(gateway, "second", employee_id=employee["id"])
    relinked = await gateway.client.patch(
        f"{USERS}/{other.json()['id']}",
        json={"employee_id": employee["id"]},
        headers=gateway.admin(),
    )
    same_again = await gateway.client.patch(
        f"{USERS}/{first.json()['id']}",
        json={"employee_id": employee["id"]},
        headers=gateway.admin(),
    )

    assert "first" in assert_problem(second, 409, "employee_has_account")["detail"]
    assert_problem(relinked, 409, "employee_has_account")
    assert same_again.status_code == 200, "keeping one's own link is no conflict"


async def test_simultaneous_accounts_for_one_employee_end_in_one_201_and_409s(
    gateway: GatewayUnderTest,
) -> None:
    employee = org_employee()

    answers = await asyncio.gather(
        *(create(gateway, f"twin{number}", employee_id=employee["id"]) for number in range(4))
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201, 409, 409, 409], [answer.text for answer in answers]
    for answer in answers:
        if answer.status_code == 409:
            assert answer.json()["code"] == "employee_has_account"


async def test_relinking_to_an_unknown_employee_is_422(gateway: GatewayUnderTest) -> None:
    account = (await create(gateway, "relink")).json()

    response = await gateway.client.patch(
        f"{USERS}/{account['id']}",
        json={"employee_id": str(uuid.uuid4())},
        headers=gateway.admin(),
    )

    assert_problem(response, 422, "unknown_employee")


# --- the token endpoint takes a form -------------------------------------------------------


async def test_a_json_body_on_the_token_endpoint_is_told_to_send_a_form(
    gateway: GatewayUnderTest,
) -> None:
    response = await gateway.client.post(
        TOKEN, json={"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD}
    )

    body = assert_problem(response, 415, "form_required")
    assert "application/x-www-form-urlencoded" in body["detail"]
    assert "Field required" not in response.text
    assert body["error"] == "invalid_request"


# --- /me -----------------------------------------------------------------------------------


async def login_as_employee(gateway: GatewayUnderTest, employee: dict[str, Any]) -> dict[str, str]:
    username = f"e{uuid.uuid4().hex[:8]}"
    created = await create(gateway, username, employee_id=employee["id"])
    assert created.status_code == 201, created.text
    tokens = await gateway.login(username, "a-long-enough-secret")
    return bearer(tokens["access_token"])


async def test_me_carries_the_employees_profile_from_org(gateway: GatewayUnderTest) -> None:
    employee = org_employee()
    token = await login_as_employee(gateway, employee)

    me = (await gateway.client.get(ME, headers=token)).json()

    assert me["profile_status"] == "complete"
    assert me["profile"] == {
        "employee_id": employee["id"],
        "name": "陈小红",
        "employee_number": "E0042",
        "email": "chen.xiaohong@example.com",
        "status": "active",
        "department": {"id": employee["department_id"], "name": "研发部"},
        "position": {"id": employee["position_id"], "name": "工程师"},
        "manager": {"id": employee["manager_id"], "name": "王经理"},
    }
    assert me["employee_id"] == employee["id"]


async def test_me_says_which_parts_of_the_profile_org_could_not_give(
    gateway: GatewayUnderTest,
) -> None:
    employee = org_employee(with_parts=False)
    token = await login_as_employee(gateway, employee)

    me = (await gateway.client.get(ME, headers=token)).json()

    assert me["profile"]["name"] == "陈小红"
    assert me["profile"]["department"] == {"id": employee["department_id"], "name": None}
    assert me["profile"]["manager"] is None
    assert me["profile_status"] == "complete", "a missing part org answered 404 for is known"


async def test_me_answers_with_the_account_alone_when_org_is_down(
    make_gateway: MakeGateway, closed_port_url: str
) -> None:
    gateway = await make_gateway(org_url=closed_port_url)
    employee_id = str(uuid.uuid4())
    token = bearer(gateway.mint(("employee",), username="lin", employee_id=employee_id))

    response = await gateway.client.get(ME, headers=token)

    assert response.status_code == 200
    me = response.json()
    assert me["profile_status"] == "unavailable"
    assert me["profile"] is None
    assert me["username"] == "lin"
    assert me["employee_id"] == employee_id


async def test_me_without_an_employee_says_so(gateway: GatewayUnderTest) -> None:
    me = (await gateway.client.get(ME, headers=gateway.admin())).json()

    assert me["profile_status"] == "no_employee"
    assert me["profile"] is None


# --- NUL characters ------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["username", "password", "grant_type"])
async def test_a_nul_in_the_login_form_is_422_not_500(
    gateway: GatewayUnderTest, field: str
) -> None:
    form = {"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD}
    form[field] = form[field][:3] + "\x00" + form[field][3:]

    response = await gateway.client.post(TOKEN, data=form)

    assert_nul_refused(response, field)


async def test_a_nul_in_client_credentials_is_422(gateway: GatewayUnderTest) -> None:
    for form in (
        {"grant_type": "client_credentials", "client_id": "cli\x00x", "client_secret": "s"},
        {"grant_type": "refresh_token", "refresh_token": "abc\x00def"},
    ):
        assert_nul_refused(await gateway.client.post(TOKEN, data=form))
    basic = httpx.BasicAuth("cli\x00x", "secret")
    response = await gateway.client.post(
        TOKEN, data={"grant_type": "client_credentials"}, auth=basic
    )
    assert_nul_refused(response)


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("POST", USERS, {"username": "nul\x00user", "password": "a-long-enough-secret"}),
        ("POST", USERS, {"username": "nuluser", "password": "a-long-\x00-secret"}),
        ("POST", CLIENTS, {"name": "integration\x00", "scopes": ["org:read"]}),
    ],
)
async def test_a_nul_in_an_account_or_client_field_is_422(
    gateway: GatewayUnderTest, method: str, path: str, payload: dict[str, Any]
) -> None:
    response = await gateway.client.request(method, path, json=payload, headers=gateway.admin())

    assert_nul_refused(response)


async def test_a_nul_in_the_account_search_is_422(gateway: GatewayUnderTest) -> None:
    response = await gateway.client.get(USERS, params={"q": "ad\x00min"}, headers=gateway.admin())

    assert_nul_refused(response)
