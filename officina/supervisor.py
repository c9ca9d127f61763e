"""Runs the platform's processes, restarts one that dies, and stops them all together.

A component that exits is started again after a back-off that doubles with each quick
failure (``restart_backoff`` up to ``max_backoff`` seconds); one that has been restarted
``restart_limit`` times within a minute is given up on: the launcher says so and keeps every
other process running (the gateway answers 503 problems for it and its ``/readyz`` names it).
Each restart is logged on standard error and counted in the launcher's own Prometheus
metrics (``officina_launcher_restarts_total``), served on ``--metrics-port``.

The processes are forked from the launcher rather than started as fresh interpreters: the
launcher imports every component's application module (FastAPI, pydantic, SQLAlchemy, the
routers and models: most of a process's start-up CPU) once, before it has any event loop,
thread or database connection, and each child only builds its app and serves it. A restart
is a fork too, so it takes a fraction of a second.
"""

import contextlib
import ctypes
import gc
import http.server
import importlib
import os
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    generate_latest,
)

from officina.components import COMPONENTS, component
from shared.registry import service_urls

STOP_GRACE_SECONDS = 10.0
GRACEFUL_SHUTDOWN_SECONDS = 1
RESTART_WINDOW_SECONDS = 60.0
# A process that stayed up this long before dying starts its back-off again from the start.
STABLE_SECONDS = 30.0
TICK_SECONDS = 0.1


class ForkedProcess:
    """A child forked by the launcher, with the part of ``subprocess.Popen``'s API it uses."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """Its exit code (negative: the signal that killed it), or None while it runs."""
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = 1
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def wait(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while (code := self.poll()) is None:
            if time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return code


def preload() -> list[str]:
    """Import every component's app module and the server's, once, in the launcher.

    Returns the components whose module did not import (their child will fail and be
    restarted or given up on like any other failure)."""
    failed = []
    for module in (
        "officina.child",
        "uvicorn.protocols.http.httptools_impl",
        "uvicorn.protocols.websockets.auto",
        "uvicorn.lifespan.on",
    ):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    with contextlib.suppress(ImportError):
        importlib.import_module("uvloop")
    for name in COMPONENTS:
        try:
            importlib.import_module(component(name).app_factory.partition(":")[0])
        except Exception:
            failed.append(name)
    # Objects made so far are never collected: the children's collections skip them, so
    # the pages they share with the launcher stay shared.
    gc.collect()
    gc.freeze()
    return failed


def _exit_on_sigterm(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _die_with_parent() -> None:
    """Linux: a child gets SIGTERM when the launcher dies, even by SIGKILL (no orphans)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class RestartPolicy:
    """How the launcher restarts a component that exits."""

    restart_limit: int = 5  # restarts within RESTART_WINDOW_SECONDS before it gives up
    backoff: float = 0.5  # seconds before the first restart, doubled on each quick failure
    max_backoff: float = 30.0

    @classmethod
    def from_environment(cls) -> "RestartPolicy":
        """``OFFICINA_RESTART_LIMIT``, ``OFFICINA_RESTART_BACKOFF``, ``OFFICINA_RESTART_MAX_BACKOFF``."""
        default = cls()
        return cls(
            restart_limit=int(os.environ.get("OFFICINA_RESTART_LIMIT", default.restart_limit)),
            backoff=float(os.environ.get("OFFICINA_RESTART_BACKOFF", default.backoff)),
            max_backoff=float(os.environ.get("OFFICINA_RESTART_MAX_BACKOFF", default.max_backoff)),
        )


@dataclass
class Child:
    """One supervised component: its current process and its restart history."""

    name: str
    process: "subprocess.Popen[bytes] | ForkedProcess | None" = None
    started_at: float = 0.0
    restarts: deque[float] = field(default_factory=deque)
    failures: int = 0  # quick failures in a row, for the back-off
    restart_at: float | None = None
    given_up: bool = False


class LauncherMetrics:
    """The launcher's own Prometheus metrics: restarts and which components are up."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.restarts = Counter(
            "officina_launcher_restarts",
            "Times the launcher restarted a component that had exited",
            ["component"],
            registry=self.registry,
        )
        self.exits = Counter(
            "officina_launcher_exits",
            "Times a component exited without being asked to",
            ["component"],
            registry=self.registry,
        )
        self.up = Gauge(
            "officina_launcher_component_up",
            "1 while the component's process runs",
            ["component"],
            registry=self.registry,
        )
        self.given_up = Gauge(
            "officina_launcher_component_given_up",
            "1 once the launcher stopped restarting the component",
            ["component"],
            registry=self.registry,
        )
        for name in COMPONENTS:
            self.restarts.labels(name)
            self.exits.labels(name)
            self.up.labels(name).set(0)
            self.given_up.labels(name).set(0)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _MetricsHandler(http.server.BaseHTTPRequestHandler):
    metrics: LauncherMetrics
    timeout = 2  # seconds: a silent client must not hold up the supervise loop

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == "/metrics":
            body, status, kind = self.metrics.render(), 200, CONTENT_TYPE_LATEST
        elif self.path == "/healthz":
            body, status, kind = b'{"status":"ok"}', 200, "application/json"
        else:
            body, status, kind = b"not found\n", 404, "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


class Supervisor:
    """Starts the gateway and the services as child processes on their registry ports."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        data_dir: Path,
        environment: dict[str, str],
        policy: RestartPolicy | None = None,
        metrics_port: int | None = None,
        fork: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.data_dir = data_dir
        self.environment = environment
        self.policy = policy or RestartPolicy()
        self.children: dict[str, Child] = {name: Child(name) for name in COMPONENTS}
        self.stop_reason: str | None = None
        self.metrics = LauncherMetrics()
        self.metrics_port = metrics_port
        self.metrics_server: http.server.HTTPServer | None = None
        self.fork = fork and hasattr(os, "fork")

    def port_of(self, name: str) -> int:
        """The gateway on the base port, each service at its registry offset above it."""
        return component(name).port(self.port)

    def _env(self, name: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.environment)
        gateway_url = f"http://{self.host}:{self.port}"
        env.update(
            {
                "OFFICINA_DATA_DIR": str(self.data_dir),
                "OFFICINA_GATEWAY_URL": gateway_url,
                "OFFICINA_PORT": str(self.port),
                "OFFICINA_SERVICE_NAME": name,
            }
        )
        for service, url in service_urls(self.host, self.port).items():
            env.setdefault(component(service).url_variable, url)
        return env

    def _command(self, name: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            component(name).app_factory,
            "--factory",
            "--host",
            self.host,
            "--port",
            str(self.port_of(name)),
            "--no-access-log",
            # Forwarded headers are the gateway's to judge (OFFICINA_TRUSTED_PROXIES); uvicorn
            # would otherwise let anyone on 127.0.0.1 claim any address with X-Forwarded-For.
            "--no-proxy-headers",
            "--log-level",
            "warning",
            "--timeout-graceful-shutdown",
            str(GRACEFUL_SHUTDOWN_SECONDS),
        ]

    def spawn(self, name: str) -> None:
        """Start (or start again) one component's process: forked, or with ``fork=False`` a
        fresh interpreter running uvicorn."""
        child = self.children[name]
        if self.fork:
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                self._child_main(name)
            child.process = ForkedProcess(pid)
        else:
            child.process = subprocess.Popen(
                self._command(name),
                env=self._env(name),
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        child.started_at = time.monotonic()
        child.restart_at = None
        self.metrics.up.labels(name).set(1)
        print(f"  {name:<10} pid {child.process.pid} on port {self.port_of(name)}", flush=True)

    def _child_main(self, name: str) -> NoReturn:
        """In a forked child: become the component's server process; never returns."""
        code = 1
        try:
            os.setsid()
            _die_with_parent()
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            if self.metrics_server is not None:
                self.metrics_server.socket.close()
            environment = self._env(name)
            os.environ.clear()
            os.environ.update(environment)
            from officina.child import serve

            code = serve(
                name,
                host=self.host,
                port=self.port_of(name),
                graceful_seconds=GRACEFUL_SHUTDOWN_SECONDS,
            )
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)

    def start_all(self) -> None:
        """Start every process, and the launcher's metrics endpoint when it has a port."""
        self.start_metrics()
        for name in COMPONENTS:
            self.spawn(name)

    def start_metrics(self) -> None:
        """Listen for the launcher's ``/metrics`` (answered from ``tick``), if it has a port."""
        if not self.metrics_port:
            return
        handler = type("Handler", (_MetricsHandler,), {"metrics": self.metrics})
        try:
            self.metrics_server = http.server.HTTPServer((self.host, self.metrics_port), handler)
        except OSError as exc:
            _say(f"launcher metrics not served on port {self.metrics_port}: {exc}")
            return
        print(f"  {'launcher':<10} metrics on port {self.metrics_port}", flush=True)

    def request_stop(self, reason: str) -> None:
        """Ask the supervise loop to stop everything (signal-safe)."""
        self.stop_reason = self.stop_reason or reason

    def check_children(self) -> None:
        """Notice exited components; schedule their restart or give up on them; restart due ones."""
        now = time.monotonic()
        for name, child in self.children.items():
            if child.process is not None:
                code = child.process.poll()
                if code is None:
                    continue
                child.process = None
                self.metrics.up.labels(name).set(0)
                self.metrics.exits.labels(name).inc()
                self._schedule_restart(child, code, now)
            elif child.restart_at is not None and now >= child.restart_at:
                child.restarts.append(now)
                self.metrics.restarts.labels(name).inc()
                _say(f"restarting {name} (restart {len(child.restarts)} within a minute)")
                self.spawn(name)

    def _schedule_restart(self, child: Child, code: int, now: float) -> None:
        while child.restarts and now - child.restarts[0] > RESTART_WINDOW_SECONDS:
            child.restarts.popleft()
        status = f"signal {-code}" if code < 0 else f"status {code}"
        if len(child.restarts) >= self.policy.restart_limit:
            child.given_up = True
            self.metrics.given_up.labels(child.name).set(1)
            _say(
                f"{child.name} exited with {status}; restarted {len(child.restarts)} times "
                f"within {RESTART_WINDOW_SECONDS:.0f}s, giving up on it (the others keep running)"
            )
            return
        if now - child.started_at >= STABLE_SECONDS:
            child.failures = 0
        delay = min(self.policy.backoff * 2**child.failures, self.policy.max_backoff)
        child.failures += 1
        child.restart_at = now + delay
        _say(f"{child.name} exited with {status}; restarting it in {delay:.1f}s")

    def all_given_up(self) -> bool:
        return all(child.given_up for child in self.children.values())

    def tick(self) -> None:
        """One round of supervision: children, then the metrics endpoint (or a short sleep)."""
        self.check_children()
        server = self.metrics_server
        if server is None:
            time.sleep(TICK_SECONDS)
            return
        try:
            readable, _, _ = select.select([server], [], [], TICK_SECONDS)
        except InterruptedError:
            return
        if readable:
            server.timeout = 0
            server.handle_request()

    def supervise(self, ready_url: str | None = None, ready_timeout: float = 0) -> int:
        """Supervise until a stop request (or every component given up); stop all; exit status.

        With ``ready_url``, poll it until it answers 200 and print where the docs are.
        """
        deadline = time.monotonic() + ready_timeout
        next_probe = 0.0
        while self.stop_reason is None and not self.all_given_up():
            self.tick()
            now = time.monotonic()
            if ready_url is not None and now >= next_probe:
                next_probe = now + 0.2
                if _answers_ok(ready_url):
                    base = ready_url.removesuffix("/readyz")
                    print(
                        f"officina is ready: docs at {base}/docs (OpenAPI at {base}/openapi.json)",
                        flush=True,
                    )
                    ready_url = None
                elif now > deadline:
                    _say(f"not ready within {ready_timeout:.0f}s; still trying")
                    deadline = float("inf")
        self.stop_all()
        if self.stop_reason is None:
            _say("every component was given up on; stopping")
            return 1
        print(f"officina: stopped ({self.stop_reason})", flush=True)
        return 0

    def stop_all(self) -> None:
        """SIGTERM every child, then SIGKILL whatever is still alive after the grace period."""
        running = [child.process for child in self.children.values() if child.process]
        for process in running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in running:
            remaining = max(0.1, deadline - time.monotonic())
            try:
                process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=STOP_GRACE_SECONDS)
        if self.metrics_server is not None:
            self.metrics_server.server_close()


def _say(message: str) -> None:
    print(f"officina: {message}", file=sys.stderr, flush=True)


def _answers_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False
