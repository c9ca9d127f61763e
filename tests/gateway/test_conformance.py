"""HTTP conformance of the gateway: the same requests sent to a service directly and through the
gateway give the same outcome.

The platform runs as deployed (``officina up``: every process under uvicorn), and the
requests go over plain sockets, written and read with ``h11`` (or by hand where even h11 would
hide the detail), so that interim answers, repeated headers and connection handling are seen
exactly as a client sees them.
"""

import json
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import urlsplit

import h11
import pytest

from tests.conftest import POSTGRES_URL, TEST_DB
from tests.platform_runner import RunningPlatform, start_platform

TIMEOUT = 20.0


@dataclass
class Reply:
    """What came back for one request: interim statuses, then the final answer."""

    interim: list[int] = field(default_factory=list)
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    error: str | None = None

    def values(self, name: str) -> list[str]:
        """Every value of header ``name`` (any case), in order."""
        return [value for key, value in self.headers if key == name.lower()]

    def json(self) -> object:
        return json.loads(self.body)


class Connection:
    """One client connection, reused for as many requests as the server keeps it for."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host = f"{parts.hostname}:{parts.port}"
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT)
        self.h11 = h11.Connection(h11.CLIENT)

    def close(self) -> None:
        self.sock.close()

    def _send(self, event: h11.Event) -> None:
        data = self.h11.send(event)
        if data:
            self.sock.sendall(data)

    def _next_event(self) -> h11.Event:
        while True:
            event = self.h11.next_event()
            if event is h11.PAUSED:
                raise h11.RemoteProtocolError("the server sent more than the answer")
            if event is not h11.NEED_DATA:
                return cast(h11.Event, event)
            self.h11.receive_data(self.sock.recv(65536))

    def request(
        self,
        method: str,
        target: str,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        *,
        expect_continue: bool = False,
        chunked: bool = False,
    ) -> Reply:
        """Send a request and read its answer; with ``expect_continue``, send the body only
        after a 100 Continue (as curl does for bodies over 1 KiB)."""
        if self.h11.our_state is h11.DONE:
            self.h11.start_next_cycle()
        sent = [("Host", self.host), *(headers or {}).items()]
        if body is not None:
            if chunked:
                sent.append(("Transfer-Encoding", "chunked"))
            else:
                sent.append(("Content-Length", str(len(body))))
        if expect_continue:
            sent.append(("Expect", "100-continue"))
        reply = Reply()
        try:
            self._send(h11.Request(method=method, target=target, headers=sent))
            event: h11.Event | None = None
            if expect_continue:
                event = self._next_event()
                if isinstance(event, h11.InformationalResponse):
                    reply.interim.append(event.status_code)
                    event = None
            if body is not None and not isinstance(event, h11.Response):
                for start in range(0, len(body), 4096) if chunked else [0]:
                    part = body[start : start + 4096] if chunked else body
                    if part:
                        self._send(h11.Data(data=part))
                self._send(h11.EndOfMessage())
            elif body is None:
                self._send(h11.EndOfMessage())
            while not isinstance(event, h11.Response):
                event = self._next_event()
                if isinstance(event, h11.InformationalResponse):
                    reply.interim.append(event.status_code)
            reply.status = event.status_code
            reply.headers = [
                (name.decode("latin-1").lower(), value.decode("latin-1"))
                for name, value in event.headers
            ]
            chunks = []
            while not isinstance(event := self._next_event(), h11.EndOfMessage):
                if isinstance(event, h11.Data):
                    chunks.append(bytes(event.data))
                elif isinstance(event, h11.ConnectionClosed):
                    raise h11.RemoteProtocolError("the connection closed mid-answer")
            reply.body = b"".join(chunks)
        except (h11.ProtocolError, OSError) as exc:
            reply.error = f"{type(exc).__name__}: {exc}"
        return reply


def call(url: str, method: str, target: str, **kwargs: object) -> Reply:
    """One request on a connection of its own."""
    connection = Connection(url)
    try:
        return connection.request(method, target, **kwargs)  # type: ignore[arg-type]
    finally:
        connection.close()


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    """The whole platform, as the shared fixture starts it, with more patience for a start on
    a busy machine."""
    running = start_platform(
        tmp_path_factory.mktemp("platform"),
        postgres_url=POSTGRES_URL if TEST_DB == "postgresql" else None,
        timeout=180.0,
    )
    yield running
    running.stop()
    running.drop_schemas()


@pytest.fixture(scope="module")
def token(platform: RunningPlatform) -> str:
    return platform.token()


@pytest.fixture(scope="module")
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(params=["direct", "gateway"])
def base(request: pytest.FixtureRequest, platform: RunningPlatform) -> Iterator[str]:
    """The same service reached directly or through the gateway."""
    yield platform.service_url("org") if request.param == "direct" else platform.url


def party_body(name: str, size: int = 2048) -> bytes:
    """A party to register, padded with JSON whitespace to ``size`` bytes."""
    body = json.dumps({"kind": "customer", "name": name}).encode()
    return body + b" " * (size - len(body))


JSON = {"Content-Type": "application/json"}


# --- Expect: 100-continue and the answer mix-up --------------------------------------------


def test_a_post_with_expect_100_continue_gets_its_own_final_answer(
    base: str, auth: dict[str, str]
) -> None:
    name = f"expecting {uuid.uuid4().hex[:8]}"

    reply = call(
        base,
        "POST",
        "/api/v1/org/parties",
        headers={**auth, **JSON},
        body=party_body(name),
        expect_continue=True,
    )

    assert reply.error is None, reply
    assert reply.interim == [100]
    assert reply.status == 201, reply
    assert reply.json()["name"] == name  # type: ignore[index]


def test_expect_100_continue_never_hands_one_callers_answer_to_the_next_caller(
    platform: RunningPlatform, auth: dict[str, str]
) -> None:
    """The defect: the gateway relayed the service's interim 100 as the answer, put the
    connection back in its pool, and the real 201 went to whoever was sent on it next."""
    for round_ in range(8):
        name = f"round {round_} {uuid.uuid4().hex[:8]}"
        created = call(
            platform.url,
            "POST",
            "/api/v1/org/parties",
            headers={**auth, **JSON},
            body=party_body(name),
            expect_continue=True,
        )
        other = call(platform.url, "GET", "/api/v1/org/company", headers=auth)

        assert (created.status, created.error) == (201, None), created
        assert created.json()["name"] == name  # type: ignore[index]
        assert other.status == 200, other
        assert "name" in other.json() and other.json() != created.json()  # type: ignore[operator]


def test_date_and_server_are_sent_once(platform: RunningPlatform, auth: dict[str, str]) -> None:
    for reply in (
        call(platform.url, "GET", "/api/v1/org/company", headers=auth),
        call(platform.url, "GET", "/api/v1/org/nothing-here", headers=auth),
        call(platform.url, "GET", "/healthz"),
    ):
        assert len(reply.values("date")) == 1, reply.headers
        assert len(reply.values("server")) == 1, reply.headers
