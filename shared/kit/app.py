"""The service factory: every officina service is built by ``create_service_app``."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy import MetaData, select, text

from shared.contracts.audit import AuditEntry
from shared.contracts.events import EventFeedPage
from shared.contracts.page import Page
from shared.contracts.principal import Principal
from shared.kit import audit
from shared.kit.auth import require_feed_reader, require_roles
from shared.kit.db import (
    SHORT_TEXT,
    DbBigInt,
    create_engine_for,
    create_read_engine,
    make_sessionmaker,
    use_service_clock,
)
from shared.kit.errors import install_problem_handlers, problem_response
from shared.kit.migrations import current_revision, head_revision
from shared.kit.observability import (
    Metrics,
    RequestContextMiddleware,
    configure_logging,
    settle_heap,
)
from shared.kit.openapi import install_honest_openapi
from shared.kit.outbox import Publisher, read_feed
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, runtime_of, service_router
from shared.kit.runtime import ServiceRuntime
from shared.kit.settings import ServiceSettings
from shared.kit.tables import KitTables
from shared.kit.tokens import JwksVerifier, KeySetVerifier, TokenVerifier

log = logging.getLogger("officina.service")

MAX_FEED_WAIT = 30.0
Starter = Callable[[ServiceRuntime], Awaitable[Callable[[], Awaitable[None]] | None]]


def operation_id(route: APIRoute) -> str:
    """Readable, unique operation ids for generated clients: ``<service>_<function name>``."""
    service = route.path.split("/")[3] if route.path.startswith("/api/v1/") else "platform"
    return f"{service}_{route.name}"


def _health_router(service: str) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @router.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Response:
        runtime = runtime_of(request)
        expected = request.app.state.head_revision
        try:
            async with asyncio.timeout(3):
                async with runtime.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
                revision = await current_revision(runtime.engine, service) if expected else None
        except Exception as exc:
            return problem_response(
                request, 503, detail=f"database unreachable: {type(exc).__name__}"
            )
        verifier = runtime.verifier
        if (
            isinstance(verifier, KeySetVerifier)
            and not verifier.has_keys
            and not await verifier.refresh()
        ):
            return problem_response(
                request,
                503,
                detail="the gateway's token-signing keys are not loaded yet",
                code="keys_missing",
            )
        if revision != expected:
            return problem_response(
                request,
                503,
                detail=f"database at revision {revision}, code expects {expected}",
                code="migrations_pending",
            )
        return JSONResponse({"status": "ready", "service": service, "revision": revision})

    @router.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        metrics: Metrics = request.app.state.metrics
        return metrics.render()

    return router


def _platform_router(service: str) -> APIRouter:
    router = service_router(prefix=f"/api/v1/{service}", tags=[f"{service}: platform"])
    FeedReader = Annotated[Principal, Depends(require_feed_reader(service))]
    Auditor = Annotated[Principal, Depends(require_roles("auditor"))]

    @router.get("/events", response_model=EventFeedPage, name="list_events")
    async def list_events(
        request: Request,
        _reader: FeedReader,
        after: Annotated[DbBigInt, Query(ge=0, description="Return events with a larger seq.")] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        type: Annotated[
            str | None, Query(max_length=120, description="Only events of this type.")
        ] = None,
        wait: Annotated[float, Query(ge=0, le=MAX_FEED_WAIT, description="Long-poll seconds.")] = 0,
    ) -> EventFeedPage:
        """This service's events in order; with ``wait``, hold the request until one arrives."""
        runtime = runtime_of(request)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            items, next_after = await read_feed(
                runtime.engine, runtime.tables, after=after, limit=limit, event_type=type
            )
            remaining = deadline - loop.time()
            if items or remaining <= 0:
                return EventFeedPage(items=items, next_after=next_after)
            if type:
                after = next_after
            # Woken by this process's publisher; the timeout covers other replicas.
            await runtime.publisher.wait_for_events(min(remaining, 0.5))

    @router.get("/audit-log", name="list_audit_log", response_model=Page[AuditEntry])
    async def list_audit_log(
        request: Request,
        session: SessionDep,
        _auditor: Auditor,
        params: Annotated[PageParams, sorted_by("occurred_at")],
        entity_type: Annotated[str | None, Query(max_length=SHORT_TEXT)] = None,
        entity_id: Annotated[str | None, Query(max_length=SHORT_TEXT)] = None,
        actor: Annotated[str | None, Query(max_length=SHORT_TEXT)] = None,
    ) -> dict[str, Any]:
        """Who changed what and when, newest first; for admins and auditors."""
        table = runtime_of(request).tables.audit_log
        query = select(table)
        if entity_type:
            query = query.where(table.c.entity_type == entity_type)
        if entity_id:
            query = query.where(table.c.entity_id == entity_id)
        if actor:
            query = query.where(table.c.actor == actor)
        page = await paginate(
            session,
            query,
            params,
            sortable={"occurred_at": table.c.occurred_at},
            id_column=table.c.id,
            default_sort="-occurred_at",
            to_item=lambda row: audit.jsonable(dict(row._mapping)),
            scalars=False,
        )
        return page.model_dump(mode="json")

    return router


# FastAPI's native OpenTelemetry, switched off: see create_service_app.
NO_TELEMETRY: Any = {"tracing": False, "metrics": False, "logs": False}


def create_service_app(
    settings: ServiceSettings,
    *,
    metadata: MetaData,
    tables: KitTables,
    routers: Sequence[APIRouter] = (),
    title: str | None = None,
    description: str = "",
    verifier: TokenVerifier | None = None,
    starters: Sequence[Starter] = (),
) -> FastAPI:
    """Build one service: lifespan (engine, publisher, consumers), routers, problems, metrics."""
    service = settings.service
    configure_logging(settings.log_level, settings.json_logs)
    sync_session_class = type(f"{service.title()}Session", (audit.AuditedSession,), {})
    audit.install_audit(sync_session_class, tables)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = settings.resolved_database_url()
        engine = create_engine_for(url, settings.resolved_schema())
        sessionmaker = make_sessionmaker(engine, sync_session_class, kit=tables)
        token_verifier = verifier or JwksVerifier(
            settings.resolved_jwks_url(), settings.token_issuer, settings.token_audience
        )
        publisher = Publisher(
            engine, tables, f"{service}:{settings.resolved_schema()}", settings.publisher_interval
        )
        read_engine = create_read_engine(url, settings.resolved_schema(), engine)
        read_sessionmaker = make_sessionmaker(read_engine, sync_session_class, kit=tables)
        runtime: ServiceRuntime[Any] = ServiceRuntime(
            service, engine, sessionmaker, tables, token_verifier, publisher, read_sessionmaker
        )
        app.state.runtime = runtime
        # Consumers, sweeps and the publisher started below inherit the service's clock.
        use_service_clock(runtime.now)
        publisher.start()
        warming = (
            asyncio.get_running_loop().create_task(token_verifier.warm(), name="jwks-warm")
            if isinstance(token_verifier, JwksVerifier)
            else None
        )
        stoppers = []
        try:
            for starter in starters:
                stop = await starter(runtime)
                if stop is not None:
                    stoppers.append(stop)
            settle_heap()
            yield
        finally:
            for stop in reversed(stoppers):
                with contextlib.suppress(Exception):
                    await stop()
            if warming is not None:
                warming.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await warming
            await publisher.stop()
            if read_engine.sync_engine.pool is not engine.sync_engine.pool:
                await read_engine.dispose()
            await engine.dispose()

    app = FastAPI(
        title=title or f"officina {service}",
        description=description,
        version="1.0.0",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        openapi_url=f"/api/v1/{service}/openapi.json",
        docs_url=None,
        redoc_url=None,
        # The kit measures and logs every request itself (observability.py); FastAPI's own
        # OpenTelemetry hooks would only add a per-request check of the global providers.
        telemetry=NO_TELEMETRY,
    )
    app.state.settings = settings
    app.state.scoped_service = service
    app.state.head_revision = head_revision(service)
    app.state.metrics = Metrics(service)
    install_problem_handlers(app)
    install_honest_openapi(app)
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics, service=service)
    # Routes are matched in order, one by one: the service's own routers come first (hottest
    # first, in the order the service lists them); health, metrics, events and audit last.
    for router in routers:
        app.include_router(router)
    app.include_router(_health_router(service))
    app.include_router(_platform_router(service))
    return app
