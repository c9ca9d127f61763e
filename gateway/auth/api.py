"""``/api/v1/auth``: the token endpoint, the caller's identity, accounts and clients."""

import base64
import binascii
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Form, Query, Request, Response
from sqlalchemy import String, cast, select

from gateway.auth import service
from gateway.auth.addresses import Network, client_address, parse_networks
from gateway.auth.directory import OrgDirectory
from gateway.auth.ratelimit import Attempt, Blocked, LoginLimiter
from gateway.auth.revocation import RevocationStore
from gateway.auth.schemas import (
    AccountCreate,
    AccountRead,
    AccountUpdate,
    ClientCreate,
    ClientCreated,
    ClientRead,
    ClientUpdate,
    Me,
    RoleMembers,
    Text,
    TokenResponse,
)
from gateway.config import GatewaySettings
from gateway.db.models import Account, Client
from shared.contracts.page import Page
from shared.contracts.principal import Principal
from shared.contracts.problem import ValidationIssue
from shared.kit.auth import CurrentPrincipal, require_roles
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.errors import (
    DomainError,
    Forbidden,
    TooManyRequests,
    Unprocessable,
    not_found,
)
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, runtime_of, service_router


class UnsupportedMediaType(DomainError):
    """The request body is not in a format the endpoint reads."""

    status, code = 415, "unsupported_media_type"


router = service_router(prefix="/api/v1/auth", tags=["auth"])
Admin = Annotated[Principal, Depends(require_roles())]


def _issuer(request: Request) -> service.TokenIssuer:
    issuer: service.TokenIssuer = request.app.state.token_issuer
    return issuer


def _limiter(request: Request, name: str = "login_limiter") -> LoginLimiter:
    limiter: LoginLimiter = getattr(request.app.state, name)
    return limiter


def _directory(request: Request) -> OrgDirectory:
    directory: OrgDirectory = request.app.state.org_directory
    return directory


def _revocations(request: Request) -> RevocationStore:
    store: RevocationStore = request.app.state.revocations
    return store


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


def caller_address(request: Request) -> str:
    """The caller's address; forwarded headers count only from configured proxies."""
    settings: GatewaySettings = request.app.state.settings
    return client_address(request.scope, _networks(tuple(settings.trusted_proxies)))


@asynccontextmanager
async def _limited(
    request: Request, limiter: LoginLimiter, subject: str, what: str, code: str
) -> AsyncIterator[Attempt]:
    """An attempt counted before the credentials are checked; 429 once failures fill the limit."""
    try:
        async with limiter.attempt(subject, caller_address(request)) as attempt:
            yield attempt
    except Blocked as blocked:
        raise TooManyRequests(
            f"too many failed {what}; try again in {blocked.retry_after} seconds",
            code=code,
            headers={"Retry-After": str(blocked.retry_after)},
            error="slow_down",
        ) from None


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def _form_encoded(request: Request) -> None:
    """The token endpoint takes a form (RFC 6749 §4): say so, rather than "field required"."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type not in FORM_TYPES:
        raise UnsupportedMediaType(
            "the token request must be a form: send it with Content-Type "
            f"application/x-www-form-urlencoded, not {content_type or 'no content type'} "
            "(for example grant_type=password&username=…&password=…)",
            code="form_required",
            error="invalid_request",
            accepted=list(FORM_TYPES),
        )


def _refuse_nul(fields: dict[str, str | None]) -> None:
    bad = [name for name, value in fields.items() if value is not None and "\x00" in value]
    if bad:
        raise Unprocessable(
            f"NUL characters (U+0000) are not allowed in: {', '.join(bad)}",
            code="nul_character",
            errors=[
                ValidationIssue(
                    loc=["body", name], msg="must not contain NUL characters", type="nul_character"
                )
                for name in bad
            ],
        )


@router.post(
    "/token",
    response_model=TokenResponse,
    response_model_exclude_none=True,
    summary="Get an access token (OAuth2 password, refresh_token or client_credentials grant)",
    responses={
        401: {
            "description": "Wrong client credentials, or an inactive client "
            "(`invalid_client`, RFC 6749 §5.2) (problem)."
        }
    },
    openapi_extra={
        "security": [],
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "examples": {
                        "password": {
                            "summary": "A person logs in",
                            "value": {
                                "grant_type": "password",
                                "username": "chen.xiaohong",
                                "password": "Qiming-2026-initial",
                            },
                        },
                        "client_credentials": {
                            "summary": "A system gets a token",
                            "value": {
                                "grant_type": "client_credentials",
                                "client_id": "finance-erp",
                                "client_secret": "cs_EXAMPLE_7hQ2pX9vLm4rT8wZ",
                                "scope": "org:read",
                            },
                        },
                    }
                }
            }
        },
    },
    dependencies=[Depends(_form_encoded)],
)
async def issue_token(
    request: Request,
    response: Response,
    session: SessionDep,
    grant_type: Annotated[str, Form(max_length=64)],
    username: Annotated[str | None, Form(max_length=150)] = None,
    password: Annotated[str | None, Form(max_length=256)] = None,
    refresh_token: Annotated[str | None, Form(max_length=4096)] = None,
    client_id: Annotated[str | None, Form(max_length=150)] = None,
    client_secret: Annotated[str | None, Form(max_length=256)] = None,
    scope: Annotated[str | None, Form(max_length=1024)] = None,
) -> TokenResponse:
    """Exchange credentials for tokens, as RFC 6749 describes; failures answer ``{"error": …}``."""
    response.headers["Cache-Control"] = "no-store"
    _refuse_nul(
        {
            "grant_type": grant_type,
            "username": username,
            "password": password,
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": client_secret,
            "scope": scope,
        }
    )
    issuer = _issuer(request)
    if grant_type == "password":
        if not username or password is None:
            raise service.OAuthError("invalid_request", "username and password are required")
        async with _limited(
            request, _limiter(request), username, "logins", "too_many_login_attempts"
        ) as attempt:
            try:
                account = await service.authenticate_password(session, username, password)
            except service.OAuthError:
                attempt.failed()
                raise
            attempt.succeeded()
        return await service.tokens_for_account(session, issuer, account)
    if grant_type == "refresh_token":
        if not refresh_token:
            raise service.OAuthError("invalid_request", "refresh_token is required")
        try:
            return await service.rotate_refresh_token(session, issuer, refresh_token)
        except service.RefreshReused as reused:
            # End the request's transaction first: on SQLite its claiming UPDATE holds the
            # write lock, and the revoking transaction would wait for it until busy_timeout.
            await session.rollback()
            async with runtime_of(request).transaction() as revoking:
                await service.revoke_family(revoking, reused.family_id)
            _revocations(request).note_session(reused.family_id)
            raise
    if grant_type == "client_credentials":
        basic = _basic_credentials(request)
        if basic:
            client_id, client_secret = basic
            _refuse_nul({"client_id": client_id, "client_secret": client_secret})
        if not client_id or not client_secret:
            raise service.OAuthError(
                "invalid_client", "client_id and client_secret are required", status=401
            )
        async with _limited(
            request,
            _limiter(request, "client_limiter"),
            client_id,
            "client authentications",
            "too_many_client_attempts",
        ) as attempt:
            try:
                client = await service.authenticate_client(session, client_id, client_secret)
            except service.OAuthError:
                attempt.failed()
                raise
            attempt.succeeded()
        return service.client_token(issuer, client, scope)
    raise service.OAuthError(
        "unsupported_grant_type", f"grant_type {grant_type!r} is not supported"
    )


@router.get("/me", response_model=Me, summary="Who am I, with my employee profile")
async def read_me(request: Request, principal: CurrentPrincipal) -> Me:
    """The caller's identity as the token states it and, for a person linked to an employee,
    their profile from org (name, department, position, manager). When org cannot be reached
    the answer still comes, with the account's own data and ``profile_status: unavailable``."""
    me = Me(
        sub=principal.sub,
        username=principal.username,
        employee_id=principal.employee_id,
        roles=sorted(principal.roles),
        scopes=sorted(principal.scopes),
        client_id=principal.client_id,
    )
    if principal.employee_id is not None:
        profile, status = await _directory(request).profile(
            principal.employee_id, request.headers["authorization"]
        )
        me.profile, me.profile_status = profile, status  # type: ignore[assignment]
    return me


@router.post("/logout", status_code=204, summary="End my login session")
async def logout(request: Request, principal: CurrentPrincipal, session: SessionDep) -> Response:
    """End the caller's login session: its refresh tokens and, at once, its access tokens."""
    if principal.session_id:
        await service.revoke_family(session, uuid.UUID(principal.session_id))
        _revocations(request).note_session(principal.session_id)
    return Response(status_code=204)


@router.post("/users", status_code=201, response_model=AccountRead, summary="Create an account")
async def create_user(
    payload: AccountCreate, request: Request, session: SessionDep, _admin: Admin, response: Response
) -> Account:
    """A new account (admin only). An ``employee_id`` must be one org knows (422
    ``unknown_employee``; 503 when org cannot be asked) and not linked to another account
    (409 ``employee_has_account``)."""
    account = await service.create_account(
        session, payload, _directory(request), request.headers["authorization"]
    )
    set_etag(response, account.version)
    response.headers["Location"] = f"/api/v1/auth/users/{account.id}"
    return account


@router.get("/users", response_model=Page[AccountRead], summary="List accounts")
async def list_users(
    session: SessionDep,
    _admin: Admin,
    params: Annotated[PageParams, sorted_by("username", "created_at")],
    active: bool | None = None,
    q: Annotated[Text | None, Query(max_length=64)] = None,
) -> Page[AccountRead]:
    """Accounts, by username unless sorted otherwise (admin only)."""
    query = select(Account)
    if active is not None:
        query = query.where(Account.active.is_(active))
    if q:
        query = query.where(Account.username.contains(q.strip().lower(), autoescape=True))
    return await paginate(
        session,
        query,
        params,
        sortable={"username": Account.username, "created_at": Account.created_at},
        id_column=Account.id,
        default_sort="username",
        to_item=AccountRead.model_validate,
    )


@router.get("/users/{account_id}", response_model=AccountRead, summary="Read an account")
async def read_user(
    account_id: uuid.UUID, session: SessionDep, _admin: Admin, response: Response
) -> Account:
    """One account (admin only)."""
    account = await service.get_account(session, account_id)
    set_etag(response, account.version)
    return account


@router.patch("/users/{account_id}", response_model=AccountRead, summary="Change an account")
async def update_user(
    account_id: uuid.UUID,
    payload: AccountUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    _admin: Admin,
) -> Account:
    """Change roles, employee link, active flag or password (admin only; honours If-Match)."""
    account = await service.get_account(session, account_id)
    check_if_match(request, account.version)
    account = await service.update_account(
        session, account, payload, _directory(request), request.headers["authorization"]
    )
    _revocations(request).note_account(account)
    set_etag(response, account.version)
    return account


@router.post(
    "/clients",
    status_code=201,
    response_model=ClientCreated,
    summary="Create an integration client",
)
async def create_client(
    payload: ClientCreate, session: SessionDep, admin: Admin, response: Response
) -> ClientCreated:
    """A client for an integrating system; the secret is shown only in this answer."""
    client, secret = await service.create_client(session, payload, admin.sub)
    response.headers["Location"] = f"/api/v1/auth/clients/{client.id}"
    return ClientCreated(**ClientRead.model_validate(client).model_dump(), client_secret=secret)


@router.get("/clients", response_model=Page[ClientRead], summary="List clients")
async def list_clients(
    session: SessionDep,
    _admin: Admin,
    params: Annotated[PageParams, sorted_by("created_at", "client_id")],
) -> Page[ClientRead]:
    """Every client, the services' own included (admin only)."""
    return await paginate(
        session,
        select(Client),
        params,
        sortable={"created_at": Client.created_at, "client_id": Client.client_id},
        id_column=Client.id,
        default_sort="created_at",
        to_item=ClientRead.model_validate,
    )


@router.patch("/clients/{client_uuid}", response_model=ClientRead, summary="Change a client")
async def update_client(
    client_uuid: uuid.UUID,
    payload: ClientUpdate,
    request: Request,
    session: SessionDep,
    _admin: Admin,
) -> Client:
    """Rename, change scopes or deactivate a client (admin only; honours If-Match).
    Deactivating it or taking scopes away ends its access tokens at once."""
    client = await session.get(Client, client_uuid)
    if client is None:
        raise not_found("client", client_uuid)
    check_if_match(request, client.version)
    service.update_client(client, payload.model_dump(exclude_unset=True, exclude_none=True))
    await session.flush()
    _revocations(request).note_client(client)
    return client


@router.get(
    "/role-members",
    response_model=RoleMembers,
    summary="Employees whose account holds a role",
)
async def list_role_members(
    session: SessionDep,
    principal: CurrentPrincipal,
    role: Annotated[str, Query(pattern="^(admin|gm|hr|finance|logistics|auditor|employee)$")],
) -> dict[str, list[uuid.UUID]]:
    """The employee ids of active accounts with ``role`` (admins and service clients; the
    approval engine uses it to resolve "everyone with a role")."""
    if not (principal.has_role("admin") or principal.kind == "client"):
        raise Forbidden("only admins and service clients list role members")
    # Roles are a short JSON list; matching the quoted name in its text works on both databases.
    rows = await session.scalars(
        select(Account.employee_id).where(
            Account.active.is_(True),
            Account.employee_id.is_not(None),
            cast(Account.roles, String).contains(f'"{role}"'),
        )
    )
    return {
        "employee_ids": sorted(
            {employee_id for employee_id in rows if employee_id is not None}, key=str
        )
    }
