"""Faults with real processes: a service killed (``kill -9``) or frozen (``SIGSTOP``) under load.

Each test starts its own platform (``officina up``) on the test database, since it breaks it.
Nothing here waits a fixed time or asserts a speed: every wait is for a condition, within a
generous limit (``OFFICINA_TEST_PATIENCE``, at least 60 s).
"""

import os
import signal
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.kit.testing import bearer
from tests.conftest import PATIENCE, POSTGRES_URL, TEST_DB
from tests.faults.support import (
    ORG,
    Hirer,
    assert_each_hire_applied_once,
    department_id,
    eventually,
    hr_officer,
    pid_of,
)
from tests.platform_runner import SERVICES, RunningPlatform, start_platform
from tests.problems import assert_problem

pytestmark = pytest.mark.e2e


@pytest.fixture
def platforms() -> Iterator[list[RunningPlatform]]:
    started: list[RunningPlatform] = []
    yield started
    for platform in started:
        platform.stop()
        platform.drop_schemas()


def start(tmp_path: Path, started: list[RunningPlatform], **env: str) -> RunningPlatform:
    platform = start_platform(
        tmp_path,
        postgres_url=POSTGRES_URL if TEST_DB == "postgresql" else None,
        extra_env=env,
    )
    started.append(platform)
    return platform


@pytest.mark.timeout(1200)
def test_a_service_killed_under_load_comes_back_and_every_write_is_applied_exactly_once(
    tmp_path: Path, platforms: list[RunningPlatform]
) -> None:
    platform = start(tmp_path, platforms)
    hr = hr_officer(platform)
    admin = httpx.Client(base_url=platform.url, headers=bearer(platform.token()), timeout=PATIENCE)
    department = department_id(hr)
    hirers = [Hirer(hr, department, f"K{n}{uuid.uuid4().hex[:4].upper()}") for n in range(3)]
    threads = [threading.Thread(target=hirer.run, daemon=True) for hirer in hirers]
    for thread in threads:
        thread.start()
    try:
        eventually(lambda: sum(len(h.hired) for h in hirers) >= 6, "hires before the kill")
        org_pid = pid_of(platform, "org")
        os.kill(org_pid, signal.SIGKILL)

        # While org is down or coming back, the gateway and every other service answer.
        for service in SERVICES:
            if service != "org":
                answer = admin.get(f"/api/v1/{service}/events", params={"after": 0})
                assert answer.status_code == 200, (service, answer.text)
        eventually(lambda: pid_of(platform, "org") != org_pid, "org started again")
        eventually(
            lambda: admin.get(f"{ORG}/departments").status_code == 200, "org answering again"
        )
        hired_after = sum(len(h.hired) for h in hirers)
        eventually(
            lambda: sum(len(h.hired) for h in hirers) >= hired_after + 6, "hires after the restart"
        )
    finally:
        for hirer in hirers:
            hirer.stop.set()
        for thread in threads:
            thread.join(timeout=3 * PATIENCE)
    assert [h.failure for h in hirers] == [None, None, None]
    assert platform.process.poll() is None, "the launcher keeps running"

    assert_each_hire_applied_once(admin, hirers)


@pytest.mark.timeout(1200)
def test_each_component_killed_in_turn_is_restarted_while_the_rest_answer(
    tmp_path: Path, platforms: list[RunningPlatform]
) -> None:
    platform = start(tmp_path, platforms)
    admin = httpx.Client(base_url=platform.url, headers=bearer(platform.token()), timeout=PATIENCE)

    def answers(service: str) -> bool:
        return admin.get(f"/api/v1/{service}/audit-log").status_code == 200

    for service in SERVICES:
        eventually(lambda s=service: answers(s), f"{service} accepting tokens")  # type: ignore[misc]
    for victim in SERVICES:
        old = pid_of(platform, victim)
        os.kill(old, signal.SIGKILL)
        for service in SERVICES:
            if service != victim:
                assert answers(service), (victim, service)
        eventually(lambda v=victim, o=old: pid_of(platform, v) != o, f"{victim} restarted")  # type: ignore[misc]
        eventually(lambda v=victim: answers(v), f"{victim} answering again")  # type: ignore[misc]
    assert platform.process.poll() is None, "the launcher keeps running"
    assert httpx.get(f"{platform.url}/readyz", timeout=PATIENCE).status_code == 200


@pytest.mark.timeout(900)
def test_a_frozen_service_is_504_for_its_callers_named_by_readyz_and_recovers_on_sigcont(
    tmp_path: Path, platforms: list[RunningPlatform]
) -> None:
    platform = start(tmp_path, platforms, OFFICINA_UPSTREAM_TIMEOUT="5")
    admin = httpx.Client(base_url=platform.url, headers=bearer(platform.token()), timeout=120)
    for service in SERVICES:

        def accepting(path: str = f"/api/v1/{service}/audit-log") -> bool:
            return admin.get(path).status_code == 200

        eventually(accepting, f"{service} accepting tokens")
    hr_pid = pid_of(platform, "hr")
    os.kill(hr_pid, signal.SIGSTOP)
    try:
        frozen = admin.get("/api/v1/hr/audit-log")
        assert_problem(frozen, 504)
        for service in SERVICES:
            if service != "hr":
                answer = admin.get(f"/api/v1/{service}/audit-log")
                assert answer.status_code == 200, (service, answer.text)

        def readiness_names_hr() -> bool:
            ready = httpx.get(f"{platform.url}/readyz", timeout=120)
            services = ready.json()["services"]
            return (
                ready.status_code == 503
                and services["hr"] != "ready"
                and all(services[s] == "ready" for s in SERVICES if s != "hr")
            )

        eventually(readiness_names_hr, "/readyz naming hr alone")
    finally:
        os.kill(hr_pid, signal.SIGCONT)

    eventually(
        lambda: admin.get("/api/v1/hr/audit-log").status_code == 200, "hr answering after SIGCONT"
    )
    eventually(
        lambda: httpx.get(f"{platform.url}/readyz", timeout=PATIENCE).status_code == 200,
        "/readyz ready after SIGCONT",
    )
    assert pid_of(platform, "hr") == hr_pid, "a frozen process is resumed, not replaced"
