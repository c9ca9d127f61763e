"""Running wrk (the HTTP load generator from Debian's ``wrk`` package) and reading its results."""

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import STARTED

LUA = r"""
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local token = os.getenv("WRK_TOKEN")
math.randomseed(os.time())
request = function()
  local headers = {}
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
local non2xx = 0
response = function(status, headers, body)
  if status >= 300 then non2xx = non2xx + 1 end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write("WRKJSON" .. string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d}',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout) .. "\n")
end
"""


@dataclass(frozen=True)
class LoadResult:
    """One wrk run."""

    label: str
    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    # CPU time per request, by process group ("gateway", "org", "postgres", "wrk", …).
    cpu_ms_per_request: dict[str, float] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def postgres_backends() -> list[int]:
    """Pids of the local PostgreSQL server's processes (backends included)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def launcher_children(log: str) -> dict[str, list[int]]:
    """The pids ``officina up`` printed (``  <name>  pid <pid> on port <port>``), by name."""
    found: dict[str, list[int]] = {}
    for line in log.splitlines():
        match = STARTED.match(line)
        if match:
            found.setdefault(match["name"], []).append(int(match["pid"]))
    return found


def ensure_wrk() -> str:
    """The wrk binary; install it with ``apt-get install wrk`` if missing."""
    binary = shutil.which("wrk")
    if binary is None:
        raise SystemExit("wrk is not installed: run `apt-get update && apt-get install -y wrk`")
    return binary


def run(
    label: str,
    base_url: str,
    paths: list[str],
    token: str | None,
    connections: int,
    seconds: int,
    processes: Mapping[str, Sequence[int]] | None = None,
) -> LoadResult:
    """Load ``base_url`` with GETs of random ``paths`` for ``seconds`` at ``connections``.

    With ``processes`` (name → pids), the CPU time each group used during the run is divided
    by the requests served: where a request's cost goes (PostgreSQL's backends are counted
    under "postgres", wrk itself under "wrk").
    """
    groups = {name: list(pids) for name, pids in (processes or {}).items()}
    if processes is not None:
        groups["postgres"] = postgres_backends()
    before = {name: sum(cpu_seconds(pid) for pid in pids) for name, pids in groups.items()}
    children_before = os.times()
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "random.lua"
        script.write_text(LUA)
        listing = Path(folder) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        threads = 1 if connections < 4 else 2
        completed = subprocess.run(
            [
                ensure_wrk(),
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                base_url,
            ],
            capture_output=True,
            text=True,
            env={"WRK_PATHS": str(listing), "WRK_TOKEN": token or "", "PATH": "/usr/bin:/bin"},
            check=True,
        )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("WRKJSON"))
    data = json.loads(line.removeprefix("WRKJSON"))
    errors = sum(
        data[k]
        for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    cpu: dict[str, float] = {}
    if processes is not None and data["requests"]:
        children_after = os.times()
        used = {
            name: sum(cpu_seconds(pid) for pid in pids) - before[name]
            for name, pids in groups.items()
        }
        used["wrk"] = (
            children_after.children_user
            + children_after.children_system
            - children_before.children_user
            - children_before.children_system
        )
        cpu = {name: round(1000 * value / data["requests"], 3) for name, value in used.items()}
    return LoadResult(
        label=label,
        connections=connections,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
        cpu_ms_per_request=cpu,
    )
