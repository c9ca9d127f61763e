"""``officina serve <component>``: how a container runs one process (compose, Dockerfile)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.platform_runner import free_port

PATIENCE = float(os.environ.get("OFFICINA_E2E_READY_TIMEOUT", "180"))


def test_a_served_service_answers_and_stops_on_sigterm_without_a_traceback(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {**os.environ, "OFFICINA_DATA_DIR": str(tmp_path)}
    env.pop("OFFICINA_DATABASE_URL", None)
    # as compose runs it: the one-shot migration job, then the process
    migrated = subprocess.run(
        [sys.executable, "-m", "officina.cli", "migrate", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=PATIENCE,
    )
    assert migrated.returncode == 0, migrated.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "officina.cli", "serve", "org", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        deadline = time.monotonic() + PATIENCE
        alive = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                alive = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert alive is not None and alive.status_code == 200, process.stderr.read().decode()
        spoofed = httpx.get(
            f"http://127.0.0.1:{port}/healthz",
            headers={"X-Forwarded-For": "203.0.113.9"},
            timeout=5,
        )
        assert spoofed.status_code == 200

        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=PATIENCE)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 0
    assert "Traceback" not in stderr.decode()
    assert "CancelledError" not in stderr.decode()


def test_serving_an_unknown_component_is_refused() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "officina.cli", "serve", "payroll"],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )

    assert result.returncode == 2
    assert "no component 'payroll'" in result.stderr


@pytest.fixture(autouse=True)
def _no_schema_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OFFICINA_SCHEMA_PREFIX", raising=False)
