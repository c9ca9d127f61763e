"""Running wrk (the HTTP load generator from Debian's ``wrk`` package) and reading its results."""

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

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

    @property
    def throughput(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def ensure_wrk() -> str:
    """The wrk binary; install it with ``apt-get install wrk`` if missing."""
    binary = shutil.which("wrk")
    if binary is None:
        raise SystemExit("wrk is not installed: run `apt-get update && apt-get install -y wrk`")
    return binary


def run(
    label: str, base_url: str, paths: list[str], token: str | None, connections: int, seconds: int
) -> LoadResult:
    """Load ``base_url`` with GETs of random ``paths`` for ``seconds`` at ``connections``."""
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
    return LoadResult(
        label=label,
        connections=connections,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
    )
