"""The journal: drafts, posting, reversal, and the period balances posting keeps.

Every other area posts through :func:`post_entry` (and :func:`reverse_entry`), in its own
transaction; the journal API uses the same code. Posting

1. checks the lines (:func:`check_lines`: one side each, positive, two places; debits equal
   credits; two or more lines) and the accounts (active leaves; a cash-flow item on every line
   of a cash account and on no other line);
2. locks the entry's period row (created on demand), refuses a closed one and takes the
   period's next voucher number from it, so numbers have no gaps even under concurrency;
3. writes the entry as a draft with its lines, then marks it posted — the database's own
   trigger refuses that unless the lines balance (the rule is held twice);
4. adds the lines to ``account_balances`` (per account, month and department) and to
   ``cash_flow_balances`` (per cash-flow item and month), and records
   ``finance.journal_entry.posted``.

Sources (``source``): ``manual``, ``expense_claim``, ``expense_payment``,
``spending_request``, ``invoice``, ``payment``, ``tax_payment``, ``posting_fact``,
``period_close``, ``payroll``, ``reversal`` — and any other ``[a-z_]{1,40}`` an area needs.
"""

import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from services.finance.db.ledger import (
    AccountBalance,
    CashFlowBalance,
    JournalEntry,
    JournalLine,
)
from services.finance.domain import accounts, periods
from services.finance.domain.ledger_balances import (
    BalanceRow,
    Totals,
    YearMonth,
    account_totals,
    cash_flow_totals,
    monthly_balances,
)
from shared.contracts.finance_events import JournalEntryPosted, JournalEntryReversed, PostedLine
from shared.kit.db import touch, utcnow
from shared.kit.errors import Conflict, DomainError, PreconditionFailed, Unprocessable, not_found
from shared.kit.outbox import record_event

__all__ = [
    "MAX_AMOUNT",
    "SOURCES",
    "BalanceRow",
    "Line",
    "Totals",
    "YearMonth",
    "account_totals",
    "cash_flow_totals",
    "check_lines",
    "create_draft",
    "delete_draft",
    "get_entry",
    "monthly_balances",
    "post_draft",
    "post_entry",
    "reverse_entry",
    "update_draft",
    "voucher_number",
]

ZERO = Decimal("0")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999999999.99")
"""The largest amount a line holds (``Numeric(16, 2)``)."""
MAX_LINES = 500
SOURCES = (
    "manual",
    "expense_claim",
    "expense_payment",
    "spending_request",
    "invoice",
    "payment",
    "tax_payment",
    "posting_fact",
    "period_close",
    "payroll",
    "reversal",
)
_SOURCE = re.compile(r"^[a-z_]{1,40}$")
SUBJECT_TYPE = "journal_entry"


@dataclass(frozen=True)
class Line:
    """One line of an entry: a debit or a credit on a leaf account, with its dimensions."""

    account: str  # account code, a leaf, active
    debit: Decimal = Decimal("0")  # exactly one of debit/credit is positive
    credit: Decimal = Decimal("0")
    memo: str | None = None
    department_id: uuid.UUID | None = None
    employee_id: uuid.UUID | None = None
    party_id: uuid.UUID | None = None
    project: str | None = None
    cash_flow_item: str | None = None  # required on cash-account lines


def voucher_number(year: int, month: int, seq: int) -> str:
    """``记-2026-03-0007``: the period and the entry's place in it."""
    return f"记-{year:04d}-{month:02d}-{seq:04d}"


def _amount(value: object, where: str) -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise Unprocessable(f"{where}: {value!r} is not an amount", code="invalid_line") from exc
    if not amount.is_finite() or amount < 0:
        raise Unprocessable(f"{where}: an amount is finite and not negative", code="invalid_line")
    if amount > MAX_AMOUNT:
        raise Unprocessable(f"{where}: more than {MAX_AMOUNT}", code="invalid_line")
    if amount != amount.quantize(CENT):
        raise Unprocessable(f"{where}: at most two decimal places", code="invalid_line")
    return amount.quantize(CENT)


def check_lines(lines: Sequence[Line]) -> tuple[list[Line], Decimal]:
    """The lines with exact amounts, and the entry's total; 422 ``invalid_line`` for a line
    with both or neither side (or a bad amount), 422 ``entry_unbalanced`` (with both totals)
    when debits and credits differ or there are fewer than two lines."""
    checked: list[Line] = []
    for number, line in enumerate(lines, start=1):
        where = f"line {number}"
        debit, credit = _amount(line.debit, where), _amount(line.credit, where)
        if (debit > 0) == (credit > 0):
            raise Unprocessable(
                f"{where} must have exactly one of debit and credit, and it positive",
                code="invalid_line",
                line=number,
            )
        checked.append(replace(line, debit=debit, credit=credit))
    total_debit = sum((line.debit for line in checked), ZERO)
    total_credit = sum((line.credit for line in checked), ZERO)
    if len(checked) < 2 or total_debit != total_credit:
        raise Unprocessable(
            f"an entry needs two or more lines whose debits ({total_debit:.2f}) equal its "
            f"credits ({total_credit:.2f})",
            code="entry_unbalanced",
            total_debit=f"{total_debit:.2f}",
            total_credit=f"{total_credit:.2f}",
        )
    if len(checked) > MAX_LINES:
        raise Unprocessable(f"an entry has at most {MAX_LINES} lines", code="invalid_line")
    return checked, total_debit


def check_source(source: str) -> None:
    """422 ``invalid_source`` unless ``source`` is 1-40 of ``a-z`` and ``_``."""
    if not _SOURCE.match(source):
        raise Unprocessable(
            f"source {source!r} is not 1 to 40 letters a-z and underscores", code="invalid_source"
        )


def check_texts(memo: str, source_id: str | None, lines: Sequence[Line]) -> None:
    """422 ``validation_error`` for text longer than its column holds (the API's schemas
    refuse it earlier; other areas' callers are held here, before anything is written)."""
    too_long = [
        what
        for what, value, limit in (
            ("memo", memo, 500),
            ("source_id", source_id, 100),
            *(
                item
                for number, line in enumerate(lines, start=1)
                for item in (
                    (f"line {number} memo", line.memo, 500),
                    (f"line {number} project", line.project, 100),
                    (f"line {number} account", line.account, 20),
                    (f"line {number} cash_flow_item", line.cash_flow_item, 40),
                )
            ),
        )
        if value is not None and len(value) > limit
    ]
    if too_long:
        raise Unprocessable(f"{too_long[0]} is too long", code="validation_error")


async def check_known(session: AsyncSession, lines: Sequence[Line]) -> None:
    """A draft's lines name accounts and cash-flow items that exist (422 otherwise)."""
    await accounts.known(session, (line.account for line in lines))
    await accounts.cash_flow_items(
        session, (line.cash_flow_item for line in lines if line.cash_flow_item)
    )


async def check_accounts(session: AsyncSession, lines: Sequence[Line]) -> None:
    """Every line on an active leaf account; a known cash-flow item on every cash-account line
    and on no other."""
    await accounts.postable(session, (line.account for line in lines))
    for number, line in enumerate(lines, start=1):
        cash = accounts.is_cash_account(line.account)
        if cash and not line.cash_flow_item:
            raise Unprocessable(
                f"line {number} is on the cash account {line.account} and needs a cash-flow item",
                code="cash_flow_item_required",
                line=number,
            )
        if line.cash_flow_item and not cash:
            raise Unprocessable(
                f"line {number} is on {line.account}, not a cash account: it takes no "
                "cash-flow item",
                code="invalid_cash_flow_item",
                line=number,
            )
    await accounts.cash_flow_items(
        session, (line.cash_flow_item for line in lines if line.cash_flow_item)
    )


def _line_rows(entry: JournalEntry, lines: Sequence[Line]) -> list[JournalLine]:
    return [
        JournalLine(
            entry_id=entry.id,
            line_no=number,
            account_code=line.account,
            debit=line.debit,
            credit=line.credit,
            memo=line.memo,
            department_id=line.department_id,
            employee_id=line.employee_id,
            party_id=line.party_id,
            project=line.project,
            cash_flow_item=line.cash_flow_item,
        )
        for number, line in enumerate(lines, start=1)
    ]


def _as_line(row: JournalLine) -> Line:
    return Line(
        account=row.account_code,
        debit=row.debit,
        credit=row.credit,
        memo=row.memo,
        department_id=row.department_id,
        employee_id=row.employee_id,
        party_id=row.party_id,
        project=row.project,
        cash_flow_item=row.cash_flow_item,
    )


async def _flush(session: AsyncSession) -> None:
    """Flush; the ledger's own triggers refusing it become the ledger's problems."""
    try:
        await session.flush()
    except sa_exc.IntegrityError as exc:
        raise _refusal(exc) from exc


def _refusal(exc: sa_exc.IntegrityError) -> DomainError | sa_exc.IntegrityError:
    message = str(exc.orig)
    if "entry_unbalanced" in message:
        return Unprocessable(
            "the database refused the entry: its lines do not balance", code="entry_unbalanced"
        )
    if "entry_posted" in message:
        return Conflict("the database refused: the entry is posted", code="entry_posted")
    return exc


async def get_entry(
    session: AsyncSession, entry_id: uuid.UUID, *, lock: bool = False
) -> JournalEntry:
    """An entry with its lines (404 otherwise); ``lock`` takes its row for update."""
    query = (
        select(JournalEntry)
        .where(JournalEntry.id == entry_id)
        .options(selectinload(JournalEntry.lines))
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    entry = await session.scalar(query)
    if entry is None:
        raise not_found("journal entry", entry_id)
    return entry


async def _add_balances(
    session: AsyncSession, year: int, month: int, lines: Sequence[Line]
) -> None:
    """Add posted lines to the month's account and cash-flow balances (one upsert per key).

    Posting holds the period's row lock, so balances of one month are never written by two
    transactions at once; the upsert keeps them right regardless."""
    by_account: dict[tuple[str, uuid.UUID | None], list[Decimal]] = defaultdict(
        lambda: [ZERO, ZERO]
    )
    by_item: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for line in lines:
        totals = by_account[(line.account, line.department_id)]
        totals[0] += line.debit
        totals[1] += line.credit
        if line.cash_flow_item:
            item = by_item[line.cash_flow_item]
            item[0] += line.debit
            item[1] += line.credit
    dialect = session.get_bind().dialect.name
    insert_of: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    balances = cast(Table, AccountBalance.__table__)
    rows = [
        {
            "account_code": code,
            "year": year,
            "month": month,
            "department_id": department,
            "department_key": str(department) if department else "",
            "debit": debit,
            "credit": credit,
        }
        for (code, department), (debit, credit) in sorted(
            by_account.items(), key=lambda kv: (kv[0][0], str(kv[0][1] or ""))
        )
    ]
    statement = insert_of(balances).values(rows)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["account_code", "year", "month", "department_key"],
            set_={
                "debit": balances.c.debit + statement.excluded.debit,
                "credit": balances.c.credit + statement.excluded.credit,
            },
        )
    )
    if by_item:
        cash = cast(Table, CashFlowBalance.__table__)
        statement = insert_of(cash).values(
            [
                {"item_code": code, "year": year, "month": month, "debit": d, "credit": c}
                for code, (d, c) in sorted(by_item.items())
            ]
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["item_code", "year", "month"],
                set_={
                    "debit": cash.c.debit + statement.excluded.debit,
                    "credit": cash.c.credit + statement.excluded.credit,
                },
            )
        )


async def _post(
    session: AsyncSession,
    entry: JournalEntry,
    lines: Sequence[Line],
    total: Decimal,
    seq: int,
    actor: str | None,
) -> JournalEntry:
    """Mark a written draft posted with voucher ``seq`` (taken, its lines checked)."""
    entry.status = "posted"
    entry.voucher_seq = seq
    entry.voucher_number = voucher_number(entry.year, entry.month, seq)
    entry.total = total
    entry.posted_at = utcnow()
    entry.posted_by = actor
    await _flush(session)
    await _add_balances(session, entry.year, entry.month, lines)
    await record_event(
        session,
        "finance.journal_entry.posted",
        subject_type=SUBJECT_TYPE,
        subject_id=entry.id,
        data=JournalEntryPosted(
            entry_id=entry.id,
            voucher_number=entry.voucher_number,
            entry_date=entry.entry_date,
            year=entry.year,
            month=entry.month,
            memo=entry.memo,
            source=entry.source,
            source_id=entry.source_id,
            total=f"{total:.2f}",
            reverses_id=entry.reverses_id,
            lines=[
                PostedLine(
                    account=line.account,
                    debit=f"{line.debit:.2f}",
                    credit=f"{line.credit:.2f}",
                    department_id=line.department_id,
                    employee_id=line.employee_id,
                    party_id=line.party_id,
                    project=line.project,
                    cash_flow_item=line.cash_flow_item,
                )
                for line in lines
            ],
        ),
    )
    return entry


async def post_entry(
    session: AsyncSession,
    *,
    entry_date: date,
    memo: str,
    lines: Sequence[Line],
    source: str,
    source_id: str | None,
    actor: str | None,
    reverses_id: uuid.UUID | None = None,
) -> JournalEntry:
    """Record and post a balanced entry at once (voucher number, balances, event); raises the
    ledger's problems: entry_unbalanced, invalid_line, invalid_source, unknown_account,
    account_not_postable, cash_flow_item_required, invalid_cash_flow_item, period_closed."""
    check_source(source)
    checked, total = check_lines(lines)
    check_texts(memo, source_id, checked)
    await check_accounts(session, checked)
    seq = await periods.take_voucher(session, entry_date.year, entry_date.month)
    entry = JournalEntry(
        entry_date=entry_date,
        year=entry_date.year,
        month=entry_date.month,
        memo=memo,
        source=source,
        source_id=source_id,
        status="draft",
        total=total,
        created_by=actor,
        reverses_id=reverses_id,
    )
    entry.lines = _line_rows(entry, checked)  # loaded: callers may read them
    session.add(entry)
    await _flush(session)
    return await _post(session, entry, checked, total, seq, actor)


async def create_draft(
    session: AsyncSession,
    *,
    entry_date: date,
    memo: str,
    lines: Sequence[Line],
    source: str,
    source_id: str | None,
    actor: str | None,
) -> JournalEntry:
    """A draft entry: its lines are checked for shape now (one side each, positive, two
    places) and for balance and accounts when it is posted. Refused in a closed period."""
    check_source(source)
    _shape(lines)
    check_texts(memo, source_id, lines)
    await check_known(session, lines)
    period = await periods.shared(session, entry_date.year, entry_date.month)
    periods.refuse_closed(period, "no entry is written into it")
    entry = JournalEntry(
        entry_date=entry_date,
        year=entry_date.year,
        month=entry_date.month,
        memo=memo,
        source=source,
        source_id=source_id,
        status="draft",
        total=sum((line.debit for line in lines), ZERO),
        created_by=actor,
    )
    entry.lines = _line_rows(entry, lines)
    session.add(entry)
    await _flush(session)
    return entry


def _shape(lines: Sequence[Line]) -> None:
    for number, line in enumerate(lines, start=1):
        debit, credit = (
            _amount(line.debit, f"line {number}"),
            _amount(line.credit, f"line {number}"),
        )
        if (debit > 0) == (credit > 0):
            raise Unprocessable(
                f"line {number} must have exactly one of debit and credit, and it positive",
                code="invalid_line",
                line=number,
            )


def refuse_posted(entry: JournalEntry) -> None:
    """409 ``entry_posted`` for a posted entry."""
    if entry.status == "posted":
        raise Conflict(
            f"entry {entry.voucher_number} is posted and never changes; reverse it instead",
            code="entry_posted",
        )


async def update_draft(
    session: AsyncSession,
    entry: JournalEntry,
    *,
    entry_date: date | None = None,
    memo: str | None = None,
    lines: Sequence[Line] | None = None,
    source_id: str | None = None,
) -> JournalEntry:
    """Change a draft (its date, memo, source id, or all its lines at once)."""
    refuse_posted(entry)
    if entry_date is None and memo is None and lines is None and source_id is None:
        return entry
    old = await periods.shared(session, entry.year, entry.month)
    entry = await get_entry(session, entry.id, lock=True)
    refuse_posted(entry)
    periods.refuse_closed(old, "its drafts do not change")
    if entry_date is not None and (entry_date.year, entry_date.month) != (entry.year, entry.month):
        new = await periods.shared(session, entry_date.year, entry_date.month)
        periods.refuse_closed(new, "no entry is moved into it")
    if lines is not None:
        _shape(lines)
        check_texts(memo or entry.memo, source_id, lines)
        await check_known(session, lines)
        entry.lines.clear()
        await _flush(session)  # the old lines go before the new take their numbers
        entry.lines.extend(_line_rows(entry, lines))
        entry.total = sum((line.debit for line in lines), ZERO)
    if entry_date is not None:
        entry.entry_date, entry.year, entry.month = entry_date, entry_date.year, entry_date.month
    if memo is not None:
        entry.memo = memo
    if source_id is not None:
        entry.source_id = source_id
    touch(entry)  # the version moves even when only the lines changed
    await _flush(session)
    return entry


async def delete_draft(session: AsyncSession, entry: JournalEntry) -> None:
    """Remove a draft and its lines."""
    refuse_posted(entry)
    period = await periods.shared(session, entry.year, entry.month)
    periods.refuse_closed(period, "its drafts do not change")
    await session.delete(entry)
    await _flush(session)


async def post_draft(
    session: AsyncSession, entry: JournalEntry, *, actor: str | None
) -> JournalEntry:
    """Post a draft: the same checks and effects as :func:`post_entry`. The voucher number is
    taken first (which locks the period), then the entry re-read under its own lock, so what
    is posted is what a concurrent edit left."""
    refuse_posted(entry)
    year, month = entry.year, entry.month
    checked, total = check_lines([_as_line(row) for row in entry.lines])
    await check_accounts(session, checked)
    seq = await periods.take_voucher(session, year, month)
    entry = await get_entry(session, entry.id, lock=True)
    refuse_posted(entry)  # posted meanwhile by someone else
    lines = [_as_line(row) for row in entry.lines]
    if (entry.year, entry.month) != (year, month) or lines != checked:
        raise PreconditionFailed(
            "the draft changed while it was being posted; read it again and retry",
            code="precondition_failed",
        )
    return await _post(session, entry, checked, total, seq, actor)


async def reverse_entry(
    session: AsyncSession,
    entry: JournalEntry,
    *,
    entry_date: date | None,
    memo: str | None,
    actor: str | None,
) -> JournalEntry:
    """Post the mirror of a posted entry (each debit a credit and back, same dimensions) on
    ``entry_date`` (default: the original's date), and link the two both ways."""
    entry = await get_entry(session, entry.id, lock=True)
    if entry.status != "posted":
        raise Conflict("a draft is not reversed; change or delete it", code="entry_not_posted")
    if entry.reversed_by_id is not None:
        raise Conflict(
            f"entry {entry.voucher_number} was reversed already",
            code="entry_already_reversed",
            reversed_by_id=str(entry.reversed_by_id),
        )
    mirror = [replace(_as_line(row), debit=row.credit, credit=row.debit) for row in entry.lines]
    reversal = await post_entry(
        session,
        entry_date=entry_date or entry.entry_date,
        memo=memo or f"冲销 {entry.voucher_number}：{entry.memo}"[:500],
        lines=mirror,
        source="reversal",
        source_id=str(entry.id),
        actor=actor,
        reverses_id=entry.id,
    )
    entry.reversed_by_id = reversal.id
    await _flush(session)
    await record_event(
        session,
        "finance.journal_entry.reversed",
        subject_type=SUBJECT_TYPE,
        subject_id=entry.id,
        data=JournalEntryReversed(
            entry_id=entry.id,
            voucher_number=entry.voucher_number or "",
            reversal_id=reversal.id,
            reversal_voucher_number=reversal.voucher_number or "",
            reversal_date=reversal.entry_date,
            total=f"{reversal.total:.2f}",
        ),
    )
    return reversal
