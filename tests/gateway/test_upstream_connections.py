"""The gateway's keep-alive connections to a service that closes them under its feet."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from tests.gateway.conftest import MakeGateway
from tests.problems import assert_problem

ANSWER = (
    b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}'
)


@pytest.fixture
async def one_answer_per_connection() -> AsyncIterator[tuple[str, list[bytes], list[bytes]]]:
    """A service that answers the first request on a connection and, on the second, hangs up
    without a word (what a keep-alive timeout firing just as a request arrives looks like).
    Yields its URL, the request lines it answered and those it hung up on."""
    answered: list[bytes] = []
    dropped: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        await reader.readexactly(length)
        answered.append(head.split(b"\r\n")[0])
        writer.write(ANSWER)
        await writer.drain()
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            # The next request on this connection…
            dropped.append((await reader.readuntil(b"\r\n\r\n")).split(b"\r\n")[0])
        writer.close()  # …is never answered

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}", answered, dropped


async def test_a_read_on_a_connection_the_service_just_closed_is_sent_again(
    make_gateway: MakeGateway, one_answer_per_connection: tuple[str, list[bytes], list[bytes]]
) -> None:
    url, answered, dropped = one_answer_per_connection
    gateway = await make_gateway(finance_url=url)

    statuses = [
        (await gateway.client.get(f"/api/v1/finance/item/{n}", headers=gateway.admin())).status_code
        for n in range(4)
    ]

    assert statuses == [200, 200, 200, 200]
    assert answered == [f"GET /api/v1/finance/item/{n} HTTP/1.1".encode() for n in range(4)]
    # Requests 1 to 3 went first on the kept-alive connection, found it dead, and were resent.
    assert dropped == [f"GET /api/v1/finance/item/{n} HTTP/1.1".encode() for n in range(1, 4)]


async def test_a_post_is_never_sent_twice_even_on_a_closed_connection(
    make_gateway: MakeGateway, one_answer_per_connection: tuple[str, list[bytes], list[bytes]]
) -> None:
    url, answered, dropped = one_answer_per_connection
    gateway = await make_gateway(finance_url=url)

    first = await gateway.client.post("/api/v1/finance/items", json={}, headers=gateway.admin())
    second = await gateway.client.post("/api/v1/finance/items", json={}, headers=gateway.admin())

    assert first.status_code == 200
    assert assert_problem(second, 503, "service_unavailable")["service"] == "finance"
    assert answered == [b"POST /api/v1/finance/items HTTP/1.1"]
    assert dropped == [b"POST /api/v1/finance/items HTTP/1.1"]


@pytest.fixture
async def scripted_service() -> AsyncIterator[str]:
    """A service that answers by the request's path, on keep-alive connections:

    - ``/interim``: a 100 Continue and a 103 Early Hints before its 201;
    - ``/stray``: its answer, then at once a second answer nobody asked for;
    - ``/late``: its answer after 1.5 s;
    - anything else: its own request line, as JSON.
    """

    def answer(status: bytes, body: bytes) -> bytes:
        return b"HTTP/1.1 %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (
            status,
            len(body),
            body,
        )

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line = head.split(b"\r\n")[0]
                path = line.split(b" ")[1]
                length = next(
                    (
                        int(item.split(b":")[1])
                        for item in head.split(b"\r\n")
                        if item.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                await reader.readexactly(length)
                own = answer(b"200 OK", b'{"line":"%s"}' % line)
                if path.endswith(b"/interim"):
                    writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                    await writer.drain()
                    await asyncio.sleep(0.05)
                    writer.write(b"HTTP/1.1 103 Early Hints\r\nlink: </style.css>\r\n\r\n")
                    writer.write(answer(b"201 Created", b'{"created":true}'))
                elif path.endswith(b"/stray"):
                    writer.write(own + answer(b"200 OK", b'{"stray":true}'))
                elif path.endswith(b"/late"):
                    await asyncio.sleep(1.5)
                    writer.write(answer(b"200 OK", b'{"late":true}'))
                else:
                    writer.write(own)
                await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}"


async def test_interim_answers_are_read_past_to_the_final_one(
    make_gateway: MakeGateway, scripted_service: str
) -> None:
    gateway = await make_gateway(org_url=scripted_service, upstream_concurrency=1)

    created = await gateway.client.post("/api/v1/org/interim", json={}, headers=gateway.admin())
    after = await gateway.client.get("/api/v1/org/after", headers=gateway.admin())

    assert (created.status_code, created.json()) == (201, {"created": True})
    assert "link" not in created.headers
    assert after.json() == {"line": "GET /api/v1/org/after HTTP/1.1"}


async def test_bytes_after_an_answer_never_reach_the_next_request(
    make_gateway: MakeGateway, scripted_service: str
) -> None:
    gateway = await make_gateway(org_url=scripted_service, upstream_concurrency=1)

    first = await gateway.client.get("/api/v1/org/stray", headers=gateway.admin())
    replies = [
        (await gateway.client.get(f"/api/v1/org/next/{n}", headers=gateway.admin())).json()
        for n in range(3)
    ]

    assert first.json() == {"line": "GET /api/v1/org/stray HTTP/1.1"}
    assert replies == [{"line": f"GET /api/v1/org/next/{n} HTTP/1.1"} for n in range(3)]


async def test_an_answer_that_came_too_late_never_reaches_the_next_request(
    make_gateway: MakeGateway, scripted_service: str
) -> None:
    gateway = await make_gateway(
        org_url=scripted_service, upstream_concurrency=1, upstream_timeout=0.5
    )

    late = await gateway.client.get("/api/v1/org/late", headers=gateway.admin())
    replies = [
        (await gateway.client.get(f"/api/v1/org/next/{n}", headers=gateway.admin())).json()
        for n in range(3)
    ]

    assert_problem(late, 504, "upstream_timeout")
    assert replies == [{"line": f"GET /api/v1/org/next/{n} HTTP/1.1"} for n in range(3)]
