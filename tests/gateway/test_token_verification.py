"""Only current tokens the gateway signed itself get in, on its own routes and on proxied ones."""

import base64
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from gateway.keys import KeyRing
from shared.kit.errors import Unauthorized
from shared.kit.settings import PLATFORM_AUDIENCE, PLATFORM_ISSUER
from shared.kit.testing import bearer
from shared.kit.tokens import JwksVerifier, SigningKey, issue_access_token
from tests.gateway.conftest import GatewayUnderTest, MakeGateway

# The gateway's own routes and a proxied one check tokens the same way.
PROTECTED = ("/api/v1/auth/me", "/api/v1/org/echo/whoami")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _unb64(part: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def _claims(gateway: GatewayUnderTest, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "issuer": gateway.settings.token_issuer,
        "audience": gateway.settings.token_audience,
        "subject": "0193a8c0-0000-7000-8000-000000000001",
        "principal_type": "user",
        "roles": ["employee"],
        "username": "mallory",
    }
    values.update(overrides)
    return values


def expired(gateway: GatewayUnderTest) -> str:
    return issue_access_token(
        gateway.keys.current, **_claims(gateway), ttl=900, now=time.time() - 3600
    )


def signed_by_another_key(gateway: GatewayUnderTest) -> str:
    return issue_access_token(SigningKey.generate(), **_claims(gateway))


def signed_by_another_key_under_the_gateways_kid(gateway: GatewayUnderTest) -> str:
    forger = SigningKey(gateway.keys.current.kid, SigningKey.generate().private_key)
    return issue_access_token(forger, **_claims(gateway))


def alg_none(gateway: GatewayUnderTest) -> str:
    genuine = issue_access_token(gateway.keys.current, **_claims(gateway, roles=["admin"]))
    payload = genuine.split(".")[1]
    header = {"alg": "none", "typ": "JWT", "kid": gateway.keys.current.kid}
    return f"{_b64(header)}.{payload}."


def hmac_with_the_public_key(gateway: GatewayUnderTest) -> str:
    """The key-confusion attack: HS256 keyed with the published public key."""
    public = gateway.keys.current.public_jwk()["x"]
    claims = _unb64(issue_access_token(gateway.keys.current, **_claims(gateway)).split(".")[1])
    return jwt.encode(claims, public, algorithm="HS256", headers={"kid": gateway.keys.current.kid})


def for_another_audience(gateway: GatewayUnderTest) -> str:
    return issue_access_token(
        gateway.keys.current, **_claims(gateway, audience="https://elsewhere.example")
    )


def from_another_issuer(gateway: GatewayUnderTest) -> str:
    return issue_access_token(
        gateway.keys.current, **_claims(gateway, issuer="https://issuer.elsewhere.example")
    )


def with_a_tampered_role(gateway: GatewayUnderTest) -> str:
    """A genuine employee token whose payload now says admin; the signature is kept."""
    header, payload, signature = issue_access_token(gateway.keys.current, **_claims(gateway)).split(
        "."
    )
    claims = _unb64(payload)
    assert claims["roles"] == ["employee"]
    claims["roles"] = ["admin"]
    return f"{header}.{_b64(claims)}.{signature}"


def not_a_jwt(gateway: GatewayUnderTest) -> str:
    return "this-is-not-a-token"


BAD_TOKENS: list[Callable[[GatewayUnderTest], str]] = [
    expired,
    signed_by_another_key,
    signed_by_another_key_under_the_gateways_kid,
    alg_none,
    hmac_with_the_public_key,
    for_another_audience,
    from_another_issuer,
    with_a_tampered_role,
    not_a_jwt,
]


@pytest.mark.parametrize("make_token", BAD_TOKENS, ids=lambda f: f.__name__)
async def test_a_token_that_is_not_current_and_ours_is_refused_with_401(
    gateway: GatewayUnderTest, make_token: Callable[[GatewayUnderTest], str]
) -> None:
    token = make_token(gateway)

    for path in PROTECTED:
        response = await gateway.client.get(path, headers=bearer(token))

        assert response.status_code == 401, (path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.headers["content-type"].startswith("application/problem+json")
        expected = "token_expired" if make_token is expired else "invalid_token"
        assert response.json()["code"] == expected


async def test_the_same_claims_signed_properly_are_accepted(gateway: GatewayUnderTest) -> None:
    token = issue_access_token(gateway.keys.current, **_claims(gateway))

    for path in PROTECTED:
        response = await gateway.client.get(path, headers=bearer(token))

        assert response.status_code == 200, (path, response.text)


@pytest.mark.parametrize("authorization", ["", "Bearer", "Bearer   ", "Basic YWRtaW46YWRtaW4="])
async def test_a_proxied_call_without_a_bearer_token_is_401(
    gateway: GatewayUnderTest, authorization: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    response = await gateway.client.get("/api/v1/org/echo/x", headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_jwks_publishes_the_current_and_the_retired_key_and_old_tokens_still_verify(
    make_gateway: MakeGateway, tmp_path: Path
) -> None:
    data_dir = tmp_path / "keys-home"
    before = KeyRing.load_or_create(data_dir)
    old_token = issue_access_token(
        before.current,
        issuer=PLATFORM_ISSUER,
        audience=PLATFORM_AUDIENCE,
        subject="0193a8c0-0000-7000-8000-000000000002",
        principal_type="user",
        roles=["admin"],
        username="admin",
    )
    new_kid = KeyRing.rotate(data_dir)
    gateway = await make_gateway(keys=KeyRing.load_or_create(data_dir))

    jwks = (await gateway.client.get("/.well-known/jwks.json")).json()

    assert [key["kid"] for key in jwks["keys"]] == [new_kid, before.current.kid]
    for key in jwks["keys"]:
        assert (key["kty"], key["crv"], key["alg"], key["use"]) == (
            "OKP",
            "Ed25519",
            "EdDSA",
            "sig",
        )
        assert "d" not in key, "no private key material is published"
    for path in PROTECTED:
        assert (await gateway.client.get(path, headers=bearer(old_token))).status_code == 200
    fresh = await gateway.login()
    assert jwt.get_unverified_header(fresh["access_token"])["kid"] == new_kid


async def test_a_key_rotated_out_of_the_ring_no_longer_verifies(
    make_gateway: MakeGateway, tmp_path: Path
) -> None:
    data_dir = tmp_path / "keys-home"
    first = KeyRing.load_or_create(data_dir)
    old_token = issue_access_token(
        first.current,
        issuer=PLATFORM_ISSUER,
        audience=PLATFORM_AUDIENCE,
        subject="0193a8c0-0000-7000-8000-000000000003",
        principal_type="user",
        roles=["admin"],
    )
    for _ in range(3):
        KeyRing.rotate(data_dir, keep_retired=2)
    gateway = await make_gateway(keys=KeyRing.load_or_create(data_dir))

    jwks = (await gateway.client.get("/.well-known/jwks.json")).json()

    assert len(jwks["keys"]) == 3
    assert first.current.kid not in {key["kid"] for key in jwks["keys"]}
    response = await gateway.client.get("/api/v1/auth/me", headers=bearer(old_token))
    assert response.status_code == 401


# --- revocation ----------------------------------------------------------------------------


async def test_logout_revokes_the_sessions_access_token_at_once_and_publishes_it(
    gateway: GatewayUnderTest,
) -> None:
    session = await gateway.login()
    other = await gateway.login()
    token = bearer(session["access_token"])
    assert (await gateway.client.get(PROTECTED[1], headers=token)).status_code == 200

    assert (await gateway.client.post("/api/v1/auth/logout", headers=token)).status_code == 204

    for path in PROTECTED:
        refused = await gateway.client.get(path, headers=token)
        assert refused.status_code == 401, path
        assert refused.json()["code"] == "token_revoked"
        still = await gateway.client.get(path, headers=bearer(other["access_token"]))
        assert still.status_code == 200, path
    sid = jwt.decode(session["access_token"], options={"verify_signature": False})["sid"]
    published = (await gateway.client.get("/.well-known/jwks.json")).json()
    assert sid in [entry["sid"] for entry in published["revoked"]["sessions"]]
    assert published["keys"], "the key set is unchanged"


async def test_a_role_change_revokes_the_accounts_tokens_and_a_new_gateway_knows_it(
    gateway: GatewayUnderTest, make_gateway: MakeGateway
) -> None:
    account = await gateway.create_user("maria", password="marias-passphrase", roles=("hr",))
    before = await gateway.login("maria", "marias-passphrase")

    changed = await gateway.client.patch(
        f"/api/v1/auth/users/{account['id']}", json={"roles": ["employee"]}, headers=gateway.admin()
    )
    assert changed.status_code == 200
    after = await gateway.login("maria", "marias-passphrase")

    old, new = bearer(before["access_token"]), bearer(after["access_token"])
    assert (await gateway.client.get(PROTECTED[0], headers=old)).status_code == 401
    assert (await gateway.client.get(PROTECTED[0], headers=new)).json()["roles"] == ["employee"]
    # Another replica (same database and keys) learns it from the database when it starts.
    replica = await make_gateway(keys=gateway.keys)
    assert (await replica.client.get(PROTECTED[1], headers=old)).status_code == 401
    assert (await replica.client.get(PROTECTED[1], headers=new)).status_code == 200


async def test_an_unchanged_role_list_does_not_revoke_anything(gateway: GatewayUnderTest) -> None:
    account = await gateway.create_user("nina", password="ninas-passphrase", roles=("hr",))
    tokens = await gateway.login("nina", "ninas-passphrase")

    same = await gateway.client.patch(
        f"/api/v1/auth/users/{account['id']}", json={"roles": ["hr", "hr"]}, headers=gateway.admin()
    )

    assert same.status_code == 200
    me = await gateway.client.get(PROTECTED[0], headers=bearer(tokens["access_token"]))
    assert me.status_code == 200


async def test_a_service_verifier_refuses_what_the_gateway_publishes_as_revoked(
    gateway: GatewayUnderTest,
) -> None:
    tokens = await gateway.login()
    published: dict[str, Any] = {}

    def serve_jwks(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=published)

    client = httpx.AsyncClient(transport=httpx.MockTransport(serve_jwks))
    verifier = JwksVerifier(
        "http://gateway/.well-known/jwks.json",
        gateway.settings.token_issuer,
        gateway.settings.token_audience,
        poll_interval=0.0,
        client=client,
    )
    published.update((await gateway.client.get("/.well-known/jwks.json")).json())
    await verifier.warm()
    assert (await verifier.verify(tokens["access_token"])).username == "admin"

    await gateway.client.post("/api/v1/auth/logout", headers=bearer(tokens["access_token"]))
    published.update((await gateway.client.get("/.well-known/jwks.json")).json())
    await verifier.refresh_now()

    with pytest.raises(Unauthorized) as refused:
        await verifier.verify(tokens["access_token"])
    assert refused.value.code == "token_revoked"
    await client.aclose()


async def test_deactivating_a_client_or_taking_scopes_ends_its_tokens_at_once(
    gateway: GatewayUnderTest,
) -> None:
    client = await gateway.create_client("org:read", "hr:read")
    first = bearer(await gateway.client_token(client))
    assert (await gateway.client.get("/api/v1/hr/echo", headers=first)).status_code == 200

    narrowed = await gateway.client.patch(
        f"/api/v1/auth/clients/{client['id']}",
        json={"scopes": ["org:read"]},
        headers=gateway.admin(),
    )
    assert narrowed.status_code == 200
    refused = await gateway.client.get("/api/v1/org/echo", headers=first)
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_revoked"

    second = bearer(await gateway.client_token(client))
    assert (await gateway.client.get("/api/v1/org/echo", headers=second)).status_code == 200
    renamed = await gateway.client.patch(
        f"/api/v1/auth/clients/{client['id']}", json={"name": "renamed"}, headers=gateway.admin()
    )
    assert renamed.status_code == 200
    assert (await gateway.client.get("/api/v1/org/echo", headers=second)).status_code == 200

    deactivated = await gateway.client.patch(
        f"/api/v1/auth/clients/{client['id']}", json={"active": False}, headers=gateway.admin()
    )
    assert deactivated.status_code == 200
    assert (await gateway.client.get("/api/v1/org/echo", headers=second)).status_code == 401
