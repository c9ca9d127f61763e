"""FastAPI dependencies that authenticate the caller and check coarse permissions."""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from shared.contracts.principal import Principal
from shared.kit.context import principal_var
from shared.kit.errors import Forbidden, Unauthorized

# Declares the OAuth2 password flow in OpenAPI; the token itself is verified below.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def get_principal(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    """The verified caller; 401 with ``WWW-Authenticate: Bearer`` when there is none."""
    if not token:
        raise Unauthorized()
    principal = await request.app.state.runtime.verifier.verify(token)
    principal_var.set(principal)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: str) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency admitting people holding one of ``roles`` (admin always)."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if principal.kind == "user" and principal.has_role("admin", *roles):
            return principal
        raise Forbidden(f"this needs one of the roles: {', '.join(('admin', *roles))}")

    return dependency


def require_feed_reader(service: str) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """Admins, auditors and clients with ``<service>:read`` may read a service's event feed."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if principal.kind == "client" and principal.can_read(service):
            return principal
        if principal.kind == "user" and principal.has_role("admin", "auditor"):
            return principal
        raise Forbidden(
            f"reading the {service} event feed needs {service}:read or the auditor role"
        )

    return dependency
