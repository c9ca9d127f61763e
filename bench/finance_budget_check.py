"""The budget check under concurrent approvals: 16 approvals of the same department at once.

    python -m bench.finance_budget_check [--approvals 16] [--rounds 10] [--budget 1000.00]
                                         [--amount 100.00] [--postgres URL | --sqlite]

Runs the finance service in-process (ASGI, no gateway; workflow is the kit's ``FakeWorkflow``)
on a fresh, migrated database (a schema of its own on PostgreSQL, dropped afterwards; a
temporary file on SQLite). Each round:

1. **Setup** (not timed): a department learnt from org-shaped events, its approved budget of
   ``--budget`` on 6602.04 业务招待费, and ``--approvals`` claims of ``--amount`` each filed through
   the API (each fits alone; together they are more than the budget).
2. **The race** (timed): workflow approves every claim and finance applies all the outcomes at
   the same time, each in its own transaction (as several consumers or replicas would): the
   budget check under the budget's row lock, and the winners' entries posted.
3. **Checks**: what the ledger shows consumed against the budget (overspend must be 0) and the
   number of winners (must be exactly ``budget // amount``).

Reported: approvals applied per second (all of a round's outcomes over the round's wall time),
the latency of one outcome's transaction (p50/p99), overspent rounds and wrong winner counts.
"""

import argparse
import asyncio
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

import shared.kit.migrations
from bench.common import (
    busy_warning,
    format_table,
    machine_info,
    percentile,
    summarize,
    utc_now,
    write_result,
)
from services.finance.app import create_app
from services.finance.config import FinanceSettings
from services.finance.db.ledger import AccountBalance
from services.finance.db.spending import ExpenseClaim
from services.finance.domain.budget_outcomes import outcome_handler
from services.finance.domain.budgets import SAGAS as BUDGET_SAGAS
from services.finance.domain.directory import apply_org_event
from services.finance.domain.spending import SAGAS as SPENDING_SAGAS
from services.finance.reference import load_reference_data
from shared.contracts.events import EventEnvelope, EventSubject
from shared.kit.testing import FakeWorkflow, TokenMinter, bearer

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
API = "/api/v1/finance"
ACCOUNT = "6602.04"
MINTER = TokenMinter()
STAFF = bearer(MINTER.user(("finance",), username="bench"))
SAGAS = (*BUDGET_SAGAS, *SPENDING_SAGAS)


def _event(seq: int, event_type: str, subject: str, data: dict[str, Any]) -> EventEnvelope:
    return EventEnvelope(
        seq=seq,
        id=uuid.uuid4(),
        type=event_type,
        occurred_at=datetime.now(UTC),
        subject=EventSubject(type=subject, id=str(data["id"])),
        data=data,
    )


async def department_with_claimant(runtime: Any, n: int) -> tuple[uuid.UUID, uuid.UUID]:
    """A department and one employee in it, as org's feed would announce them."""
    department, person = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC).isoformat()
    async with runtime.transaction() as session:
        await apply_org_event(
            session,
            _event(
                1,
                "org.department.created",
                "department",
                {
                    "id": str(department),
                    "code": f"BENCH{n}",
                    "name": f"压测部{n}",
                    "head_employee_id": str(person),
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                },
            ),
        )
        await apply_org_event(
            session,
            _event(
                2,
                "org.employee.created",
                "employee",
                {
                    "id": str(person),
                    "employee_number": f"B{n:05d}",
                    "name": f"压测员{n}",
                    "email": f"b{n}@example.cn",
                    "department_id": str(department),
                    "status": "active",
                    "hire_date": "2020-01-01",
                },
            ),
        )
    return department, person


async def approve_all(
    runtime: Any, workflow: FakeWorkflow, subject_type: str, ids: list[str]
) -> list[float]:
    """workflow approves each subject; finance applies the outcomes at once. Latencies in ms."""
    handle = outcome_handler(runtime, SAGAS)
    events = []
    for subject_id in ids:
        instance = workflow.instance_of(subject_id, subject_type)
        workflow.decide(instance, "approved")
        events.append(workflow.completed(instance, "approved"))
    latencies: list[float] = []

    async def apply(event: EventEnvelope) -> None:
        began = time.perf_counter()
        async with runtime.transaction() as session:
            await handle(session, event)
        latencies.append((time.perf_counter() - began) * 1000)

    await asyncio.gather(*(apply(event) for event in events))
    return latencies


async def one_round(
    client: httpx.AsyncClient,
    runtime: Any,
    workflow: FakeWorkflow,
    n: int,
    args: argparse.Namespace,
) -> dict[str, Any]:
    department, person = await department_with_claimant(runtime, n)
    year = runtime.today().year
    budget = await client.post(
        f"{API}/budgets",
        json={
            "year": year,
            "department_id": str(department),
            "lines": [{"account_code": ACCOUNT, "month": 1, "amount": args.budget}],
        },
        headers=STAFF,
    )
    assert budget.status_code == 201, budget.text
    submitted = await client.post(f"{API}/budgets/{budget.json()['id']}/submit", headers=STAFF)
    assert submitted.status_code == 200, submitted.text
    await approve_all(runtime, workflow, "budget", [budget.json()["id"]])
    claimant = bearer(MINTER.user(("employee",), employee_id=person, username=f"b{n}"))
    claims = []
    for _ in range(args.approvals):
        claim = await client.post(
            f"{API}/expense-claims",
            json={
                "title": "招待",
                "lines": [
                    {
                        "category": "entertainment",
                        "amount": args.amount,
                        "expense_date": runtime.today().isoformat(),
                        "description": "客户招待",
                    }
                ],
            },
            headers=claimant,
        )
        assert claim.status_code == 201, claim.text
        claims.append(claim.json()["id"])

    began = time.perf_counter()
    latencies = await approve_all(runtime, workflow, "expense_claim", claims)
    elapsed = time.perf_counter() - began

    async with runtime.sessionmaker() as session:
        statuses = (
            await session.scalars(
                select(ExpenseClaim.status).where(
                    ExpenseClaim.id.in_([uuid.UUID(c) for c in claims])
                )
            )
        ).all()
        consumed = Decimal(
            await session.scalar(
                select(
                    func.coalesce(func.sum(AccountBalance.debit - AccountBalance.credit), 0)
                ).where(
                    AccountBalance.account_code == ACCOUNT,
                    AccountBalance.department_id == department,
                )
            )
        )
    winners = sum(1 for s in statuses if s == "approved")
    expected = int(Decimal(args.budget) // Decimal(args.amount))
    return {
        "seconds": elapsed,
        "latencies": latencies,
        "winners": winners,
        "expected_winners": min(expected, args.approvals),
        "consumed": consumed,
        "overspent": consumed > Decimal(args.budget),
    }


async def bench(url: str, schema: str, args: argparse.Namespace) -> dict[str, Any]:
    os.environ.setdefault("OFFICINA_DB_POOL_SIZE", str(args.approvals + 6))
    with tempfile.TemporaryDirectory() as data_dir:
        await asyncio.to_thread(shared.kit.migrations.upgrade, "finance", url, schema)
        await load_reference_data(url=url, schema=schema, data_dir=Path(data_dir), demo=False)
    settings = FinanceSettings(
        database_url=url,
        database_schema=schema,
        consumers_enabled=False,
        sweep_interval=0,
        approval_sweep_interval=0,
        log_level="WARNING",
    )
    app = create_app(settings, verifier=MINTER.verifier())
    fake = FakeWorkflow()
    rounds = []
    async with app.router.lifespan_context(app):
        runtime = app.state.runtime
        real, runtime.client = runtime.client, fake.client()
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://bench", timeout=60
            ) as client:
                for n in range(args.rounds):
                    rounds.append(await one_round(client, runtime, fake, n, args))
        finally:
            await runtime.client.aclose()
            runtime.client = real
    latencies = [value for r in rounds for value in r["latencies"]]
    seconds = sum(r["seconds"] for r in rounds)
    return {
        "approvals": args.approvals,
        "rounds": len(rounds),
        "approvals_per_second": round(args.approvals * len(rounds) / seconds, 1),
        "round_ms": summarize([r["seconds"] * 1000 for r in rounds]),
        "latency_ms": {**summarize(latencies), "p99": percentile(latencies, 99)},
        "overspent_rounds": sum(1 for r in rounds if r["overspent"]),
        "wrong_winner_counts": sum(1 for r in rounds if r["winners"] != r["expected_winners"]),
        "winners_per_round": sorted({r["winners"] for r in rounds}),
        "max_consumed": str(max(r["consumed"] for r in rounds)),
    }


async def drop_schema(url: str, schema: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--approvals", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--budget", default="1000.00")
    parser.add_argument("--amount", default="100.00")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    args = parser.parse_args()
    warning = busy_warning()
    if warning:
        print(warning)
    schema = f"bench_{uuid.uuid4().hex[:10]}_finance"
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/finance.db" if args.sqlite else args.postgres
        try:
            result = asyncio.run(bench(url, schema, args))
        finally:
            if not args.sqlite:
                asyncio.run(drop_schema(url, schema))
    print(
        format_table(
            [
                "approvals",
                "rounds",
                "approvals/s",
                "round p50 ms",
                "outcome p50 ms",
                "outcome p99 ms",
                "overspent rounds",
                "wrong winners",
                "winners",
            ],
            [
                [
                    result["approvals"],
                    result["rounds"],
                    result["approvals_per_second"],
                    round(result["round_ms"]["median"], 1),
                    round(result["latency_ms"]["median"], 1),
                    round(result["latency_ms"]["p99"], 1),
                    result["overspent_rounds"],
                    result["wrong_winner_counts"],
                    result["winners_per_round"],
                ]
            ],
        )
    )
    path = write_result(
        "finance_budget_check",
        {
            "started": utc_now(),
            "machine": machine_info(),
            "busy_warning": warning,
            "database": "sqlite" if args.sqlite else "postgresql",
            "arguments": vars(args),
            **result,
        },
    )
    print(f"raw figures: {path}")


if __name__ == "__main__":
    main()
