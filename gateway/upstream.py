"""The gateway's HTTP/1.1 client for its hop to the services.

Keep-alive connections per service, responses parsed by ``httptools`` (the parser uvicorn
uses), bodies streamed both ways with flow control. It does only what a reverse proxy to
our own services needs: no redirects, cookies, proxies, compression or TLS.

Why not a general client: on the reference machine a proxied GET cost the gateway about
0.42 ms of CPU in ``aiohttp.ClientSession`` and about 0.11 ms here (bench/README.md); httpx
cost more than aiohttp (its pool re-checks every connection on each request,
encode/httpx#3215). The gateway's CPU is taken from the services it shares the machine with.
"""

import asyncio
import collections
from collections.abc import AsyncIterator
from typing import cast
from urllib.parse import urlsplit

import httptools

# Services (uvicorn) close a keep-alive connection after 5 s without a request; one idle
# longer than this is not reused, so a request never races the service's close.
IDLE_REUSE_SECONDS = 3.0
# A response body buffered beyond this pauses reading from the service until the client
# has taken it below the low mark: a slow client never makes the gateway hold a whole body.
_HIGH_WATER = 1024 * 1024
_LOW_WATER = 256 * 1024
# Methods safe to send again when a reused connection turns out to be closed.
_RETRYABLE = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

Body = bytes | AsyncIterator[bytes] | None


class UpstreamError(Exception):
    """The exchange with the service failed."""


class ConnectFailed(UpstreamError):
    """No connection to the service: refused, unreachable, or not within the connect timeout."""


class UpstreamTimeout(UpstreamError):
    """The service did not answer (or send more of its answer) within the read timeout."""


class ResponseBroken(UpstreamError):
    """The service closed the connection or sent something that is not HTTP."""


class _Connection(asyncio.Protocol):
    """One keep-alive connection, carrying one exchange at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.closed = False
        self.idle_since = 0.0
        self.head_done: asyncio.Future[None] | None = None
        self._begin()
        self.in_exchange = False
        self._drain: asyncio.Future[None] | None = None
        self._reading_paused = False

    def _begin(self) -> None:
        self.in_exchange = True
        self.interim = False
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: collections.deque[bytes] = collections.deque()
        self.buffered = 0
        self.complete = False
        self.error: UpstreamError | None = None
        self._unexpected = False
        self.received_any = False
        self.keep_alive = False
        self._waiter: asyncio.Future[None] | None = None

    # --- asyncio.Protocol -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not subclasses of asyncio.Transport, only alike.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.received_any = True
        if not self.in_exchange:
            # Bytes on an idle connection answer no request of ours: the connection can no
            # longer be trusted to pair answers with requests.
            self.close()
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            if not self._unexpected:
                self._fail(ResponseBroken(f"the service sent a malformed answer: {exc}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.complete:
            self._fail(ResponseBroken("the service closed the connection"))
        if self._drain is not None and not self._drain.done():
            self._drain.set_result(None)

    def pause_writing(self) -> None:
        if self._drain is None or self._drain.done():
            self._drain = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self._drain is not None and not self._drain.done():
            self._drain.set_result(None)

    # --- httptools callbacks ------------------------------------------------------------------

    def on_message_begin(self) -> None:
        if self.complete:
            # A second answer to one request: it belongs to no request. Raising stops the
            # parser here (``data_received`` closes the connection); the answer already
            # read stays intact.
            self._unexpected = True
            raise ResponseBroken("the service sent more than one answer")

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        status = self.parser.get_status_code()
        if 100 <= status < 200:
            # An interim answer (100 Continue, 103 Early Hints…): not the answer to relay.
            # The final one follows on this connection; read on to it.
            self.interim = True
            self.headers = []
            return
        self.status = status
        # Asked now: once the message is complete the parser has forgotten its headers.
        self.keep_alive = self.parser.should_keep_alive()
        if self.head_done is not None and not self.head_done.done():
            self.head_done.set_result(None)

    def on_body(self, body: bytes) -> None:
        self.chunks.append(bytes(body))
        self.buffered += len(body)
        if self.buffered > _HIGH_WATER and self.transport is not None:
            self.transport.pause_reading()
            self._reading_paused = True
        self._wake()

    def on_message_complete(self) -> None:
        if self.interim:
            self.interim = False
            return
        self.complete = True
        self._wake()

    # --- the exchange -------------------------------------------------------------------------

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def _fail(self, error: UpstreamError) -> None:
        if self.error is None:
            self.error = error
        # A result, not an exception: ``wait_head`` raises ``self.error``. An exception set
        # on a future nobody awaits any more (the request already failed on its body) would
        # be logged as "Future exception was never retrieved".
        if self.head_done is not None and not self.head_done.done():
            self.head_done.set_result(None)
        self._wake()

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def ended_cleanly(self) -> bool:
        """Whether the exchange ended so that the next one can follow on this connection:
        the whole answer read, nothing after it, no error, and the service keeps it open.
        Anything else (a body left unread, a timeout, a cancelled request, bytes after the
        answer) closes the connection: reusing it could hand one caller's answer to the
        next request."""
        self.in_exchange = False
        return (
            self.complete
            and not self.closed
            and self.keep_alive
            and self.error is None
            and not self._unexpected
            and not self.chunks
        )

    async def send(self, head: bytes, body: Body) -> None:
        """Write the request (head, then the body as it comes)."""
        assert self.transport is not None
        self._begin()
        self.head_done = asyncio.get_running_loop().create_future()
        if body is None:
            self.transport.write(head + b"\r\n")
        elif isinstance(body, bytes):
            self.transport.write(b"%scontent-length: %d\r\n\r\n%s" % (head, len(body), body))
        else:
            self.transport.write(head + b"transfer-encoding: chunked\r\n\r\n")
            async for chunk in body:
                if self.closed:
                    break  # the service answered early and hung up; its answer is read below
                if chunk:
                    self.transport.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    if self._drain is not None and not self._drain.done():
                        await self._drain
            if not self.closed:
                self.transport.write(b"0\r\n\r\n")

    async def wait_head(self, seconds: float) -> None:
        assert self.head_done is not None
        try:
            async with asyncio.timeout(seconds):
                await self.head_done
        except TimeoutError:
            raise UpstreamTimeout("no answer in time") from None
        if self.status == 0:
            raise self.error or ResponseBroken("the service sent no answer")

    async def next_chunk(self, seconds: float) -> bytes | None:
        """The next piece of the body, or None at its end."""
        while not self.chunks:
            if self.complete:
                return None
            if self.error is not None:
                raise self.error
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                async with asyncio.timeout(seconds):
                    await self._waiter
            except TimeoutError:
                raise UpstreamTimeout("the answer stopped coming") from None
        chunk = self.chunks.popleft()
        self.buffered -= len(chunk)
        if self._reading_paused and self.buffered < _LOW_WATER and self.transport is not None:
            self.transport.resume_reading()
            self._reading_paused = False
        return chunk


class UpstreamResponse:
    """A service's answer: status and headers at once, the body read or streamed after.

    ``release()`` must be called (``read()`` and ``iter_chunks()`` do it at the end): it hands
    the connection back for the next request, or closes it when the answer was not read to
    its end.
    """

    def __init__(
        self, pool: "UpstreamPool", connection: _Connection, method: str, timeout: float
    ) -> None:
        self._pool = pool
        self._connection: _Connection | None = connection
        self._method = method
        self._timeout = timeout
        self.status = connection.status
        self.headers = connection.headers
        length = header(self.headers, b"content-length")
        self.content_length = int(length) if length is not None and length.isdigit() else None

    async def read(self) -> bytes:
        """The whole body."""
        return b"".join([chunk async for chunk in self.iter_chunks()])

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        """The body as it arrives."""
        connection = self._connection
        if connection is None:
            return
        try:
            if self._method != "HEAD":
                while (chunk := await connection.next_chunk(self._timeout)) is not None:
                    yield chunk
        finally:
            self.release()

    def release(self) -> None:
        """Give the connection back (or close it) and free the request's place."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        self._pool.done_with(connection, connection.ended_cleanly() and self._method != "HEAD")


class UpstreamPool:
    """Connections to one service; at most ``limit`` requests in flight (FIFO), None: no limit."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        limit: int | None,
        connect_timeout: float,
        read_timeout: float,
    ) -> None:
        self.host = host
        self.port = port
        self.host_header = f"{host}:{port}".encode("latin-1")
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._slots = asyncio.Semaphore(limit) if limit else None
        self._idle: collections.deque[_Connection] = collections.deque()

    async def _connection(self) -> tuple[_Connection, bool]:
        loop = asyncio.get_running_loop()
        now = loop.time()
        while self._idle:
            connection = self._idle.pop()
            if not connection.closed and now - connection.idle_since < IDLE_REUSE_SECONDS:
                return connection, True
            connection.close()
        try:
            async with asyncio.timeout(self.connect_timeout):
                _, connection = await loop.create_connection(_Connection, self.host, self.port)
        except TimeoutError:
            raise ConnectFailed(f"no connection within {self.connect_timeout} s") from None
        except OSError as exc:
            raise ConnectFailed(str(exc)) from exc
        return connection, False

    async def request(
        self,
        method: str,
        target: str,
        headers: list[tuple[bytes, bytes]],
        body: Body = None,
        *,
        read_seconds: float | None = None,
    ) -> UpstreamResponse:
        """Send a request and wait for the answer's status and headers.

        ``target`` is the path and query exactly as they go on the request line.
        """
        read_timeout = self.read_timeout if read_seconds is None else read_seconds
        head = b"".join(
            [
                b"%s %s HTTP/1.1\r\nhost: %s\r\n"
                % (method.encode("latin-1"), target.encode("latin-1"), self.host_header),
                *(b"%s: %s\r\n" % (name, value) for name, value in headers),
            ]
        )
        if body is None and method in ("POST", "PUT", "PATCH"):
            body = b""
        if self._slots is not None:
            await self._slots.acquire()
        try:
            for attempt in (1, 2):
                connection, reused = await self._connection()
                try:
                    await connection.send(head, body)
                    await connection.wait_head(read_timeout)
                except ResponseBroken:
                    connection.close()
                    # A kept-alive connection the service had just closed: nothing was
                    # processed, so an idempotent request goes once more on a new one.
                    if (
                        attempt == 1
                        and reused
                        and not connection.received_any
                        and method in _RETRYABLE
                        and not isinstance(body, AsyncIterator)
                    ):
                        continue
                    raise
                except BaseException:
                    connection.close()
                    raise
                return UpstreamResponse(self, connection, method, read_timeout)
            raise AssertionError("unreachable")  # pragma: no cover
        except BaseException:
            if self._slots is not None:
                self._slots.release()
            raise

    def done_with(self, connection: _Connection, reusable: bool) -> None:
        """Called by ``UpstreamResponse.release``."""
        if reusable:
            connection.idle_since = asyncio.get_running_loop().time()
            self._idle.append(connection)
        else:
            connection.close()
        if self._slots is not None:
            self._slots.release()

    def close(self) -> None:
        """Close the idle connections (those in use close when released)."""
        while self._idle:
            self._idle.pop().close()


def header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    """The first value of header ``name`` (lower case) in raw ``headers``."""
    return next((value for key, value in headers if key == name), None)


def split_url(url: str) -> tuple[str, int]:
    """``http://host:port`` → (host, port)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"service URLs must be http://host:port, not {url!r}")
    return parts.hostname, parts.port or 80
