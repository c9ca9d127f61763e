"""What the gateway hop costs: the same authenticated GET through the gateway and directly.

    python -m bench.gateway_overhead [--seconds 10] [--employees 1000] [--postgres URL | --sqlite]

Starts the platform (``officina up``), imports employees, then loads
``GET /api/v1/org/employees/{random id}`` with wrk at 1, 16 and 64 connections, directly on
the org port and through the gateway, side by side, and prints throughput, p50, p99 and
the gateway/direct ratios. Targets: at 16 and 64 connections the gateway keeps at least
0.9x the direct throughput, its p50 at most 1.25x and its p99 at most 1.5x direct.
"""

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import httpx

from bench.common import busy_warning, format_table, machine_info, write_result
from bench.wrk import LoadResult, launcher_children, run
from tests.platform_runner import RunningPlatform, start_platform

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def import_employees(
    platform: RunningPlatform,
    token: str,
    count: int,
    batch: int = 10_000,
    timings: list[float] | None = None,
) -> list[str]:
    """Create ``count`` employees through the gateway, ``batch`` rows per CSV import; returns
    their ids (and appends each import's seconds to ``timings``)."""
    headers = {"Authorization": f"Bearer {token}"}
    ids: list[str] = []
    for start in range(0, count, batch):
        rows = ["employee_number,name,email,department_code,hire_date"]
        rows += [
            f"B{n:07d},员工{n},b{n}@bench.officina.cn,{('RND', 'SALES', 'TS', 'MKT')[n % 4]},2020-01-{1 + n % 28:02d}"
            for n in range(start, min(count, start + batch))
        ]
        began = time.perf_counter()
        response = httpx.post(
            f"{platform.url}/api/v1/org/employee-imports",
            headers=headers,
            files={"file": ("employees.csv", ("\n".join(rows) + "\n").encode(), "text/csv")},
            timeout=300,
        )
        response.raise_for_status()
        ids += response.json()["employee_ids"]
        if timings is not None:
            timings.append(time.perf_counter() - began)
        print(
            f"  imported {len(rows) - 1} employees in {time.perf_counter() - began:.2f}s",
            flush=True,
        )
    return ids


def cpu_cell(result: LoadResult, *names: str) -> str:
    """``gateway 0.41 / org 0.52 / …``: CPU ms per request of the named groups."""
    cpu = result.cpu_ms_per_request
    return " / ".join(f"{name} {cpu[name]:.2f}" for name in names if name in cpu)


def ratios(results: list[LoadResult]) -> list[dict[str, float]]:
    """Per concurrency and round: gateway/direct throughput, p50 and p99 (a round is a direct
    run followed at once by a gateway run)."""
    rows = []
    for direct, gateway in zip(results[::2], results[1::2], strict=True):
        assert direct.label == "direct" and gateway.label == "gateway"
        rows.append(
            {
                "connections": direct.connections,
                "throughput": gateway.throughput / direct.throughput,
                "p50": gateway.p50_ms / direct.p50_ms,
                "p99": gateway.p99_ms / direct.p99_ms,
            }
        )
    return rows


def table(results: list[LoadResult]) -> str:
    """Every run, then the gateway/direct ratios per concurrency (median over the rounds)."""
    lines = [
        format_table(
            ["path", "conns", "req/s", "p50 ms", "p99 ms", "errors", "CPU ms per request"],
            [
                (
                    r.label,
                    r.connections,
                    f"{r.throughput:.0f}",
                    r.p50_ms,
                    r.p99_ms,
                    r.errors,
                    cpu_cell(r, "gateway", "org", "postgres", "wrk", "others"),
                )
                for r in results
            ],
        ),
        "",
    ]
    rows = ratios(results)
    summary = []
    for connections in sorted({row["connections"] for row in rows}):
        mine = [row for row in rows if row["connections"] == connections]
        summary.append(
            (
                int(connections),
                len(mine),
                *(
                    f"{statistics.median(r[key] for r in mine):.2f} "
                    f"({min(r[key] for r in mine):.2f}-{max(r[key] for r in mine):.2f})"
                    for key in ("throughput", "p50", "p99")
                ),
            )
        )
    lines.append(
        format_table(
            ["conns", "rounds", "throughput x (min-max)", "p50 x (min-max)", "p99 x (min-max)"],
            summary,
        )
    )
    return "\n".join(lines)


def platform_processes(platform: RunningPlatform) -> dict[str, list[int]]:
    """The platform's processes in the groups the CPU split reports."""
    children = launcher_children(platform.log())
    groups = {"gateway": children.get("gateway", []), "org": children.get("org", [])}
    groups["others"] = [
        pid for name, pids in children.items() if name not in groups for pid in pids
    ]
    return groups


def main() -> None:
    """Run the benchmark and print and save its figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--connections", default="1,16,64")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument(
        "--sqlite", action="store_true", help="use the embedded SQLite files instead"
    )
    args = parser.parse_args()
    warning = busy_warning()
    if warning:
        print(warning, file=sys.stderr)
    machine = machine_info()

    with tempfile.TemporaryDirectory() as folder:
        platform = start_platform(Path(folder), postgres_url=None if args.sqlite else args.postgres)
        try:
            token = platform.token()
            ids = import_employees(platform, token, args.employees)
            paths = [f"/api/v1/org/employees/{employee_id}" for employee_id in ids]
            processes = platform_processes(platform)
            run("warmup", platform.url, paths, token, 16, 3)
            run("warmup", platform.service_url("org"), paths, token, 16, 3)
            results = []
            for connections in [int(c) for c in args.connections.split(",")]:
                for _ in range(args.rounds):
                    for label, base in (
                        ("direct", platform.service_url("org")),
                        ("gateway", platform.url),
                    ):
                        result = run(
                            label, base, paths, token, connections, args.seconds, processes
                        )
                        print(
                            f"  {label:<7} {connections:>3} conns: {result.throughput:7.0f} req/s, "
                            f"p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms",
                            flush=True,
                        )
                        results.append(result)
        finally:
            platform.stop()
            platform.drop_schemas()
    print(table(results))
    path = write_result(
        "gateway-overhead",
        {
            "machine": machine,
            "busy_warning": warning,
            "settings": vars(args),
            "runs": [{**asdict(r), "throughput": r.throughput} for r in results],
            "ratios": ratios(results),
        },
    )
    print(f"\nsaved {path}")
    if any(r.errors for r in results):
        sys.exit("some requests failed; the figures are not valid")


if __name__ == "__main__":
    main()
