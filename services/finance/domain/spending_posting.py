"""How approved claims reach the ledger: the expense entry (Dr the lines' expense accounts by
department / Cr 2241 other payables by employee) and the payment (Dr 2241 / Cr 1002 with its
cash-flow item), both through the ledger's ``post_entry`` in the caller's transaction."""

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.ledger import Account, CashFlowItem, JournalEntry
from services.finance.db.spending import ExpenseClaim
from services.finance.domain.ledger import Line, post_entry
from shared.kit.errors import ServiceUnavailable

PAYABLE = "2241"  # 其他应付款 Other payables: what the company owes the employee
BANK = "1002"  # 银行存款 Bank deposits
PAYMENT_ITEM_NAME = "支付其他与经营活动有关的现金"
"""Reimbursed expenses are operating outflows other than wages (the wages item, 支付给职工以及为
职工支付的现金, is for pay and benefits), so a claim's payment is classified here."""


async def postable(session: AsyncSession, code: str) -> str:
    """``code`` when it takes postings, else its first active leaf sub-account (finance may have
    split 2241 or 1002 by counterparty or bank)."""
    account = await session.scalar(select(Account).where(Account.code == code))
    if account is not None and account.is_leaf and account.active:
        return code
    child = await session.scalar(
        select(Account.code)
        .where(
            Account.code.like(f"{code}.%"),
            Account.is_leaf.is_(True),
            Account.active.is_(True),
        )
        .order_by(Account.code)
    )
    if child is None:
        raise ServiceUnavailable(f"the chart has no account {code} (or sub-account) to post to")
    return str(child)


async def payment_item(session: AsyncSession) -> str:
    """The code of the cash-flow item a reimbursement is paid under."""
    code = await session.scalar(
        select(CashFlowItem.code).where(CashFlowItem.name == PAYMENT_ITEM_NAME)
    )
    if code is None:
        raise ServiceUnavailable(f"the cash-flow item {PAYMENT_ITEM_NAME} is not set up")
    return str(code)


async def post_claim(
    session: AsyncSession, claim: ExpenseClaim, *, on: date, actor: str | None
) -> JournalEntry:
    """Post the approved claim: each line debits its expense account with its department (and
    the employee); one credit to other payables with the employee."""
    lines = [
        Line(
            account=line.account_code,
            debit=line.amount,
            memo=line.description[:500],
            department_id=line.department_id,
            employee_id=claim.employee_id,
        )
        for line in claim.lines
    ]
    lines.append(
        Line(
            account=await postable(session, PAYABLE),
            credit=claim.total,
            memo=f"应付报销款 {claim.title}"[:500],
            employee_id=claim.employee_id,
        )
    )
    return await post_entry(
        session,
        entry_date=on,
        memo=f"费用报销 {claim.title}"[:500],
        lines=lines,
        source="expense_claim",
        source_id=str(claim.id),
        actor=actor,
    )


async def post_payment(
    session: AsyncSession, claim: ExpenseClaim, *, on: date, actor: str | None
) -> JournalEntry:
    """Post the payment of a claim: Dr other payables (employee) / Cr bank, with its cash-flow
    item."""
    amount: Decimal = claim.total
    employee: uuid.UUID = claim.employee_id
    return await post_entry(
        session,
        entry_date=on,
        memo=f"支付报销款 {claim.title}"[:500],
        lines=[
            Line(account=await postable(session, PAYABLE), debit=amount, employee_id=employee),
            Line(
                account=await postable(session, BANK),
                credit=amount,
                employee_id=employee,
                cash_flow_item=await payment_item(session),
            ),
        ],
        source="expense_payment",
        source_id=str(claim.id),
        actor=actor,
    )
