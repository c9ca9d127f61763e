"""PostgreSQL stopped and started again under load, with a cluster the test runs itself.

Restarting the shared PostgreSQL of a CI machine would break every other test using it, so
this test makes its own cluster (``initdb`` and ``pg_ctl`` from the Debian packages under
``/usr/lib/postgresql/*/bin``, as the ``postgres`` user when run as root) on a free port,
runs the platform on it, stops the database mid-load and starts it again. Readiness flips
and recovers with no manual step, and every write retried with its Idempotency-Key is
applied once. It runs in the PostgreSQL pass (``postgres_only``) and is skipped where the
server binaries are missing.
"""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.kit.idempotency import ABANDONED_AFTER
from shared.kit.testing import bearer
from tests.conftest import PATIENCE
from tests.faults.support import (
    ORG,
    Hirer,
    assert_each_hire_applied_once,
    department_id,
    eventually,
    hr_officer,
)
from tests.platform_runner import SERVICES, start_platform

pytestmark = [pytest.mark.e2e, pytest.mark.postgres_only]

_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class OwnPostgres:
    """A PostgreSQL cluster in a temporary directory, trusting local connections."""

    def __init__(self, bindir: str) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="officina-pg-"))
        self.data = self.root / "data"
        self.logfile = self.root / "postgres.log"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        argv = [f"{self.bindir}/{command[0]}", *command[1:]]
        if self.as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, f"{argv}: {done.stdout}\n{done.stderr}\n{self.log()}"

    def log(self) -> str:
        try:
            return self.logfile.read_text(errors="replace")
        except OSError:
            return ""

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-o", options, "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(AssertionError):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    if not _BIN or not os.path.exists(f"{_BIN[-1]}/initdb"):
        pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser to become postgres")
    cluster = OwnPostgres(_BIN[-1])
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@pytest.mark.timeout(1200)
def test_postgres_stopped_mid_load_flips_readiness_and_everything_recovers_by_itself(
    tmp_path: Path, own_postgres: OwnPostgres
) -> None:
    platform = start_platform(tmp_path, postgres_url=own_postgres.url)
    try:
        hr = hr_officer(platform)
        hirer = Hirer(hr, department_id(hr), f"PG{uuid.uuid4().hex[:4].upper()}")
        thread = threading.Thread(target=hirer.run, daemon=True)
        thread.start()
        try:
            eventually(lambda: len(hirer.hired) >= 3, "hires before the database stops")
            own_postgres.stop()

            def not_ready() -> bool:
                ready = httpx.get(f"{platform.url}/readyz", timeout=PATIENCE)
                services = ready.json()["services"]
                return ready.status_code == 503 and all(services[s] != "ready" for s in SERVICES)

            eventually(not_ready, "/readyz saying the services are not ready")
            # The processes answer (problems, not hangs) while the database is away.
            assert httpx.get(f"{platform.url}/healthz", timeout=PATIENCE).status_code == 200
            during = hr.get(f"{ORG}/departments")
            assert during.status_code >= 500
            assert during.headers["content-type"].startswith("application/problem+json")

            hired_before_restart = len(hirer.hired)
            own_postgres.start()
            eventually(
                lambda: httpx.get(f"{platform.url}/readyz", timeout=PATIENCE).status_code == 200,
                "/readyz ready again",
            )
            # a hire cut off by the stop waits for its key's claim to count as abandoned
            eventually(
                lambda: len(hirer.hired) >= hired_before_restart + 3,
                "hires after the restart",
                within=ABANDONED_AFTER.total_seconds() + PATIENCE,
            )
        finally:
            hirer.stop.set()
            thread.join(timeout=3 * PATIENCE)
        assert hirer.failure is None
        assert platform.process.poll() is None, "the launcher keeps running"

        admin = httpx.Client(
            base_url=platform.url, headers=bearer(platform.token()), timeout=PATIENCE
        )
        assert_each_hire_applied_once(admin, [hirer])
    finally:
        platform.stop()
