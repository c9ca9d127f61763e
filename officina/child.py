"""What a process forked by the launcher runs: one component's app under uvicorn, stopping
cleanly on SIGTERM.

uvicorn stops by waiting ``timeout_graceful_shutdown`` seconds for requests in flight and then
cancelling the rest, which logs each cancelled request as "Exception in ASGI application"
with a ``CancelledError`` traceback and answers it 500. Long polls (``?wait=`` on the event
feeds, forwarded by the gateway) are always in flight, so every stop did that and took the
whole grace period. Here, when the server starts shutting down, long polls end at once with a
503 problem (``code: shutting_down``, ``Retry-After``) that feed consumers retry, and a request
cancelled at the end of the grace period ends without a traceback.
"""

import asyncio
import contextlib
import json
import logging
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from officina.components import component, load_callable


class _Server(uvicorn.Server):
    """uvicorn's server, telling the app when it starts shutting down."""

    def __init__(self, config: uvicorn.Config, stopping: asyncio.Event) -> None:
        super().__init__(config)
        self.stopping = stopping

    async def shutdown(self, sockets: Any = None) -> None:
        self.stopping.set()
        await super().shutdown(sockets=sockets)


def _is_long_poll(scope: Scope) -> bool:
    query = scope.get("query_string", b"")
    for pair in query.split(b"&"):
        name, _, value = pair.partition(b"=")
        if name == b"wait" and value not in (b"", b"0", b"0.0"):
            return True
    return False


_SHUTTING_DOWN = json.dumps(
    {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "the process is restarting or stopping; retry",
        "code": "shutting_down",
    }
).encode()


class StopCleanly:
    """ASGI wrapper: long polls end when shutdown starts; cancelled requests end quietly."""

    def __init__(self, app: ASGIApp, stopping: asyncio.Event) -> None:
        self.app = app
        self.stopping = stopping

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            if _is_long_poll(scope):
                await self._long_poll(self.app(scope, receive, tracking_send))
            else:
                await self.app(scope, receive, tracking_send)
                return
        except asyncio.CancelledError:
            if not self.stopping.is_set():
                raise
            # uvicorn cancels what still runs at the end of the grace period: end quietly
        if not started:
            with contextlib.suppress(Exception):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 503,
                        "headers": [
                            (b"content-type", b"application/problem+json"),
                            (b"retry-after", b"1"),
                            (b"connection", b"close"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": _SHUTTING_DOWN})

    async def _long_poll(self, call: Any) -> None:
        """Run a long poll until it answers, or until shutdown starts (then cancel it)."""
        request = asyncio.ensure_future(call)
        stopping = asyncio.ensure_future(self.stopping.wait())
        try:
            await asyncio.wait({request, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not request.done():
                request.cancel()
                await asyncio.wait({request})
        if not request.cancelled():
            request.result()


class _QuietCancelNotice(logging.Filter):
    """Drops uvicorn's "timeout graceful shutdown exceeded" (the requests end cleanly here)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "timeout graceful shutdown exceeded" not in record.getMessage()


def serve(name: str, *, host: str, port: int, graceful_seconds: float) -> int:
    """Build component ``name``'s app and serve it until SIGTERM; the process's exit status."""
    factory = load_callable(component(name).app_factory)
    if factory is None:
        raise ModuleNotFoundError(component(name).app_factory)
    stopping = asyncio.Event()
    app = StopCleanly(factory(), stopping)  # type: ignore[arg-type]
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
        timeout_graceful_shutdown=int(graceful_seconds),
        # Forwarded headers are the gateway's to judge (OFFICINA_TRUSTED_PROXIES): uvicorn's
        # own handling would let anyone on 127.0.0.1 claim any address with X-Forwarded-For.
        proxy_headers=False,
    )
    logging.getLogger("uvicorn.error").addFilter(_QuietCancelNotice())
    server = _Server(config, stopping)
    server.run()
    return 0 if server.started else 3
