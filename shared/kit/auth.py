"""FastAPI dependencies that authenticate the caller and check coarse permissions.

Each dependency here is one node in FastAPI's dependency graph: the bearer scheme that
declares the OAuth2 password flow in OpenAPI also verifies the token and applies the
permission check. A chain of small dependencies (scheme → principal → check) costs a
dependency solve per link on every request; one node costs one.
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from shared.contracts.principal import Principal
from shared.kit.context import principal_var
from shared.kit.errors import Forbidden, Unauthorized

TOKEN_URL = "/api/v1/auth/token"
# The name the merged OpenAPI document knows the scheme by (every service uses the same one).
SCHEME_NAME = "OAuth2PasswordBearer"

Check = Callable[[Principal], None]


class BearerPrincipal(OAuth2PasswordBearer):
    """The verified caller, then ``check`` (which raises to refuse); 401 without a valid token.

    It is the OAuth2 password-flow security scheme of the OpenAPI document as well, so every
    route using it shows the lock and "Authorize" in the docs page.
    """

    def __init__(self, check: Check | None = None) -> None:
        super().__init__(tokenUrl=TOKEN_URL, scheme_name=SCHEME_NAME, auto_error=False)
        self.check = check

    async def __call__(self, request: Request) -> Principal:  # type: ignore[override]
        scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
        if not token or scheme.lower() != "bearer":
            raise Unauthorized()
        principal: Principal = await request.app.state.runtime.verifier.verify(token)
        principal_var.set(principal)
        if self.check is not None:
            self.check(principal)
        return principal


get_principal = BearerPrincipal()
CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def guarded(check: Check) -> BearerPrincipal:
    """A dependency admitting the callers ``check`` lets through (it raises to refuse)."""
    return BearerPrincipal(check)


def require_roles(*roles: str) -> BearerPrincipal:
    """A dependency admitting people holding one of ``roles`` (admin always)."""
    needed = ", ".join(("admin", *roles))

    def check(principal: Principal) -> None:
        if principal.kind != "user" or not principal.has_role("admin", *roles):
            raise Forbidden(f"this needs one of the roles: {needed}")

    return BearerPrincipal(check)


def require_feed_reader(service: str) -> BearerPrincipal:
    """Admins, auditors and clients with ``<service>:read`` may read a service's event feed."""

    def check(principal: Principal) -> None:
        if principal.kind == "client" and principal.can_read(service):
            return
        if principal.kind == "user" and principal.has_role("admin", "auditor"):
            return
        raise Forbidden(
            f"reading the {service} event feed needs {service}:read or the auditor role"
        )

    return BearerPrincipal(check)
