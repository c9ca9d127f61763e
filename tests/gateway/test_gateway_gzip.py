"""gzip on the gateway's answers: over 1 KiB, only for clients that accept it, never twice."""

import asyncio
import contextlib
import gzip
from collections.abc import AsyncIterator

import pytest

from tests.gateway.conftest import GatewayUnderTest, MakeGateway, pattern_bytes

GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}


async def test_a_large_proxied_answer_is_compressed_for_a_client_that_accepts_gzip(
    gateway: GatewayUnderTest,
) -> None:
    payload = pattern_bytes(200_000)
    compressed = await gateway.client.get(
        "/api/v1/logistics/large", params={"size": 200_000}, headers={**gateway.admin(), **GZIP}
    )
    plain = await gateway.client.get(
        "/api/v1/logistics/large",
        params={"size": 200_000},
        headers={**gateway.admin(), **IDENTITY},
    )

    assert compressed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in compressed.headers["vary"].lower()
    assert compressed.content == payload  # httpx decodes it
    assert "content-encoding" not in plain.headers
    assert plain.content == payload


async def test_the_gateways_own_large_answers_are_compressed_and_small_ones_not(
    gateway: GatewayUnderTest,
) -> None:
    document = await gateway.client.get("/openapi.json", headers=GZIP)
    health = await gateway.client.get("/healthz", headers=GZIP)

    assert document.headers["content-encoding"] == "gzip"
    assert "/api/v1/auth/token" in document.json()["paths"]
    assert "content-encoding" not in health.headers
    assert health.json()["status"] == "ok"


@pytest.fixture
async def gzipping_service() -> AsyncIterator[tuple[str, bytes]]:
    """A service whose answer is already gzip-encoded."""
    original = b'{"items": [' + b", ".join(b'"item %d"' % n for n in range(2000)) + b"]}"
    encoded = gzip.compress(original)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    b"content-encoding: gzip\r\nvary: Accept-Encoding\r\n"
                    b"content-length: %d\r\n\r\n%s" % (len(encoded), encoded)
                )
                await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    async with server:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", original


async def test_an_answer_the_service_already_encoded_is_not_compressed_again(
    make_gateway: MakeGateway, gzipping_service: tuple[str, bytes]
) -> None:
    url, original = gzipping_service
    gateway = await make_gateway(finance_url=url)

    response = await gateway.client.get(
        "/api/v1/finance/ledger", headers={**gateway.admin(), **GZIP}
    )

    assert response.headers.get_list("content-encoding") == ["gzip"]
    assert response.content == original
