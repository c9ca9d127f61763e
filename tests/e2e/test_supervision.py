"""Supervision with real processes: a service that dies is restarted, the others keep serving,
and one that cannot start is given up on without taking the platform down."""

import os
import re
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.registry import component
from tests.conftest import PATIENCE, POSTGRES_URL, TEST_DB
from tests.platform_runner import (
    READY_TIMEOUT,
    SERVICES,
    RunningPlatform,
    free_port_block,
    start_platform,
)

# Each test starts a platform and waits on it: allow several readiness limits, not the
# suite's default per-test timeout, so a busy machine does not fail them.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(int(4 * READY_TIMEOUT))]


@pytest.fixture
def started() -> Iterator[list[RunningPlatform]]:
    platforms: list[RunningPlatform] = []
    yield platforms
    for platform in platforms:
        platform.stop()
        platform.drop_schemas()


def _start(tmp_path: Path, started: list[RunningPlatform], **kwargs: object) -> RunningPlatform:
    platform = start_platform(
        tmp_path,
        postgres_url=POSTGRES_URL if TEST_DB == "postgresql" else None,
        **kwargs,  # type: ignore[arg-type]
    )
    started.append(platform)
    return platform


def _eventually(check: object, what: str) -> None:
    """Poll ``check()`` until true, within the generous readiness limit."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not within {READY_TIMEOUT}s: {what}")


def _events(platform: RunningPlatform, service: str, token: str) -> httpx.Response:
    return httpx.get(
        f"{platform.url}/api/v1/{service}/events",
        params={"after": 0},
        headers={"Authorization": f"Bearer {token}"},
        timeout=PATIENCE,
    )


def _metric(text: str, name: str, component_name: str) -> float:
    match = re.search(rf'^{name}\{{component="{component_name}"\}} (\S+)$', text, re.M)
    assert match, f"{name} for {component_name} missing:\n{text}"
    return float(match[1])


def test_a_killed_service_is_restarted_and_the_others_keep_serving(
    tmp_path: Path, started: list[RunningPlatform]
) -> None:
    platform = _start(tmp_path, started)
    token = platform.token()
    before = platform.pids()
    os.kill(before["hr"], signal.SIGKILL)

    # The gateway and every other service answer while hr is down or coming back.
    for service in SERVICES:
        if service != "hr":
            assert _events(platform, service, token).status_code == 200, service
    _eventually(lambda: platform.pids()["hr"] != before["hr"], "hr started again")
    _eventually(lambda: _events(platform, "hr", token).status_code == 200, "hr serves again")

    assert platform.process.poll() is None, "the launcher must keep running"
    after = platform.pids()
    assert {name: pid for name, pid in after.items() if name != "hr"} == {
        name: pid for name, pid in before.items() if name != "hr"
    }, "only hr was restarted"
    log = platform.log()
    assert "hr exited with signal 9; restarting it" in log
    assert "restarting hr (restart 1 within a minute)" in log
    metrics = platform.launcher_metrics()
    assert _metric(metrics, "officina_launcher_restarts_total", "hr") == 1
    assert _metric(metrics, "officina_launcher_restarts_total", "org") == 0
    assert _metric(metrics, "officina_launcher_component_up", "hr") == 1
    assert platform.stop() == 0


def test_a_service_that_crashes_at_every_start_is_given_up_on_and_the_rest_keep_running(
    tmp_path: Path, started: list[RunningPlatform]
) -> None:
    port = free_port_block()
    # Something else holds hr's port (bound, not listening): hr fails at every start, and a
    # connection to the port is refused.
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", component("hr").port(port)))
    try:
        platform = _start(
            tmp_path,
            started,
            port=port,
            wait_for="/healthz",
            extra_env={"OFFICINA_RESTART_LIMIT": "2", "OFFICINA_RESTART_BACKOFF": "0.1"},
        )
        _eventually(lambda: "giving up on it" in platform.log(), "the launcher gives up on hr")
        assert re.search(
            r"hr exited with status \d+; restarted 2 times within 60s, giving up on it",
            platform.log(),
        )

        def others_ready() -> bool:
            body = httpx.get(f"{platform.url}/readyz", timeout=PATIENCE).json()
            return all(body["services"][s] == "ready" for s in SERVICES if s != "hr")

        _eventually(others_ready, "every other service ready")
        ready = httpx.get(f"{platform.url}/readyz", timeout=PATIENCE)
        assert ready.status_code == 503
        assert ready.json()["services"]["hr"] != "ready"

        token = platform.token()
        for service in SERVICES:
            if service != "hr":
                assert _events(platform, service, token).status_code == 200, service
        dead = _events(platform, "hr", token)
        assert dead.status_code == 503
        assert dead.headers["content-type"].startswith("application/problem+json")
        assert dead.json()["code"] == "service_unavailable"

        assert platform.process.poll() is None, "the launcher must keep running"
        metrics = platform.launcher_metrics()
        assert _metric(metrics, "officina_launcher_component_given_up", "hr") == 1
        assert _metric(metrics, "officina_launcher_restarts_total", "hr") == 2
        assert _metric(metrics, "officina_launcher_component_given_up", "org") == 0
        assert platform.stop() == 0
    finally:
        squatter.close()
