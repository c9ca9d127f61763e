"""Reference and demo data of finance for invoices, payments, aging and the cash plan.

There is no reference data here. With ``demo`` (and only while finance has no invoice yet), a
few customers' and suppliers' invoices are issued and partly paid through the same rules the
API uses, dated around today so the aging report and the cash plan show every bucket.

The demo parties: org's demo data has no external parties, and org may not be up while finance
is seeded, so the demo invoices name parties of their own (the fixed ids of ``DEMO_PARTIES``,
with their names kept on the invoices as every invoice keeps its party's name). Registering
parties with these ids in org is not needed for anything finance does.
"""

import uuid
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.receivables import Invoice, InvoiceKind
from services.finance.domain import invoices, payments

ACTOR = "seed:demo"

DEMO_PARTIES: dict[str, tuple[uuid.UUID, str]] = {
    "yuntu": (uuid.UUID("0193a8c0-0000-7000-8000-0000000dc001"), "上海云途网络科技有限公司"),
    "xinghe": (uuid.UUID("0193a8c0-0000-7000-8000-0000000dc002"), "北京星河贸易有限公司"),
    "shulan": (uuid.UUID("0193a8c0-0000-7000-8000-0000000dc003"), "杭州数澜信息技术有限公司"),
    "huaxin": (uuid.UUID("0193a8c0-0000-7000-8000-0000000dc101"), "北京华信办公用品有限公司"),
    "hengtong": (uuid.UUID("0193a8c0-0000-7000-8000-0000000dc102"), "深圳恒通云计算服务有限公司"),
}

# (party, kind, supplier's number, issued days ago, due in days, description, net, rate, account,
#  bank account, paid (amount, days ago))
DEMO_INVOICES: tuple[
    tuple[
        str,
        InvoiceKind,
        str | None,
        int,
        int,
        str,
        str,
        str,
        str | None,
        str | None,
        tuple[str, int] | None,
    ],
    ...,
] = (
    (
        "yuntu",
        "receivable",
        None,
        75,
        -45,
        "ERP 实施服务 一期",
        "100000.00",
        "0.13",
        None,
        None,
        ("50000.00", 40),
    ),
    (
        "yuntu",
        "receivable",
        None,
        60,
        -30,
        "运维服务 第一季度",
        "10000.00",
        "0.06",
        None,
        None,
        ("10600.00", 28),
    ),
    ("xinghe", "receivable", None, 20, 10, "软件许可", "30000.00", "0.13", None, None, None),
    ("shulan", "receivable", None, 130, -100, "数据分析咨询", "20000.00", "0.06", None, None, None),
    (
        "huaxin",
        "payable",
        "HX-2026-0318",
        15,
        15,
        "办公用品",
        "5000.00",
        "0.13",
        "6602.03",
        "6222020200112233445",
        None,
    ),
    (
        "hengtong",
        "payable",
        "HT-88412",
        40,
        -10,
        "云服务器租用",
        "20000.00",
        "0.06",
        "6602.03",
        "4000023409100088812",
        ("10000.00", 12),
    ),
)


async def load(session: AsyncSession, *, demo: bool, today: date | None = None) -> None:
    """Add what is missing (never overwrite what the company changed); ``demo`` adds demo data."""
    if not demo or await session.scalar(select(Invoice.id).limit(1)) is not None:
        return
    today = today or date.today()
    for (
        party,
        kind,
        number,
        issued_ago,
        due_in,
        text,
        net,
        rate,
        account,
        bank,
        paid,
    ) in DEMO_INVOICES:
        party_id, party_name = DEMO_PARTIES[party]
        invoice = await invoices.create(
            session,
            invoices.DraftInvoice(
                kind=kind,
                number=number,
                party_id=party_id,
                party_name=party_name,
                party_bank_account=bank,
                issue_date=today - timedelta(days=issued_ago),
                due_date=today + timedelta(days=due_in),
                description=text,
                lines=[invoices.DraftLine(text, Decimal(net), Decimal(rate), account)],
            ),
            ACTOR,
        )
        await invoices.issue(session, invoice, ACTOR)
        if kind == "payable":
            await invoices.approve_payment(session, invoice, ACTOR)
        if paid is not None:
            amount, days_ago = paid
            await payments.record(
                session,
                kind="receipt" if kind == "receivable" else "payment",
                party_id=party_id,
                payment_date=today - timedelta(days=days_ago),
                reference="演示数据",
                allocations=[payments.Allocation(invoice.id, Decimal(amount))],
                actor=ACTOR,
            )
