"""The year-end close: closing December carries the year's profit and loss into 4103 本年利润 and
on to 4104 利润分配, by entries the close makes itself.

Two entries, dated 31 December, posted through the ledger's ``post_entry`` with source
``period_close``:

1. ``year-end:<year>:profit-and-loss`` (结转本年损益): every profit-and-loss account's balance
   at the end of the year, per department, is reversed into 4103, so each of them stands at
   zero; 4103 takes the difference (a credit for a profit, a debit for a loss);
2. ``year-end:<year>:profit-distribution`` (结转本年利润): 4103's balance moves on to 4104 —
   to its sub-account named 未分配利润 when finance keeps one, else to 4104 itself.

The balances are read through the end of the year, so a reopened and re-closed December
posts only what was added since (nothing, when nothing was). The income statement leaves
these entries out (``domain/statements.py``), so a year's statement still shows its revenue
and expenses after the close.
"""

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.ledger import Account, AccountBalance
from services.finance.domain import ledger  # a module: ledger imports periods, which imports this

CURRENT_YEAR_PROFIT = "4103"
PROFIT_DISTRIBUTION = "4104"
UNDISTRIBUTED = "未分配利润"
SOURCE = "period_close"
ZERO = Decimal("0.00")


def source_id(year: int, step: str) -> str:
    """The ``source_id`` of one of the year's closing entries."""
    return f"year-end:{year}:{step}"


def closing_lines(
    balances: dict[tuple[str, uuid.UUID | None], Decimal],
) -> "tuple[list[ledger.Line], Decimal]":
    """The lines that bring each (account, department) balance (debit - credit) to zero, and
    the profit they leave for 4103 (positive: a profit)."""
    lines: list[ledger.Line] = []
    profit = ZERO
    for (code, department), balance in sorted(
        balances.items(), key=lambda kv: (kv[0][0], str(kv[0][1] or ""))
    ):
        if balance > 0:
            lines.append(ledger.Line(account=code, credit=balance, department_id=department))
        elif balance < 0:
            lines.append(ledger.Line(account=code, debit=-balance, department_id=department))
        profit -= balance
    return lines, profit


async def _distribution_account(session: AsyncSession) -> str:
    """4104's sub-account 未分配利润 (the first by code) if finance keeps one, else 4104."""
    found = await session.scalar(
        select(Account.code)
        .where(
            Account.parent_code == PROFIT_DISTRIBUTION,
            Account.name.contains(UNDISTRIBUTED),
            Account.active.is_(True),
            Account.is_leaf.is_(True),
        )
        .order_by(Account.code)
        .limit(1)
    )
    return found or PROFIT_DISTRIBUTION


async def _balance_of(session: AsyncSession, code: str, year: int) -> Decimal:
    total = await session.scalar(
        select(func.sum(AccountBalance.debit - AccountBalance.credit)).where(
            AccountBalance.account_code == code, AccountBalance.year <= year
        )
    )
    return Decimal(total or 0).quantize(ZERO)


async def carry_forward(session: AsyncSession, *, year: int, actor: str | None) -> None:
    """Post the year's closing entries (called by the close of December, in its transaction)."""
    profit_and_loss = select(Account.code).where(Account.category == "profit_and_loss")
    rows = await session.execute(
        select(
            AccountBalance.account_code,
            AccountBalance.department_id,
            func.sum(AccountBalance.debit - AccountBalance.credit),
        )
        .where(AccountBalance.account_code.in_(profit_and_loss), AccountBalance.year <= year)
        .group_by(AccountBalance.account_code, AccountBalance.department_id)
    )
    balances = {
        (code, department): Decimal(balance or 0).quantize(ZERO)
        for code, department, balance in rows
    }
    lines, profit = closing_lines(balances)
    closing_day = date(year, 12, 31)
    if lines:
        if profit > 0:
            lines.append(ledger.Line(account=CURRENT_YEAR_PROFIT, credit=profit))
        elif profit < 0:
            lines.append(ledger.Line(account=CURRENT_YEAR_PROFIT, debit=-profit))
        await ledger.post_entry(
            session,
            entry_date=closing_day,
            memo=f"结转{year}年损益 Close {year}'s profit and loss into 4103",
            lines=lines,
            source=SOURCE,
            source_id=source_id(year, "profit-and-loss"),
            actor=actor,
        )
    remaining = await _balance_of(session, CURRENT_YEAR_PROFIT, year)
    if remaining == 0:
        return
    target = await _distribution_account(session)
    amount = abs(remaining)
    if remaining < 0:  # a credit balance: the year's profit
        onward = [
            ledger.Line(account=CURRENT_YEAR_PROFIT, debit=amount),
            ledger.Line(account=target, credit=amount),
        ]
    else:
        onward = [
            ledger.Line(account=target, debit=amount),
            ledger.Line(account=CURRENT_YEAR_PROFIT, credit=amount),
        ]
    await ledger.post_entry(
        session,
        entry_date=closing_day,
        memo=f"结转{year}年本年利润 Carry {year}'s profit from 4103 to {target}",
        lines=onward,
        source=SOURCE,
        source_id=source_id(year, "profit-distribution"),
        actor=actor,
    )
