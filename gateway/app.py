"""The gateway application: authentication, routing to services, merged OpenAPI, health."""

import asyncio
import base64
import hashlib
import importlib.util
import json
import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.asyncapi import DEFAULT_HOST, asyncapi_document
from gateway.auth.api import router as auth_router
from gateway.auth.directory import OrgDirectory
from gateway.auth.ratelimit import LoginLimiter, WriteLimiter, limit_writes
from gateway.auth.revocation import RevocationStore
from gateway.auth.service import TokenIssuer
from gateway.config import GatewaySettings
from gateway.db.models import KIT
from gateway.keys import KeyRing
from gateway.openapi import merge_documents
from gateway.proxy import Upstreams
from shared.contracts.principal import SERVICES, Principal
from shared.kit.app import NO_TELEMETRY, operation_id
from shared.kit.audit import AuditedSession, install_audit
from shared.kit.db import create_engine_for, make_sessionmaker
from shared.kit.errors import (
    DomainError,
    Forbidden,
    NotFound,
    ServiceUnavailable,
    Unauthorized,
    install_problem_handlers,
    problem_response,
)
from shared.kit.jobs import Periodic
from shared.kit.migrations import current_revision, head_revision
from shared.kit.observability import (
    Metrics,
    RequestContextMiddleware,
    configure_logging,
    settle_heap,
)
from shared.kit.outbox import Publisher
from shared.kit.runtime import ServiceRuntime
from shared.kit.tokens import StaticKeysVerifier

log = logging.getLogger("officina.gateway")

OPENAPI_REFRESH_SECONDS = 30.0
OPENAPI_FETCH_SECONDS = 30.0
# Swagger UI is served by the gateway itself (no CDN: deployments may have no internet).
# The files come from the ``fastapi-offline`` package, which ships Swagger UI 5, the major
# version that renders the OpenAPI 3.1 documents FastAPI writes.
DOCS_ASSETS_PACKAGE = "fastapi_offline"
DOCS_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon.png": "image/png",
}


def docs_assets_folder() -> Path | None:
    """Where the Swagger UI files are installed, or None when the package is missing."""
    spec = importlib.util.find_spec(DOCS_ASSETS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "static"
    return folder if folder.is_dir() else None


class _GatewaySession(AuditedSession):
    """The gateway's session class: account and client changes land in its audit log."""


install_audit(_GatewaySession, KIT)
# Answers larger than 1 KiB are compressed for clients that accept gzip.
GZIP_MINIMUM_SIZE = 1025
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Gateway:
    """The gateway's live state: keys, verifier, upstream pool, cached OpenAPI documents."""

    def __init__(self, settings: GatewaySettings, keys: KeyRing) -> None:
        self.settings = settings
        self.keys = keys
        self.verifier = StaticKeysVerifier(
            keys.jwks(), settings.token_issuer, settings.token_audience
        )
        self.upstreams = Upstreams(
            settings.service_urls(),
            timeout=settings.upstream_timeout,
            connect_timeout=settings.upstream_connect_timeout,
            max_body=settings.max_body_bytes,
            concurrency=settings.upstream_concurrency,
        )
        self.service_docs: dict[str, dict[str, Any]] = {}
        self.docs_fetched_at = 0.0
        # The merged document, serialized, and the generation of service_docs it was built
        # from: merging and serializing cost a third of a CPU second, and /openapi.json is
        # public, so it is built once per change rather than once per request.
        self.docs_generation = 0
        self._merged: tuple[int, bytes] | None = None

    async def authenticate(self, authorization: str | None) -> Principal:
        """The caller of a request, from its ``Authorization`` header; Unauthorized without a
        valid bearer token."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized()
        return await self.verifier.verify(token.strip())

    async def service_readiness(self) -> dict[str, str]:
        """Each service's ``/readyz`` answer: ``ready`` or why not."""

        async def probe(service: str) -> tuple[str, str]:
            try:
                status, body = await self.upstreams.get_json(service, "/readyz", seconds=2.0)
            except Exception as exc:
                return service, f"unreachable ({type(exc).__name__})"
            if status == 200:
                return service, "ready"
            return service, str(body.get("detail", f"status {status}")) if isinstance(
                body, dict
            ) else f"status {status}"

        results = await asyncio.gather(*(probe(service) for service in SERVICES))
        return dict(results)

    async def refresh_service_docs(self, force: bool = False) -> list[str]:
        """Fetch the OpenAPI documents of services not cached yet (all of them when due)."""
        due = force or time.monotonic() - self.docs_fetched_at > OPENAPI_REFRESH_SECONDS
        wanted = [s for s in SERVICES if due or s not in self.service_docs]

        async def fetch(service: str) -> None:
            try:
                # A service builds its document on first request: seconds of CPU on a busy
                # machine for the larger ones, so wait for it rather than leave it out.
                status, document = await self.upstreams.get_json(
                    service, f"/api/v1/{service}/openapi.json", seconds=OPENAPI_FETCH_SECONDS
                )
            except Exception:
                # Unreachable: left out of the document, and named as missing.
                if self.service_docs.pop(service, None) is not None:
                    self.docs_generation += 1
                return
            # Another answer (a service still starting) keeps the document held, if any.
            fresh = status == 200 and isinstance(document, dict)
            if fresh and self.service_docs.get(service) != document:
                self.service_docs[service] = document
                self.docs_generation += 1

        if wanted:
            await asyncio.gather(*(fetch(service) for service in wanted))
            if due:
                self.docs_fetched_at = time.monotonic()
        return [s for s in SERVICES if s not in self.service_docs]

    async def merged_document(self, gateway_doc: dict[str, Any]) -> bytes:
        """The platform's OpenAPI document as JSON: the gateway's paths and every service's
        it can reach, the others named (rebuilt only when a service's document changed)."""
        missing = await self.refresh_service_docs()
        if self._merged is None or self._merged[0] != self.docs_generation:
            document = merge_documents(gateway_doc, self.service_docs, missing)
            self._merged = (
                self.docs_generation,
                json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode(),
            )
        return self._merged[1]


class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette's CORS handling, with a refused preflight answered as a problem like any
    other error (``code: cors_refused``, the refused parts named), not a plain-text 400."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        refused = bytes(response.body).decode().removeprefix("Disallowed CORS ")
        headers = {
            name: value
            for name, value in response.headers.items()
            if name not in ("content-length", "content-type")
        }
        return problem_response(
            None,
            400,
            detail=f"this cross-origin request is not allowed ({refused} refused)",
            code="cors_refused",
            headers=headers,
            refused=refused.split(", "),
        )


_PREFIXES = {service: f"/api/v1/{service}" for service in SERVICES}


def service_of(path: str) -> str | None:
    """The service a ``/api/v1/<service>/…`` path is routed to, else None."""
    if not path.startswith("/api/v1/"):
        return None
    name = path[8:].split("/", 1)[0]
    prefix = _PREFIXES.get(name)
    if prefix is not None and (path == prefix or path.startswith(prefix + "/")):
        return name
    return None


class GatewayApp(FastAPI):
    """The gateway: a FastAPI app whose service routes skip FastAPI altogether.

    A request for ``/api/v1/<service>/…`` goes straight to a short pure-ASGI stack (CORS when
    configured, request id and metrics, then ``ServiceRoutes``); everything else — the auth
    API, the docs, health — goes through FastAPI as usual. The proxied path is the hot one,
    and the layers it skips (FastAPI's error, telemetry and body-limit middleware, the
    router) cost CPU on every request without doing anything for a forwarded one.
    """

    proxied: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.proxied is not None
            and scope["type"] == "http"
            and service_of(scope["path"]) is not None
        ):
            scope["app"] = self
            await _answer_even_when_stopping(self.proxied, scope, receive, send)
            return
        await super().__call__(scope, receive, send)


async def _answer_even_when_stopping(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send
) -> None:
    """Runs a proxied request; when the server stops while the request waits for its service
    (uvicorn cancels requests still running once its graceful-shutdown time is up, typically
    an event-feed long poll), the caller gets a 503 problem instead of a dropped connection,
    and the log a line instead of a ``CancelledError`` traceback."""
    started = False

    async def tracked(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    try:
        await app(scope, receive, tracked)
    except asyncio.CancelledError as exc:
        if started or "graceful shutdown" not in " ".join(map(str, exc.args)):
            raise
        log.info("%s %s cancelled: the gateway is stopping", scope["method"], scope["path"])
        response = problem_response(
            None,
            503,
            detail="the gateway is stopping; try again",
            code="shutting_down",
            instance=scope["path"],
            headers={"Retry-After": "5", "Connection": "close"},
        )
        await response(scope, receive, send)


class Gzip(GZipMiddleware):
    """Answers over 1 KiB gzip-compressed for clients that accept it (``Vary:
    Accept-Encoding``), at a moderate level: the gateway's CPU is shared with the services.
    An answer that already has a ``Content-Encoding`` is relayed as it is, never compressed
    twice. A request that does not ask for gzip costs one look at its headers."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, minimum_size=GZIP_MINIMUM_SIZE, compresslevel=5)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and any(
            name == b"accept-encoding" and b"gzip" in value.lower()
            for name, value in scope["headers"]
        ):
            await super().__call__(scope, receive, send)
            return
        await self.app(scope, receive, send)


class OwnBodyLimit:
    """The body limit of the routes the gateway serves itself (``/api/v1/auth/…``), applied
    before anything reads the body and before any token is checked: a declared length over
    the limit is refused at once, and a chunked body is read only up to it (413 problem)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length: bytes | None = None
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value
            elif name == b"transfer-encoding":
                chunked = True
        if length is not None:
            if length.isdigit() and int(length) > self.limit:
                await self._refuse(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        if not chunked:
            await self.app(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.limit:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            Request(scope),
            413,
            detail=f"the request body exceeds {self.limit} bytes",
            code="payload_too_large",
        )
        await response(scope, receive, send)


def _with_docs_policy(page: HTMLResponse) -> HTMLResponse:
    """The docs page with a Content-Security-Policy (scripts: the gateway's own files and the
    page's inline start-up script by its hash; requests only to the gateway) and no framing."""
    body = bytes(page.body)
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in re.findall(rb"<script>(.*?)</script>", body, re.S)
    )
    page.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )
    page.headers["X-Frame-Options"] = "DENY"
    return page


class ServiceRoutes:
    """Pure-ASGI routing of ``/api/v1/<service>/…``: token and scope checks, then forwarding."""

    def __init__(self, gateway_app: FastAPI) -> None:
        self.gateway_app = gateway_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # GatewayApp sends only service paths here.
        service = cast(str, service_of(scope["path"]))
        scope["route"] = SimpleNamespace(path=f"/api/v1/{service}/…")
        request = Request(scope, receive)
        gateway: Gateway = self.gateway_app.state.gateway
        response: Response
        try:
            principal = await gateway.authenticate(request.headers.get("authorization"))
            if principal.kind == "client":
                allowed = (
                    principal.can_read(service)
                    if scope["method"] in _READ_METHODS
                    else principal.can_write(service)
                )
                if not allowed:
                    needed = "read" if scope["method"] in _READ_METHODS else "write"
                    raise Forbidden(
                        f"this client lacks the scope {service}:{needed}", code="insufficient_scope"
                    )
            if scope["method"] not in _READ_METHODS:
                limit_writes(self.gateway_app.state.write_limiter, principal)
            response = await gateway.upstreams.forward(
                service, request, scope["state"]["request_id"]
            )
        except DomainError as exc:
            response = problem_response(
                request,
                exc.status,
                detail=exc.detail,
                code=exc.code,
                headers=exc.headers,
                **exc.extra,
            )
        await response(scope, receive, send)


async def _database_state(app: FastAPI) -> str:
    """``ready`` when the gateway's own database answers and is migrated to head."""
    runtime: ServiceRuntime = app.state.runtime
    try:
        async with asyncio.timeout(3):
            revision = await current_revision(runtime.engine, "gateway")
    except Exception as exc:
        return f"unreachable ({type(exc).__name__})"
    expected = head_revision("gateway")
    return "ready" if revision == expected else f"at revision {revision}, code expects {expected}"


def _docs_router(app: FastAPI) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": "gateway"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Response:
        gateway: Gateway = request.app.state.gateway
        services, database = await asyncio.gather(
            gateway.service_readiness(), _database_state(request.app)
        )
        ready = database == "ready" and all(state == "ready" for state in services.values())
        body = {
            "status": "ready" if ready else "not_ready",
            "database": database,
            "services": services,
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        registry: Metrics = request.app.state.metrics
        return registry.render()

    @app.get("/.well-known/jwks.json", include_in_schema=False)
    async def jwks(request: Request) -> dict[str, Any]:
        gateway: Gateway = request.app.state.gateway
        # Revoked tokens travel with the keys: every verifier fetches this document anyway.
        return {**gateway.keys.jwks(), "revoked": gateway.verifier.revocations.document()}

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(request: Request) -> Response:
        gateway: Gateway = request.app.state.gateway
        document = await gateway.merged_document(request.app.openapi())
        return Response(document, media_type="application/json")

    @app.get("/asyncapi.json", include_in_schema=False)
    async def asyncapi(request: Request) -> JSONResponse:
        # The event feeds, generated from the contracts in shared/contracts (docs/events.md).
        return JSONResponse(asyncapi_document(request.url.netloc or DEFAULT_HOST))

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return _with_docs_policy(
            get_swagger_ui_html(
                openapi_url=f"{root}/openapi.json",
                title="officina API",
                swagger_js_url=f"{root}/docs/assets/swagger-ui-bundle.js",
                swagger_css_url=f"{root}/docs/assets/swagger-ui.css",
                swagger_favicon_url=f"{root}/docs/assets/favicon.png",
                init_oauth={"clientId": "", "usePkceWithAuthorizationCodeGrant": False},
                swagger_ui_parameters={
                    "persistAuthorization": True,
                    "displayOperationId": False,
                    "validatorUrl": None,
                },
            )
        )

    @app.get("/docs/assets/{name}", include_in_schema=False)
    async def docs_asset(name: str) -> Response:
        if name not in DOCS_ASSETS:
            raise NotFound(f"the docs page has no asset {name!r}")
        folder = docs_assets_folder()
        if folder is None or not (folder / name).is_file():
            raise ServiceUnavailable(
                f"the Swagger UI files are not installed (package {DOCS_ASSETS_PACKAGE})",
                code="docs_assets_missing",
            )
        return FileResponse(
            folder / name,
            media_type=DOCS_ASSETS[name],
            headers={"Cache-Control": "public, max-age=3600"},
        )


def create_app(settings: GatewaySettings | None = None, keys: KeyRing | None = None) -> FastAPI:
    """Build the gateway."""
    settings = settings or GatewaySettings()
    configure_logging(settings.log_level, settings.json_logs)
    if keys is None:
        keys = (
            KeyRing.from_pem(settings.jwt_private_key)
            if settings.jwt_private_key
            else KeyRing.load_or_create(settings.data_dir)
        )
    gateway = Gateway(settings, keys)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine_for(settings.resolved_database_url(), settings.resolved_schema())
        sessionmaker = make_sessionmaker(engine, _GatewaySession, kit=KIT)
        publisher = Publisher(engine, KIT, f"gateway:{settings.resolved_schema()}", interval=60.0)
        app.state.runtime = ServiceRuntime(
            "gateway", engine, sessionmaker, KIT, gateway.verifier, publisher
        )
        await gateway.upstreams.start()
        revocations: RevocationStore = app.state.revocations
        await revocations.reload(sessionmaker)
        reloading = Periodic(
            "revocations",
            settings.revocation_refresh_seconds,
            lambda: revocations.reload(sessionmaker),
            log,
        )
        reloading.start()
        settle_heap()
        try:
            yield
        finally:
            await reloading.stop()
            await app.state.org_directory.close()
            await gateway.upstreams.close()
            await engine.dispose()

    app = GatewayApp(
        title="officina",
        description=(
            "The operations backend: organization, approvals, HR, finance and logistics. "
            "Log in with **Authorize** (username and password); every call carries the token."
        ),
        version="1.0.0",
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=operation_id,
        telemetry=NO_TELEMETRY,
    )
    app.state.gateway = gateway
    app.state.settings = settings
    app.state.token_issuer = TokenIssuer(settings, keys)
    app.state.login_limiter = LoginLimiter(settings.login_attempts, settings.login_window_seconds)
    app.state.client_limiter = LoginLimiter(settings.login_attempts, settings.login_window_seconds)
    app.state.write_limiter = WriteLimiter(settings.write_limit, settings.write_window_seconds)
    app.state.revocations = RevocationStore(gateway.verifier.revocations, settings.access_token_ttl)
    app.state.org_directory = OrgDirectory(settings.service_url("org"), settings.org_timeout)
    app.state.metrics = Metrics("gateway")
    install_problem_handlers(app)
    _docs_router(app)
    app.include_router(auth_router)
    app.add_middleware(
        OwnBodyLimit, limit=min(settings.max_body_bytes, settings.own_max_body_bytes)
    )
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics, service="gateway")
    app.add_middleware(Gzip)
    proxied: ASGIApp = Gzip(
        RequestContextMiddleware(ServiceRoutes(app), metrics=app.state.metrics, service="gateway")
    )
    if settings.cors_origins:
        cors: dict[str, Any] = {
            "allow_origins": settings.cors_origins,
            "allow_methods": ["*"],
            "allow_headers": ["*"],
            "expose_headers": [
                "ETag",
                "X-Request-ID",
                "Idempotent-Replayed",
                "Retry-After",
                "Location",
            ],
            "max_age": 600,
        }
        app.add_middleware(ProblemCORSMiddleware, **cors)
        proxied = ProblemCORSMiddleware(proxied, **cors)
    app.proxied = proxied
    return app
