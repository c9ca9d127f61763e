"""The token endpoint, /me, /logout and the accounts and clients admin API, in-process."""

import asyncio
import base64
import uuid

import httpx
import pytest

from shared.kit.testing import bearer
from tests.gateway.conftest import FAKE_ORG, GatewayUnderTest
from tests.platform_runner import ADMIN_PASSWORD

TOKEN = "/api/v1/auth/token"
ME = "/api/v1/auth/me"
USERS = "/api/v1/auth/users"
CLIENTS = "/api/v1/auth/clients"
PROBLEM_JSON = "application/problem+json"


def assert_oauth_error(response: httpx.Response, status: int, error: str) -> dict[str, object]:
    """An RFC 6749 refusal, rendered as a problem: ``error`` and ``code`` both name it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, object] = response.json()
    assert body["error"] == error
    assert body["code"] == error
    assert body["error_description"] == body["detail"]
    return body


# --- password grant ------------------------------------------------------------------------


async def test_password_grant_answers_an_access_and_a_refresh_token(
    gateway: GatewayUnderTest,
) -> None:
    response = await gateway.password_grant("admin", ADMIN_PASSWORD)

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == gateway.settings.access_token_ttl
    assert body["refresh_token"]
    me = await gateway.client.get(ME, headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["username"] == "admin"


async def test_usernames_are_case_insensitive_at_login(gateway: GatewayUnderTest) -> None:
    response = await gateway.password_grant(" Admin ", ADMIN_PASSWORD)

    assert response.status_code == 200


async def test_wrong_password_unknown_user_and_inactive_account_are_refused_alike(
    gateway: GatewayUnderTest,
) -> None:
    await gateway.create_user("dora", password="doras-own-secret", active=False)

    answers = [
        await gateway.password_grant("admin", "not-the-admin-password"),
        await gateway.password_grant("nobody-by-this-name", ADMIN_PASSWORD),
        await gateway.password_grant("dora", "doras-own-secret"),
    ]

    bodies = [assert_oauth_error(answer, 400, "invalid_grant") for answer in answers]
    assert len({body["detail"] for body in bodies}) == 1, "the answer must not reveal which"


async def test_password_grant_without_a_password_is_an_invalid_request(
    gateway: GatewayUnderTest,
) -> None:
    response = await gateway.client.post(
        TOKEN, data={"grant_type": "password", "username": "admin"}
    )

    assert_oauth_error(response, 400, "invalid_request")


async def test_an_unknown_grant_type_is_refused(gateway: GatewayUnderTest) -> None:
    response = await gateway.client.post(TOKEN, data={"grant_type": "authorization_code"})

    assert_oauth_error(response, 400, "unsupported_grant_type")


# --- refresh tokens and logout -------------------------------------------------------------


async def test_refresh_rotation_issues_new_tokens_and_the_chain_continues(
    gateway: GatewayUnderTest,
) -> None:
    first = await gateway.login()

    rotated = await gateway.refresh(first["refresh_token"])

    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    me = await gateway.client.get(ME, headers=bearer(second["access_token"]))
    assert me.json()["username"] == "admin"
    third = await gateway.refresh(second["refresh_token"])
    assert third.status_code == 200


async def test_reused_refresh_token_revokes_the_whole_session(gateway: GatewayUnderTest) -> None:
    first = await gateway.login()
    unrelated_session = await gateway.login()
    second = (await gateway.refresh(first["refresh_token"])).json()

    reused = await gateway.refresh(first["refresh_token"])

    body = assert_oauth_error(reused, 400, "invalid_grant")
    assert "already used" in str(body["detail"])
    newest = await gateway.refresh(second["refresh_token"])
    assert_oauth_error(newest, 400, "invalid_grant")
    assert (await gateway.refresh(unrelated_session["refresh_token"])).status_code == 200


async def test_an_unknown_refresh_token_is_an_invalid_grant(gateway: GatewayUnderTest) -> None:
    assert_oauth_error(await gateway.refresh("made-up-token"), 400, "invalid_grant")


async def test_logout_ends_the_session_so_its_refresh_token_no_longer_works(
    gateway: GatewayUnderTest,
) -> None:
    session = await gateway.login()
    other_session = await gateway.login()

    logout = await gateway.client.post(
        "/api/v1/auth/logout", headers=bearer(session["access_token"])
    )

    assert logout.status_code == 204
    assert_oauth_error(await gateway.refresh(session["refresh_token"]), 400, "invalid_grant")
    assert (await gateway.refresh(other_session["refresh_token"])).status_code == 200


async def test_logout_needs_a_token(gateway: GatewayUnderTest) -> None:
    response = await gateway.client.post("/api/v1/auth/logout")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_deactivating_an_account_refuses_its_logins_and_ends_its_sessions(
    gateway: GatewayUnderTest,
) -> None:
    account = await gateway.create_user("ellen", password="ellens-passphrase")
    session = await gateway.login("ellen", "ellens-passphrase")

    changed = await gateway.client.patch(
        f"{USERS}/{account['id']}", json={"active": False}, headers=gateway.admin()
    )

    assert changed.status_code == 200
    assert_oauth_error(await gateway.refresh(session["refresh_token"]), 400, "invalid_grant")
    refused = await gateway.password_grant("ellen", "ellens-passphrase")
    assert_oauth_error(refused, 400, "invalid_grant")


# --- /me -----------------------------------------------------------------------------------


async def test_me_describes_a_person(gateway: GatewayUnderTest) -> None:
    employee_id = uuid.uuid4()
    FAKE_ORG[f"employees/{employee_id}"] = {"id": str(employee_id), "name": "Frank"}
    account = await gateway.create_user(
        "frank",
        password="franks-passphrase",
        roles=("hr", "employee"),
        employee_id=str(employee_id),
    )
    tokens = await gateway.login("frank", "franks-passphrase")

    me = await gateway.client.get(ME, headers=bearer(tokens["access_token"]))

    assert me.status_code == 200
    body = me.json()
    assert body.pop("profile")["name"] == "Frank"
    assert body == {
        "sub": account["id"],
        "username": "frank",
        "employee_id": str(employee_id),
        "roles": ["employee", "hr"],
        "scopes": [],
        "client_id": None,
        "profile_status": "complete",
    }


async def test_me_describes_a_client(gateway: GatewayUnderTest) -> None:
    client = await gateway.create_client("org:read", "hr:write")
    token = await gateway.client_token(client)

    me = await gateway.client.get(ME, headers=bearer(token))

    assert me.status_code == 200
    assert me.json() == {
        "sub": f"client:{client['client_id']}",
        "username": None,
        "employee_id": None,
        "roles": [],
        "scopes": ["hr:write", "org:read"],
        "client_id": client["client_id"],
        "profile": None,
        "profile_status": "no_employee",
    }


async def test_me_without_a_token_is_401_with_a_bearer_challenge(
    gateway: GatewayUnderTest,
) -> None:
    response = await gateway.client.get(ME)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"].startswith(PROBLEM_JSON)


# --- client credentials --------------------------------------------------------------------


async def test_client_credentials_grant_answers_a_token_with_the_clients_scopes(
    gateway: GatewayUnderTest,
) -> None:
    client = await gateway.create_client("org:read", "hr:write")
    assert client["client_secret"]

    response = await gateway.client.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == "hr:write org:read"
    assert body["token_type"] == "bearer"
    assert "refresh_token" not in body


async def test_client_credentials_may_come_as_http_basic(gateway: GatewayUnderTest) -> None:
    client = await gateway.create_client("logistics:read")
    basic = base64.b64encode(f"{client['client_id']}:{client['client_secret']}".encode()).decode()

    response = await gateway.client.post(
        TOKEN,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )

    assert response.status_code == 200
    assert response.json()["scope"] == "logistics:read"


async def test_a_client_may_ask_for_fewer_scopes_than_it_has(gateway: GatewayUnderTest) -> None:
    client = await gateway.create_client("org:read", "org:write")

    token = await gateway.client_token(client, scope="org:read")

    me = await gateway.client.get(ME, headers=bearer(token))
    assert me.json()["scopes"] == ["org:read"]


async def test_asking_for_a_scope_the_client_lacks_is_invalid_scope(
    gateway: GatewayUnderTest,
) -> None:
    client = await gateway.create_client("org:read")

    response = await gateway.client.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
            "scope": "org:read finance:write",
        },
    )

    body = assert_oauth_error(response, 400, "invalid_scope")
    assert "finance:write" in str(body["detail"])


@pytest.mark.parametrize("wrong", ["secret", "client_id", "both_missing"])
async def test_wrong_client_credentials_are_401_invalid_client(
    gateway: GatewayUnderTest, wrong: str
) -> None:
    client = await gateway.create_client("org:read")
    data = {"grant_type": "client_credentials"}
    if wrong == "secret":
        data |= {"client_id": client["client_id"], "client_secret": "not-the-secret"}
    elif wrong == "client_id":
        data |= {"client_id": "cli_unknown", "client_secret": client["client_secret"]}

    response = await gateway.client.post(TOKEN, data=data)

    assert_oauth_error(response, 401, "invalid_client")


async def test_a_deactivated_client_gets_no_token(gateway: GatewayUnderTest) -> None:
    client = await gateway.create_client("org:read")

    changed = await gateway.client.patch(
        f"{CLIENTS}/{client['id']}", json={"active": False}, headers=gateway.admin()
    )
    assert changed.status_code == 200

    response = await gateway.client.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
        },
    )
    assert_oauth_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"].startswith("Basic")


async def test_client_secrets_are_shown_once_and_never_listed(gateway: GatewayUnderTest) -> None:
    client = await gateway.create_client("org:read")

    listed = await gateway.client.get(CLIENTS, headers=gateway.admin(), params={"limit": 200})

    assert listed.status_code == 200
    entries = {entry["client_id"]: entry for entry in listed.json()["items"]}
    assert "client_secret" not in entries[client["client_id"]]
    assert {f"svc-{name}" for name in ("org", "hr")} <= set(entries), "built-in service clients"


# --- accounts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short-pw", "at least 10 characters"),
        ("grace.hopper", "must not be the same as the username"),
        ("GRACE.HOPPER", "must not be the same as the username"),
        ("abababababab", "at least 4 different characters"),
    ],
)
async def test_weak_passwords_are_refused_with_422_naming_the_problem(
    gateway: GatewayUnderTest, password: str, problem: str
) -> None:
    response = await gateway.client.post(
        USERS, json={"username": "grace.hopper", "password": password}, headers=gateway.admin()
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "weak_password"
    assert problem in body["detail"]
    assert body["errors"][0]["loc"] == ["body", "password"]
    listed = await gateway.client.get(USERS, params={"q": "grace"}, headers=gateway.admin())
    assert listed.json()["items"] == []


async def test_a_password_reset_follows_the_same_rules(gateway: GatewayUnderTest) -> None:
    account = await gateway.create_user("henry", password="henrys-passphrase")

    response = await gateway.client.patch(
        f"{USERS}/{account['id']}", json={"password": "henry"}, headers=gateway.admin()
    )

    assert response.status_code == 422
    assert "at least 10 characters" in response.json()["detail"]
    assert "must not be the same as the username" in response.json()["detail"]


async def test_a_taken_username_is_409_whatever_its_case(gateway: GatewayUnderTest) -> None:
    await gateway.create_user("ivy")

    response = await gateway.client.post(
        USERS, json={"username": "IVY", "password": "another-long-secret"}, headers=gateway.admin()
    )

    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_username"


async def test_admin_reads_and_changes_an_account_with_if_match(gateway: GatewayUnderTest) -> None:
    account = await gateway.create_user("jack", password="jacks-passphrase")
    read = await gateway.client.get(f"{USERS}/{account['id']}", headers=gateway.admin())
    assert read.status_code == 200
    assert "password_hash" not in read.json()
    etag = read.headers["etag"]

    changed = await gateway.client.patch(
        f"{USERS}/{account['id']}",
        json={"roles": ["finance", "employee"]},
        headers={**gateway.admin(), "If-Match": etag},
    )
    stale = await gateway.client.patch(
        f"{USERS}/{account['id']}",
        json={"roles": ["gm"]},
        headers={**gateway.admin(), "If-Match": etag},
    )

    assert changed.status_code == 200
    assert changed.json()["roles"] == ["employee", "finance"]
    assert stale.status_code == 412
    tokens = await gateway.login("jack", "jacks-passphrase")
    me = await gateway.client.get(ME, headers=bearer(tokens["access_token"]))
    assert me.json()["roles"] == ["employee", "finance"]


async def test_an_unknown_account_is_404(gateway: GatewayUnderTest) -> None:
    response = await gateway.client.get(f"{USERS}/{uuid.uuid4()}", headers=gateway.admin())

    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM_JSON)


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", USERS), ("POST", USERS), ("GET", CLIENTS), ("POST", CLIENTS)],
)
async def test_people_who_are_not_admins_may_not_manage_accounts_or_clients(
    gateway: GatewayUnderTest, method: str, path: str
) -> None:
    employee = await gateway.create_user("kim", password="kims-passphrase", roles=("hr",))
    tokens = await gateway.login(employee["username"], "kims-passphrase")

    response = await gateway.client.request(
        method, path, json={}, headers=bearer(tokens["access_token"])
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_clients_may_not_manage_accounts_even_with_every_scope(
    gateway: GatewayUnderTest,
) -> None:
    client = await gateway.create_client(
        *[
            f"{s}:{m}"
            for s in ("org", "workflow", "hr", "finance", "logistics")
            for m in ("read", "write")
        ]
    )
    token = await gateway.client_token(client)

    response = await gateway.client.get(USERS, headers=bearer(token))

    assert response.status_code == 403


async def test_the_accounts_api_needs_a_token(gateway: GatewayUnderTest) -> None:
    response = await gateway.client.get(USERS)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_simultaneous_correct_logins_to_one_account_all_succeed(
    gateway: GatewayUnderTest,
) -> None:
    account = await gateway.create_user("lena", password="lenas-passphrase")

    answers = await asyncio.gather(
        *(gateway.password_grant("lena", "lenas-passphrase") for _ in range(10))
    )

    assert [answer.status_code for answer in answers] == [200] * 10, [
        answer.text for answer in answers if answer.status_code != 200
    ]
    read = await gateway.client.get(f"{USERS}/{account['id']}", headers=gateway.admin())
    assert read.json()["last_login_at"] is not None
    assert read.headers["etag"] == f'"{account["version"]}"', "a login is not an admin's change"
