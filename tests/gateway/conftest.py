"""The gateway in-process, in front of a tiny real upstream served by uvicorn in a thread.

``make_gateway(**settings)`` builds the gateway app on a migrated and seeded database of its
own (SQLite or a PostgreSQL schema, like every ``db`` test), runs its lifespan and returns a
``GatewayUnderTest`` with an httpx client speaking ASGI to it. Every service URL points at
the upstream below unless a test says otherwise; ``closed_port_url`` is a service that is down.
"""

import asyncio
import hashlib
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from argon2 import PasswordHasher
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from gateway.app import create_app
from gateway.auth import secrets
from gateway.bootstrap import load_reference_data
from gateway.config import GatewaySettings
from gateway.keys import KeyRing
from shared.contracts.principal import SERVICES
from shared.kit.migrations import upgrade
from shared.kit.testing import bearer
from shared.kit.tokens import SigningKey, issue_access_token
from tests.conftest import PATIENCE, TestDatabase
from tests.platform_runner import ADMIN_PASSWORD

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
UPSTREAM_RESPONSE_HEADERS = {
    "ETag": '"7"',
    "X-Upstream": "echo",
    "Keep-Alive": "timeout=99",
    "Proxy-Authenticate": 'Basic realm="upstream"',
}


def pattern_bytes(size: int) -> bytes:
    """``size`` bytes of a repeating, non-trivial pattern."""
    block = bytes(range(256)) * 256
    return (block * (size // len(block) + 1))[:size]


# --- the upstream --------------------------------------------------------------------------


async def _echo(request: Request) -> Response:
    body = await request.body()
    return JSONResponse(
        {
            "method": request.method,
            "raw_path": request.scope["raw_path"].decode("latin-1"),
            "query": request.scope["query_string"].decode("latin-1"),
            "headers": [
                [name.decode("latin-1"), value.decode("latin-1")]
                for name, value in request.scope["headers"]
            ],
            "body": body.decode("latin-1") if len(body) <= 4096 else None,
            "body_length": len(body),
            "body_sha256": hashlib.sha256(body).hexdigest(),
        },
        status_code=int(request.query_params.get("status", "200")),
        headers=UPSTREAM_RESPONSE_HEADERS,
    )


async def _slow(request: Request) -> Response:
    await asyncio.sleep(float(request.query_params.get("seconds", "2")))
    return JSONResponse({"slept": True})


async def _large(request: Request) -> Response:
    """``size`` bytes, streamed in chunks with no Content-Length."""
    payload = pattern_bytes(int(request.query_params["size"]))

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(payload), 100_000):
            yield payload[start : start + 100_000]

    return StreamingResponse(chunks(), media_type="application/octet-stream")


async def _readyz(request: Request) -> Response:
    return JSONResponse({"status": "ready"})


# Extra paths a fake service's OpenAPI document declares, by service (a test may add some).
EXTRA_PATHS: dict[str, dict[str, Any]] = {}


async def _openapi(request: Request) -> Response:
    service = request.path_params["service"]
    return JSONResponse(
        {
            "openapi": "3.1.0",
            "info": {"title": f"fake {service}", "version": "1"},
            "paths": {
                f"/api/v1/{service}/echo": {
                    "get": {
                        "operationId": f"{service}_echo",
                        "tags": [service],
                        "responses": {"200": {"description": "the request, echoed"}},
                    }
                },
                **EXTRA_PATHS.get(service, {}),
            },
        }
    )


# A fake org directory: tests put org's JSON answers here by their path below /api/v1/org/
# ("employees/<id>", "departments/<id>", "positions/<id>", "employees/<id>/managers").
FAKE_ORG: dict[str, Any] = {}


async def _org(request: Request) -> Response:
    found = FAKE_ORG.get(request.path_params["rest"])
    if found is None:
        return JSONResponse({"status": 404, "code": "not_found"}, status_code=404)
    return JSONResponse(found)


def upstream_app() -> Starlette:
    """Answers every service's prefix: echo, slow, large, readyz and an OpenAPI document."""
    return Starlette(
        routes=[
            Route("/readyz", _readyz),
            Route("/api/v1/{service}/openapi.json", _openapi),
            Route("/api/v1/{service}/slow", _slow),
            # A service's event feed: a long poll that holds the request like ``slow``.
            Route("/api/v1/{service}/events", _slow),
            Route("/api/v1/{service}/large", _large),
            Route("/api/v1/{service}/echo{rest:path}", _echo, methods=ALL_METHODS),
            Route("/api/v1/org/{rest:path}", _org),
        ]
    )


@pytest.fixture(scope="session")
def upstream() -> Iterator[str]:
    """Base URL of the fake upstream, running for the whole test session."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(upstream_app(), log_level="warning", lifespan="off", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + PATIENCE
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the fake upstream did not start")
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def closed_port_url() -> str:
    """A URL nothing listens on: a service that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- the gateway ---------------------------------------------------------------------------


@dataclass
class GatewayUnderTest:
    """One running in-process gateway and what tests need to talk to it."""

    app: Any
    client: httpx.AsyncClient
    settings: GatewaySettings
    keys: KeyRing

    def client_from(self, address: str) -> httpx.AsyncClient:
        """Another client whose requests come from ``address`` (use it with ``async with``)."""
        transport = httpx.ASGITransport(
            app=self.app, raise_app_exceptions=False, client=(address, 40000)
        )
        return httpx.AsyncClient(transport=transport, base_url="http://gateway.test")

    def mint(self, roles: tuple[str, ...] = ("admin",), **claims: Any) -> str:
        """An access token signed with the gateway's own current key."""
        claims.setdefault("subject", str(uuid.uuid4()))
        claims.setdefault("principal_type", "user")
        claims.setdefault("username", "minted")
        return issue_access_token(
            self.keys.current,
            issuer=self.settings.token_issuer,
            audience=self.settings.token_audience,
            roles=roles,
            **claims,
        )

    def admin(self) -> dict[str, str]:
        """Headers of an administrator (a minted token: no password hashing)."""
        return bearer(self.mint(("admin",), username="admin"))

    async def password_grant(
        self, username: str, password: str, client: httpx.AsyncClient | None = None
    ) -> httpx.Response:
        """POST the password grant."""
        return await (client or self.client).post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
        )

    async def login(
        self, username: str = "admin", password: str = ADMIN_PASSWORD
    ) -> dict[str, Any]:
        """The token response of a successful password login."""
        response = await self.password_grant(username, password)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def refresh(self, refresh_token: str) -> httpx.Response:
        """POST the refresh_token grant."""
        return await self.client.post(
            "/api/v1/auth/token",
            data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        )

    async def create_user(
        self,
        username: str,
        password: str = "a-long-enough-secret",
        roles: tuple[str, ...] = ("employee",),
        **fields: Any,
    ) -> dict[str, Any]:
        """A new account, created by an admin through the API."""
        response = await self.client.post(
            "/api/v1/auth/users",
            json={"username": username, "password": password, "roles": list(roles), **fields},
            headers=self.admin(),
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def create_client(self, *scopes: str) -> dict[str, Any]:
        """A new integration client with ``scopes`` (its secret is in the answer)."""
        response = await self.client.post(
            "/api/v1/auth/clients",
            json={"name": "integration " + " ".join(scopes), "scopes": list(scopes)},
            headers=self.admin(),
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def client_token(self, client: dict[str, Any], scope: str | None = None) -> str:
        """An access token from the client_credentials grant."""
        data = {
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
        }
        if scope is not None:
            data["scope"] = scope
        response = await self.client.post("/api/v1/auth/token", data=data)
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])


def _prepare_database(db: TestDatabase, data_dir: Path) -> None:
    """Migrate the gateway's schema and create ``admin`` and the service clients."""
    upgrade("gateway", db.url, db.schema)
    asyncio.run(load_reference_data(url=db.url, schema=db.schema, data_dir=data_dir, demo=False))


MakeGateway = Callable[..., Awaitable[GatewayUnderTest]]


@pytest.fixture
def gateway_database(
    database_url: TestDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> TestDatabase:
    """The test's database, migrated and seeded as ``officina up`` leaves it.

    Passwords are hashed with argon2id at a test cost here: the production cost is most of
    a login's time, and the end-to-end tests still pay it in the real processes.
    """
    monkeypatch.setattr(
        secrets, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    monkeypatch.setenv("OFFICINA_ADMIN_PASSWORD", ADMIN_PASSWORD)
    _prepare_database(database_url, tmp_path)
    return database_url


@pytest.fixture
async def make_gateway(
    gateway_database: TestDatabase, upstream: str, tmp_path: Path
) -> AsyncIterator[MakeGateway]:
    """Builds and starts gateways on the test's database; all are stopped after the test."""
    async with AsyncExitStack() as stack:

        async def make(keys: KeyRing | None = None, **overrides: Any) -> GatewayUnderTest:
            values: dict[str, Any] = {f"{service}_url": upstream for service in SERVICES}
            values.update(
                data_dir=tmp_path,
                gateway_database_url=gateway_database.url,
                database_schema=gateway_database.schema,
                json_logs=False,
                log_level="WARNING",
            )
            values.update(overrides)
            settings = GatewaySettings(**values)
            ring = keys or KeyRing(SigningKey.generate())
            app = create_app(settings, keys=ring)
            await stack.enter_async_context(app.router.lifespan_context(app))
            client = await stack.enter_async_context(
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                    base_url="http://gateway.test",
                )
            )
            return GatewayUnderTest(app, client, settings, ring)

        yield make


@pytest.fixture
async def gateway(make_gateway: MakeGateway) -> GatewayUnderTest:
    """A gateway with default settings, every service pointing at the fake upstream."""
    return await make_gateway()
