"""Forwarding ``/api/v1/<service>/…`` to the service over the gateway's own HTTP/1.1 client
(``gateway/upstream.py``): keep-alive pools per service, bodies streamed both ways, hop-by-hop
headers dropped, request ids and ``X-Forwarded-*`` added, failures turned into problems.
"""

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from gateway.upstream import (
    UpstreamError,
    UpstreamPool,
    UpstreamResponse,
    UpstreamTimeout,
    header,
    split_url,
)
from shared.kit.app import MAX_FEED_WAIT
from shared.kit.errors import problem_response

log = logging.getLogger("officina.gateway.proxy")

# Headers about one connection, not the message (RFC 9110 §7.6.1); ``proxy-*`` are dropped by
# prefix. Content-Length and Transfer-Encoding are set again for each hop, Host by the client.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
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


# Not sent on: the gateway sets its own request id, and it has dealt with ``Expect`` itself
# (its server answers 100 Continue when the body is read; a service's 100 would only be one
# more interim answer on the way back).
_DROPPED_REQUEST = HOP_BY_HOP | {"x-request-id", "expect"}
# Not relayed: the gateway's server writes its own Date and Server on every answer.
_DROPPED_RESPONSE = HOP_BY_HOP | {"date", "server"}


class _BodyLimit:
    """Streams a request body, remembering whether it went over the limit (so a 413 is told
    from a service that hung up while the body was being sent)."""

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
    """The connection pools the gateway uses to reach every service."""

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
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.max_body = max_body
        self._pools: dict[str, UpstreamPool] = {}
        self._feeds: dict[str, UpstreamPool] = {}

    async def start(self) -> None:
        """Set up the connection pools (connections open as requests need them).

        Ordinary requests share at most ``concurrency`` connections per service: beyond that
        they queue here, first come first served, instead of piling up inside the service
        (which, on two cores, turned a p99 of ~120 ms into over a second at 64 clients).
        Event-feed long polls, health checks and OpenAPI fetches have pools of their own, so
        they never take those places.
        """
        for service, url in self.urls.items():
            host, port = split_url(url)
            # A long poll may hold its answer for the longest ``wait`` a feed accepts; only
            # after that (and the usual time to answer) is a feed's service late.
            for pools, limit, read_timeout in (
                (self._pools, self.concurrency, self.timeout),
                (self._feeds, None, self.timeout + MAX_FEED_WAIT),
            ):
                pools[service] = UpstreamPool(
                    host,
                    port,
                    limit=limit,
                    connect_timeout=self.connect_timeout,
                    read_timeout=read_timeout,
                )

    async def close(self) -> None:
        """Close the pools' idle connections."""
        for pool in (*self._pools.values(), *self._feeds.values()):
            pool.close()
        self._pools = {}
        self._feeds = {}

    def pool(self, service: str, *, feed: bool = False) -> UpstreamPool:
        """The pool of ordinary requests to ``service`` (or the unlimited one, ``feed``)."""
        pools = self._feeds if feed else self._pools
        if service not in pools:
            raise RuntimeError("the upstream pools are not started")
        return pools[service]

    async def get_json(self, service: str, path: str, seconds: float = 2.0) -> tuple[int, Any]:
        """GET a JSON document from a service (health, OpenAPI); raises on network errors."""
        async with asyncio.timeout(seconds):
            response = await self.pool(service, feed=True).request(
                "GET", path, [(b"accept", b"application/json")], read_seconds=seconds
            )
            body = await response.read()
        return response.status, json.loads(body) if body else None

    async def forward(self, service: str, request: Request, request_id: str) -> Response:
        """Send ``request`` on to ``service`` and relay the answer."""
        scope = request.scope
        headers = _end_to_end_raw(scope["headers"], _DROPPED_REQUEST_RAW)
        headers.append((b"x-request-id", request_id.encode("latin-1")))
        client = request.client.host if request.client else ""
        forwarded_for = header(headers, b"x-forwarded-for")
        headers = [(name, value) for name, value in headers if name != b"x-forwarded-for"]
        headers.append(
            (
                b"x-forwarded-for",
                b"%s, %s" % (forwarded_for, client.encode("latin-1"))
                if forwarded_for
                else client.encode("latin-1"),
            )
        )
        headers.append((b"x-forwarded-proto", scope.get("scheme", "http").encode("latin-1")))
        # The path as the client encoded it: the decoded one would turn %2F into a separator
        # and %3F or %23 into the start of a query or fragment.
        raw_path = scope.get("raw_path") or scope["path"].encode()
        target = raw_path.decode("latin-1")
        query = scope.get("query_string", b"")
        if query:
            target = f"{target}?{query.decode('latin-1')}"

        length = header(scope["headers"], b"content-length")
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
            pool = self.pool(service, feed=scope["path"].endswith("/events"))
            upstream = await pool.request(request.method, target, headers, data)
        except BodyTooLarge:
            return _too_large(request, self.max_body)
        except UpstreamTimeout:
            return _timed_out(request, service)
        except UpstreamError as exc:
            if body_limit.exceeded:
                return _too_large(request, self.max_body)
            return _unavailable(request, service, exc)
        response_headers = _end_to_end_raw(upstream.headers, _DROPPED_RESPONSE_RAW)
        length_header = (
            [(b"content-length", b"%d" % upstream.content_length)]
            if upstream.content_length is not None
            else []
        )
        if request.method == "HEAD":
            # No body follows a HEAD answer; its Content-Length is the GET's, relayed as is.
            upstream.release()
            response = Response(status_code=upstream.status)
            response.raw_headers = [*response_headers, *length_header]
            return response
        if upstream.content_length is not None and upstream.content_length <= BUFFER_LIMIT:
            try:
                body = await upstream.read()
            except UpstreamTimeout:
                return _timed_out(request, service)
            except UpstreamError as exc:
                return _unavailable(request, service, exc)
            finally:
                upstream.release()
            response = Response(content=body, status_code=upstream.status)
            response.raw_headers = [*response_headers, (b"content-length", b"%d" % len(body))]
            return response
        # A large answer keeps its length (the client sees the same framing as from the
        # service, and a cut-short answer is seen as one); one without a length goes chunked.
        return _StreamedUpstream(upstream, [*response_headers, *length_header])


def _timed_out(request: Request, service: str) -> Response:
    return problem_response(
        request,
        504,
        detail=f"the {service} service did not answer in time",
        code="upstream_timeout",
        service=service,
    )


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


_DROPPED_REQUEST_RAW = frozenset(name.encode("latin-1") for name in _DROPPED_REQUEST)
_DROPPED_RESPONSE_RAW = frozenset(name.encode("latin-1") for name in _DROPPED_RESPONSE)


def _end_to_end_raw(
    headers: Sequence[tuple[bytes, bytes]], dropped: frozenset[bytes]
) -> list[tuple[bytes, bytes]]:
    """Raw ``headers`` (names lower-cased) without ``dropped`` ones, ``Proxy-*`` ones and
    those a ``Connection`` header names (hop-by-hop), without decoding every header."""
    kept = [(name.lower(), value) for name, value in headers]
    connection = [value.decode("latin-1") for name, value in kept if name == b"connection"]
    if connection:
        dropped = dropped | {name.encode("latin-1") for name in _connection_listed(connection)}
    return [
        (name, value)
        for name, value in kept
        if name not in dropped and not name.startswith(b"proxy-")
    ]


class _StreamedUpstream(StreamingResponse):
    """Relays a large or unsized upstream body chunk by chunk, releasing the connection after."""

    def __init__(self, upstream: UpstreamResponse, headers: list[tuple[bytes, bytes]]) -> None:
        self.upstream = upstream
        super().__init__(upstream.iter_chunks(), status_code=upstream.status)
        self.raw_headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.upstream.release()
