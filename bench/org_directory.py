"""The org directory under load: 100,000 employees in PostgreSQL, read through the gateway.

    python -m bench.org_directory [--employees 100000] [--seconds 10] [--postgres URL]

1. Imports the employees through the gateway in CSV batches of 10,000 (each timed).
2. Loads, with wrk at 16 and 64 connections: ``GET /api/v1/org/employees/{random id}`` and
   ``GET /api/v1/org/employees?department_id=<random department>`` through the gateway
   (token checked by the gateway and again by the service), and, in the same run, the naive
   baseline (``bench/naive_app.py``: bare FastAPI + SQLAlchemy ORM + pydantic, no gateway,
   no auth) reading the same employees.
3. Times page 1 and page 1,000 of ``GET /employees?limit=50&sort=name`` (100 reads each).

Targets (issue 4): the full path at least matches the naive baseline's throughput, with
p99 at most 5x its own p50; page 1,000 costs what page 1 costs within 20%; importing
10,000 rows takes under 5 s.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import httpx

from bench.common import busy_warning, format_table, machine_info, write_result
from bench.gateway_overhead import DEFAULT_POSTGRES, cpu_cell, import_employees, platform_processes
from bench.wrk import LoadResult, run
from tests.platform_runner import free_port_block, start_platform


def wait_for_consumer(url: str, prefix: str, timeout: float = 600) -> float:
    """Seconds until hr's copy of org has applied every org event published so far."""
    import asyncio

    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    async def lag() -> tuple[int, int]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                newest = (
                    await conn.execute(
                        text(f'SELECT coalesce(max(seq), 0) FROM "{prefix}org".outbox')
                    )
                ).scalar_one()
                cursor = (
                    await conn.execute(
                        text(
                            f"SELECT coalesce(max(last_seq), 0) FROM \"{prefix}hr\".consumer_cursors WHERE consumer = 'org-directory'"
                        )
                    )
                ).scalar_one()
                unpublished = (
                    await conn.execute(
                        text(f'SELECT count(*) FROM "{prefix}org".outbox WHERE seq IS NULL')
                    )
                ).scalar_one()
            return int(newest) + int(unpublished), int(cursor)
        finally:
            await engine.dispose()

    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        newest, cursor = asyncio.run(lag())
        if cursor >= newest:
            break
        time.sleep(1)
    waited = time.perf_counter() - began
    print(f"  hr caught up with org's feed after {waited:.1f}s", flush=True)
    return waited


def page_costs(
    base: str, token: str, pages: int = 1000, limit: int = 50, samples: int = 100
) -> dict[str, float]:
    """Median milliseconds of reading page 1 and page ``pages`` of the name-sorted directory."""
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{base}/api/v1/org/employees"
    with httpx.Client(headers=headers, timeout=30) as client:
        cursor: str | None = None
        for _ in range(pages - 1):
            params: dict[str, str | int] = {"limit": limit, "sort": "name"}
            if cursor:
                params["cursor"] = cursor
            cursor = client.get(url, params=params).json()["next_cursor"]
        last: dict[str, str | int] = {"limit": limit, "sort": "name", "cursor": cursor or ""}
        timings: dict[str, list[float]] = {"page_1": [], f"page_{pages}": []}
        first: dict[str, str | int] = {"limit": limit, "sort": "name"}
        for _ in range(samples):
            for key, params in (("page_1", first), (f"page_{pages}", last)):
                began = time.perf_counter()
                response = client.get(url, params=params)
                timings[key].append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200 and len(response.json()["items"]) == limit
    return {key: statistics.median(values) for key, values in timings.items()}


def main() -> None:
    """Run the benchmark and print and save its figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    warning = busy_warning()
    if warning:
        print(warning, file=sys.stderr)
    machine = machine_info()

    report: dict[str, object] = {}
    results: list[LoadResult] = []
    with tempfile.TemporaryDirectory() as folder:
        platform = start_platform(Path(folder), postgres_url=args.postgres)
        naive = None
        try:
            token = platform.token()
            began = time.perf_counter()
            batches: list[float] = []
            ids = import_employees(platform, token, args.employees, timings=batches)
            report["import_batch_seconds"] = batches
            report["import_seconds_total"] = time.perf_counter() - began
            # hr follows org's feed; let it catch up on the imported employees before measuring.
            report["hr_catch_up_seconds"] = wait_for_consumer(
                args.postgres, platform.env["OFFICINA_SCHEMA_PREFIX"]
            )
            headers = {"Authorization": f"Bearer {token}"}
            departments = httpx.get(
                f"{platform.url}/api/v1/org/departments", headers=headers
            ).json()["items"]
            schema = f"{platform.env['OFFICINA_SCHEMA_PREFIX']}org"
            port = free_port_block(1)
            naive = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "bench.naive_app:app",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                    "--no-access-log",
                ],
                env={**os.environ, "NAIVE_DATABASE_URL": args.postgres, "NAIVE_SCHEMA": schema},
            )
            naive_url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(f"{naive_url}/docs").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            by_id = [f"/api/v1/org/employees/{i}" for i in ids]
            naive_paths = [f"/employees/{i}" for i in ids]
            lists = [
                f"/api/v1/org/employees?department_id={d['id']}"
                for d in departments
                if d["code"] in ("RND", "SALES", "TS", "MKT")
            ]
            processes = platform_processes(platform)
            processes["naive"] = [naive.pid]
            run("warmup", platform.url, by_id, token, 16, 3)
            run("warmup", naive_url, naive_paths, None, 16, 3)
            run("warmup", platform.url, lists, token, 16, 3)
            for connections in (16, 64):
                for _ in range(args.rounds):
                    for label, base, paths, bearer in (
                        ("naive by id", naive_url, naive_paths, None),
                        ("gateway by id", platform.url, by_id, token),
                        ("gateway list", platform.url, lists, token),
                    ):
                        result = run(
                            label, base, paths, bearer, connections, args.seconds, processes
                        )
                        print(
                            f"  {label:<14} {connections:>3} conns: {result.throughput:7.0f} "
                            f"req/s, p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms",
                            flush=True,
                        )
                        results.append(result)
            report["pages"] = page_costs(
                platform.url, token, pages=min(1000, max(2, args.employees // 50 - 1))
            )
        finally:
            if naive is not None:
                naive.terminate()
                naive.wait()
            platform.stop()
            platform.drop_schemas()
    print(
        format_table(
            [
                "what",
                "conns",
                "req/s",
                "p50 ms",
                "p99 ms",
                "p99/p50",
                "errors",
                "CPU ms per request",
            ],
            [
                (
                    r.label,
                    r.connections,
                    f"{r.throughput:.0f}",
                    r.p50_ms,
                    r.p99_ms,
                    r.p99_ms / r.p50_ms,
                    r.errors,
                    cpu_cell(r, "naive", "gateway", "org", "postgres", "wrk", "others"),
                )
                for r in results
            ],
        )
    )
    print()
    for connections in (16, 64):
        naive_runs = [
            r for r in results if r.label == "naive by id" and r.connections == connections
        ]
        full_runs = [
            r for r in results if r.label == "gateway by id" and r.connections == connections
        ]
        ratios = [f.throughput / n.throughput for n, f in zip(naive_runs, full_runs, strict=True)]
        report[f"full_path_vs_naive_{connections}"] = ratios
        print(
            f"full path / naive baseline at {connections} connections: "
            + ", ".join(f"{ratio:.2f}" for ratio in ratios)
        )
    print(f"\npage costs (median ms): {report['pages']}")
    print(
        f"import of {args.employees} employees: {report['import_seconds_total']:.1f}s in total, "
        f"slowest batch of 10,000 rows {max(batches):.2f}s"
    )
    path = write_result(
        "org-directory",
        {
            "machine": machine,
            "busy_warning": warning,
            "settings": vars(args),
            **report,
            "runs": [{**asdict(r), "throughput": r.throughput} for r in results],
        },
    )
    print(f"saved {path}")
    if any(r.errors for r in results):
        sys.exit("some requests failed; the figures are not valid")


if __name__ == "__main__":
    main()
