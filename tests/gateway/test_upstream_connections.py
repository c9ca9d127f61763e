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
