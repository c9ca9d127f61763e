"""Helpers every benchmark shares: statistics, free ports, machine facts, tables, JSON results."""

import json
import math
import os
import platform
import re
import socket
import subprocess
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = Path(__file__).resolve().parent / "results"

# The launcher's line for each process it starts: ``  <name>  pid <pid> on port <port>``.
STARTED = re.compile(r"^\s+(?P<name>\w+)\s+pid (?P<pid>\d+) on port (?P<port>\d+)")

# Above this 1-minute load average the machine is busy with something else and the figures
# measure the contention, not officina (the reference machine has 2 cores).
BUSY_LOAD = 1.0


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(values: Iterable[float]) -> dict[str, float]:
    """Count, min, median, p95, max and mean of a series (NaN for an empty one)."""
    series = [float(value) for value in values]
    return {
        "n": len(series),
        "min": min(series) if series else math.nan,
        "median": percentile(series, 50),
        "p95": percentile(series, 95),
        "max": max(series) if series else math.nan,
        "mean": sum(series) / len(series) if series else math.nan,
    }


def free_port_block(size: int = 6, host: str = "127.0.0.1") -> int:
    """A base port with ``size`` consecutive free ports (``officina up`` uses six)."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind((host, 0))
            base = int(probe.getsockname()[1])
        if base + size >= 65535:
            continue
        try:
            for offset in range(size):
                with socket.socket() as sock:
                    sock.bind((host, base + offset))
        except OSError:
            continue
        return base
    raise RuntimeError(f"no block of {size} free ports")


def load_average() -> float:
    """The 1-minute load average (0 where the platform has none)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def busy_warning() -> str | None:
    """A warning when the machine looks busy with other work, else None."""
    load = load_average()
    if load > BUSY_LOAD:
        return (
            f"warning: 1-minute load average is {load:.2f} (> {BUSY_LOAD}); other work is "
            "running and the figures will be pessimistic and noisy"
        )
    return None


def _git(*args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip()


def machine_info() -> dict[str, Any]:
    """What the figures were measured on: code revision, interpreter, CPUs, memory, load."""
    memory_kib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
    except OSError:
        pass
    status = _git("status", "--porcelain")
    return {
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(status) if status is not None else None,
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "memory_mib": round(memory_kib / 1024) if memory_kib else None,
        "load_average_1m": round(load_average(), 2),
    }


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


def write_result(name: str, payload: dict[str, Any]) -> Path:
    """Write ``bench/results/<name>-<UTC timestamp>.json`` (git-ignored) and return its path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"{name}-{stamp}.json"
    path.write_text(json.dumps(_json_safe(payload), indent=2, sort_keys=False) + "\n")
    return path


def utc_now() -> str:
    """The current time as ISO 8601 UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def format_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    text_rows = [[_cell(cell) for cell in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in text_rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        first, *rest = cells
        parts = [first.ljust(widths[0])]
        parts += [cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(list(headers)), rule, *(line(row) for row in text_rows)])


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return "-" if math.isnan(value) else f"{value:.2f}"
    return str(value)
