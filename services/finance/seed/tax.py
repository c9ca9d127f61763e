"""Reference and demo data of finance for tax.

Reference: the account a VAT payment debits, ``2221.01.03 已交税金`` (VAT paid) under
``2221.01 应交增值税``, beside the chart's input and output VAT, when the chart does not have it.
Demo: the registrations of a general-taxpayer IT services company (VAT 6%, CIT 25%, IIT
withheld, the three surcharges on VAT) and this year's filing calendar.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.ledger import Account
from services.finance.db.tax import Tax, TaxpayerKind, TaxRegistration
from services.finance.domain.tax import DEFAULT_PAYABLE, generate_calendar

VAT_PAID = ("2221.01.03", "已交税金", "VAT paid")

# tax, rate, taxpayer kind, note
DEMO_REGISTRATIONS: tuple[tuple[Tax, str | None, TaxpayerKind | None, str], ...] = (
    ("vat", "0.06", "general", "现代服务业（信息技术服务）一般纳税人 6%"),
    ("cit", "0.25", None, "企业所得税 25%"),
    ("iit_withheld", None, None, "代扣代缴工资薪金个人所得税"),
    ("city_construction", "0.07", None, "城市维护建设税 7%（市区）"),
    ("education_surcharge", "0.03", None, "教育费附加 3%"),
    ("local_education_surcharge", "0.02", None, "地方教育附加 2%"),
)


async def _vat_paid_account(session: AsyncSession) -> None:
    code, name, name_en = VAT_PAID
    parent_code = code.rpartition(".")[0]
    parent = await session.scalar(select(Account).where(Account.code == parent_code))
    if parent is None or await session.scalar(select(Account.id).where(Account.code == code)):
        return
    parent.is_leaf = False
    session.add(
        Account(
            code=code,
            name=name,
            name_en=name_en,
            category=parent.category,
            normal_side=parent.normal_side,
            parent_code=parent_code,
            level=parent.level + 1,
            is_leaf=True,
            active=True,
        )
    )
    await session.flush()


async def load(session: AsyncSession, *, demo: bool) -> None:
    """Add what is missing (never overwrite what the company changed); ``demo`` adds demo data."""
    await _vat_paid_account(session)
    if not demo or await session.scalar(select(TaxRegistration.id).limit(1)) is not None:
        return
    today = date.today()
    for tax, rate, kind, note in DEMO_REGISTRATIONS:
        session.add(
            TaxRegistration(
                tax=tax,
                rate=Decimal(rate) if rate is not None else None,
                taxpayer_kind=kind,
                filing_frequency="quarterly" if tax == "cit" else "monthly",
                payable_account=DEFAULT_PAYABLE[tax],
                effective_from=date(today.year - 1, 1, 1),
                note=note,
                created_by="seed",
            )
        )
    await session.flush()
    await generate_calendar(session, today.year)
