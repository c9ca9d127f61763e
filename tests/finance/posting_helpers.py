"""Helpers of the posting tests: facts delivered as finance's consumer delivers them.

A fact is an :class:`EventEnvelope` of its publisher's feed, applied with the kit's
``apply_event`` and finance's handler, exactly as the ``FeedConsumer`` applies a page (the
cursor moves in the posting's transaction). The payroll fact (``hr.payroll_run.posted``) is the
contract finance declares itself, so these tests need no other service's contracts.
"""

import itertools
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from services.finance.background.posting import consumer_name
from services.finance.db.ledger import JournalEntry, JournalLine
from services.finance.domain.posting import apply_fact_event
from shared.contracts.events import EventEnvelope, EventSubject
from shared.kit.consumer import apply_event
from tests.finance.conftest import API, FinanceService

PAYROLL = "hr.payroll_run.posted"
SALES = uuid.UUID("0193a8c0-0000-7000-8000-0000000000d1")
ENGINEERING = uuid.UUID("0193a8c0-0000-7000-8000-0000000000d2")
ALICE = uuid.UUID("0193a8c0-0000-7000-8000-0000000000e1")
_seq = itertools.count(1)


def component(name: str, amount: str, **extra: Any) -> dict[str, Any]:
    """One component of a fact, as a publisher writes it."""
    return {"component": name, "amount": amount, **extra}


def payroll_fact(
    source_id: str | None = None,
    *,
    on: date = date(2026, 3, 10),
    components: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A payroll run's fact: wages, the employer's social insurance, withheld IIT."""
    return {
        "source_id": source_id or f"run-{uuid.uuid4()}",
        "occurred_on": on.isoformat(),
        "memo": "2026年3月工资",
        "currency": "CNY",
        "run_id": str(uuid.uuid4()),
        "year": on.year,
        "month": on.month,
        "components": components
        if components is not None
        else [
            component("wages", "30000.00", department_id=str(SALES)),
            component("wages", "20000.00", department_id=str(ENGINEERING)),
            component("social_insurance_employer", "8000.00", department_id=str(SALES)),
            component("iit_withheld", "1500.00", employee_id=str(ALICE)),
        ],
    }


def envelope(fact_type: str, data: dict[str, Any], seq: int | None = None) -> EventEnvelope:
    """The event of a publisher's feed carrying ``data``."""
    return EventEnvelope(
        seq=seq if seq is not None else next(_seq),
        id=uuid.uuid4(),
        type=fact_type,
        occurred_at=datetime.now(UTC),
        subject=EventSubject(type="payroll_run", id=str(data.get("source_id", "x"))),
        data=data,
    )


async def deliver(finance: FinanceService, event: EventEnvelope) -> bool:
    """Apply one event as finance's consumer of its publisher's feed does; False when the
    cursor had passed it already."""
    service = event.type.split(".", 1)[0]
    return await apply_event(
        finance.app.state.runtime, consumer_name(service), event, apply_fact_event
    )


async def entries_of(finance: FinanceService) -> list[JournalEntry]:
    """Every journal entry posted from a fact, oldest first."""
    async with finance.app.state.runtime.sessionmaker() as session:
        rows = await session.scalars(
            select(JournalEntry)
            .where(JournalEntry.source == "posting_fact")
            .order_by(JournalEntry.created_at, JournalEntry.id)
        )
        return list(rows.all())


async def lines_of(finance: FinanceService, entry_id: uuid.UUID) -> list[JournalLine]:
    """The lines of an entry, in order."""
    async with finance.app.state.runtime.sessionmaker() as session:
        rows = await session.scalars(
            select(JournalLine)
            .where(JournalLine.entry_id == entry_id)
            .order_by(JournalLine.line_no)
        )
        return list(rows.all())


async def balance(finance: FinanceService, account: str) -> tuple[Decimal, Decimal]:
    """Posted (debit, credit) totals of an account over every line."""
    async with finance.app.state.runtime.sessionmaker() as session:
        row = (
            await session.execute(
                select(
                    func.coalesce(func.sum(JournalLine.debit), 0),
                    func.coalesce(func.sum(JournalLine.credit), 0),
                ).where(JournalLine.account_code == account)
            )
        ).one()
        return Decimal(row[0]), Decimal(row[1])


async def exceptions(finance: FinanceService, **params: str) -> list[dict[str, Any]]:
    """The posting exceptions (filters as query parameters), newest first."""
    response = await finance.client.get(
        f"{API}/posting-exceptions", params=params, headers=finance.staff()
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def rules(finance: FinanceService, **params: str) -> list[dict[str, Any]]:
    """The posting rules (filters as query parameters)."""
    response = await finance.client.get(
        f"{API}/posting-rules", params={"limit": "200", **params}, headers=finance.staff()
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def set_period(finance: FinanceService, year: int, month: int, action: str) -> None:
    """Close or reopen a period through the ledger's API."""
    if action == "close":
        created = await finance.client.post(
            f"{API}/periods", json={"year": year}, headers=finance.staff()
        )
        assert created.status_code == 201, created.text
    body = {"reason": "审计调整"} if action == "reopen" else None
    response = await finance.client.post(
        f"{API}/periods/{year}-{month:02d}/{action}", json=body, headers=finance.staff()
    )
    assert response.status_code == 200, response.text
