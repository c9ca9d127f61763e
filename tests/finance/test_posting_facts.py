"""Facts become entries by the rule table, once each; what cannot be posted is parked, never
dropped, and never holds up the facts after it."""

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from services.finance.db.posting import ConsumedFact
from services.finance.domain.posting import post_fact
from shared.contracts.posting_facts import PayrollRunPosted
from tests.finance.conftest import API, FinanceService
from tests.finance.posting_helpers import (
    ALICE,
    ENGINEERING,
    PAYROLL,
    SALES,
    balance,
    component,
    deliver,
    entries_of,
    envelope,
    exceptions,
    lines_of,
    payroll_fact,
    set_period,
)


async def test_a_payroll_fact_posts_one_entry_by_the_default_rules(finance: FinanceService) -> None:
    assert await deliver(finance, envelope(PAYROLL, payroll_fact("run-2026-03")))

    [entry] = await entries_of(finance)
    assert entry.status == "posted"
    assert entry.voucher_number == "记-2026-03-0001"
    assert entry.memo == "2026年3月工资"
    lines = await lines_of(finance, entry.id)
    summary = [(line.account_code, line.debit, line.credit, line.department_id) for line in lines]
    assert summary == [
        ("6602.01", Decimal("30000.00"), Decimal("0.00"), SALES),
        ("2211.01", Decimal("0.00"), Decimal("30000.00"), SALES),
        ("6602.01", Decimal("20000.00"), Decimal("0.00"), ENGINEERING),
        ("2211.01", Decimal("0.00"), Decimal("20000.00"), ENGINEERING),
        ("6602.01", Decimal("8000.00"), Decimal("0.00"), SALES),
        ("2211.02", Decimal("0.00"), Decimal("8000.00"), SALES),
        ("2211.01", Decimal("1500.00"), Decimal("0.00"), None),
        ("2221.03", Decimal("0.00"), Decimal("1500.00"), None),
    ]
    assert lines[-1].employee_id == ALICE  # the rule keeps the employee
    assert await balance(finance, "6602.01") == (Decimal("58000.00"), Decimal("0"))

    response = await finance.client.get(
        f"{API}/posting-facts", params={"source_id": "run-2026-03"}, headers=finance.staff()
    )
    [fact] = response.json()["items"]
    assert fact["status"] == "posted"
    assert fact["entry_id"] == str(entry.id)
    assert entry.source == "posting_fact" and entry.source_id == fact["id"]
    assert fact["data"]["components"][0]["amount"] == "30000.00"


async def test_a_fact_delivered_twice_is_posted_once(finance: FinanceService) -> None:
    data = payroll_fact("run-dup")
    first = envelope(PAYROLL, data)
    assert await deliver(finance, first)
    assert not await deliver(finance, first)  # the cursor had passed it
    assert await deliver(finance, envelope(PAYROLL, data))  # republished under a new seq

    assert len(await entries_of(finance)) == 1
    async with finance.app.state.runtime.sessionmaker() as session:
        facts = await session.scalar(select(func.count()).select_from(ConsumedFact))
    assert facts == 1
    assert await exceptions(finance) == []


async def test_an_unmapped_fact_is_parked_and_the_next_fact_is_still_posted(
    finance: FinanceService,
) -> None:
    unmapped = payroll_fact(
        "run-bonus",
        components=[
            component("wages", "1000.00", department_id=str(SALES)),
            component("annual_bonus", "5000.00", department_id=str(SALES)),
        ],
    )
    assert await deliver(finance, envelope(PAYROLL, unmapped))
    assert await deliver(finance, envelope(PAYROLL, payroll_fact("run-next")))

    [entry] = await entries_of(finance)  # only the second: the first posted nothing at all
    assert await balance(finance, "6602.01") == (Decimal("58000.00"), Decimal("0"))
    [parked] = await exceptions(finance, status="open")
    assert parked["source_id"] == "run-bonus"
    assert parked["reason_code"] == "no_posting_rule"
    assert "annual_bonus" in parked["reason"]
    assert parked["fact"] == unmapped  # the whole fact, as it arrived
    assert entry.source_id != parked["fact_id"]


async def test_a_fact_into_a_closed_period_is_parked_and_posted_once_the_period_reopens(
    finance: FinanceService,
) -> None:
    await set_period(finance, 2026, 2, "close")
    assert await deliver(finance, envelope(PAYROLL, payroll_fact("run-feb", on=_day(2026, 2, 27))))
    assert await entries_of(finance) == []
    [parked] = await exceptions(finance, status="open")
    assert parked["reason_code"] == "period_closed"

    refused = await finance.client.post(
        f"{API}/posting-exceptions/{parked['id']}/retry", headers=finance.staff()
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "period_closed"

    await set_period(finance, 2026, 2, "reopen")
    retried = await finance.client.post(
        f"{API}/posting-exceptions/{parked['id']}/retry", headers=finance.staff()
    )
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "posted"
    assert retried.json()["attempts"] == 2
    [entry] = await entries_of(finance)
    assert retried.json()["entry_id"] == str(entry.id)
    assert entry.entry_date == _day(2026, 2, 27)


async def test_a_fact_that_breaks_its_contract_is_parked_not_retried_forever(
    finance: FinanceService,
) -> None:
    broken = payroll_fact("run-broken")
    broken["components"][0]["amount"] = "12.345"  # three decimals
    assert await deliver(finance, envelope(PAYROLL, broken))
    assert await deliver(finance, envelope(PAYROLL, payroll_fact("run-after")))

    assert len(await entries_of(finance)) == 1
    [parked] = await exceptions(finance)
    assert (parked["source_id"], parked["reason_code"]) == ("run-broken", "invalid_fact")
    retry = await finance.client.post(
        f"{API}/posting-exceptions/{parked['id']}/retry", headers=finance.staff()
    )
    assert retry.status_code == 409
    assert retry.json()["code"] == "posting_exception_unresolved"


async def test_events_of_other_types_are_ignored(finance: FinanceService) -> None:
    other = envelope(
        "hr.leave_request.submitted",
        {
            "employee_id": str(ALICE),
            "leave_type": "annual",
            "start_date": "2026-03-12",
            "end_date": "2026-03-13",
            "days": "2.0",
            "status": "pending",
        },
    )
    assert await deliver(finance, other)  # applied: the cursor moves past it
    assert await entries_of(finance) == []
    assert await exceptions(finance) == []


async def _waiting_on_a_lock(finance: FinanceService) -> None:
    """Return once a session of this test's schema waits on a lock (PostgreSQL)."""
    engine = finance.app.state.runtime.engine
    for _ in range(500):
        async with engine.connect() as conn:
            waiting = await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database() "
                    "AND query LIKE 'INSERT INTO posting_facts%'"
                )
            )
        if waiting:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the second delivery never waited on the first")


def _day(year: int, month: int, day: int) -> date:
    return date(year, month, day)


@pytest.mark.postgres_only
async def test_two_deliveries_of_one_fact_at_once_post_it_once(finance: FinanceService) -> None:
    """A second delivery racing the first (another consumer, a replay) does not see the first's
    uncommitted record: the unique key (fact type, source id) makes it wait and fail once the
    first commits; retried as the consumer retries, it finds the first and changes nothing."""
    runtime = finance.app.state.runtime
    fact = PayrollRunPosted.model_validate(payroll_fact("run-race"))

    async def post_once() -> object:
        async with runtime.transaction() as session:
            return await post_fact(session, PAYROLL, fact, actor=None)

    async with runtime.transaction() as first:
        posted = await post_fact(first, PAYROLL, fact, actor=None)
        second = asyncio.create_task(post_once())
        await _waiting_on_a_lock(finance)  # the second is blocked on the first's key
    with pytest.raises(DBAPIError):
        await second

    retried = await post_once()
    [entry] = await entries_of(finance)
    assert getattr(posted, "id", None) == getattr(retried, "id", None) == entry.id


async def test_the_database_refuses_a_second_record_of_one_fact(finance: FinanceService) -> None:
    async with finance.app.state.runtime.sessionmaker() as session:
        for _ in range(2):
            session.add(
                ConsumedFact(
                    fact_type=PAYROLL,
                    source_id="run-twice",
                    data={},
                    status="parked",
                    received_at=datetime.now(UTC),
                )
            )
        with pytest.raises(IntegrityError):
            await session.flush()
