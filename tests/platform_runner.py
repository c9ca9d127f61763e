"""Starts the real platform (``officina up``) for end-to-end tests and stops it cleanly."""

import asyncio
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.registry import COMPONENT_NAMES, SERVICE_NAMES, component
from tests.conftest import PATIENCE

# What the kit's ``ServiceClient.get_record`` and hr's onboarding log when an answer is about
# another record than the one asked for.
MIXED_UP = re.compile(r"^.*(?:answered about|about another employee).*$", re.M)

SERVICES = SERVICE_NAMES
ADMIN_PASSWORD = "correct-horse-battery-staple"
# How long a platform may take to be ready: generous, so a busy machine does not fail a test.
READY_TIMEOUT = float(os.environ.get("OFFICINA_E2E_READY_TIMEOUT", "180"))
# The gateway's port and the registry's offsets above it.
PORTS_USED = 1 + max(component(name).port_offset for name in COMPONENT_NAMES)
_STARTED = re.compile(r"^\s+(?P<name>\w+)\s+pid (?P<pid>\d+) on port (?P<port>\d+)", re.M)


def _ephemeral_low() -> int:
    """The first port the kernel hands out for outgoing connections (32768 on Linux)."""
    try:
        low = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0]
        return int(low)
    except (OSError, ValueError, IndexError):
        return 32768


def _worker_range(low: int, top: int) -> tuple[int, int]:
    """This xdist worker's own slice of ``[low, top)``: two workers checking the same free
    ports at once could both take them before either binds."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)
    if not worker.startswith("gw") or count < 2:
        return low, top
    index = int(worker[2:]) % count
    width = (top - low) // count
    return low + index * width, low + (index + 1) * width


def free_port() -> int:
    """One free port (below the ephemeral range: see ``free_port_block``)."""
    return free_port_block(1)


def free_port_block(size: int = PORTS_USED) -> int:
    """A base port with ``size`` consecutive free ports above it, all below the kernel's
    ephemeral range: a port taken from that range can be handed to an outgoing connection (a
    consumer's, a test client's) between the check and the platform's bind, and the service
    then cannot listen."""
    low, high = _worker_range(10000, _ephemeral_low())
    rng = random.Random()
    for _ in range(500):
        base = rng.randrange(low, high - size)
        ok = True
        for offset in range(size):
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", base + offset))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no block of free ports")


@dataclass
class RunningPlatform:
    """A platform started by ``officina up`` in a subprocess."""

    port: int
    data_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    metrics_port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def service_url(self, service: str) -> str:
        """Direct URL of a service, bypassing the gateway."""
        return component(service).url("127.0.0.1", self.port)

    def pids(self) -> dict[str, int]:
        """The current pid of each component, from the launcher's ``<name> pid <pid>`` lines."""
        return {match["name"]: int(match["pid"]) for match in _STARTED.finditer(self.log())}

    def launcher_metrics(self) -> str:
        """The launcher's own Prometheus metrics (restarts, components up)."""
        response = httpx.get(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=PATIENCE)
        response.raise_for_status()
        return response.text

    def log(self) -> str:
        """Everything the platform printed so far."""
        return self.log_path.read_text(errors="replace")

    def token(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> str:
        """An access token for a person."""
        response = httpx.post(
            f"{self.url}/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
            timeout=PATIENCE,
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def demo_passwords(self) -> dict[str, str]:
        """The demo accounts' passwords, as ``officina up --demo`` printed them."""
        return dict(re.findall(r"^\s+(\S+)\s+(\S+)\s+roles:", self.log(), re.M))

    def drop_schemas(self) -> None:
        """Remove the PostgreSQL schemas this platform made (nothing to do on SQLite)."""
        prefix = self.env.get("OFFICINA_SCHEMA_PREFIX")
        url = self.env.get("OFFICINA_DATABASE_URL")
        if not prefix or not url:
            return

        async def drop() -> None:
            engine = create_async_engine(url)
            try:
                async with engine.begin() as conn:
                    for name in COMPONENT_NAMES:
                        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{prefix}{name}" CASCADE'))
            finally:
                await engine.dispose()

        asyncio.run(drop())

    def stop(self) -> int:
        """SIGTERM the launcher and wait; returns its exit status.

        A mixed-up answer a service refused on the way (an answer about another record than
        the one asked for, logged by the kit's ``get_record`` and hr's onboarding) is raised as
        a warning here, so the run's summary shows it even when every test passed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait()
        for line in MIXED_UP.findall(self.log()):
            warnings.warn(f"a service was answered about another record: {line}", stacklevel=2)
        return status


def start_platform(
    tmp: Path,
    *,
    postgres_url: str | None = None,
    extra_env: dict[str, str] | None = None,
    timeout: float | None = None,
    demo: bool = False,
    port: int | None = None,
    wait_for: str = "/readyz",
) -> RunningPlatform:
    """Run ``officina up`` on free ports with its own data dir (and PostgreSQL schemas).

    Returns once the gateway's ``wait_for`` path answers 200 (``/readyz``: every service
    ready; ``/healthz``: the gateway alone), within ``timeout`` (default ``READY_TIMEOUT``,
    set by ``OFFICINA_E2E_READY_TIMEOUT``).
    """
    timeout = READY_TIMEOUT if timeout is None else timeout
    if port is None:
        # One block for the components and the launcher's metrics, so that no two collide.
        port = free_port_block(PORTS_USED + 1)
        metrics_port = port + PORTS_USED
    else:
        metrics_port = free_port()
        while port <= metrics_port < port + PORTS_USED:
            metrics_port = free_port()
    data_dir = tmp / "data"
    env = dict(os.environ)
    env.pop("OFFICINA_SCHEMA_PREFIX", None)
    env.update(extra_env or {})
    env.update(
        {
            "OFFICINA_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "OFFICINA_LOG_LEVEL": "WARNING",
            "OFFICINA_PUBLISHER_INTERVAL": "0.2",
        }
    )
    if postgres_url:
        env["OFFICINA_DATABASE_URL"] = postgres_url
        env.setdefault("OFFICINA_SCHEMA_PREFIX", f"e2e_{uuid.uuid4().hex[:8]}_")
    env.update(extra_env or {})
    log_path = tmp / "platform.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "officina.cli",
                "up",
                "--port",
                str(port),
                "--data-dir",
                str(data_dir),
                "--metrics-port",
                str(metrics_port),
                *(["--demo"] if demo else []),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    platform = RunningPlatform(port, data_dir, process, log_path, env, metrics_port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the platform exited with {process.returncode}:\n{platform.log()}")
        try:
            if httpx.get(f"{platform.url}{wait_for}", timeout=2).status_code == 200:
                return platform
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    platform.stop()
    raise RuntimeError(f"the platform was not ready within {timeout}s:\n{platform.log()}")
