"""What the gateway holds to on every answer: body limits on its own routes before anything
reads the body, long polls that outlast the upstream timeout, security headers, and no
error-level log without a failed request."""

import asyncio
import contextlib
import gc
import logging
import re
from base64 import b64encode
from collections.abc import AsyncIterator
from hashlib import sha256

import pytest

from tests.gateway.conftest import GatewayUnderTest, MakeGateway
from tests.platform_runner import ADMIN_PASSWORD
from tests.problems import assert_problem

MB = 1024 * 1024


class CountingBody:
    """A request body of ``size`` bytes sent in 64 KiB pieces, counting what was taken."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.taken = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        piece = b"x" * (64 * 1024)
        while self.taken < self.size:
            self.taken += len(piece)
            yield piece


# --- the gateway's own routes: the body limit first ----------------------------------------


async def test_a_huge_declared_body_without_a_token_is_refused_unread(
    gateway: GatewayUnderTest,
) -> None:
    body = CountingBody(100 * MB)

    response = await gateway.client.post(
        "/api/v1/auth/users",
        content=body,
        headers={"Content-Type": "application/json", "Content-Length": str(100 * MB)},
    )

    assert_problem(response, 413, "payload_too_large")
    assert body.taken <= 64 * 1024


async def test_a_huge_chunked_body_without_a_token_is_read_only_up_to_the_limit(
    gateway: GatewayUnderTest,
) -> None:
    body = CountingBody(100 * MB)

    response = await gateway.client.post(
        "/api/v1/auth/users", content=body, headers={"Content-Type": "application/json"}
    )

    assert_problem(response, 413, "payload_too_large")
    assert body.taken <= gateway.settings.own_max_body_bytes + 64 * 1024


async def test_a_large_body_from_an_administrator_is_413_not_422(
    gateway: GatewayUnderTest,
) -> None:
    response = await gateway.client.post(
        "/api/v1/auth/users",
        content=b'{"username": "' + b"a" * (20 * MB) + b'"}',
        headers={**gateway.admin(), "Content-Type": "application/json"},
    )

    assert "bytes" in assert_problem(response, 413, "payload_too_large")["detail"]


async def test_bodies_within_the_limit_reach_the_routes_as_before(
    gateway: GatewayUnderTest,
) -> None:
    anonymous = await gateway.client.post("/api/v1/auth/users", json={"username": "x"})
    chunked = await gateway.client.post(
        "/api/v1/auth/token",
        content=CountingBody(0).__aiter__(),  # an empty chunked form
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    login = await gateway.login()

    assert_problem(anonymous, 401)
    assert chunked.status_code == 422, chunked.text
    assert login["access_token"]


# --- long polls ------------------------------------------------------------------------------


async def test_a_feed_long_poll_may_outlast_the_upstream_timeout(
    make_gateway: MakeGateway,
) -> None:
    gateway = await make_gateway(upstream_timeout=0.5)

    poll = await gateway.client.get(
        "/api/v1/org/events", params={"seconds": "1.5"}, headers=gateway.admin()
    )
    slow = await gateway.client.get(
        "/api/v1/org/slow", params={"seconds": "1.5"}, headers=gateway.admin()
    )

    assert poll.status_code == 200, poll.text
    assert_problem(slow, 504, "upstream_timeout")


# --- security headers ------------------------------------------------------------------------


async def test_every_answer_says_nosniff_and_authenticated_answers_are_not_stored(
    gateway: GatewayUnderTest,
) -> None:
    proxied = await gateway.client.get("/api/v1/org/echo", headers=gateway.admin())
    refused = await gateway.client.get("/api/v1/org/echo")
    token = await gateway.password_grant("admin", ADMIN_PASSWORD)
    me = await gateway.client.get("/api/v1/auth/me", headers=gateway.admin())
    health = await gateway.client.get("/healthz")

    for response in (proxied, refused, token, me, health):
        assert response.headers.get_list("x-content-type-options") == ["nosniff"]
    assert token.status_code == 200
    for response in (proxied, token, me):
        assert response.headers.get_list("cache-control") == ["no-store"], response.url


@pytest.fixture
async def caching_service() -> AsyncIterator[str]:
    """A service whose answers set their own cache policy."""
    body = b'{"cached":true}'

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    b"cache-control: private, max-age=60\r\ncontent-length: %d\r\n\r\n%s"
                    % (len(body), body)
                )
                await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    async with server:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def test_a_services_own_cache_policy_is_kept(
    make_gateway: MakeGateway, caching_service: str
) -> None:
    gateway = await make_gateway(hr_url=caching_service)

    response = await gateway.client.get("/api/v1/hr/calendar", headers=gateway.admin())

    assert response.headers.get_list("cache-control") == ["private, max-age=60"]
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_the_docs_page_has_a_content_security_policy_and_cannot_be_framed(
    gateway: GatewayUnderTest,
) -> None:
    page = await gateway.client.get("/docs")

    assert page.status_code == 200
    assert page.headers["x-frame-options"] == "DENY"
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    # The page's own start-up script is allowed by its hash, and nothing else inline.
    scripts = re.findall(r"<script>(.*?)</script>", page.text, re.S)
    assert scripts
    for script in scripts:
        digest = b64encode(sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


# --- logs --------------------------------------------------------------------------------------


@pytest.fixture
async def hang_up_service() -> AsyncIterator[tuple[str, asyncio.Event]]:
    """A service that hangs up as soon as it has read a request's head."""
    hung_up = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            await reader.readuntil(b"\r\n\r\n")
        writer.close()
        await writer.wait_closed()
        hung_up.set()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    async with server:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", hung_up


async def test_a_service_hanging_up_during_an_oversized_upload_logs_no_error(
    make_gateway: MakeGateway,
    hang_up_service: tuple[str, asyncio.Event],
    caplog: pytest.LogCaptureFixture,
) -> None:
    url, hung_up = hang_up_service
    gateway = await make_gateway(finance_url=url, max_body_bytes=4096)

    async def body() -> AsyncIterator[bytes]:
        yield b"x" * 1000
        await hung_up.wait()
        await asyncio.sleep(0.2)  # the gateway notices the hang-up…
        yield b"x" * 5000  # …and then the body goes over the limit

    loop = asyncio.get_running_loop()
    reported: list[dict[str, object]] = []
    loop.set_exception_handler(lambda loop, context: reported.append(context))
    try:
        with caplog.at_level(logging.WARNING):
            response = await gateway.client.post(
                "/api/v1/finance/echo", content=body(), headers=gateway.admin()
            )
            for _ in range(3):
                await asyncio.sleep(0.05)
                gc.collect()
    finally:
        loop.set_exception_handler(None)

    assert_problem(response, 413, "payload_too_large")
    assert reported == []
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
