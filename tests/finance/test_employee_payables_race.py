"""Paying one payable twice at once (PostgreSQL): one payment, one refusal, one entry — the
row lock in the code, and the database's status check and unique payment per payable."""

import asyncio
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from services.finance.db.employee_payables import EmployeePayable, EmployeePayablePayment
from services.finance.db.ledger import JournalEntry
from tests.conftest import TestDatabase
from tests.finance.conftest import FinanceService
from tests.finance.employee_payables_helpers import (
    BOB,
    advance,
    employee_balance,
    events,
    pay,
    payable_of,
)
from tests.finance.posting_helpers import ALICE


@pytest.fixture(autouse=True)
def _postgres_only(database_url: TestDatabase) -> None:
    if not database_url.is_postgres:
        pytest.skip("concurrent writers are a PostgreSQL matter (SQLite has one writer)")


async def test_a_payable_paid_twice_at_once_is_paid_once(finance: FinanceService) -> None:
    owed = [
        await payable_of(finance, str(await advance(finance, who, "800.00")))
        for who in (ALICE, BOB)
    ]
    answers = await asyncio.gather(*(pay(finance, p) for p in owed for _ in range(4)))
    for n in range(len(owed)):
        mine = answers[4 * n : 4 * n + 4]
        assert [a.status_code for a in mine].count(200) == 1, [a.text for a in mine]
        refused = {(a.status_code, a.json()["code"]) for a in mine if a.status_code != 200}
        assert refused <= {(409, "employee_payable_paid"), (412, "version_mismatch")}
    assert await employee_balance(finance, "2241", ALICE) == 0
    assert await employee_balance(finance, "2241", BOB) == 0
    assert len(await events(finance, "finance.employee_payable.paid")) == 2
    async with finance.app.state.runtime.sessionmaker() as session:
        payments = await session.scalar(
            select(func.count())
            .select_from(JournalEntry)
            .where(JournalEntry.source == "employee_payment")
        )
    assert payments == 2


async def test_the_database_refuses_a_second_payment(finance: FinanceService) -> None:
    owed = await payable_of(finance, str(await advance(finance, ALICE, "800.00")))
    paid = (await pay(finance, owed)).json()
    async with finance.app.state.runtime.sessionmaker() as session:
        session.add(
            EmployeePayablePayment(
                payable_id=uuid.UUID(paid["id"]),
                entry_id=uuid.UUID(paid["payment_entry_id"]),
                amount=800,
                paid_on=finance.now.date(),
            )
        )
        with pytest.raises(IntegrityError):
            await session.commit()
    async with finance.app.state.runtime.sessionmaker() as session:
        payable = await session.get(EmployeePayable, uuid.UUID(paid["id"]))
        assert payable is not None
        payable.status = "open"  # unpaid again, but its payment stays
        with pytest.raises(IntegrityError):
            await session.commit()
