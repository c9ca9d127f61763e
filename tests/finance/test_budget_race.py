"""The budget check under concurrent approvals (PostgreSQL, where transactions truly overlap):
outcomes applied at once, each in its own transaction as several consumers or replicas would,
never consume more than the budget — exactly the claims that fit win, the rest go over budget."""

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from services.finance.db.ledger import AccountBalance
from services.finance.db.spending import ExpenseClaim
from services.finance.domain.budget_outcomes import outcome_handler
from tests.finance.spending_helpers import SAGAS, Books
from tests.finance.spending_helpers import books as books  # the fixture

pytestmark = pytest.mark.postgres_only
RACERS = 12


@pytest.fixture(autouse=True)
def enough_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every racer holds a connection at once (and the publisher one more)."""
    monkeypatch.setenv("OFFICINA_DB_POOL_SIZE", str(RACERS + 4))


async def race(books: Books, claims: list[dict[str, Any]]) -> None:
    """workflow approves every claim; finance applies all the outcomes at the same time."""
    runtime = books.service.app.state.runtime
    handle = outcome_handler(runtime, SAGAS)
    events = []
    for claim in claims:
        instance = books.instance_of(claim["id"], "expense_claim")
        books.service.workflow.decide(instance, "approved")
        events.append(books.service.workflow.completed(instance, "approved"))
    ready = asyncio.Barrier(len(events))

    async def apply(event: Any) -> None:
        async with runtime.transaction() as session:
            await session.get(ExpenseClaim, uuid.UUID(event.data["subject"]["id"]))
            await ready.wait()  # every transaction is open before any checks the budget
            await handle(session, event)

    await asyncio.gather(*(apply(event) for event in events))


async def outcome(books: Books, claims: list[dict[str, Any]]) -> tuple[list[str], Decimal]:
    """Each claim's status, and what the ledger shows consumed on the department's account."""
    async with books.service.app.state.runtime.sessionmaker() as session:
        found = {
            str(c.id): c.status
            for c in (
                await session.scalars(
                    select(ExpenseClaim).where(
                        ExpenseClaim.id.in_([uuid.UUID(c["id"]) for c in claims])
                    )
                )
            ).all()
        }
        consumed = await session.scalar(
            select(func.coalesce(func.sum(AccountBalance.debit - AccountBalance.credit), 0)).where(
                AccountBalance.account_code == "6602.04",
                AccountBalance.department_id == books.dept("SALES"),
            )
        )
    return [found[c["id"]] for c in claims], Decimal(consumed)


async def test_two_claims_race_for_the_last_of_the_budget_and_exactly_one_wins(
    books: Books,
) -> None:
    await books.approved_budget("SALES", {"6602.04": "700.00"})
    claims = [await books.claim("seller", ("entertainment", "400.00")) for _ in range(2)]
    assert all(c["budget"][0]["within_budget"] for c in claims)  # each fits alone

    await race(books, claims)

    statuses, consumed = await outcome(books, claims)
    assert sorted(statuses) == ["approved", "over_budget"]
    assert consumed == Decimal("400.00")


async def test_many_concurrent_approvals_never_overspend(books: Books) -> None:
    await books.approved_budget("SALES", {"6602.04": "1000.00"})
    claims = [await books.claim("seller", ("entertainment", "150.00")) for _ in range(RACERS)]

    await race(books, claims)

    statuses, consumed = await outcome(books, claims)
    assert statuses.count("approved") == 6  # 6 x 150 = 900 fits; a seventh would not
    assert statuses.count("over_budget") == 6
    assert consumed == Decimal("900.00")
    execution = await books.execution(department_id=str(books.dept("SALES")))
    assert execution["totals"]["actual"] == "900.00"
    assert execution["totals"]["remaining"] == "100.00"
