"""Request ids, JSON logs and Prometheus metrics, as one pure-ASGI middleware."""

import json
import logging
import os
import re
import sys
import time
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.kit.context import current_principal, principal_var, request_id_var
from shared.kit.db import use_service_clock

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

log = logging.getLogger("officina.access")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request id and caller when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        principal = current_principal()
        if principal is not None:
            entry["principal"] = principal.sub
        for key in ("service", "method", "path", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", json_logs: bool = True) -> None:
    """Send logs to stderr, as JSON lines unless asked for plain text."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if json_logs else logging.Formatter("%(levelname)s %(name)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).disabled = True


class Metrics:
    """Request count and latency by route template and status, in a registry of its own."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "officina_http_requests_total",
            "HTTP requests served",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "officina_http_request_duration_seconds",
            "Time to serve an HTTP request",
            ["service", "method", "route"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.service = service
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Record one served request."""
        children = self._children.get((method, route, status))
        if children is None:
            # Looking up a labelled child takes a lock and builds a key: do it once per
            # (method, route, status), which stay few since routes are templates.
            children = (
                self.requests.labels(self.service, method, route, str(status)),
                self.latency.labels(self.service, method, route),
            )
            self._children[(method, route, status)] = children
        children[0].inc()
        children[1].observe(seconds)

    def render(self) -> Response:
        """The Prometheus exposition of this registry."""
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def add_security_headers(headers: list[tuple[bytes, bytes]], authenticated: bool) -> None:
    """``X-Content-Type-Options: nosniff`` on every answer; ``Cache-Control: no-store`` on an
    answer to an authenticated request unless the endpoint chose its own caching."""
    present = {name.lower() for name, _ in headers}
    if b"x-content-type-options" not in present:
        headers.append((b"x-content-type-options", b"nosniff"))
    if authenticated and b"cache-control" not in present:
        headers.append((b"cache-control", b"no-store"))


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class RequestContextMiddleware:
    """Accepts or creates ``X-Request-ID``, echoes it, logs and measures every request.

    It also turns an exception that escaped every handler into a 500 problem carrying the
    request id, so no stack trace or SQL ever reaches a client.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics, service: str) -> None:
        self.app = app
        self.metrics = metrics
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = (
            incoming if incoming and _VALID_REQUEST_ID.match(incoming) else os.urandom(16).hex()
        )
        request_id_var.set(request_id)
        principal_var.set(None)
        runtime = getattr(scope["app"].state, "runtime", None) if "app" in scope else None
        if runtime is not None:
            use_service_clock(runtime.now)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status_holder = {"status": 500, "started": False}
        raw_id = request_id.encode("latin-1")
        authenticated = any(name == b"authorization" for name, _ in scope["headers"])

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"
                ]
                headers.append((b"x-request-id", raw_id))
                add_security_headers(headers, authenticated)
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logging.getLogger("officina.errors").exception(
                "unhandled error on %s %s", scope["method"], scope["path"]
            )
            if status_holder["started"]:
                raise
            from shared.kit.errors import problem_response

            response = problem_response(
                Request(scope),
                500,
                detail="an unexpected error occurred; it has been logged",
                code="internal_error",
            )
            await response(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            status = int(status_holder["status"])
            self.metrics.observe(scope["method"], route, status, elapsed)
            if route not in ("/healthz", "/readyz", "/metrics"):
                log.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "service": self.service,
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )


def settle_heap() -> None:
    """After start-up: move what exists into the permanent generation (``gc.freeze``) and run
    young collections less often, so full collections stay short and rare under load — they
    otherwise stall every request in flight and make the latency tail."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
