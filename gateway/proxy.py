"""Forwarding ``/api/v1/<service>/…`` to the service: one pooled aiohttp session, bodies streamed.

aiohttp is used for the upstream hop because httpx's pool re-checks every connection on
each request (encode/httpx#3215), which cost more than half the throughput under load in
our benchmark; the gateway's own code never touches it outside this module.
"""

import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send
from yarl import URL

from shared.kit.errors import problem_response

log = logging.getLogger("officina.gateway.proxy")

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
# Bodies up to this size are read whole (cheaper than chunked streaming); larger ones stream.
BUFFER_LIMIT = 256 * 1024


class BodyTooLarge(Exception):
    """The client sent more than the gateway accepts."""


def _connection_listed(values: list[str]) -> set[str]:
    """Header names a ``Connection`` header declares hop-by-hop (RFC 9110 §7.6.1)."""
    return {token.strip().lower() for value in values for token in value.split(",")} - {""}


_DROPPED = HOP_BY_HOP | {"x-request-id"}


def _end_to_end(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``headers`` without hop-by-hop ones, those named in ``Connection`` included."""
    kept = [(name, value) for name, value in headers if name.lower() not in _DROPPED]
    connection = [value for name, value in headers if name.lower() == "connection"]
    if not connection:
        return kept
    listed = _connection_listed(connection)
    return [(name, value) for name, value in kept if name.lower() not in listed]


class _BodyLimit:
    """Streams a request body, remembering whether it went over the limit.

    aiohttp wraps an exception raised while it sends the body into a ``ClientPayloadError``,
    so ``BodyTooLarge`` never reaches the caller; the flag tells a 413 from a dead upstream.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.exceeded = False

    async def stream(self, request: Request) -> AsyncIterator[bytes]:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > self.limit:
                self.exceeded = True
                raise BodyTooLarge()
            if chunk:
                yield chunk


class Upstreams:
    """The pooled HTTP client the gateway uses to reach every service."""

    def __init__(
        self,
        urls: dict[str, str],
        *,
        timeout: float,
        connect_timeout: float,
        max_body: int,
        concurrency: int = 16,
    ):
        self.urls = urls
        self.concurrency = concurrency
        self.timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=connect_timeout, sock_read=timeout
        )
        self.max_body = max_body
        self._session: aiohttp.ClientSession | None = None
        self._feeds: aiohttp.ClientSession | None = None

    def _new_session(self, per_host: int) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=0, limit_per_host=per_host, keepalive_timeout=30, ttl_dns_cache=300
        )
        return aiohttp.ClientSession(
            connector=connector,
            timeout=self.timeout,
            auto_decompress=False,
            skip_auto_headers=("User-Agent", "Accept-Encoding", "Content-Type"),
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    async def start(self) -> None:
        """Open the connection pools.

        Ordinary requests share at most ``concurrency`` connections per service: beyond that
        they queue here, first come first served, instead of piling up inside the service
        (which, on two cores, turned a p99 of ~120 ms into over a second at 64 clients).
        Event-feed long polls have a pool of their own, so they never take those places.
        """
        self._session = self._new_session(self.concurrency)
        self._feeds = self._new_session(0)

    async def close(self) -> None:
        """Close the pools."""
        for session in (self._session, self._feeds):
            if session is not None:
                await session.close()
        self._session = self._feeds = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("the upstream pool is not started")
        return self._session

    async def get_json(self, service: str, path: str, seconds: float = 2.0) -> tuple[int, Any]:
        """GET a JSON document from a service (health, OpenAPI); raises on network errors."""
        async with self.session.get(
            f"{self.urls[service]}{path}", timeout=aiohttp.ClientTimeout(total=seconds)
        ) as response:
            return response.status, await response.json(content_type=None)

    async def forward(self, service: str, request: Request, request_id: str) -> Response:
        """Send ``request`` on to ``service`` and relay the answer."""
        headers = _end_to_end(request.headers.items())
        headers.append(("X-Request-ID", request_id))
        client = request.client.host if request.client else ""
        forwarded_for = request.headers.get("x-forwarded-for")
        headers.append(
            ("X-Forwarded-For", f"{forwarded_for}, {client}" if forwarded_for else client)
        )
        scope = request.scope
        headers.append(("X-Forwarded-Proto", scope.get("scheme", "http")))
        # The path as the client encoded it: the decoded one would turn %2F into a separator
        # and %3F or %23 into the start of a query or fragment.
        raw_path = scope.get("raw_path") or scope["path"].encode()
        target = f"{self.urls[service]}{raw_path.decode('latin-1')}"
        query = scope.get("query_string", b"")
        if query:
            target = f"{target}?{query.decode('latin-1')}"
        url = URL(target, encoded=True)

        length = request.headers.get("content-length")
        body_limit = _BodyLimit(self.max_body)
        data: bytes | AsyncIterator[bytes] | None
        if length is not None:
            if not length.isdigit():
                return problem_response(request, 400, detail="Content-Length is not a number")
            if int(length) > self.max_body:
                return _too_large(request, self.max_body)
            data = (
                await request.body() if int(length) <= BUFFER_LIMIT else body_limit.stream(request)
            )
        elif request.method in ("POST", "PUT", "PATCH"):
            data = body_limit.stream(request)
        else:
            data = None

        try:
            pool = (
                self._feeds if scope["path"].endswith("/events") and self._feeds else self.session
            )
            upstream = await pool.request(
                request.method, url, headers=headers, data=data, allow_redirects=False
            )
        except BodyTooLarge:
            return _too_large(request, self.max_body)
        except aiohttp.ConnectionTimeoutError as exc:
            # No connection within the connect timeout: the service is down, not slow.
            return _unavailable(request, service, exc)
        except TimeoutError:
            return problem_response(
                request,
                504,
                detail=f"the {service} service did not answer in time",
                code="upstream_timeout",
                service=service,
            )
        except aiohttp.ClientError as exc:
            if body_limit.exceeded:
                return _too_large(request, self.max_body)
            return _unavailable(request, service, exc)
        response_headers = _end_to_end(list(upstream.headers.items()))
        if upstream.content_length is not None and upstream.content_length <= BUFFER_LIMIT:
            try:
                body = await upstream.read()
            except TimeoutError:
                upstream.release()
                return problem_response(
                    request,
                    504,
                    detail=f"the {service} service did not answer in time",
                    code="upstream_timeout",
                    service=service,
                )
            finally:
                upstream.release()
            response = Response(content=body, status_code=upstream.status)
            response.raw_headers = [
                *_encode(response_headers),
                (b"content-length", str(len(body)).encode()),
            ]
            return response
        return _StreamedUpstream(upstream, response_headers)


def _unavailable(request: Request, service: str, exc: Exception) -> Response:
    log.warning("upstream %s unreachable: %r", service, exc)
    return problem_response(
        request,
        503,
        detail=f"the {service} service is unavailable",
        code="service_unavailable",
        service=service,
        headers={"Retry-After": "5"},
    )


def _too_large(request: Request, limit: int) -> Response:
    return problem_response(
        request, 413, detail=f"the request body exceeds {limit} bytes", code="payload_too_large"
    )


def _encode(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]


class _StreamedUpstream(StreamingResponse):
    """Relays a large or unsized upstream body chunk by chunk, releasing the connection after."""

    def __init__(self, upstream: aiohttp.ClientResponse, headers: list[tuple[str, str]]) -> None:
        self.upstream = upstream
        super().__init__(self._chunks(), status_code=upstream.status)
        self.raw_headers = _encode(headers)

    async def _chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.upstream.content.iter_chunked(64 * 1024):
                yield chunk
        finally:
            self.upstream.release()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.upstream.release()
