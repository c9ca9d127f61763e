"""Rules of authentication: logins, token issuance, refresh rotation, accounts and clients."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import secrets
from gateway.auth.directory import OrgDirectory, OrgUnavailable
from gateway.auth.schemas import SCOPES, AccountCreate, AccountUpdate, ClientCreate, TokenResponse
from gateway.config import GatewaySettings
from gateway.db.models import Account, Client, RefreshToken
from gateway.keys import KeyRing
from shared.contracts.ids import new_id
from shared.contracts.problem import ValidationIssue
from shared.kit.db import utcnow
from shared.kit.errors import (
    Conflict,
    DomainError,
    ServiceUnavailable,
    Unprocessable,
    not_found,
)
from shared.kit.tokens import issue_access_token


class OAuthError(DomainError):
    """A token-endpoint refusal in RFC 6749 terms (``error`` plus a problem body)."""

    def __init__(self, error: str, description: str, status: int = 400, **kw: object) -> None:
        super().__init__(description, code=error, error=error, error_description=description, **kw)  # type: ignore[arg-type]
        self.status = status


@dataclass(frozen=True)
class TokenIssuer:
    """Signs access tokens and mints refresh tokens with the gateway's settings."""

    settings: GatewaySettings
    keys: KeyRing

    def access_token(self, **claims: object) -> str:
        """Sign an access token with the current key."""
        return issue_access_token(
            self.keys.current,
            issuer=self.settings.token_issuer,
            audience=self.settings.token_audience,
            ttl=self.settings.access_token_ttl,
            **claims,  # type: ignore[arg-type]
        )


def _password_issues(password: str, username: str) -> None:
    problems = secrets.password_problems(password, username)
    if problems:
        raise Unprocessable(
            "the password does not meet the rules: " + "; ".join(problems),
            code="weak_password",
            errors=[
                ValidationIssue(loc=["body", "password"], msg=p, type="weak_password")
                for p in problems
            ],
        )


async def find_account(session: AsyncSession, username: str) -> Account | None:
    """The account with that username (case-insensitive), if any."""
    return await session.scalar(select(Account).where(Account.username == username.strip().lower()))


async def authenticate_password(session: AsyncSession, username: str, password: str) -> Account:
    """The account whose password this is; one vague error for every kind of failure."""
    account = await find_account(session, username)
    valid = await secrets.verify_password(account.password_hash if account else None, password)
    if account is None or not valid or not account.active:
        raise OAuthError(
            "invalid_grant", "the username or password is wrong, or the account is inactive"
        )
    # A plain UPDATE, not a change of the ORM object: that would bump the row's version (the
    # optimistic lock), and of two simultaneous logins one would fail on the stale version.
    await session.execute(
        update(Account)
        .where(Account.id == account.id)
        .values(last_login_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return account


async def _new_refresh_token(
    session: AsyncSession, settings: GatewaySettings, account: Account, family_id: uuid.UUID
) -> str:
    token = secrets.new_secret()
    now = utcnow()
    session.add(
        RefreshToken(
            family_id=family_id,
            account_id=account.id,
            token_hash=secrets.digest(token),
            issued_at=now,
            expires_at=now + timedelta(seconds=settings.refresh_token_ttl),
        )
    )
    return token


async def tokens_for_account(
    session: AsyncSession, issuer: TokenIssuer, account: Account, family_id: uuid.UUID | None = None
) -> TokenResponse:
    """An access token and a new refresh token of the login session ``family_id``."""
    family = family_id or new_id()
    access = issuer.access_token(
        subject=str(account.id),
        principal_type="user",
        roles=account.roles,
        username=account.username,
        employee_id=account.employee_id,
        session_id=str(family),
        generation=account.token_generation,
    )
    refresh = await _new_refresh_token(session, issuer.settings, account, family)
    return TokenResponse(
        access_token=access, expires_in=issuer.settings.access_token_ttl, refresh_token=refresh
    )


async def revoke_family(session: AsyncSession, family_id: uuid.UUID) -> None:
    """End a login session: none of its refresh tokens works any more."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def revoke_account_sessions(session: AsyncSession, account_id: uuid.UUID) -> None:
    """End every login session of an account."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.account_id == account_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


class RefreshReused(OAuthError):
    """A used refresh token came back: the caller must revoke ``family_id`` in its own transaction."""

    def __init__(self, family_id: uuid.UUID) -> None:
        super().__init__(
            "invalid_grant", "the refresh token was already used; the session is revoked"
        )
        self.family_id = family_id


async def rotate_refresh_token(
    session: AsyncSession, issuer: TokenIssuer, presented: str
) -> TokenResponse:
    """Trade a refresh token for new tokens; a reused token revokes its whole family."""
    invalid = OAuthError("invalid_grant", "the refresh token is invalid, expired or revoked")
    token = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == secrets.digest(presented))
    )
    if token is None or token.revoked_at is not None or token.expires_at <= utcnow():
        raise invalid
    claimed = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token.id, RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise RefreshReused(token.family_id)
    account = await session.get(Account, token.account_id)
    if account is None or not account.active:
        raise invalid
    return await tokens_for_account(session, issuer, account, token.family_id)


async def authenticate_client(session: AsyncSession, client_id: str, secret: str) -> Client:
    """The active client with these credentials, or 401 ``invalid_client``."""
    client = await session.scalar(select(Client).where(Client.client_id == client_id))
    if client is None or not client.active or not secrets.same_digest(client.secret_hash, secret):
        raise OAuthError(
            "invalid_client",
            "the client credentials are wrong or the client is inactive",
            status=401,
            headers={"WWW-Authenticate": 'Basic realm="officina"'},
        )
    return client


def client_token(issuer: TokenIssuer, client: Client, requested: str | None) -> TokenResponse:
    """An access token for a client, with the requested scopes (all of its scopes by default)."""
    granted = set(client.scopes)
    scopes = set(requested.split()) if requested else granted
    if not scopes <= granted:
        raise OAuthError(
            "invalid_scope", f"the client may not have: {' '.join(sorted(scopes - granted))}"
        )
    access = issuer.access_token(
        subject=f"client:{client.client_id}",
        principal_type="client",
        scopes=scopes,
        client_id=client.client_id,
        generation=client.token_generation,
    )
    return TokenResponse(
        access_token=access,
        expires_in=issuer.settings.access_token_ttl,
        scope=" ".join(sorted(scopes)),
    )


async def check_employee_link(
    session: AsyncSession,
    directory: OrgDirectory,
    employee_id: uuid.UUID,
    authorization: str,
    account_id: uuid.UUID | None = None,
) -> None:
    """An account may name only an employee org knows, and no other account may name them.

    409 ``employee_has_account`` when another account has the employee, 422
    ``unknown_employee`` when org does not know them, 503 ``org_unavailable`` when org
    cannot be asked (nothing is saved unchecked).
    """
    taken = await session.scalar(
        select(Account.username).where(Account.employee_id == employee_id, Account.id != account_id)
        if account_id is not None
        else select(Account.username).where(Account.employee_id == employee_id)
    )
    if taken is not None:
        raise Conflict(
            f"the employee {employee_id} already has an account ({taken!r})",
            code="employee_has_account",
        )
    try:
        known = await directory.employee(employee_id, authorization)
    except OrgUnavailable as exc:
        raise ServiceUnavailable(
            f"the org service cannot be asked whether employee {employee_id} exists ({exc}); "
            "try again",
            code="org_unavailable",
            service="org",
            headers={"Retry-After": "5"},
        ) from exc
    if known is None:
        message = f"org knows no employee {employee_id}"
        raise Unprocessable(
            message,
            code="unknown_employee",
            errors=[
                ValidationIssue(loc=["body", "employee_id"], msg=message, type="unknown_employee")
            ],
        )


async def _flush_account(session: AsyncSession) -> None:
    """Flush, turning a lost race on a unique column into the 409 the check would give."""
    try:
        await session.flush()
    except IntegrityError as exc:
        if "employee_id" in str(exc.orig):
            raise Conflict(
                "the employee already has an account", code="employee_has_account"
            ) from exc
        raise Conflict("the username is taken", code="duplicate_username") from exc


async def create_account(
    session: AsyncSession, payload: AccountCreate, directory: OrgDirectory, authorization: str
) -> Account:
    """A new account; 409 when the username or the employee is taken, 422 for a weak password
    or an employee org does not know, 503 when org cannot be asked."""
    _password_issues(payload.password, payload.username)
    if await find_account(session, payload.username):
        raise Conflict(f"the username {payload.username!r} is taken", code="duplicate_username")
    if payload.employee_id is not None:
        await check_employee_link(session, directory, payload.employee_id, authorization)
    account = Account(
        username=payload.username,
        password_hash=await secrets.hash_password(payload.password),
        roles=sorted(set(payload.roles)),
        employee_id=payload.employee_id,
        active=payload.active,
    )
    session.add(account)
    await _flush_account(session)
    return account


async def get_account(session: AsyncSession, account_id: uuid.UUID) -> Account:
    """An account by id, or 404."""
    account = await session.get(Account, account_id)
    if account is None:
        raise not_found("account", account_id)
    return account


async def update_account(
    session: AsyncSession,
    account: Account,
    payload: AccountUpdate,
    directory: OrgDirectory,
    authorization: str,
) -> Account:
    """Apply an admin's changes; deactivating or resetting the password ends the account's sessions.

    A change that tokens state (roles, employee link), deactivation and a new password also
    end the account's access tokens at once: its token generation goes up.
    """
    changes = payload.model_dump(exclude_unset=True)
    revoke = False
    if "password" in changes:
        if payload.password is None:
            raise Unprocessable("password may not be null", code="validation_error")
        _password_issues(payload.password, account.username)
        account.password_hash = await secrets.hash_password(payload.password)
        await revoke_account_sessions(session, account.id)
        revoke = True
    if changes.get("roles") is not None:
        roles = sorted(set(changes["roles"]))
        revoke = revoke or roles != sorted(account.roles)
        account.roles = roles
    if "employee_id" in changes and changes["employee_id"] != account.employee_id:
        if changes["employee_id"] is not None:
            await check_employee_link(
                session, directory, changes["employee_id"], authorization, account.id
            )
        revoke = True
        account.employee_id = changes["employee_id"]
    if changes.get("active") is not None:
        revoke = revoke or (account.active and not changes["active"])
        account.active = changes["active"]
        if not account.active:
            await revoke_account_sessions(session, account.id)
    if revoke:
        account.token_generation += 1
        account.tokens_revoked_at = utcnow()
    await _flush_account(session)
    return account


def update_client(client: Client, changes: dict[str, object]) -> None:
    """Apply an admin's changes; deactivating a client or taking scopes away ends its access
    tokens at once (its token generation goes up)."""
    revoke = False
    if changes.get("scopes") is not None:
        scopes = sorted(set(changes["scopes"]))  # type: ignore[call-overload]
        revoke = not set(client.scopes) <= set(scopes)
        client.scopes = scopes
    if changes.get("active") is not None:
        revoke = revoke or (client.active and not changes["active"])
        client.active = bool(changes["active"])
    if changes.get("name") is not None:
        client.name = str(changes["name"])
    if revoke:
        client.token_generation += 1
        client.tokens_revoked_at = utcnow()


async def create_client(
    session: AsyncSession, payload: ClientCreate, created_by: str | None
) -> tuple[Client, str]:
    """A new integration client and its secret (returned once, stored hashed)."""
    secret = secrets.new_secret()
    client = Client(
        client_id=f"cli_{uuid.uuid4().hex[:20]}",
        name=payload.name,
        secret_hash=secrets.digest(secret),
        scopes=sorted(set(payload.scopes)),
        created_by=created_by,
    )
    session.add(client)
    await session.flush()
    return client, secret


async def ensure_service_client(session: AsyncSession, service: str, secret: str) -> Client:
    """The built-in client a service uses to call others, with ``secret`` as its current secret."""
    client_id = f"svc-{service}"
    client = await session.scalar(select(Client).where(Client.client_id == client_id))
    if client is None:
        client = Client(
            client_id=client_id, name=f"officina {service} service", builtin=True, secret_hash=""
        )
        session.add(client)
    client.secret_hash = secrets.digest(secret)
    client.scopes = list(SCOPES)
    client.active = True
    await session.flush()
    return client
