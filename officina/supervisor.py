"""Runs the six processes, stops them together, and reports one that dies."""

import ctypes
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from officina.components import COMPONENTS, component

STOP_GRACE_SECONDS = 10.0


def _die_with_parent() -> None:
    """Linux: a child gets SIGTERM when the launcher dies, even by SIGKILL (no orphans)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Supervisor:
    """Starts the gateway and the services as child processes on consecutive ports."""

    def __init__(
        self, *, host: str, port: int, data_dir: Path, environment: dict[str, str]
    ) -> None:
        self.host = host
        self.port = port
        self.data_dir = data_dir
        self.environment = environment
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.stop_reason: str | None = None

    def port_of(self, name: str) -> int:
        """Gateway on the base port, then org, workflow, hr, finance, logistics."""
        return self.port + COMPONENTS.index(name)

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
        for service in COMPONENTS[1:]:
            env.setdefault(
                f"OFFICINA_{service.upper()}_URL", f"http://{self.host}:{self.port_of(service)}"
            )
        return env

    def start_all(self) -> None:
        """Start every process."""
        for name in COMPONENTS:
            command = [
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
                "2",
            ]
            self.children[name] = subprocess.Popen(
                command, env=self._env(name), start_new_session=True, preexec_fn=_die_with_parent
            )
            print(
                f"  {name:<10} pid {self.children[name].pid} on port {self.port_of(name)}",
                flush=True,
            )

    def request_stop(self, reason: str) -> None:
        """Ask the supervise loop to stop everything (signal-safe)."""
        self.stop_reason = self.stop_reason or reason

    def dead_child(self) -> tuple[str, int] | None:
        """The first child that has exited, with its exit code."""
        for name, child in self.children.items():
            code = child.poll()
            if code is not None:
                return name, code
        return None

    def supervise(self) -> int:
        """Wait for a stop request or a child's death; stop all; return the exit status."""
        failed: tuple[str, int] | None = None
        while self.stop_reason is None:
            failed = self.dead_child()
            if failed:
                print(
                    f"officina: {failed[0]} exited with status {failed[1]}; stopping",
                    file=sys.stderr,
                    flush=True,
                )
                break
            time.sleep(0.2)
        self.stop_all()
        if failed:
            return 1
        print(f"officina: stopped ({self.stop_reason})", flush=True)
        return 0

    def stop_all(self) -> None:
        """SIGTERM every child, then SIGKILL whatever is still alive after the grace period."""
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in self.children.values():
            remaining = max(0.1, deadline - time.monotonic())
            try:
                child.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()


def wait_until_ready(url: str, supervisor: Supervisor, timeout: float) -> bool:
    """Poll the gateway's ``/readyz`` until 200, a child dies, a stop is requested, or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and supervisor.stop_reason is None:
        if supervisor.dead_child():
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return False
