"""Test support: mint real tokens and build verifiers for them, with no gateway running."""

import uuid
from collections.abc import Iterable

from shared.contracts.principal import SERVICES
from shared.kit.settings import PLATFORM_AUDIENCE, PLATFORM_ISSUER
from shared.kit.tokens import SigningKey, StaticKeysVerifier, issue_access_token


class TokenMinter:
    """Signs access tokens exactly as the gateway does, with a key of its own."""

    def __init__(self, issuer: str = PLATFORM_ISSUER, audience: str = PLATFORM_AUDIENCE) -> None:
        self.key = SigningKey.generate()
        self.issuer = issuer
        self.audience = audience

    def jwks(self) -> dict[str, list[dict[str, object]]]:
        """The public key set, as the gateway publishes it."""
        return {"keys": [self.key.public_jwk()]}

    def verifier(self) -> StaticKeysVerifier:
        """A verifier that trusts this minter."""
        return StaticKeysVerifier(self.jwks(), self.issuer, self.audience)

    def user(
        self,
        roles: Iterable[str] = ("employee",),
        *,
        employee_id: uuid.UUID | None = None,
        username: str = "tester",
        subject: str | None = None,
        ttl: int = 900,
        audience: str | None = None,
        now: float | None = None,
    ) -> str:
        """A person's access token."""
        return issue_access_token(
            self.key,
            issuer=self.issuer,
            audience=audience or self.audience,
            subject=subject or f"user:{username}",
            principal_type="user",
            roles=roles,
            username=username,
            employee_id=employee_id,
            ttl=ttl,
            now=now,
        )

    def client(self, scopes: Iterable[str] | None = None, *, client_id: str = "test-client") -> str:
        """A system client's access token (all read and write scopes unless given)."""
        granted = (
            scopes
            if scopes is not None
            else [f"{s}:{m}" for s in SERVICES for m in ("read", "write")]
        )
        return issue_access_token(
            self.key,
            issuer=self.issuer,
            audience=self.audience,
            subject=f"client:{client_id}",
            principal_type="client",
            scopes=granted,
            client_id=client_id,
        )


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for ``token``."""
    return {"Authorization": f"Bearer {token}"}
