"""What the gateway hop costs: the same authenticated GET through the gateway and directly.

    python -m bench.gateway_overhead [--seconds 10] [--employees 1000] [--postgres URL | --sqlite]

Starts the platform (``officina up``), imports employees, then loads
``GET /api/v1/org/employees/{random id}`` with wrk at 1, 16 and 64 connections, directly on
the org port and through the gateway, side by side, and prints throughput, p50, p99 and
the gateway/direct ratios. Targets: at 16 and 64 connections the gateway keeps at least
0.85x the direct throughput, its p50 at most 1.25x and its p99 at most 1.5x direct.
"""

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import httpx

from bench.wrk import LoadResult, run
from tests.platform_runner import RunningPlatform, start_platform

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def import_employees(
    platform: RunningPlatform, token: str, count: int, batch: int = 10_000
) -> list[str]:
    """Create ``count`` employees in R&D through the gateway; returns their ids."""
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
        print(
            f"  imported {len(rows) - 1} employees in {time.perf_counter() - began:.2f}s",
            flush=True,
        )
    return ids


def table(results: list[LoadResult]) -> str:
    """A readable table with the gateway/direct ratios per concurrency."""
    lines = [f"{'path':<8} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"]
    for result in results:
        lines.append(
            f"{result.label:<8} {result.connections:>5} {result.throughput:>9.0f} {result.p50_ms:>8.2f} "
            f"{result.p99_ms:>8.2f} {result.errors:>6}"
        )
    lines.append("")
    lines.append(f"{'conns':>5} {'throughput x':>13} {'p50 x':>7} {'p99 x':>7}")
    by_key = {(r.label, r.connections): r for r in results}
    for connections in sorted({r.connections for r in results}):
        direct, gateway = by_key[("direct", connections)], by_key[("gateway", connections)]
        lines.append(
            f"{connections:>5} {gateway.throughput / direct.throughput:>13.2f} "
            f"{gateway.p50_ms / direct.p50_ms:>7.2f} {gateway.p99_ms / direct.p99_ms:>7.2f}"
        )
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark and print and save its figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--connections", default="1,16,64")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument(
        "--sqlite", action="store_true", help="use the embedded SQLite files instead"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        platform = start_platform(Path(folder), postgres_url=None if args.sqlite else args.postgres)
        try:
            token = platform.token()
            ids = import_employees(platform, token, args.employees)
            paths = [f"/api/v1/org/employees/{employee_id}" for employee_id in ids]
            run("warmup", platform.url, paths, token, 16, 3)
            run("warmup", platform.service_url("org"), paths, token, 16, 3)
            results = []
            for connections in [int(c) for c in args.connections.split(",")]:
                results.append(
                    run(
                        "direct",
                        platform.service_url("org"),
                        paths,
                        token,
                        connections,
                        args.seconds,
                    )
                )
                results.append(
                    run("gateway", platform.url, paths, token, connections, args.seconds)
                )
        finally:
            platform.stop()
            platform.drop_schemas()
    print(table(results))
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    path = out / f"gateway-overhead-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(
        json.dumps([{**asdict(r), "throughput": r.throughput} for r in results], indent=2)
    )
    print(f"\nsaved {path}")
    if any(r.errors for r in results):
        sys.exit("some requests failed; the figures are not valid")


if __name__ == "__main__":
    main()
