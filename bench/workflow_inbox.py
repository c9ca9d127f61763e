"""The approval engine at volume, and the saga's speed.

    python -m bench.workflow_inbox [--instances 100000] [--seconds 10] [--sagas 30] [--postgres URL]

1. Starts the platform with the demo company on PostgreSQL and loads, straight into the
   workflow schema, ``--instances`` finished and pending leave instances with three tasks
   each (300,000 tasks for 100,000 instances) spread over 1,000 approvers; the demo's R&D
   head gets 200 pending tasks among them.
2. Loads ``GET /api/v1/workflow/tasks?assignee=me&status=pending`` (the inbox, first page)
   through the gateway with wrk at 16 connections: throughput, p50, p99.
3. Runs ``--sagas`` leave requests end to end: the engineer asks one day of leave, the R&D
   head approves, and the time from the approval's answer to hr showing the request
   approved is measured (p50, p99).
"""

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import create_async_engine

from bench.gateway_overhead import DEFAULT_POSTGRES
from bench.wrk import run
from services.workflow.db.models import Definition, Instance, Task
from shared.contracts.ids import new_id
from tests.platform_runner import RunningPlatform, start_platform


async def load_instances(url: str, schema: str, count: int, hot_approver: uuid.UUID) -> None:
    """Bulk-insert instances and tasks; ``hot_approver`` gets 200 pending tasks."""
    engine = create_async_engine(url, connect_args={"server_settings": {"search_path": schema}})
    rng = random.Random(7)
    approvers = [uuid.uuid4() for _ in range(1000)]
    now = datetime.now(UTC)
    far = datetime(9999, 12, 31, tzinfo=UTC)
    async with engine.begin() as conn:
        definition_id = (
            await conn.execute(select(Definition.id).where(Definition.key == "leave"))
        ).scalar_one()
    for start in range(0, count, 5000):
        instances, tasks = [], []
        for n in range(start, min(count, start + 5000)):
            instance_id = new_id()
            pending = n % 10 == 0
            created = now - timedelta(minutes=count - n)
            instances.append(
                {
                    "id": instance_id,
                    "definition_id": definition_id,
                    "definition_key": "leave",
                    "subject_service": "hr",
                    "subject_type": "leave_request",
                    "subject_id": str(uuid.uuid4()),
                    "requester_employee_id": uuid.uuid4(),
                    "title": f"bench leave {n}",
                    "summary": "",
                    "data": {"days": 2, "leave_type": "annual"},
                    "status": "pending" if pending else "approved",
                    "current_step": 0 if pending else None,
                    "round": 1,
                    "version": 1,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            for step in range(3):
                assignee = (
                    hot_approver
                    if pending and step == 0 and n % 500 == 0
                    else rng.choice(approvers)
                )
                status = (
                    "pending"
                    if pending and step == 0
                    else ("approved" if not pending else "waiting")
                )
                due = created + timedelta(days=1) if status == "pending" else None
                tasks.append(
                    {
                        "id": new_id(),
                        "instance_id": instance_id,
                        "round": 1,
                        "step_index": step,
                        "step_key": ("manager", "department_head", "general_manager")[step],
                        "position": 0,
                        "assignee_employee_id": assignee,
                        "status": status,
                        "due_at": due,
                        "sort_due": due or far,
                        "deadline_done": False,
                        "reminders_sent": 0,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
        async with engine.begin() as conn:
            await conn.execute(insert(Instance), instances)
            await conn.execute(insert(Task), tasks)
    async with engine.begin() as conn:
        await conn.exec_driver_sql("ANALYZE")
    await engine.dispose()


def login(platform: RunningPlatform, username: str, password: str) -> str:
    """An access token."""
    response = httpx.post(
        f"{platform.url}/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": password},
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def saga_latencies(platform: RunningPlatform, engineer: str, head: str, count: int) -> list[float]:
    """Seconds from the approving answer to hr applying the outcome, for ``count`` leave requests."""
    bearer = lambda token: {"Authorization": f"Bearer {token}"}  # noqa: E731
    latencies = []
    day = date(date.today().year + 1, 1, 5)
    with httpx.Client(base_url=platform.url, timeout=30) as client:
        admin = bearer(platform.token())
        year = day.year
        client.post(
            "/api/v1/hr/leave-balances/allocate", json={"year": year}, headers=admin
        ).raise_for_status()
        me = client.get("/api/v1/auth/me", headers=bearer(engineer)).json()["employee_id"]
        balance = next(
            b
            for b in client.get(
                f"/api/v1/hr/leave-balances?employee_id={me}&year={year}", headers=admin
            ).json()
            if b["leave_type"] == "annual"
        )
        client.post(
            f"/api/v1/hr/leave-balances/{balance['id']}/adjustments",
            headers=admin,
            json={"delta": str(count + 5), "reason": "benchmark"},
        ).raise_for_status()
        for _ in range(count):
            while day.weekday() >= 5:
                day += timedelta(days=1)
            created = client.post(
                "/api/v1/hr/leave-requests",
                headers=bearer(engineer),
                json={
                    "leave_type": "annual",
                    "start_date": day.isoformat(),
                    "end_date": day.isoformat(),
                },
            )
            created.raise_for_status()
            request_id = created.json()["id"]
            instance_id = created.json()["workflow_instance_id"]
            detail = client.get(
                f"/api/v1/workflow/instances/{instance_id}", headers=bearer(head)
            ).json()
            task = next(t for t in detail["tasks"] if t["status"] == "pending")
            client.post(
                f"/api/v1/workflow/tasks/{task['id']}/approve", headers=bearer(head)
            ).raise_for_status()
            approved_at = time.perf_counter()
            while (
                client.get(
                    f"/api/v1/hr/leave-requests/{request_id}", headers=bearer(engineer)
                ).json()["status"]
                != "approved"
            ):
                if time.perf_counter() - approved_at > 10:
                    raise SystemExit("hr did not apply an approval within 10 s")
            latencies.append(time.perf_counter() - approved_at)
            day += timedelta(days=1)
    return latencies


def main() -> None:
    """Run the benchmark and print and save its figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--sagas", type=int, default=30)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        platform = start_platform(Path(folder), postgres_url=args.postgres, demo=True)
        try:
            passwords = platform.demo_passwords()
            head = login(platform, "rnd.head", passwords["rnd.head"])
            engineer = login(platform, "rnd.engineer", passwords["rnd.engineer"])
            head_id = uuid.UUID(
                httpx.get(
                    f"{platform.url}/api/v1/auth/me", headers={"Authorization": f"Bearer {head}"}
                ).json()["employee_id"]
            )
            began = time.perf_counter()
            asyncio.run(
                load_instances(
                    args.postgres,
                    f"{platform.env['OFFICINA_SCHEMA_PREFIX']}workflow",
                    args.instances,
                    head_id,
                )
            )
            print(
                f"loaded {args.instances} instances and {3 * args.instances} tasks in {time.perf_counter() - began:.1f}s"
            )
            paths = ["/api/v1/workflow/tasks?assignee=me&status=pending"]
            run("warmup", platform.url, paths, head, 16, 3)
            inbox = run("inbox", platform.url, paths, head, 16, args.seconds)
            latencies = saga_latencies(platform, engineer, head, args.sagas)
        finally:
            platform.stop()
            platform.drop_schemas()
    latencies_ms = sorted(value * 1000 for value in latencies)
    p99 = latencies_ms[min(len(latencies_ms) - 1, int(len(latencies_ms) * 0.99))]
    print(
        f"inbox: {inbox.throughput:.0f} req/s, p50 {inbox.p50_ms:.1f} ms, p99 {inbox.p99_ms:.1f} ms, errors {inbox.errors}"
    )
    print(
        f"approval → hr applied: p50 {statistics.median(latencies_ms):.0f} ms, p99 {p99:.0f} ms, max {latencies_ms[-1]:.0f} ms over {len(latencies_ms)} sagas"
    )
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    path = out / f"workflow-inbox-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(
        json.dumps(
            {
                "inbox": {
                    "throughput": inbox.throughput,
                    "p50_ms": inbox.p50_ms,
                    "p99_ms": inbox.p99_ms,
                    "errors": inbox.errors,
                },
                "saga_ms": latencies_ms,
            },
            indent=2,
        )
    )
    print(f"saved {path}")


if __name__ == "__main__":
    main()
