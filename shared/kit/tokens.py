"""Access tokens: the claims officina puts in a JWT, signing (gateway) and verification (everyone)."""

import asyncio
import contextlib
import os
import time
import uuid
from collections.abc import Iterable
from typing import Any, Protocol

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shared.contracts.principal import Principal
from shared.kit.errors import Unauthorized

ALGORITHM = "EdDSA"
ACCESS_TOKEN_TTL = 15 * 60


class SigningKey:
    """An Ed25519 key with its key id, as the gateway signs tokens with it."""

    def __init__(self, kid: str, private_key: Ed25519PrivateKey) -> None:
        self.kid = kid
        self.private_key = private_key

    @classmethod
    def generate(cls) -> "SigningKey":
        """A brand-new key with a random key id."""
        return cls(uuid.uuid4().hex[:16], Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, kid: str, pem: bytes) -> "SigningKey":
        """Load a PKCS#8 PEM private key."""
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("token-signing keys must be Ed25519")
        return cls(kid, key)

    def private_pem(self) -> bytes:
        """PKCS#8 PEM of the private key."""
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def public_jwk(self) -> dict[str, Any]:
        """The public half as a JWK with ``kid``, ``alg`` and ``use``."""
        jwk: dict[str, Any] = jwt.algorithms.OKPAlgorithm.to_jwk(
            self.private_key.public_key(), as_dict=True
        )
        jwk.update({"kid": self.kid, "alg": ALGORITHM, "use": "sig"})
        return jwk


def issue_access_token(
    key: SigningKey,
    *,
    issuer: str,
    audience: str,
    subject: str,
    principal_type: str,
    roles: Iterable[str] = (),
    scopes: Iterable[str] = (),
    username: str | None = None,
    client_id: str | None = None,
    employee_id: uuid.UUID | str | None = None,
    ttl: int = ACCESS_TOKEN_TTL,
    now: float | None = None,
    session_id: str | None = None,
    generation: int | None = None,
) -> str:
    """Sign an access token carrying everything a service needs to authorize the caller.

    ``generation`` is the account's token generation (claim ``gen``): changing an account's
    roles, link or active flag raises it, which revokes every token of a lower one.
    """
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl,
        "jti": uuid.uuid4().hex,
        "typ": "access",
        "principal_type": principal_type,
        "roles": sorted(set(roles)),
        "scope": " ".join(sorted(set(scopes))),
    }
    if username:
        claims["username"] = username
    if client_id:
        claims["client_id"] = client_id
    if employee_id:
        claims["employee_id"] = str(employee_id)
    if session_id:
        claims["sid"] = session_id
    if generation is not None:
        claims["gen"] = generation
    return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    """Turn verified claims into the typed caller."""
    if claims.get("typ") != "access":
        raise Unauthorized("the token is not an access token", code="invalid_token")
    employee_id = claims.get("employee_id")
    try:
        return Principal(
            sub=str(claims["sub"]),
            kind="client" if claims.get("principal_type") == "client" else "user",
            username=claims.get("username"),
            client_id=claims.get("client_id"),
            employee_id=uuid.UUID(employee_id) if employee_id else None,
            roles=frozenset(claims.get("roles") or ()),
            scopes=frozenset(str(claims.get("scope") or "").split()),
            token_id=claims.get("jti"),
            session_id=claims.get("sid"),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise Unauthorized("the token's claims are malformed", code="invalid_token") from exc


REVOCATION_POLL_SECONDS = float(os.environ.get("OFFICINA_REVOCATION_POLL_SECONDS", "2"))


class Revocations:
    """Access tokens ended before they expire: by account generation and by login session.

    The gateway publishes this set in its key set document (member ``revoked``) and every
    verifier refuses the tokens it names. An entry is kept until ``until`` (epoch seconds),
    when every token it could name has expired anyway, so the set stays small.
    """

    def __init__(self) -> None:
        # sub -> (lowest generation still valid, until)
        self.accounts: dict[str, tuple[int, float]] = {}
        # sid -> until
        self.sessions: dict[str, float] = {}

    def revoke_account(self, sub: str, generation: int, until: float) -> None:
        """Tokens of ``sub`` with a generation below ``generation`` are revoked."""
        current = self.accounts.get(sub)
        if current is None or (generation, until) > current:
            self.accounts[sub] = (generation, until)

    def revoke_session(self, sid: str, until: float) -> None:
        """Tokens of the login session ``sid`` are revoked."""
        self.sessions[sid] = max(until, self.sessions.get(sid, until))

    def is_revoked(self, sub: str, generation: int, sid: str | None) -> bool:
        """Whether a token with these claims was revoked."""
        if self.accounts:
            entry = self.accounts.get(sub)
            if entry is not None and generation < entry[0]:
                return True
        return sid is not None and bool(self.sessions) and sid in self.sessions

    def prune(self, now: float | None = None) -> None:
        """Forget entries whose tokens have all expired."""
        now = time.time() if now is None else now
        self.accounts = {sub: e for sub, e in self.accounts.items() if e[1] > now}
        self.sessions = {sid: until for sid, until in self.sessions.items() if until > now}

    def document(self) -> dict[str, list[dict[str, Any]]]:
        """The set as JSON, as the gateway publishes it."""
        self.prune()
        return {
            "accounts": [
                {"sub": sub, "generation": generation, "until": until}
                for sub, (generation, until) in self.accounts.items()
            ],
            "sessions": [{"sid": sid, "until": until} for sid, until in self.sessions.items()],
        }

    def merge(self, document: dict[str, Any]) -> None:
        """Add what a published document names (malformed entries are skipped)."""
        for entry in document.get("accounts") or ():
            try:
                self.revoke_account(
                    str(entry["sub"]), int(entry["generation"]), float(entry["until"])
                )
            except (KeyError, TypeError, ValueError):
                continue
        for entry in document.get("sessions") or ():
            try:
                self.revoke_session(str(entry["sid"]), float(entry["until"]))
            except (KeyError, TypeError, ValueError):
                continue
        self.prune()

    def replace(self, document: dict[str, Any]) -> None:
        """Become exactly what a published document names."""
        fresh = Revocations()
        fresh.merge(document)
        self.accounts, self.sessions = fresh.accounts, fresh.sessions


class TokenVerifier(Protocol):
    """Anything that turns a bearer token into a Principal or raises Unauthorized."""

    async def verify(self, token: str) -> Principal: ...


class KeySetVerifier:
    """Verifies tokens against a JWK set; subclasses decide where the set comes from."""

    def __init__(
        self,
        issuer: str,
        audience: str,
        leeway: int = 5,
        cache_size: int = 10_000,
        revocations: Revocations | None = None,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.revocations = revocations if revocations is not None else Revocations()
        self._keys: dict[str, Ed25519PublicKey] = {}
        # Verified tokens, until they expire: a signature is checked once, not per request.
        # Each entry keeps the token's generation, checked against revocations every time.
        self._verified: dict[str, tuple[Principal, float, int]] = {}
        self._cache_size = cache_size

    def load_jwks(self, jwks: dict[str, Any]) -> None:
        """Replace the known keys with the Ed25519 keys of ``jwks``."""
        keys: dict[str, Ed25519PublicKey] = {}
        for entry in jwks.get("keys", []):
            if entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519" or "kid" not in entry:
                continue
            public = jwt.algorithms.OKPAlgorithm.from_jwk(entry)
            if isinstance(public, Ed25519PublicKey):
                keys[entry["kid"]] = public
        if set(keys) != set(self._keys):
            self._verified.clear()
        self._keys = keys

    async def refresh(self) -> bool:
        """Fetch the key set again; False when nothing new can be learned."""
        return False

    @property
    def has_keys(self) -> bool:
        """True once at least one signing key is known."""
        return bool(self._keys)

    async def verify(self, token: str) -> Principal:
        """The caller of ``token``; Unauthorized for anything not signed, current and ours."""
        cached = self._verified.get(token)
        if cached is not None and time.time() >= cached[1]:
            del self._verified[token]
            cached = None
        if cached is None:
            cached = await self._verify_signature(token)
            if len(self._verified) >= self._cache_size:
                self._verified.clear()
            self._verified[token] = cached
        principal, _, generation = cached
        if self.revocations.is_revoked(principal.sub, generation, principal.session_id):
            raise Unauthorized(
                "the token was revoked (logout, or a change to the account)",
                code="token_revoked",
            )
        return principal

    async def _verify_signature(self, token: str) -> tuple[Principal, float, int]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized("the bearer token is malformed", code="invalid_token") from exc
        if header.get("alg") != ALGORITHM:
            raise Unauthorized("the token's algorithm is not accepted", code="invalid_token")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise Unauthorized("the token names no signing key", code="invalid_token")
        key = self._keys.get(kid)
        if key is None:
            # Another request may have refreshed meanwhile: look again whatever refresh says.
            await self.refresh()
            key = self._keys.get(kid)
        if key is None:
            raise Unauthorized("the token was signed by an unknown key", code="invalid_token")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub", "jti", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("the token has expired", code="token_expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"the token is not valid: {exc}", code="invalid_token") from exc
        generation = claims.get("gen", 0)
        if not isinstance(generation, int):
            raise Unauthorized("the token's claims are malformed", code="invalid_token")
        return principal_from_claims(claims), float(claims["exp"]) + self.leeway, generation


class StaticKeysVerifier(KeySetVerifier):
    """Verifies against keys given up front (the gateway itself, tests)."""

    def __init__(
        self,
        jwks: dict[str, Any],
        issuer: str,
        audience: str,
        revocations: Revocations | None = None,
    ) -> None:
        super().__init__(issuer, audience, revocations=revocations)
        self.load_jwks(jwks)


class JwksVerifier(KeySetVerifier):
    """Verifies against the gateway's published JWKS, fetched lazily and again on an unknown kid.

    The same document carries the gateway's revocations (member ``revoked``). While requests
    come, it is fetched again in the background every ``poll_interval`` seconds; a request
    after a long quiet spell (over ten poll intervals) waits up to a second for a fresh
    copy first, so a service never trusts a revocation list much older than that.
    """

    def __init__(
        self,
        jwks_url: str,
        issuer: str,
        audience: str,
        *,
        min_refresh_interval: float = 10.0,
        poll_interval: float = REVOCATION_POLL_SECONDS,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(issuer, audience)
        self.jwks_url = jwks_url
        self.min_refresh_interval = min_refresh_interval
        self.poll_interval = poll_interval
        self._client = client
        self._last_fetch = float("-inf")
        self._lock = asyncio.Lock()
        self._polling: asyncio.Task[bool] | None = None

    async def _fetch(self) -> bool:
        try:
            if self._client is not None:
                response = await self._client.get(self.jwks_url, timeout=5)
            else:
                async with httpx.AsyncClient() as client:
                    response = await client.get(self.jwks_url, timeout=5)
            response.raise_for_status()
            document = response.json()
            self.load_jwks(document)
            self.revocations.replace(document.get("revoked") or {})
        except (httpx.HTTPError, ValueError, AttributeError):
            return False
        self._last_fetch = time.monotonic()
        return True

    async def refresh(self) -> bool:
        async with self._lock:
            # With no key yet (the gateway may still be starting) every call tries; afterwards an
            # unknown kid triggers at most one fetch per interval, so junk tokens cannot flood it.
            if self._keys and time.monotonic() - self._last_fetch < self.min_refresh_interval:
                return False
            return await self._fetch()

    async def refresh_now(self) -> bool:
        """Fetch the key set and revocations now, whatever the intervals say."""
        async with self._lock:
            return await self._fetch()

    async def _poll(self) -> bool:
        async with self._lock:
            if time.monotonic() - self._last_fetch < self.poll_interval:
                return True
            return await self._fetch()

    async def verify(self, token: str) -> Principal:
        age = time.monotonic() - self._last_fetch
        if age > self.poll_interval and self._keys:
            if self._polling is None or self._polling.done():
                self._polling = asyncio.get_running_loop().create_task(
                    self._poll(), name="jwks-poll"
                )
            if age > 10 * self.poll_interval:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(self._polling), timeout=1.0)
        return await super().verify(token)

    async def warm(self, attempts: int = 120, pause: float = 0.5) -> None:
        """Fetch the key set at start-up, retrying while the gateway comes up."""
        for _ in range(attempts):
            if self._keys or await self.refresh():
                return
            await asyncio.sleep(pause)
