"""Reference and demo data of finance for chart of accounts, periods, journal entries.

The CAS chart of ``finance-reference.md`` (first-level accounts) with its usual
sub-accounts, and the direct-method cash-flow items. Data, not code: finance renames,
deactivates and adds to it; a later load only adds what is missing.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.ledger import Account, CashFlowItem, JournalEntry
from services.finance.domain.ledger import Line, post_entry

# (code, 中文, English, category, normal side)
FIRST_LEVEL: tuple[tuple[str, str, str, str, str], ...] = (
    ("1001", "库存现金", "Cash on hand", "asset", "debit"),
    ("1002", "银行存款", "Bank deposits", "asset", "debit"),
    ("1012", "其他货币资金", "Other monetary funds", "asset", "debit"),
    ("1101", "交易性金融资产", "Trading financial assets", "asset", "debit"),
    ("1121", "应收票据", "Notes receivable", "asset", "debit"),
    ("1122", "应收账款", "Accounts receivable", "asset", "debit"),
    ("1123", "预付账款", "Prepayments", "asset", "debit"),
    ("1131", "应收股利", "Dividends receivable", "asset", "debit"),
    ("1132", "应收利息", "Interest receivable", "asset", "debit"),
    ("1221", "其他应收款", "Other receivables", "asset", "debit"),
    ("1231", "坏账准备", "Bad-debt provision", "asset", "credit"),
    ("1403", "原材料", "Raw materials", "asset", "debit"),
    ("1405", "库存商品", "Merchandise", "asset", "debit"),
    ("1411", "周转材料", "Low-value consumables", "asset", "debit"),
    ("1511", "长期股权投资", "Long-term equity investments", "asset", "debit"),
    ("1601", "固定资产", "Fixed assets", "asset", "debit"),
    ("1602", "累计折旧", "Accumulated depreciation", "asset", "credit"),
    ("1604", "在建工程", "Construction in progress", "asset", "debit"),
    ("1701", "无形资产", "Intangible assets", "asset", "debit"),
    ("1702", "累计摊销", "Accumulated amortisation", "asset", "credit"),
    ("1801", "长期待摊费用", "Long-term prepaid expenses", "asset", "debit"),
    ("1811", "递延所得税资产", "Deferred tax assets", "asset", "debit"),
    ("1901", "待处理财产损溢", "Assets pending disposal", "asset", "debit"),
    ("2001", "短期借款", "Short-term loans", "liability", "credit"),
    ("2201", "应付票据", "Notes payable", "liability", "credit"),
    ("2202", "应付账款", "Accounts payable", "liability", "credit"),
    ("2203", "预收账款", "Advances from customers", "liability", "credit"),
    ("2211", "应付职工薪酬", "Employee benefits payable", "liability", "credit"),
    ("2221", "应交税费", "Taxes payable", "liability", "credit"),
    ("2231", "应付利息", "Interest payable", "liability", "credit"),
    ("2232", "应付股利", "Dividends payable", "liability", "credit"),
    ("2241", "其他应付款", "Other payables", "liability", "credit"),
    ("2501", "长期借款", "Long-term loans", "liability", "credit"),
    ("2701", "长期应付款", "Long-term payables", "liability", "credit"),
    ("2801", "预计负债", "Provisions", "liability", "credit"),
    ("4001", "实收资本", "Paid-in capital", "equity", "credit"),
    ("4002", "资本公积", "Capital reserve", "equity", "credit"),
    ("4101", "盈余公积", "Surplus reserve", "equity", "credit"),
    ("4103", "本年利润", "Current-year profit", "equity", "credit"),
    ("4104", "利润分配", "Profit distribution", "equity", "credit"),
    ("5301", "研发支出", "R&D expenditure", "cost", "debit"),
    ("6001", "主营业务收入", "Main operating revenue", "profit_and_loss", "credit"),
    ("6051", "其他业务收入", "Other operating revenue", "profit_and_loss", "credit"),
    ("6111", "投资收益", "Investment income", "profit_and_loss", "credit"),
    ("6301", "营业外收入", "Non-operating income", "profit_and_loss", "credit"),
    ("6401", "主营业务成本", "Main operating cost", "profit_and_loss", "debit"),
    ("6402", "其他业务成本", "Other operating cost", "profit_and_loss", "debit"),
    ("6403", "税金及附加", "Taxes and surcharges", "profit_and_loss", "debit"),
    ("6601", "销售费用", "Selling expenses", "profit_and_loss", "debit"),
    ("6602", "管理费用", "Administrative expenses", "profit_and_loss", "debit"),
    ("6603", "财务费用", "Financial expenses", "profit_and_loss", "debit"),
    ("6701", "资产减值损失", "Asset impairment losses", "profit_and_loss", "debit"),
    ("6711", "营业外支出", "Non-operating expenses", "profit_and_loss", "debit"),
    ("6801", "所得税费用", "Income tax expense", "profit_and_loss", "debit"),
)

# (code, 中文, English): category and normal side come from the parent
SUB_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("2211.01", "工资", "Wages"),
    ("2211.02", "社会保险费", "Social insurance"),
    ("2211.03", "住房公积金", "Housing fund"),
    ("2211.04", "职工福利费", "Employee welfare"),
    ("2221.01", "应交增值税", "VAT payable"),
    ("2221.01.01", "进项税额", "Input VAT"),
    ("2221.01.02", "销项税额", "Output VAT"),
    ("2221.02", "应交企业所得税", "Corporate income tax payable"),
    ("2221.03", "应交个人所得税", "Individual income tax withheld"),
    ("2221.04", "应交城市维护建设税", "City maintenance and construction tax payable"),
    ("2221.05", "教育费附加", "Education surcharge payable"),
    ("2221.06", "地方教育附加", "Local education surcharge payable"),
    ("6602.01", "工资", "Wages"),
    ("6602.02", "差旅费", "Travel"),
    ("6602.03", "办公费", "Office expenses"),
    ("6602.04", "业务招待费", "Entertainment"),
    ("6602.05", "研发费用", "Research and development"),
    ("6602.06", "折旧费", "Depreciation"),
)

# (code, 中文, English, section, direction), in the statement's order
CASH_FLOW_ITEMS: tuple[tuple[str, str, str, str, str], ...] = (
    ("sales_receipts", "销售商品、提供劳务收到的现金",
     "Cash received from sales of goods and services", "operating", "inflow"),
    ("tax_refunds", "收到的税费返还", "Tax refunds received", "operating", "inflow"),
    ("other_operating_receipts", "收到其他与经营活动有关的现金",
     "Other cash received from operating activities", "operating", "inflow"),
    ("purchase_payments", "购买商品、接受劳务支付的现金",
     "Cash paid for goods and services", "operating", "outflow"),
    ("employee_payments", "支付给职工以及为职工支付的现金",
     "Cash paid to and on behalf of employees", "operating", "outflow"),
    ("tax_payments", "支付的各项税费", "Taxes paid", "operating", "outflow"),
    ("other_operating_payments", "支付其他与经营活动有关的现金",
     "Other cash paid for operating activities", "operating", "outflow"),
    ("investment_recoveries", "收回投资收到的现金",
     "Cash received from disposal of investments", "investing", "inflow"),
    ("investment_income_receipts", "取得投资收益收到的现金",
     "Cash received from investment income", "investing", "inflow"),
    ("asset_disposal_receipts", "处置固定资产、无形资产和其他长期资产收回的现金净额",
     "Net cash received from disposal of fixed, intangible and other long-term assets",
     "investing", "inflow"),
    ("asset_purchase_payments", "购建固定资产、无形资产和其他长期资产支付的现金",
     "Cash paid for fixed, intangible and other long-term assets", "investing", "outflow"),
    ("investment_payments", "投资支付的现金", "Cash paid for investments", "investing", "outflow"),
    ("capital_receipts", "吸收投资收到的现金",
     "Cash received from capital contributions", "financing", "inflow"),
    ("borrowing_receipts", "取得借款收到的现金", "Cash received from borrowings",
     "financing", "inflow"),
    ("debt_repayments", "偿还债务支付的现金", "Cash paid to repay debts", "financing", "outflow"),
    ("dividend_interest_payments", "分配股利、利润或偿付利息支付的现金",
     "Cash paid for dividends, profit distribution or interest", "financing", "outflow"),
)  # fmt: skip


async def load(session: AsyncSession, *, demo: bool) -> None:
    """Add what is missing (never overwrite what the company changed); ``demo`` adds demo data."""
    existing = {account.code: account for account in (await session.scalars(select(Account))).all()}
    for code, name, name_en, category, side in FIRST_LEVEL:
        if code not in existing:
            existing[code] = Account(
                code=code,
                name=name,
                name_en=name_en,
                category=category,
                normal_side=side,
                parent_code=None,
                level=1,
                is_leaf=True,
                active=True,
            )
            session.add(existing[code])
    for code, name, name_en in SUB_ACCOUNTS:
        parent_code = code.rpartition(".")[0]
        parent = existing[parent_code]
        parent.is_leaf = False
        if code not in existing:
            existing[code] = Account(
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
            session.add(existing[code])
    for account in list(existing.values()):  # a sub-account finance added: a non-leaf parent
        above = account.parent_code
        if above is not None and above in existing:
            existing[above].is_leaf = False
    items = set((await session.scalars(select(CashFlowItem.code))).all())
    for order, (code, name, name_en, section, direction) in enumerate(CASH_FLOW_ITEMS, 1):
        if code not in items:
            session.add(
                CashFlowItem(
                    code=code,
                    name=name,
                    name_en=name_en,
                    section=section,
                    direction=direction,
                    sort_order=order * 10,
                )
            )
    await session.flush()
    if demo:
        await load_demo(session, today=date.today())


DEMO_SOURCE_ID = "demo-ledger"


def _demo_entries(today: date) -> list[tuple[date, str, list[Line]]]:
    """The company's capital paid in on 2 January, then each month (up to the last one
    ended, at least January): a sale and its receipt, wages accrued and paid, office rent."""
    D = Decimal
    year = today.year
    entries = [
        (
            date(year, 1, 2),
            "股东投入资本 Capital paid in",
            [
                Line("1002", debit=D("5000000.00"), cash_flow_item="capital_receipts"),
                Line("4001", credit=D("5000000.00")),
            ],
        )
    ]
    for month in range(1, max(2, today.month)):
        sale = D(180000 + 15000 * month)
        vat = (sale * D("0.06")).quantize(D("0.01"))
        wages = D("120000.00")
        entries += [
            (
                date(year, month, 10),
                f"{month}月技术服务收入 IT services invoiced",
                [
                    Line("1122", debit=sale + vat),
                    Line("6001", credit=sale),
                    Line("2221.01.02", credit=vat),
                ],
            ),
            (
                date(year, month, 20),
                f"收到{month}月服务款 Receipt",
                [
                    Line("1002", debit=sale + vat, cash_flow_item="sales_receipts"),
                    Line("1122", credit=sale + vat),
                ],
            ),
            (
                date(year, month, 25),
                f"计提{month}月工资 Wages accrued",
                [Line("6602.01", debit=wages), Line("2211.01", credit=wages)],
            ),
            (
                date(year, month, 28),
                f"发放{month}月工资 Wages paid",
                [
                    Line("2211.01", debit=wages),
                    Line("1002", credit=wages, cash_flow_item="employee_payments"),
                ],
            ),
            (
                date(year, month, 5),
                f"支付{month}月办公室租金 Office rent",
                [
                    Line("6602.03", debit=D("30000.00")),
                    Line("1002", credit=D("30000.00"), cash_flow_item="other_operating_payments"),
                ],
            ),
        ]
    return entries


async def load_demo(session: AsyncSession, *, today: date) -> None:
    """Post the demo entries once (none when they were posted before)."""
    done = await session.scalar(
        select(JournalEntry.id).where(JournalEntry.source_id == DEMO_SOURCE_ID).limit(1)
    )
    if done is not None:
        return
    for entry_date, memo, lines in sorted(_demo_entries(today), key=lambda e: e[0]):
        await post_entry(
            session,
            entry_date=entry_date,
            memo=memo,
            lines=lines,
            source="manual",
            source_id=DEMO_SOURCE_ID,
            actor="demo",
        )
