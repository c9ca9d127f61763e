"""The entries invoices and payments post, built as ledger lines (pure) and posted through the ledger.

- a receivable invoice: Dr 1122 应收账款 (gross, party) / Cr each line's revenue account (net,
  6001 by default) / Cr 2221 output VAT (销项税额);
- a payable invoice: Dr each line's expense or asset account (net) / Dr 2221 input VAT
  (进项税额) / Cr 2202 应付账款 (gross, party);
- a receipt: Dr 1002 银行存款 (cash-flow item 销售商品、提供劳务收到的现金) / Cr 1122 (party);
- a payment: Dr 2202 (party) / Cr 1002 (cash-flow item 购买商品、接受劳务支付的现金).

Sources in the ledger: ``invoice`` (source id: the invoice id) and ``payment`` (the payment id).
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.ledger import JournalEntry
from services.finance.domain.invoices_math import ZERO
from services.finance.domain.ledger import Line, post_entry, reverse_entry

REVENUE = "6001"
"""The default account of a receivable invoice's lines: 主营业务收入."""
ACCOUNTS_RECEIVABLE = "1122"
ACCOUNTS_PAYABLE = "2202"
BANK = "1002"
OUTPUT_VAT = "2221.01.02"
INPUT_VAT = "2221.01.01"
CASH_RECEIVED_FROM_SALES = "sales_receipts"
CASH_PAID_FOR_GOODS = "purchase_payments"


@dataclass(frozen=True)
class BookedLine:
    """One invoice line as the ledger needs it: the account, its net amount and VAT."""

    account: str
    amount: Decimal
    vat: Decimal


def invoice_lines(
    kind: str,
    lines: Iterable[BookedLine],
    *,
    gross: Decimal,
    party_id: uuid.UUID,
    memo: str,
    department_id: uuid.UUID | None = None,
    project: str | None = None,
) -> list[Line]:
    """The balanced lines of an invoice's entry (net amounts summed per account)."""
    by_account: dict[str, Decimal] = defaultdict(lambda: ZERO)
    vat = ZERO
    for line in lines:
        by_account[line.account] += line.amount
        vat += line.vat

    def booked(account: str, *, debit: Decimal = ZERO, credit: Decimal = ZERO) -> Line:
        return Line(
            account,
            debit=debit,
            credit=credit,
            memo=memo,
            party_id=party_id,
            department_id=department_id,
            project=project,
        )

    nets = [(account, amount) for account, amount in by_account.items() if amount > 0]
    if kind == "receivable":
        result = [booked(ACCOUNTS_RECEIVABLE, debit=gross)]
        result += [booked(account, credit=amount) for account, amount in nets]
        if vat > 0:
            result.append(Line(OUTPUT_VAT, credit=vat, memo=memo, party_id=party_id))
        return result
    result = [booked(account, debit=amount) for account, amount in nets]
    if vat > 0:
        result.append(Line(INPUT_VAT, debit=vat, memo=memo, party_id=party_id))
    result.append(booked(ACCOUNTS_PAYABLE, credit=gross))
    return result


def payment_lines(kind: str, *, amount: Decimal, party_id: uuid.UUID, memo: str) -> list[Line]:
    """The two lines of a receipt or a payment, the cash line with its cash-flow item."""
    if kind == "receipt":
        return [
            Line(BANK, debit=amount, memo=memo, cash_flow_item=CASH_RECEIVED_FROM_SALES),
            Line(ACCOUNTS_RECEIVABLE, credit=amount, memo=memo, party_id=party_id),
        ]
    return [
        Line(ACCOUNTS_PAYABLE, debit=amount, memo=memo, party_id=party_id),
        Line(BANK, credit=amount, memo=memo, cash_flow_item=CASH_PAID_FOR_GOODS),
    ]


async def post(
    session: AsyncSession,
    *,
    entry_date: date,
    memo: str,
    lines: Sequence[Line],
    source: str,
    source_id: uuid.UUID,
    actor: str | None,
) -> JournalEntry:
    """Post the entry in the caller's transaction (the ledger's refusals propagate)."""
    return await post_entry(
        session,
        entry_date=entry_date,
        memo=memo[:500],
        lines=lines,
        source=source,
        source_id=str(source_id),
        actor=actor,
    )


async def reverse(
    session: AsyncSession, entry_id: uuid.UUID, *, entry_date: date, memo: str, actor: str | None
) -> JournalEntry:
    """Post the mirror of an invoice's entry."""
    entry = await session.get_one(JournalEntry, entry_id)
    return await reverse_entry(session, entry, entry_date=entry_date, memo=memo[:500], actor=actor)
