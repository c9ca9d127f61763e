"""What finance owes employees from posted facts, and paying it.

A posted fact whose entry credits other payables (2241, or a sub-account) for an employee —
a travel advance (Dr 1221 / Cr 2241), a reimbursement's expenses (Dr 6602.02 / Cr 2241) — makes
finance owe that employee the credits **net of what the same entry debits 2241 for them** (a
reimbursement's advance offset, Dr 2241 / Cr 1221). The posting area calls
:func:`record_payables` in the transaction that posts the fact, so the payable exists exactly
when the entry does (a fact posted on retry of a parked exception too). Nothing owed (an
advance that covered the whole trip) is recorded as ``settled``: nothing to pay.

Paying posts Dr 2241 / Cr 1002 with the employee as dimension and the cash-flow item
``employee_payments`` (支付给职工以及为职工支付的现金), through the ledger's ``post_entry``,
source ``employee_payment``, under a row lock on the payable (a second payment waits and then
finds it paid); the database holds it too (a status check and one payment per payable).
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.employee_payables import EmployeePayable, EmployeePayablePayment
from services.finance.db.ledger import JournalEntry, JournalLine
from services.finance.domain.budget_access import READERS, is_finance
from services.finance.domain.ledger import Line, post_entry
from services.finance.domain.spending_posting import postable
from shared.contracts.finance_payable_events import EmployeePayablePaid
from shared.contracts.posting_facts import PostingFact
from shared.contracts.principal import Principal
from shared.kit.errors import Conflict, Forbidden, not_found
from shared.kit.outbox import record_event

PAYABLE = "2241"  # 其他应付款 Other payables
BANK = "1002"  # 银行存款 Bank deposits
CASH_FLOW_ITEM = "employee_payments"  # 支付给职工以及为职工支付的现金
SOURCE = "employee_payment"
"""The payment entries' source (their ``source_id`` is the payable's id)."""
ZERO = Decimal("0")


# ---- what an entry owes: pure ----------------------------------------------------------------


@dataclass(frozen=True)
class PostedLine:
    """The parts of a journal line that say what is owed to whom."""

    account: str
    debit: Decimal
    credit: Decimal
    employee_id: uuid.UUID | None


@dataclass(frozen=True)
class Owed:
    """What one entry makes finance owe one employee, on which 2241 account."""

    employee_id: uuid.UUID
    account: str
    amount: Decimal


def is_payable_account(code: str) -> bool:
    """2241 and its sub-accounts."""
    return code == PAYABLE or code.startswith(f"{PAYABLE}.")


def owed_by_employee(lines: Iterable[PostedLine]) -> list[Owed]:
    """Per employee the entry credits 2241 for: the credits less the debits to 2241 for them
    (never below zero: an offset larger than the credits owes nothing), on the account of their
    largest credit. Employees the entry only debits are owed nothing (no payable); the order is
    that of the first credit."""
    credits: dict[uuid.UUID, Decimal] = {}
    debits: dict[uuid.UUID, Decimal] = {}
    largest: dict[uuid.UUID, tuple[Decimal, str]] = {}
    for line in lines:
        if line.employee_id is None or not is_payable_account(line.account):
            continue
        who = line.employee_id
        debits[who] = debits.get(who, ZERO) + line.debit
        if line.credit > 0:
            credits[who] = credits.get(who, ZERO) + line.credit
            if who not in largest or line.credit > largest[who][0]:
                largest[who] = (line.credit, line.account)
    return [
        Owed(employee_id=who, account=largest[who][1], amount=max(credit - debits[who], ZERO))
        for who, credit in credits.items()
    ]


# ---- recording, when a fact posts ------------------------------------------------------------


async def record_payables(
    session: AsyncSession, fact_type: str, fact: PostingFact, entry: JournalEntry
) -> list[EmployeePayable]:
    """Record what the posted ``fact`` (its ``entry``) makes finance owe employees; called by
    the posting area in the posting's transaction. Idempotent per (fact, employee)."""
    fact_id = uuid.UUID(str(entry.source_id))
    rows = await session.scalars(
        select(JournalLine).where(JournalLine.entry_id == entry.id).order_by(JournalLine.line_no)
    )
    owed = owed_by_employee(
        PostedLine(line.account_code, line.debit, line.credit, line.employee_id)
        for line in rows.all()
    )
    recorded: list[EmployeePayable] = []
    for item in owed:
        existing = await session.scalar(
            select(EmployeePayable).where(
                EmployeePayable.fact_id == fact_id,
                EmployeePayable.employee_id == item.employee_id,
            )
        )
        if existing is not None:
            recorded.append(existing)
            continue
        payable = EmployeePayable(
            employee_id=item.employee_id,
            fact_id=fact_id,
            fact_type=fact_type,
            source_id=fact.source_id,
            entry_id=entry.id,
            account_code=item.account,
            occurred_on=fact.occurred_on,
            memo=fact.memo,
            amount=item.amount,
            amount_paid=ZERO,
            status="open" if item.amount > 0 else "settled",
        )
        session.add(payable)
        recorded.append(payable)
    await session.flush()
    return recorded


# ---- who sees what ---------------------------------------------------------------------------


def _sees_all(principal: Principal) -> bool:
    return principal.has_role(*READERS) or principal.kind == "client"


def visible_payables(
    principal: Principal, *, employee_id: uuid.UUID | None, status: str | None
) -> Select[tuple[EmployeePayable]]:
    """The payables the caller may see (finance, admins, auditors: all; an employee: their
    own; anyone else: none), filtered."""
    query = select(EmployeePayable)
    if not _sees_all(principal):
        own = principal.employee_id or uuid.UUID(int=0)
        query = query.where(EmployeePayable.employee_id == own)
    if employee_id is not None:
        query = query.where(EmployeePayable.employee_id == employee_id)
    if status is not None:
        query = query.where(EmployeePayable.status == status)
    return query


async def get_payable(
    session: AsyncSession, principal: Principal, payable_id: uuid.UUID
) -> EmployeePayable:
    """A payable the caller may see, or 404."""
    payable = await session.get(EmployeePayable, payable_id)
    if payable is None or not (
        _sees_all(principal) or payable.employee_id == principal.employee_id
    ):
        raise not_found("employee payable", payable_id)
    return payable


# ---- paying ------------------------------------------------------------------------------------


def check_payable(payable: EmployeePayable, *, paid_on: date) -> None:
    """Refuse paying a payable paid already, or one of nothing.

    A payment may be dated before the fact's own date: a trip's advance is dated on the trip's
    first day by logistics, and is paid before the trip."""
    if payable.status == "paid":
        raise Conflict(
            f"employee payable {payable.id} was paid on {payable.paid_on}",
            code="employee_payable_paid",
        )
    if payable.status == "settled":
        raise Conflict(
            f"employee payable {payable.id} owes nothing (settled by its advance): nothing to pay",
            code="employee_payable_settled",
        )


async def pay(
    session: AsyncSession, principal: Principal, payable: EmployeePayable, *, paid_on: date
) -> EmployeePayable:
    """Finance pays all a payable owes: Dr 2241 / Cr 1002 (employee dimension, cash flow
    ``employee_payments``), the payable ``paid``, ``finance.employee_payable.paid``."""
    if not is_finance(principal):
        raise Forbidden("only finance staff pay what is owed to employees", code="finance_only")
    locked = await session.scalar(
        select(EmployeePayable)
        .where(EmployeePayable.id == payable.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:  # payables are never deleted; kept for the type checker
        raise not_found("employee payable", payable.id)
    check_payable(locked, paid_on=paid_on)
    amount = locked.amount
    employee = locked.employee_id
    entry = await post_entry(
        session,
        entry_date=paid_on,
        memo=f"支付职工款项 {locked.memo}"[:500],
        lines=[
            Line(account=locked.account_code, debit=amount, employee_id=employee),
            Line(
                account=await postable(session, BANK),
                credit=amount,
                employee_id=employee,
                cash_flow_item=CASH_FLOW_ITEM,
            ),
        ],
        source=SOURCE,
        source_id=str(locked.id),
        actor=principal.sub,
    )
    session.add(
        EmployeePayablePayment(
            payable_id=locked.id,
            entry_id=entry.id,
            amount=amount,
            paid_on=paid_on,
            paid_by=principal.sub,
        )
    )
    locked.status = "paid"
    locked.amount_paid = amount
    locked.payment_entry_id = entry.id
    locked.paid_on = paid_on
    locked.paid_by = principal.sub
    await session.flush()
    await record_event(
        session,
        "finance.employee_payable.paid",
        subject_type="employee_payable",
        subject_id=locked.id,
        data=EmployeePayablePaid(
            payable_id=locked.id,
            employee_id=employee,
            fact_type=locked.fact_type,
            source_id=locked.source_id,
            amount=amount,
            paid_on=paid_on,
            payment_entry_id=entry.id,
        ),
    )
    return locked
