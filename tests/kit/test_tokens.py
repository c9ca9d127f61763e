"""Access tokens: only current tokens signed by the platform's key, for this platform, get in."""

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.kit.testing import TokenMinter, bearer
from shared.kit.tokens import SigningKey, issue_access_token
from tests.kit.conftest import AUDIT_LOG, NOTES, NotesService
from tests.problems import assert_problem


def _b64(data: Mapping[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    claims: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "==="))
    return claims


async def test_current_token_of_the_platform_is_accepted(notes: NotesService) -> None:
    response = await notes.client.get(NOTES, headers=notes.employee())

    assert response.status_code == 200


async def test_expired_token_is_refused_as_expired(notes: NotesService) -> None:
    token = notes.minter.user(ttl=60, now=time.time() - 3600)

    response = await notes.client.get(NOTES, headers=bearer(token))

    body = assert_problem(response, 401, "token_expired")
    assert response.headers["www-authenticate"] == "Bearer"
    assert "expired" in body["detail"]


async def test_token_stops_working_when_it_expires_even_after_it_was_accepted(
    notes: NotesService,
) -> None:
    notes.runtime.verifier.leeway = 0  # type: ignore[attr-defined]
    expires = int(time.time()) + 2
    token = notes.minter.user(ttl=600, now=expires - 600)

    accepted = await notes.client.get(NOTES, headers=bearer(token))
    await asyncio.sleep(expires + 0.1 - time.time())
    later = await notes.client.get(NOTES, headers=bearer(token))

    assert accepted.status_code == 200
    assert_problem(later, 401, "token_expired")


async def test_token_of_another_signing_key_is_refused(notes: NotesService) -> None:
    stranger = TokenMinter()

    response = await notes.client.get(NOTES, headers=bearer(stranger.user(("admin",))))

    assert_problem(response, 401, "invalid_token")


async def test_forged_signature_under_the_platform_key_id_is_refused(notes: NotesService) -> None:
    forger = SigningKey(notes.minter.key.kid, Ed25519PrivateKey.generate())
    token = issue_access_token(
        forger,
        issuer=notes.minter.issuer,
        audience=notes.minter.audience,
        subject="user:mallory",
        principal_type="user",
        roles=["admin"],
    )

    response = await notes.client.get(AUDIT_LOG, headers=bearer(token))

    assert_problem(response, 401, "invalid_token")


async def test_unsigned_alg_none_token_is_refused(notes: NotesService) -> None:
    genuine = _claims(notes.minter.user(("admin",)))
    header = {"alg": "none", "typ": "JWT", "kid": notes.minter.key.kid}
    token = f"{_b64(header)}.{_b64(genuine)}."

    response = await notes.client.get(AUDIT_LOG, headers=bearer(token))

    assert_problem(response, 401, "invalid_token")


async def test_hmac_token_keyed_with_the_public_key_is_refused(notes: NotesService) -> None:
    genuine = _claims(notes.minter.user(("admin",)))
    public = str(notes.minter.key.public_jwk()["x"]).encode()
    signing_input = f"{_b64({'alg': 'HS256', 'kid': notes.minter.key.kid})}.{_b64(genuine)}"
    mac = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"

    response = await notes.client.get(AUDIT_LOG, headers=bearer(token))

    assert_problem(response, 401, "invalid_token")


@pytest.mark.parametrize("field", ["audience", "issuer"])
async def test_token_meant_for_another_platform_is_refused(notes: NotesService, field: str) -> None:
    other = TokenMinter()
    other.key = notes.minter.key  # same key, other audience or issuer
    setattr(other, field, "somebody-else")

    response = await notes.client.get(NOTES, headers=bearer(other.user()))

    assert_problem(response, 401, "invalid_token")


async def test_token_with_tampered_claims_is_refused(notes: NotesService) -> None:
    genuine = notes.minter.user(("employee",))
    header, _payload, signature = genuine.split(".")
    claims = _claims(genuine)
    claims["roles"] = ["admin"]
    tampered = f"{header}.{_b64(claims)}.{signature}"

    accepted = await notes.client.get(NOTES, headers=bearer(genuine))
    refused = await notes.client.get(AUDIT_LOG, headers=bearer(tampered))

    assert accepted.status_code == 200
    assert_problem(refused, 401, "invalid_token")


@pytest.mark.parametrize(
    "authorization", ["Bearer not.a.token", "Bearer abc", "Basic dXNlcjpwYXNz", "Bearer "]
)
async def test_garbage_credentials_are_refused(notes: NotesService, authorization: str) -> None:
    response = await notes.client.get(NOTES, headers={"Authorization": authorization})

    assert_problem(response, 401)
