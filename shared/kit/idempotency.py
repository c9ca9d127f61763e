"""``Idempotency-Key`` on POST: replay the stored answer, refuse a reused key, 409 while in flight."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, and_, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Unprocessable
from shared.kit.runtime import ServiceRuntime

HEADER = "idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEEP_FOR = timedelta(hours=24)
# A claim older than this is presumed dead (its process killed, or its database gone mid-request)
# and a retry may take it over. Taking over is safe even if the first request is in fact still
# running: an answer is stored only by the claim's owner, in the same transaction as the write
# (``complete``), so the first request's work then rolls back with a 409 and the retry's stands.
ABANDONED_AFTER = timedelta(seconds=30)
_STORED_HEADERS = ("content-type", "etag", "location")


@dataclass(frozen=True)
class Claim:
    """This request owns ``key`` for ``caller`` until it completes or releases it.

    ``claimed_at`` identifies this claim: a retry that takes the key over stamps a new one.
    """

    caller: str
    key: str
    claimed_at: datetime


def _fingerprint(request: Request, body: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0" + request.url.path.encode())
    digest.update(b"\0" + request.url.query.encode())
    digest.update(b"\0" + body)
    return digest.hexdigest()


async def _caller(runtime: ServiceRuntime, request: Request) -> str | None:
    authorization = request.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        principal = await runtime.verifier.verify(token.strip())
    except Exception:
        return None  # the route itself answers 401
    return principal.sub


def _replay(row: object) -> Response:
    headers = dict(getattr(row, "headers", None) or {})
    headers[REPLAYED_HEADER] = "true"
    body = getattr(row, "body", None) or ""
    return Response(
        content=body.encode(), status_code=getattr(row, "status_code", 200), headers=headers
    )


async def claim(runtime: ServiceRuntime, request: Request, key: str) -> Claim | Response | None:
    """Claim ``key`` for this request, or answer for it: a replay, 422 (other body) or 409 (in flight)."""
    if not key or len(key) > 255:
        raise Unprocessable(
            "Idempotency-Key must be 1 to 255 characters", code="invalid_idempotency_key"
        )
    caller = await _caller(runtime, request)
    if caller is None:
        return None
    fingerprint = _fingerprint(request, await request.body())
    table = runtime.tables.idempotency_keys
    now = utcnow()
    for _attempt in range(3):
        try:
            async with runtime.engine.begin() as conn:
                await conn.execute(
                    table.insert().values(
                        caller=caller,
                        key=key,
                        request_hash=fingerprint,
                        state="in_flight",
                        created_at=now,
                    )
                )
            return Claim(caller, key, now)
        except IntegrityError:
            pass
        async with runtime.engine.begin() as conn:
            row = (
                await conn.execute(
                    select(table).where(table.c.caller == caller, table.c.key == key)
                )
            ).first()
            if row is None:
                continue  # released meanwhile: try to claim again
            expired = row.created_at < now - KEEP_FOR
            abandoned = row.state == "in_flight" and row.created_at < now - ABANDONED_AFTER
            if expired or abandoned:
                taken = await conn.execute(
                    update(table)
                    .where(
                        and_(
                            table.c.caller == caller,
                            table.c.key == key,
                            table.c.created_at == row.created_at,
                            table.c.state == row.state,
                        )
                    )
                    .values(
                        request_hash=fingerprint,
                        state="in_flight",
                        created_at=now,
                        status_code=None,
                        headers=None,
                        body=None,
                    )
                )
                if taken.rowcount == 1:
                    return Claim(caller, key, now)
                continue
            if row.request_hash != fingerprint:
                raise Unprocessable(
                    "this Idempotency-Key was used with a different request",
                    code="idempotency_key_reused",
                )
            if row.state == "in_flight":
                raise Conflict(
                    "a request with this Idempotency-Key is still being processed",
                    code="idempotency_request_in_flight",
                )
            return _replay(row)
    raise Conflict("the Idempotency-Key is contended; retry", code="idempotency_request_in_flight")


async def complete(
    session: AsyncSession, runtime: ServiceRuntime, owned: Claim, response: Response
) -> None:
    """Store the answer in the request's own transaction, so it commits with the change.

    Only while the claim is still this request's: if a retry took the key over (the claim
    looked abandoned), this raises 409 and the request's transaction, its work with it, rolls
    back — the retry's answer is the one that stands.
    """
    table = runtime.tables.idempotency_keys
    headers = {k: v for k, v in response.headers.items() if k.lower() in _STORED_HEADERS}
    body = bytes(response.body).decode("utf-8", errors="replace")
    stored = await session.execute(
        update(table)
        .where(_owned_by(table, owned))
        .values(state="done", status_code=response.status_code, headers=headers, body=body)
    )
    if getattr(stored, "rowcount", 1) != 1:
        raise Conflict(
            "a retry with this Idempotency-Key took over while this request ran; "
            "this request's work was undone and the retry's answer stands",
            code="idempotency_key_taken_over",
        )


async def release(runtime: ServiceRuntime, owned: Claim) -> None:
    """Forget the claim of a request that failed, so the client may retry with the same key."""
    table = runtime.tables.idempotency_keys
    async with runtime.engine.begin() as conn:
        await conn.execute(delete(table).where(_owned_by(table, owned)))


def _owned_by(table: Table, owned: Claim) -> ColumnElement[bool]:
    """The key's row, still in flight under this very claim (not a retry's takeover)."""
    return and_(
        table.c.caller == owned.caller,
        table.c.key == owned.key,
        table.c.created_at == owned.claimed_at,
        table.c.state == "in_flight",
    )


async def purge_expired(runtime: ServiceRuntime) -> int:
    """Delete keys older than the retention period; returns how many went."""
    table = runtime.tables.idempotency_keys
    async with runtime.engine.begin() as conn:
        result = await conn.execute(delete(table).where(table.c.created_at < utcnow() - KEEP_FOR))
    return int(result.rowcount or 0)
