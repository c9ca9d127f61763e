"""HTTP conformance of the gateway: the same requests sent to a service directly and through the
gateway give the same outcome.

The platform runs as deployed (``officina up``: every process under uvicorn), and the
requests go over plain sockets, written and read with ``h11`` (or by hand where even h11 would
hide the detail), so that interim answers, repeated headers and connection handling are seen
exactly as a client sees them.
"""

import json
import socket
import time
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
# The gateway's body limit on this platform (small, so that bodies at it are quick to send).
LIMIT = 64 * 1024


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
        extra_env={"OFFICINA_MAX_BODY_BYTES": str(LIMIT)},
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


# --- bodies ----------------------------------------------------------------------------------


@pytest.mark.parametrize("chunked", [False, True], ids=["fixed-length", "chunked"])
def test_request_bodies_of_either_framing_arrive_whole(
    base: str, auth: dict[str, str], chunked: bool
) -> None:
    name = f"framed {uuid.uuid4().hex[:8]}"

    reply = call(
        base,
        "POST",
        "/api/v1/org/parties",
        headers={**auth, **JSON},
        body=party_body(name, 20_000),
        chunked=chunked,
    )

    assert reply.status == 201, reply
    assert reply.json()["name"] == name  # type: ignore[index]


@pytest.mark.parametrize("chunked", [False, True], ids=["fixed-length", "chunked"])
def test_a_body_of_exactly_the_limit_passes_and_one_byte_more_is_a_413_problem(
    platform: RunningPlatform, auth: dict[str, str], chunked: bool
) -> None:
    at_limit = {
        base: call(
            base,
            "POST",
            "/api/v1/org/parties",
            headers={**auth, **JSON},
            body=party_body(f"limit {uuid.uuid4().hex[:8]}", LIMIT),
            chunked=chunked,
        )
        for base in (platform.service_url("org"), platform.url)
    }
    over = call(
        platform.url,
        "POST",
        "/api/v1/org/parties",
        headers={**auth, **JSON},
        body=party_body("one byte over", LIMIT + 1),
        chunked=chunked,
    )

    assert [reply.status for reply in at_limit.values()] == [201, 201]
    assert over.status == 413, over
    assert over.values("content-type") == ["application/problem+json"]
    assert over.json()["code"] == "payload_too_large"  # type: ignore[index]
    after = call(platform.url, "GET", "/api/v1/org/company", headers=auth)
    assert after.status == 200


def test_answers_keep_their_framing_and_bytes(
    platform: RunningPlatform, auth: dict[str, str]
) -> None:
    for target in ("/api/v1/org/company", "/api/v1/org/openapi.json", "/api/v1/org/parties"):
        direct = call(platform.service_url("org"), "GET", target, headers=auth)
        proxied = call(platform.url, "GET", target, headers=auth)

        assert (proxied.status, proxied.body) == (direct.status, direct.body), target
        assert proxied.values("content-length") == direct.values("content-length"), target
        assert proxied.values("content-type") == direct.values("content-type"), target


# --- methods, clients and connections ----------------------------------------------------------


def test_head_gets_the_same_answer_without_a_body_and_the_connection_goes_on(
    platform: RunningPlatform, auth: dict[str, str]
) -> None:
    replies = {}
    for base in (platform.service_url("org"), platform.url):
        connection = Connection(base)
        try:
            head = connection.request("HEAD", "/api/v1/org/company", headers=auth)
            get = connection.request("GET", "/api/v1/org/company", headers=auth)
        finally:
            connection.close()
        assert (head.body, head.error) == (b"", None)
        assert get.status == 200, get
        replies[base] = head.status

    assert len(set(replies.values())) == 1, replies


def test_a_slow_client_gets_the_same_answer(base: str, auth: dict[str, str]) -> None:
    name = f"slow {uuid.uuid4().hex[:8]}"
    body = party_body(name, 4000)
    parts = urlsplit(base)
    head = (
        f"POST /api/v1/org/parties HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Authorization: {auth['Authorization']}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT) as sock:
        for start in range(0, len(head), 50):  # the head a few bytes at a time…
            sock.sendall(head[start : start + 50])
            time.sleep(0.01)
        for start in range(0, len(body), 1000):  # …and the body in pieces, with pauses
            sock.sendall(body[start : start + 1000])
            time.sleep(0.2)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk

    assert answer.startswith(b"HTTP/1.1 201 "), answer[:200]
    assert json.dumps(name).encode() in answer


def test_a_client_that_hangs_up_mid_body_leaves_the_server_healthy(
    base: str, auth: dict[str, str]
) -> None:
    parts = urlsplit(base)
    for _ in range(3):
        with socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT) as sock:
            sock.sendall(
                f"POST /api/v1/org/parties HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                f"Authorization: {auth['Authorization']}\r\nContent-Type: application/json\r\n"
                f"Content-Length: 50000\r\n\r\n".encode()
                + b'{"kind": "customer", "name": "never fin'
            )

    name = f"after hang-ups {uuid.uuid4().hex[:8]}"
    created = call(
        base, "POST", "/api/v1/org/parties", headers={**auth, **JSON}, body=party_body(name)
    )
    read = call(base, "GET", "/api/v1/org/company", headers=auth)

    assert created.status == 201, created
    assert created.json()["name"] == name  # type: ignore[index]
    assert read.status == 200, read


def test_a_kept_alive_connection_the_service_closed_is_not_an_error(
    platform: RunningPlatform, auth: dict[str, str]
) -> None:
    """The services close connections idle for 5 s; the gateway's next request must not fail
    on one (it drops its idle connections before the services do, and resends a read)."""
    first = call(platform.url, "GET", "/api/v1/org/company", headers=auth)
    time.sleep(5.5)
    second = call(platform.url, "GET", "/api/v1/org/company", headers=auth)
    created = call(
        platform.url,
        "POST",
        "/api/v1/org/parties",
        headers={**auth, **JSON},
        body=party_body(f"after idle {uuid.uuid4().hex[:8]}"),
    )

    assert (first.status, second.status, created.status) == (200, 200, 201)


# --- headers -----------------------------------------------------------------------------------

HOP_BY_HOP = {
    "Connection": "keep-alive, X-Hop-Secret",
    "X-Hop-Secret": "only for the next hop",
    "Keep-Alive": "timeout=5",
    "TE": "trailers",
    "Proxy-Authorization": "Basic cHJveHk6c2VjcmV0",
}
ONCE = ("date", "server", "content-length", "content-type", "connection", "transfer-encoding")


def test_hop_by_hop_headers_change_nothing_and_none_is_repeated(
    base: str, auth: dict[str, str]
) -> None:
    reply = call(base, "GET", "/api/v1/org/company", headers={**auth, **HOP_BY_HOP})
    problem = call(base, "GET", "/api/v1/org/parties/not-a-uuid", headers={**auth, **HOP_BY_HOP})

    assert reply.status == 200, reply
    assert problem.status in (404, 422), problem
    for answer in (reply, problem):
        names = [name for name, _ in answer.headers]
        for name in ONCE:
            assert names.count(name) <= 1, (name, answer.headers)
        assert not {"keep-alive", "proxy-authenticate", "x-hop-secret"} & set(names)
