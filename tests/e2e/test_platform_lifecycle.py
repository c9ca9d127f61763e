"""The platform as an operator runs it: ``officina up`` brings its processes up and down together."""

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.registry import COMPONENT_NAMES
from tests.conftest import PATIENCE, POSTGRES_URL, TEST_DB
from tests.platform_runner import READY_TIMEOUT, SERVICES, RunningPlatform, start_platform

# A test here may start the platform twice: allow several readiness limits, not the suite's
# default per-test timeout, so a busy machine does not fail it.
pytestmark = pytest.mark.timeout(int(4 * READY_TIMEOUT))


def _children_of(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            children.append(int(entry.name))
    return children


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def started(tmp_path: Path) -> Iterator[list[RunningPlatform]]:
    """Platforms a test starts; their PostgreSQL schemas are dropped afterwards."""
    platforms: list[RunningPlatform] = []
    yield platforms
    for platform in platforms:
        platform.stop()
        platform.drop_schemas()


def _start(tmp_path: Path, started: list[RunningPlatform], **env: str) -> RunningPlatform:
    platform = start_platform(
        tmp_path, postgres_url=POSTGRES_URL if TEST_DB == "postgresql" else None, extra_env=env
    )
    started.append(platform)
    return platform


@pytest.mark.e2e
def test_up_reports_every_service_ready_and_sigterm_leaves_no_process(
    tmp_path: Path, started: list[RunningPlatform]
) -> None:
    platform = _start(tmp_path, started)
    try:
        ready = httpx.get(f"{platform.url}/readyz", timeout=PATIENCE)
        assert ready.status_code == 200
        assert ready.json()["services"] == dict.fromkeys(SERVICES, "ready")
        for service in SERVICES:
            assert (
                httpx.get(f"{platform.service_url(service)}/readyz", timeout=PATIENCE).status_code
                == 200
            )
        # The launcher polls /readyz itself and then prints where the docs are.
        deadline = time.monotonic() + PATIENCE
        while "docs at" not in platform.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "docs at" in platform.log()
        children = _children_of(platform.process.pid)
        assert sorted(children) == sorted(platform.pids().values())
        assert set(platform.pids()) == set(COMPONENT_NAMES)
    finally:
        status = platform.stop()
    assert status == 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.1)
    assert not [pid for pid in children if _alive(pid)]


@pytest.mark.e2e
def test_a_restart_keeps_the_accounts_made_on_the_first_start(
    tmp_path: Path, started: list[RunningPlatform]
) -> None:
    first = _start(tmp_path, started)
    try:
        token = first.token()
        assert (
            httpx.get(
                f"{first.url}/api/v1/auth/me",
                headers={"Authorization": f"Bearer {token}"},
                timeout=PATIENCE,
            ).json()["username"]
            == "admin"
        )
    finally:
        assert first.stop() == 0
    same_schemas = {k: v for k, v in first.env.items() if k == "OFFICINA_SCHEMA_PREFIX"}
    second = _start(tmp_path, started, **same_schemas)
    # The admin account was made on the first start and the data survived the restart.
    assert second.token()
    token = second.token()
    users = httpx.get(
        f"{second.url}/api/v1/auth/users",
        headers={"Authorization": f"Bearer {token}"},
        timeout=PATIENCE,
    )
    assert [user["username"] for user in users.json()["items"]] == ["admin"]


@pytest.mark.e2e
def test_ctrl_c_stops_every_process_without_a_traceback(
    tmp_path: Path, started: list[RunningPlatform]
) -> None:
    """hr follows org's and workflow's feeds with long polls through the gateway, so requests
    are in flight in three processes when the stop comes; none may end in a traceback."""
    platform = _start(tmp_path, started)
    assert platform.token()
    children = _children_of(platform.process.pid)
    platform.process.send_signal(signal.SIGINT)
    assert platform.process.wait(timeout=READY_TIMEOUT) == 0
    log = platform.log()
    assert "officina: stopped (SIGINT)" in log
    assert "Traceback" not in log and "CancelledError" not in log, log
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.1)
    assert not [pid for pid in children if _alive(pid)]
