"""Startup benchmark: how long ``officina up`` takes to be ready, and what each process weighs.

    python -m bench.startup [--runs 3] [--postgres URL] [--warmup 20] [--timeout 120]

Each run starts ``officina up`` twice on free ports with a fresh data directory: a *first*
start (empty database: every migration and the reference data) and a *second* start (already
migrated). For each start it measures

- migrate: launch until the launcher prints its first ``<name> pid <pid> on port <port>``
  line, i.e. interpreter start, imports, migrations and reference data (the launcher's own
  start-up, until it prints ``officina: migrating``, is reported separately as well);
- processes: from there until the gateway's ``/readyz`` answers 200 with every service
  ready;
- CPU: user + system CPU seconds of the launcher (with any reaped children) and of each
  process it started, summed, at the moment the platform is ready — the start-up's cost on
  a shared machine, where wall time mostly measures the other load;
- the resident memory (VmRSS) of each of the six processes once ready and again after a
  small warm-up (a token, the merged OpenAPI document, every parameterless GET route);
- stop: SIGTERM to the launcher until it exits, then a check that no process is left.

It prints tables and writes ``bench/results/startup-<timestamp>.json``. See bench/README.md.
"""

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.common import (
    STARTED,
    busy_warning,
    format_table,
    free_port_block,
    load_average,
    machine_info,
    summarize,
    utc_now,
    write_result,
)
from officina.components import COMPONENTS, component

ADMIN_PASSWORD = "bench-admin-password-0"
POLL_SECONDS = 0.05
STOP_TIMEOUT = 30.0

MIGRATED = re.compile(r"^\s+(?P<name>\w+)\s+migrated and seeded in (?P<seconds>[\d.]+)s")
ANNOUNCED = re.compile(r"^officina: migrating")


class BenchError(RuntimeError):
    """A start that did not become ready, or a stop that left processes behind."""


@dataclass
class Launcher:
    """One ``officina up`` process; its output is read line by line with arrival times."""

    port: int
    data_dir: Path
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] = field(init=False)
    launched_at: float = field(init=False)
    lines: list[tuple[float, str]] = field(default_factory=list)
    _reader: threading.Thread = field(init=False)

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "officina.cli",
            "up",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
        ]
        self.launched_at = time.monotonic()
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=self.env
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.log_path.open("a", encoding="utf-8") as log:
            for raw in self.process.stdout:
                line = raw.decode(errors="replace").rstrip("\n")
                self.lines.append((time.monotonic(), line))
                log.write(line + "\n")

    def first(self, pattern: re.Pattern[str]) -> tuple[float, re.Match[str]] | None:
        """Arrival time (since launch) and match of the first line matching ``pattern``."""
        for at, line in list(self.lines):
            match = pattern.match(line)
            if match:
                return at - self.launched_at, match
        return None

    def children(self) -> dict[str, int]:
        """pid of each component, from the launcher's ``<name> pid <pid> on port`` lines."""
        pids = {}
        for _, line in list(self.lines):
            match = STARTED.match(line)
            if match:
                assert int(match["port"]) == component(match["name"]).port(self.port)
                pids[match["name"]] = int(match["pid"])
        return pids

    def migrations(self) -> dict[str, float]:
        """Seconds each component's migration and reference data took, as the launcher says."""
        result = {}
        for _, line in list(self.lines):
            match = MIGRATED.match(line)
            if match:
                result[match["name"]] = float(match["seconds"])
        return result

    def tail(self, count: int = 40) -> str:
        return "\n".join(line for _, line in self.lines[-count:])

    def stop(self) -> tuple[float, int]:
        """SIGTERM and wait; returns (seconds until the launcher exited, its exit status)."""
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait()
        elapsed = time.monotonic() - started
        self._reader.join(timeout=5)
        return elapsed, status


def _proc_status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds_of(pid: int, *, with_reaped_children: bool = False) -> float:
    """User + system CPU seconds a process has used (plus its reaped children's, if asked)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # after the ")": state is field 3 of stat(5), so utime (14) is at index 11
    ticks = int(fields[11]) + int(fields[12])
    if with_reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def memory_of(pid: int) -> dict[str, float]:
    """VmRSS, RssAnon (private heap) and VmHWM (peak RSS) of a process, in MiB."""
    status = _proc_status(pid)

    def mib(key: str) -> float:
        value = status.get(key, "").split()
        return int(value[0]) / 1024 if value else float("nan")

    return {"rss": mib("VmRSS"), "anon": mib("RssAnon"), "peak": mib("VmHWM")}


def alive(pid: int) -> bool:
    """A process exists and is not a zombie."""
    state = _proc_status(pid).get("State", "")
    return bool(state) and not state.startswith("Z")


def leftovers(pids: dict[str, int]) -> list[dict[str, Any]]:
    """The launched processes still alive, plus anything in their sessions (grandchildren)."""
    sessions = set(pids.values())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        session = int(fields[3])
        if (pid in sessions or session in sessions) and fields[0] != "Z":
            found.append({"pid": pid, "session": session, "cmd": stat.split("(", 1)[1][:40]})
    return found


def ready_body(url: str) -> dict[str, Any] | None:
    """The gateway's ``/readyz`` body when it answers 200 with every service ready."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            if response.status != 200:
                return None
            body: dict[str, Any] = json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None
    services = body.get("services", {})
    if all(services.get(name) == "ready" for name in COMPONENTS[1:]):
        return body
    return None


def warm_up(base_url: str, rounds: int) -> dict[str, Any]:
    """A token, the merged OpenAPI document, then every parameterless GET route ``rounds`` times."""
    statuses: dict[str, int] = {}
    started = time.monotonic()
    with httpx.Client(base_url=base_url, timeout=30) as client:
        token = client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD},
        )
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        document = client.get("/openapi.json")
        document.raise_for_status()
        paths = sorted(
            path
            for path, operations in document.json().get("paths", {}).items()
            if "get" in operations and "{" not in path and path.startswith("/api/v1/")
        )
        paths = [path for path in paths if not path.endswith("/openapi.json")] + ["/readyz"]
        for _ in range(rounds):
            for path in paths:
                response = client.get(path, headers=headers)
                key = str(response.status_code)
                statuses[key] = statuses.get(key, 0) + 1
    return {
        "paths": paths,
        "requests": sum(statuses.values()) + 2,
        "statuses": statuses,
        "seconds": round(time.monotonic() - started, 3),
    }


def measure_start(
    kind: str, data_dir: Path, env: dict[str, str], log_path: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Start, wait for ready, measure memory, warm up, measure again, stop, check for leftovers."""
    port = free_port_block()
    launcher = Launcher(port, data_dir, env, log_path)
    load_before = load_average()
    launcher.start()
    pids: dict[str, int] = {}
    result: dict[str, Any] = {"kind": kind, "port": port, "load_average_1m": round(load_before, 2)}
    try:
        url = f"http://127.0.0.1:{port}/readyz"
        deadline = launcher.launched_at + args.timeout
        ready_at = None
        while time.monotonic() < deadline:
            if launcher.process.poll() is not None:
                raise BenchError(
                    f"{kind} start: launcher exited with {launcher.process.returncode}\n"
                    + launcher.tail()
                )
            if ready_body(url) is not None:
                ready_at = time.monotonic() - launcher.launched_at
                break
            time.sleep(POLL_SECONDS)
        if ready_at is None:
            raise BenchError(f"{kind} start: not ready within {args.timeout}s\n{launcher.tail()}")
        spawned = launcher.first(STARTED)
        announced = launcher.first(ANNOUNCED)
        assert spawned is not None and announced is not None
        pids = launcher.children()
        cpu = {name: cpu_seconds_of(pid) for name, pid in pids.items()}
        cpu["launcher"] = cpu_seconds_of(launcher.process.pid, with_reaped_children=True)
        if set(pids) != set(COMPONENTS):
            raise BenchError(f"{kind} start: launcher reported pids for {sorted(pids)}")
        for name, pid in pids.items():
            if _parent_of(pid) != launcher.process.pid:
                raise BenchError(f"{name} (pid {pid}) is not a child of the launcher")
        result.update(
            {
                "launcher_start_seconds": round(announced[0], 3),
                "migrate_seconds": round(spawned[0], 3),
                "processes_seconds": round(ready_at - spawned[0], 3),
                "total_seconds": round(ready_at, 3),
                "cpu_seconds": {name: round(value, 2) for name, value in cpu.items()},
                "total_cpu_seconds": round(sum(cpu.values()), 2),
                "migrations": launcher.migrations(),
                "pids": pids,
                "memory_ready": {name: memory_of(pid) for name, pid in pids.items()},
            }
        )
        result["memory_ready"]["launcher"] = memory_of(launcher.process.pid)
        result["warm_up"] = warm_up(f"http://127.0.0.1:{port}", args.warmup)
        result["memory_warm"] = {name: memory_of(pid) for name, pid in pids.items()}
        result["memory_warm"]["launcher"] = memory_of(launcher.process.pid)
    finally:
        stop_seconds, status = launcher.stop()
        pids = pids or launcher.children()
        left = leftovers(pids)
        for process in left:  # ours: started by this launcher
            with contextlib.suppress(ProcessLookupError):
                os.kill(process["pid"], signal.SIGKILL)
        result.update(
            {"stop_seconds": round(stop_seconds, 3), "exit_status": status, "leftovers": left}
        )
    if left:
        raise BenchError(f"{kind} start: processes left after SIGTERM: {left}")
    if status != 0:
        raise BenchError(f"{kind} start: launcher exited with {status}\n{launcher.tail()}")
    return result


def drop_schemas(url: str, prefix: str) -> None:
    """Remove the PostgreSQL schemas a run created."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    async def drop() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                for name in COMPONENTS:
                    await conn.execute(text(f'DROP SCHEMA IF EXISTS "{prefix}{name}" CASCADE'))
        finally:
            await engine.dispose()

    asyncio.run(drop())


def base_environment(args: argparse.Namespace) -> dict[str, str]:
    """The environment of a clean ``officina up``: none of the caller's OFFICINA_* settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("OFFICINA_")}
    env.update(
        {
            "OFFICINA_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "OFFICINA_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",  # line arrival times are the launcher's print times
        }
    )
    if args.postgres:
        env["OFFICINA_DATABASE_URL"] = args.postgres
    return env


def run(args: argparse.Namespace) -> dict[str, Any]:
    starts: list[dict[str, Any]] = []
    for number in range(1, args.runs + 1):
        workdir = Path(tempfile.mkdtemp(prefix="officina-bench-"))
        env = base_environment(args)
        prefix = f"bench_{uuid.uuid4().hex[:8]}_" if args.postgres else ""
        if prefix:
            env["OFFICINA_SCHEMA_PREFIX"] = prefix
        try:
            for kind in ("first", "second"):
                print(f"run {number}/{args.runs}: {kind} start ...", flush=True)
                start = measure_start(kind, workdir / "data", env, workdir / "platform.log", args)
                start["run"] = number
                starts.append(start)
                print(
                    f"  ready in {start['total_seconds']:.2f}s "
                    f"(migrate {start['migrate_seconds']:.2f}s + processes "
                    f"{start['processes_seconds']:.2f}s), {start['total_cpu_seconds']:.2f} CPU s, "
                    f"stopped in {start['stop_seconds']:.2f}s",
                    flush=True,
                )
                time.sleep(args.settle)
        finally:
            if prefix:
                drop_schemas(args.postgres, prefix)
            shutil.rmtree(workdir, ignore_errors=True)
    return {"starts": starts, "summary": summarize_starts(starts)}


def summarize_starts(starts: list[dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, Any] = {"time": {}, "memory": {}}
    for kind in ("first", "second"):
        chosen = [start for start in starts if start["kind"] == kind]
        summary["time"][kind] = {
            metric: summarize(start[metric] for start in chosen)
            for metric in (
                "launcher_start_seconds",
                "migrate_seconds",
                "processes_seconds",
                "total_seconds",
                "total_cpu_seconds",
                "stop_seconds",
            )
        }
    for name in (*COMPONENTS, "launcher"):
        summary["memory"][name] = {
            f"{phase}_{measure}_mib": summarize(
                start[f"memory_{phase}"][name][measure] for start in starts
            )
            for phase in ("ready", "warm")
            for measure in ("rss", "anon")
        }
    summary["memory"]["six_processes_warm_rss_mib"] = summarize(
        sum(start["memory_warm"][name]["rss"] for name in COMPONENTS) for start in starts
    )
    return summary


def report(result: dict[str, Any]) -> str:
    summary = result["summary"]
    time_rows = []
    for kind in ("first", "second"):
        times = summary["time"][kind]
        for metric, label in (
            ("migrate_seconds", "migrate + seed"),
            ("launcher_start_seconds", "  of it, launcher imports"),
            ("processes_seconds", "processes ready"),
            ("total_seconds", "launch to ready"),
            ("total_cpu_seconds", "CPU s, all processes, to ready"),
            ("stop_seconds", "SIGTERM to exit"),
        ):
            stats = times[metric]
            time_rows.append(
                [f"{kind} start: {label}", stats["median"], stats["min"], stats["max"]]
            )
    memory_rows = []
    for name in (*COMPONENTS, "launcher"):
        memory = summary["memory"][name]
        memory_rows.append(
            [
                name,
                memory["ready_rss_mib"]["median"],
                memory["warm_rss_mib"]["median"],
                memory["warm_rss_mib"]["max"],
                memory["warm_anon_mib"]["median"],
            ]
        )
    total = summary["memory"]["six_processes_warm_rss_mib"]
    memory_rows.append(["six processes", None, total["median"], total["max"], None])
    migrations: dict[str, list[float]] = {}
    for start in result["starts"]:
        if start["kind"] == "first":
            for name, seconds in start["migrations"].items():
                migrations.setdefault(name, []).append(seconds)
    migration_rows = [
        [name, summarize(values)["median"], summarize(values)["max"]]
        for name, values in migrations.items()
    ]
    warm = result["starts"][-1]["warm_up"]
    return "\n\n".join(
        [
            format_table(["seconds", "median", "min", "max"], time_rows),
            "first start, per component, as the launcher reports it:\n"
            + format_table(["migrate + seed (s)", "median", "max"], migration_rows),
            format_table(
                ["MiB", "RSS ready", "RSS warm", "RSS warm max", "anon warm"], memory_rows
            ),
            f"warm-up: {warm['requests']} requests per start over {len(warm['paths'])} routes "
            f"(statuses {warm['statuses']}); 'launcher' is the officina up process itself.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs, each a first and a second start")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="PostgreSQL URL (postgresql+asyncpg://...); each run uses its own schemas, dropped after",
    )
    parser.add_argument(
        "--warmup", type=int, default=20, help="rounds of GETs over every parameterless route"
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds a start may take to be ready"
    )
    parser.add_argument("--settle", type=float, default=1.0, help="pause between starts (s)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    warning = busy_warning()
    if warning:
        print(warning, file=sys.stderr, flush=True)
    machine = machine_info()
    started_at = utc_now()
    try:
        result = run(args)
    except (BenchError, httpx.HTTPError) as exc:
        print(f"bench.startup: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    payload = {
        "benchmark": "startup",
        "started_at": started_at,
        "finished_at": utc_now(),
        "machine": machine,
        "busy_warning": warning,
        "config": {
            "runs": args.runs,
            "database": "postgresql" if args.postgres else "sqlite",
            "warmup_rounds": args.warmup,
            "poll_seconds": POLL_SECONDS,
        },
        **result,
    }
    print()
    print(report(result))
    path = write_result("startup", payload)
    print(f"\nwrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
