"""The gateway stopping (SIGTERM) with a long poll still waiting for its service: the caller
gets a 503 problem and the gateway's output has no traceback."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from gateway.keys import KeyRing
from shared.contracts.principal import SERVICES
from shared.kit.tokens import issue_access_token
from tests.conftest import TestDatabase
from tests.platform_runner import free_port


def test_a_stop_during_a_long_poll_answers_503_and_prints_no_traceback(
    gateway_database: TestDatabase, upstream: str, tmp_path: Path
) -> None:
    keys = KeyRing.load_or_create(tmp_path)  # the gateway loads the same ring
    token = issue_access_token(
        keys.current,
        issuer="officina",
        audience="officina-api",
        roles=("admin",),
        subject="00000000-0000-0000-0000-000000000001",
        principal_type="user",
        username="admin",
    )
    port = free_port()
    env = {
        **os.environ,
        "OFFICINA_DATA_DIR": str(tmp_path),
        "OFFICINA_GATEWAY_DATABASE_URL": gateway_database.url,
        "OFFICINA_DATABASE_SCHEMA": gateway_database.schema,
        "OFFICINA_JSON_LOGS": "false",
        "OFFICINA_LOG_LEVEL": "WARNING",
        **{f"OFFICINA_{service.upper()}_URL": upstream for service in SERVICES},
    }
    gateway = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "gateway.app:create_app",
            "--factory",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
            "--timeout-graceful-shutdown",
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert gateway.poll() is None and time.monotonic() < deadline, "no gateway"
            time.sleep(0.2)
        answers: list[httpx.Response | Exception] = []

        def long_poll() -> None:
            try:
                answers.append(
                    httpx.get(
                        f"{url}/api/v1/org/events",
                        params={"seconds": "60"},
                        headers={"Authorization": f"Bearer {token}"},
                        timeout=60,
                    )
                )
            except Exception as exc:
                answers.append(exc)

        poller = threading.Thread(target=long_poll)
        poller.start()
        time.sleep(1.0)  # the poll is waiting at the service
        gateway.send_signal(signal.SIGTERM)
        output, _ = gateway.communicate(timeout=60)
        poller.join(timeout=60)
    finally:
        if gateway.poll() is None:
            gateway.kill()
            gateway.wait()

    text = output.decode(errors="replace")
    assert gateway.returncode in (0, -signal.SIGTERM), text  # uvicorn re-raises the signal
    assert "Traceback" not in text, text
    assert "CancelledError" not in text, text
    assert len(answers) == 1
    answer = answers[0]
    assert isinstance(answer, httpx.Response), answer
    assert answer.status_code == 503
    assert answer.json()["code"] == "shutting_down"
