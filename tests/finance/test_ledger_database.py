"""The database itself holds the ledger's rules: writes around the API are refused.

Every statement here is plain SQL (or a Core insert, for the engines' own UUID and date
encodings) run straight on the service's engine, never through the domain code.
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Executable, select, text
from sqlalchemy.exc import IntegrityError

from services.finance.db.ledger import JournalEntry, JournalLine
from services.finance.domain import ledger
from services.finance.domain.ledger import Line
from shared.kit.errors import DomainError
from tests.finance.conftest import FinanceService
from tests.finance.ledger_helpers import PAYABLE, TRAVEL, post_direct

D = Decimal
ENTRIES = JournalEntry.__table__
LINES = JournalLine.__table__


def entry_row(entry_id: uuid.UUID, status: str = "draft", **extra: Any) -> dict[str, Any]:
    now = datetime(2026, 3, 10, 9, tzinfo=UTC)
    return {
        "id": entry_id,
        "entry_date": date(2026, 3, 10),
        "year": 2026,
        "month": 3,
        "memo": "around the API",
        "source": "manual",
        "status": status,
        "total": D("100.00"),
        "created_at": now,
        "updated_at": now,
        "version": 1,
        **extra,
    }


def line_row(
    entry_id: uuid.UUID, line_no: int, account: str, debit: str, credit: str
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "entry_id": entry_id,
        "line_no": line_no,
        "account_code": account,
        "debit": D(debit),
        "credit": D(credit),
    }


async def run(service: FinanceService, statements: Sequence[Executable]) -> None:
    async with service.app.state.runtime.engine.begin() as connection:
        for statement in statements:
            await connection.execute(statement)


async def refused(service: FinanceService, statements: Sequence[Executable], marker: str) -> None:
    with pytest.raises(IntegrityError) as caught:
        await run(service, statements)
    assert marker in str(caught.value.orig)


def post_sql(entry_id: uuid.UUID) -> Executable:
    hex_id = entry_id.hex
    return text(
        "UPDATE journal_entries SET status = 'posted', voucher_seq = 99, "
        "voucher_number = 'X-99' WHERE replace(CAST(id AS TEXT), '-', '') = :id"
    ).bindparams(id=hex_id)


async def test_the_database_refuses_an_unbalanced_posted_entry(finance: FinanceService) -> None:
    entry_id = uuid.uuid4()
    await run(
        finance,
        [
            ENTRIES.insert().values(entry_row(entry_id)),
            LINES.insert().values(line_row(entry_id, 1, TRAVEL, "100.00", "0")),
            LINES.insert().values(line_row(entry_id, 2, PAYABLE, "0", "90.00")),
        ],
    )
    await refused(finance, [post_sql(entry_id)], "entry_unbalanced")
    # one line is not an entry either, however it balances against nothing
    single = uuid.uuid4()
    await run(
        finance,
        [
            ENTRIES.insert().values(entry_row(single)),
            LINES.insert().values(line_row(single, 1, TRAVEL, "100.00", "0")),
        ],
    )
    await refused(finance, [post_sql(single)], "entry_unbalanced")
    # nor can an entry be written posted from the start
    await refused(
        finance,
        [
            ENTRIES.insert().values(
                entry_row(uuid.uuid4(), "posted", voucher_seq=7, voucher_number="X-7")
            )
        ],
        "entry_unbalanced",
    )
    # a balanced one is accepted by the same statement
    balanced = uuid.uuid4()
    await run(
        finance,
        [
            ENTRIES.insert().values(entry_row(balanced)),
            LINES.insert().values(line_row(balanced, 1, TRAVEL, "0.10", "0")),
            LINES.insert().values(line_row(balanced, 2, TRAVEL, "0.20", "0")),
            LINES.insert().values(line_row(balanced, 3, PAYABLE, "0", "0.30")),
            post_sql(balanced),
        ],
    )
    async with finance.app.state.runtime.transaction() as session:
        statuses = dict((await session.execute(select(ENTRIES.c.id, ENTRIES.c.status))).all())
    assert statuses == {entry_id: "draft", single: "draft", balanced: "posted"}


async def test_the_database_keeps_posted_entries_as_they_are(finance: FinanceService) -> None:
    entry_id = uuid.UUID(
        await post_direct(
            finance, [Line(TRAVEL, debit=D("80.00")), Line(PAYABLE, credit=D("80.00"))]
        )
    )
    hex_id = entry_id.hex
    where_entry = "replace(CAST(entry_id AS TEXT), '-', '') = :id"
    where_id = "replace(CAST(id AS TEXT), '-', '') = :id"
    for statement in (
        f"UPDATE journal_lines SET debit = debit + 1 WHERE {where_entry} AND line_no = 1",
        f"UPDATE journal_lines SET account_code = '6602.03' WHERE {where_entry}",
        f"DELETE FROM journal_lines WHERE {where_entry} AND line_no = 2",
        f"UPDATE journal_entries SET memo = 'changed' WHERE {where_id}",
        f"UPDATE journal_entries SET status = 'draft', voucher_seq = NULL, "
        f"voucher_number = NULL WHERE {where_id}",
        f"DELETE FROM journal_entries WHERE {where_id}",
    ):
        await refused(finance, [text(statement).bindparams(id=hex_id)], "entry_posted")
    await refused(
        finance, [LINES.insert().values(line_row(entry_id, 3, TRAVEL, "5.00", "0"))], "entry_posted"
    )
    async with finance.app.state.runtime.transaction() as session:
        amounts = (
            await session.execute(
                select(LINES.c.debit, LINES.c.credit).where(LINES.c.entry_id == entry_id)
            )
        ).all()
    assert sorted((D(str(d)), D(str(c))) for d, c in amounts) == [
        (D("0.00"), D("80.00")),
        (D("80.00"), D("0.00")),
    ]


@pytest.mark.parametrize(
    ("debit", "credit"), [("5.00", "5.00"), ("0", "0"), ("-5.00", "0"), ("0", "-5.00")]
)
async def test_a_line_is_one_positive_side(
    finance: FinanceService, debit: str, credit: str
) -> None:
    entry_id = uuid.uuid4()
    await run(finance, [ENTRIES.insert().values(entry_row(entry_id))])
    with pytest.raises(IntegrityError):
        await run(finance, [LINES.insert().values(line_row(entry_id, 1, TRAVEL, debit, credit))])


async def test_a_refusal_of_the_database_is_the_ledgers_problem(finance: FinanceService) -> None:
    """Should code ever try to post what does not balance, the trigger's refusal comes back
    as 422 entry_unbalanced (never a 500), and a change to a posted line as 409 entry_posted."""
    async with finance.app.state.runtime.sessionmaker() as session:
        entry = JournalEntry(
            entry_date=date(2026, 3, 10), year=2026, month=3, memo="m", source="manual"
        )
        session.add(entry)
        session.add(
            JournalLine(
                entry_id=entry.id, line_no=1, account_code=TRAVEL, debit=D("5.00"), credit=D("0")
            )
        )
        await session.flush()
        entry.status, entry.voucher_seq, entry.voucher_number = "posted", 1, "X-1"
        with pytest.raises(DomainError) as caught:
            await ledger._flush(session)
        assert caught.value.code == "entry_unbalanced" and caught.value.status == 422
        await session.rollback()
    entry_id = uuid.UUID(
        await post_direct(finance, [Line(TRAVEL, debit=D("8.00")), Line(PAYABLE, credit=D("8.00"))])
    )
    async with finance.app.state.runtime.sessionmaker() as session:
        row = await session.scalar(select(JournalLine).where(JournalLine.entry_id == entry_id))
        assert row is not None
        row.memo = "changed behind the ledger's back"
        with pytest.raises(DomainError) as caught:
            await ledger._flush(session)
        assert caught.value.code == "entry_posted" and caught.value.status == 409
        await session.rollback()
