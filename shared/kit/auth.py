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
# Reads need ``<service>:read`` (or write); everything else ``<service>:write`` — the gateway's rule.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def check_client_scope(principal: Principal, service: str, method: str) -> None:
    """Refuse a system client whose token lacks the scope for ``method`` on ``service``.

    The same rule the gateway applies before forwarding, applied again by every service for
    itself, so a client calling a service's port directly gets no more than through the
    gateway. People are checked by role, not scope.
    """
    if principal.kind != "client":
        return
    read = method in READ_METHODS
    if principal.can_read(service) if read else principal.can_write(service):
        return
    raise Forbidden(
        f"this client lacks the scope {service}:{'read' if read else 'write'}",
        code="insufficient_scope",
    )


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
        # Set by create_service_app: every service checks its own scopes (the gateway's own
        # routes, which are no service's, do not).
        service = getattr(request.app.state, "scoped_service", None)
        if service is not None:
            check_client_scope(principal, service, request.method)
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
