"""The request transaction: one session per request, committed once before the response leaves."""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response, StreamingResponse

from shared.kit import idempotency
from shared.kit.outbox import PENDING_EVENTS
from shared.kit.runtime import ServiceRuntime

_SESSION = "db_session"
# Safe methods never write (a convention every router keeps), so they read outside a transaction.
_SAFE_METHODS = frozenset({"GET", "HEAD"})


def runtime_of(request: Request) -> ServiceRuntime:
    """The running service behind this request."""
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


async def get_session(request: Request) -> AsyncSession:
    """The request's session; the route commits it after the endpoint returns, or rolls it back."""
    session: AsyncSession | None = getattr(request.state, _SESSION, None)
    if session is None:
        runtime = runtime_of(request)
        reader = runtime.read_sessionmaker if request.method in _SAFE_METHODS else None
        session = (reader or runtime.sessionmaker)()
        setattr(request.state, _SESSION, session)
    return session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


class TransactionalRoute(APIRoute):
    """Runs the endpoint, then commits its session before answering; any error rolls it back.

    The same wrapper applies ``Idempotency-Key``: the key is claimed before the endpoint runs
    and the stored answer is written in the endpoint's own transaction, so a crash can never
    leave a change without its answer or an answer without its change.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint_handler = super().get_route_handler()

        async def handler(request: Request) -> Response:
            runtime = runtime_of(request)
            owned: idempotency.Claim | None = None
            key = request.headers.get(idempotency.HEADER)
            if request.method == "POST" and key is not None:
                claimed = await idempotency.claim(runtime, request, key)
                if isinstance(claimed, Response):
                    return claimed
                owned = claimed
            session: AsyncSession | None = None
            try:
                response = await endpoint_handler(request)
                session = getattr(request.state, _SESSION, None)
                if owned is not None:
                    if response.status_code >= 500 or isinstance(response, StreamingResponse):
                        raise _DoNotStore(response)
                    if session is None:
                        session = await get_session(request)
                    await idempotency.complete(session, runtime, owned, response)
                if session is not None and _needs_commit(session, request, owned is not None):
                    await runtime.commit(session)
                # Only now is the answer stored: a failed commit must still release the key.
                owned = None
                return response
            except _DoNotStore as unstored:
                if session is not None:
                    await runtime.commit(session)
                return unstored.response
            except BaseException:
                session = getattr(request.state, _SESSION, None)
                if session is not None:
                    await session.rollback()
                raise
            finally:
                session = getattr(request.state, _SESSION, None)
                if session is not None:
                    await session.close()
                    setattr(request.state, _SESSION, None)
                if owned is not None:
                    await idempotency.release(runtime, owned)

        return handler


def _needs_commit(session: AsyncSession, request: Request, storing: bool) -> bool:
    """Whether the request's session has anything to commit.

    A GET or HEAD reads on an autocommit connection: unless it left objects to flush or
    recorded an event, closing the session is all that is needed, and saves a commit per read.
    """
    if storing or request.method not in _SAFE_METHODS:
        return True
    # A read that recorded an event still commits, which also wakes the publisher.
    return bool(session.new or session.dirty or session.deleted or session.info.get(PENDING_EVENTS))


class _DoNotStore(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def service_router(**kwargs: Any) -> APIRouter:
    """An APIRouter whose routes run in the request transaction."""
    return APIRouter(route_class=TransactionalRoute, **kwargs)
