"""Reference data of finance for statements: the default line mappings.

The balance sheet and income statement follow the line order of the Ministry of Finance's
formats for general enterprises (Caikuai [2019] No. 6); the cash-flow statement is the
direct method with each section's inflow and outflow subtotals and net. The accounts behind
each line are ``finance-reference.md``'s defaults; finance changes them with
``PATCH /statement-lines/{id}`` and a new load never overwrites what it changed.

A term is written ``"1122"`` (the account and its sub-accounts), ``"-6602.05"`` (taken away),
``"category:profit_and_loss"``, ``"item:<cash-flow item code>"``, ``"opening:1001"`` (balance
at the start of the range) or, in a total, ``"+line_code"`` / ``"-line_code"``. Positions run
1xxxx for the balance sheet, 2xxxx the income statement, 3xxxx the cash-flow statement, ten
apart, so that one ordering lists every statement in turn.
"""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.ledger import CashFlowItem
from services.finance.db.statements import StatementLine, StatementLineTerm
from services.finance.domain.statements import LineDef, LineKind, Side, StatementKind, Term

_ROWS: dict[StatementKind, tuple[tuple[str, str, str, LineKind, Side, str], ...]] = {
    "balance_sheet": (
        ("current_assets", "流动资产：", "Current assets:", "heading", "debit", ""),
        ("monetary_funds", "货币资金", "Cash and cash equivalents", "item", "debit", "1001 1002 1012"),
        ("trading_financial_assets", "交易性金融资产", "Trading financial assets", "item", "debit", "1101"),
        ("derivative_financial_assets", "衍生金融资产", "Derivative financial assets", "item", "debit", ""),
        ("notes_receivable", "应收票据", "Notes receivable", "item", "debit", "1121"),
        ("accounts_receivable", "应收账款", "Accounts receivable", "item", "debit", "1122 1231"),
        ("receivables_financing", "应收款项融资", "Receivables financing", "item", "debit", ""),
        ("prepayments", "预付款项", "Prepayments", "item", "debit", "1123"),
        ("other_receivables", "其他应收款", "Other receivables", "item", "debit", "1131 1132 1221"),
        ("inventories", "存货", "Inventories", "item", "debit", "1403 1405 1411"),
        ("contract_assets", "合同资产", "Contract assets", "item", "debit", ""),
        ("assets_held_for_sale", "持有待售资产", "Assets held for sale", "item", "debit", ""),
        ("non_current_assets_due_within_one_year", "一年内到期的非流动资产", "Non-current assets due within one year", "item", "debit", ""),
        ("other_current_assets", "其他流动资产", "Other current assets", "item", "debit", "1901"),
        ("total_current_assets", "流动资产合计", "Total current assets", "total", "debit",
         "+monetary_funds +trading_financial_assets +derivative_financial_assets +notes_receivable "
         "+accounts_receivable +receivables_financing +prepayments +other_receivables +inventories "
         "+contract_assets +assets_held_for_sale +non_current_assets_due_within_one_year "
         "+other_current_assets"),
        ("non_current_assets", "非流动资产：", "Non-current assets:", "heading", "debit", ""),
        ("debt_investments", "债权投资", "Debt investments", "item", "debit", ""),
        ("other_debt_investments", "其他债权投资", "Other debt investments", "item", "debit", ""),
        ("long_term_receivables", "长期应收款", "Long-term receivables", "item", "debit", ""),
        ("long_term_equity_investments", "长期股权投资", "Long-term equity investments", "item", "debit", "1511"),
        ("other_equity_instrument_investments", "其他权益工具投资", "Other equity instrument investments", "item", "debit", ""),
        ("other_non_current_financial_assets", "其他非流动金融资产", "Other non-current financial assets", "item", "debit", ""),
        ("investment_properties", "投资性房地产", "Investment properties", "item", "debit", ""),
        ("fixed_assets", "固定资产", "Fixed assets", "item", "debit", "1601 1602"),
        ("construction_in_progress", "在建工程", "Construction in progress", "item", "debit", "1604"),
        ("productive_biological_assets", "生产性生物资产", "Productive biological assets", "item", "debit", ""),
        ("oil_and_gas_assets", "油气资产", "Oil and gas assets", "item", "debit", ""),
        ("right_of_use_assets", "使用权资产", "Right-of-use assets", "item", "debit", ""),
        ("intangible_assets", "无形资产", "Intangible assets", "item", "debit", "1701 1702"),
        ("development_expenditure", "开发支出", "Development expenditure", "item", "debit", "5301"),
        ("goodwill", "商誉", "Goodwill", "item", "debit", ""),
        ("long_term_prepaid_expenses", "长期待摊费用", "Long-term prepaid expenses", "item", "debit", "1801"),
        ("deferred_tax_assets", "递延所得税资产", "Deferred tax assets", "item", "debit", "1811"),
        ("other_non_current_assets", "其他非流动资产", "Other non-current assets", "item", "debit", ""),
        ("total_non_current_assets", "非流动资产合计", "Total non-current assets", "total", "debit",
         "+debt_investments +other_debt_investments +long_term_receivables "
         "+long_term_equity_investments +other_equity_instrument_investments "
         "+other_non_current_financial_assets +investment_properties +fixed_assets "
         "+construction_in_progress +productive_biological_assets +oil_and_gas_assets "
         "+right_of_use_assets +intangible_assets +development_expenditure +goodwill "
         "+long_term_prepaid_expenses +deferred_tax_assets +other_non_current_assets"),
        ("total_assets", "资产总计", "Total assets", "total", "debit",
         "+total_current_assets +total_non_current_assets"),
        ("current_liabilities", "流动负债：", "Current liabilities:", "heading", "credit", ""),
        ("short_term_loans", "短期借款", "Short-term loans", "item", "credit", "2001"),
        ("trading_financial_liabilities", "交易性金融负债", "Trading financial liabilities", "item", "credit", ""),
        ("derivative_financial_liabilities", "衍生金融负债", "Derivative financial liabilities", "item", "credit", ""),
        ("notes_payable", "应付票据", "Notes payable", "item", "credit", "2201"),
        ("accounts_payable", "应付账款", "Accounts payable", "item", "credit", "2202"),
        ("advances_from_customers", "预收款项", "Advances from customers", "item", "credit", "2203"),
        ("contract_liabilities", "合同负债", "Contract liabilities", "item", "credit", ""),
        ("employee_benefits_payable", "应付职工薪酬", "Employee benefits payable", "item", "credit", "2211"),
        ("taxes_payable", "应交税费", "Taxes payable", "item", "credit", "2221"),
        ("other_payables", "其他应付款", "Other payables", "item", "credit", "2231 2232 2241"),
        ("liabilities_held_for_sale", "持有待售负债", "Liabilities held for sale", "item", "credit", ""),
        ("non_current_liabilities_due_within_one_year", "一年内到期的非流动负债", "Non-current liabilities due within one year", "item", "credit", ""),
        ("other_current_liabilities", "其他流动负债", "Other current liabilities", "item", "credit", ""),
        ("total_current_liabilities", "流动负债合计", "Total current liabilities", "total", "credit",
         "+short_term_loans +trading_financial_liabilities +derivative_financial_liabilities "
         "+notes_payable +accounts_payable +advances_from_customers +contract_liabilities "
         "+employee_benefits_payable +taxes_payable +other_payables +liabilities_held_for_sale "
         "+non_current_liabilities_due_within_one_year +other_current_liabilities"),
        ("non_current_liabilities", "非流动负债：", "Non-current liabilities:", "heading", "credit", ""),
        ("long_term_loans", "长期借款", "Long-term loans", "item", "credit", "2501"),
        ("bonds_payable", "应付债券", "Bonds payable", "item", "credit", ""),
        ("lease_liabilities", "租赁负债", "Lease liabilities", "item", "credit", ""),
        ("long_term_payables", "长期应付款", "Long-term payables", "item", "credit", "2701"),
        ("provisions", "预计负债", "Provisions", "item", "credit", "2801"),
        ("deferred_income", "递延收益", "Deferred income", "item", "credit", ""),
        ("deferred_tax_liabilities", "递延所得税负债", "Deferred tax liabilities", "item", "credit", ""),
        ("other_non_current_liabilities", "其他非流动负债", "Other non-current liabilities", "item", "credit", ""),
        ("total_non_current_liabilities", "非流动负债合计", "Total non-current liabilities", "total", "credit",
         "+long_term_loans +bonds_payable +lease_liabilities +long_term_payables +provisions "
         "+deferred_income +deferred_tax_liabilities +other_non_current_liabilities"),
        ("total_liabilities", "负债合计", "Total liabilities", "total", "credit",
         "+total_current_liabilities +total_non_current_liabilities"),
        ("equity", "所有者权益（或股东权益）：", "Owners' equity:", "heading", "credit", ""),
        ("paid_in_capital", "实收资本（或股本）", "Paid-in capital (or share capital)", "item", "credit", "4001"),
        ("other_equity_instruments", "其他权益工具", "Other equity instruments", "item", "credit", ""),
        ("capital_reserve", "资本公积", "Capital reserve", "item", "credit", "4002"),
        ("treasury_shares", "减：库存股", "Less: treasury shares", "item", "debit", ""),
        ("other_comprehensive_income", "其他综合收益", "Other comprehensive income", "item", "credit", ""),
        ("special_reserve", "专项储备", "Special reserve", "item", "credit", ""),
        ("surplus_reserve", "盈余公积", "Surplus reserve", "item", "credit", "4101"),
        ("retained_earnings", "未分配利润", "Retained earnings", "item", "credit",
         "4103 4104 category:profit_and_loss"),
        ("total_equity", "所有者权益（或股东权益）合计", "Total owners' equity", "total", "credit",
         "+paid_in_capital +other_equity_instruments +capital_reserve -treasury_shares "
         "+other_comprehensive_income +special_reserve +surplus_reserve +retained_earnings"),
        ("total_liabilities_and_equity", "负债和所有者权益（或股东权益）总计", "Total liabilities and owners' equity", "total", "credit",
         "+total_liabilities +total_equity"),
    ),
    "income_statement": (
        ("operating_revenue", "一、营业收入", "I. Operating revenue", "item", "credit", "6001 6051"),
        ("operating_costs", "减：营业成本", "Less: Operating costs", "item", "debit", "6401 6402"),
        ("taxes_and_surcharges", "税金及附加", "Taxes and surcharges", "item", "debit", "6403"),
        ("selling_expenses", "销售费用", "Selling expenses", "item", "debit", "6601"),
        ("administrative_expenses", "管理费用", "Administrative expenses", "item", "debit", "6602 -6602.05"),
        ("research_and_development_expenses", "研发费用", "Research and development expenses", "item", "debit", "6602.05"),
        ("financial_expenses", "财务费用", "Financial expenses", "item", "debit", "6603"),
        ("interest_expense", "其中：利息费用", "Of which: interest expense", "item", "debit", ""),
        ("interest_income", "利息收入", "Interest income", "item", "credit", ""),
        ("other_income", "加：其他收益", "Add: Other income", "item", "credit", ""),
        ("investment_income", "投资收益（损失以“－”号填列）", "Investment income (loss in negative)", "item", "credit", "6111"),
        ("net_exposure_hedging_income", "净敞口套期收益（损失以“－”号填列）", "Net exposure hedging income (loss in negative)", "item", "credit", ""),
        ("fair_value_gains", "公允价值变动收益（损失以“－”号填列）", "Gains from changes in fair value (loss in negative)", "item", "credit", ""),
        ("credit_impairment_losses", "信用减值损失（损失以“－”号填列）", "Credit impairment losses (loss in negative)", "item", "credit", ""),
        ("asset_impairment_losses", "资产减值损失（损失以“－”号填列）", "Asset impairment losses (loss in negative)", "item", "credit", "6701"),
        ("asset_disposal_gains", "资产处置收益（损失以“－”号填列）", "Gains on disposal of assets (loss in negative)", "item", "credit", ""),
        ("operating_profit", "二、营业利润（亏损以“－”号填列）", "II. Operating profit (loss in negative)", "total", "credit",
         "+operating_revenue -operating_costs -taxes_and_surcharges -selling_expenses "
         "-administrative_expenses -research_and_development_expenses -financial_expenses "
         "+other_income +investment_income +net_exposure_hedging_income +fair_value_gains "
         "+credit_impairment_losses +asset_impairment_losses +asset_disposal_gains"),
        ("non_operating_income", "加：营业外收入", "Add: Non-operating income", "item", "credit", "6301"),
        ("non_operating_expenses", "减：营业外支出", "Less: Non-operating expenses", "item", "debit", "6711"),
        ("total_profit", "三、利润总额（亏损总额以“－”号填列）", "III. Total profit (loss in negative)", "total", "credit",
         "+operating_profit +non_operating_income -non_operating_expenses"),
        ("income_tax_expense", "减：所得税费用", "Less: Income tax expense", "item", "debit", "6801"),
        ("net_profit", "四、净利润（净亏损以“－”号填列）", "IV. Net profit (loss in negative)", "total", "credit",
         "+total_profit -income_tax_expense"),
    ),
    "cash_flow": (
        ("operating_activities", "一、经营活动产生的现金流量：", "I. Cash flows from operating activities:", "heading", "debit", ""),
        ("cash_from_sales", "销售商品、提供劳务收到的现金", "Cash received from sales of goods and services", "item", "debit", "item:sales_receipts"),
        ("tax_refunds_received", "收到的税费返还", "Tax refunds received", "item", "debit", "item:tax_refunds"),
        ("other_operating_receipts", "收到其他与经营活动有关的现金", "Other cash received from operating activities", "item", "debit", "item:other_operating_receipts"),
        ("operating_inflows", "经营活动现金流入小计", "Subtotal of operating cash inflows", "total", "debit",
         "+cash_from_sales +tax_refunds_received +other_operating_receipts"),
        ("cash_for_purchases", "购买商品、接受劳务支付的现金", "Cash paid for goods and services", "item", "credit", "item:purchase_payments"),
        ("cash_for_employees", "支付给职工以及为职工支付的现金", "Cash paid to and on behalf of employees", "item", "credit", "item:employee_payments"),
        ("taxes_paid", "支付的各项税费", "Taxes paid", "item", "credit", "item:tax_payments"),
        ("other_operating_payments", "支付其他与经营活动有关的现金", "Other cash paid for operating activities", "item", "credit", "item:other_operating_payments"),
        ("operating_outflows", "经营活动现金流出小计", "Subtotal of operating cash outflows", "total", "credit",
         "+cash_for_purchases +cash_for_employees +taxes_paid +other_operating_payments"),
        ("net_operating_cash_flow", "经营活动产生的现金流量净额", "Net cash flow from operating activities", "total", "debit",
         "+operating_inflows -operating_outflows"),
        ("investing_activities", "二、投资活动产生的现金流量：", "II. Cash flows from investing activities:", "heading", "debit", ""),
        ("investments_recovered", "收回投资收到的现金", "Cash received from recovery of investments", "item", "debit", "item:investment_recoveries"),
        ("investment_income_received", "取得投资收益收到的现金", "Cash received from investment income", "item", "debit", "item:investment_income_receipts"),
        ("long_term_asset_disposals", "处置固定资产、无形资产和其他长期资产收回的现金净额", "Net cash from disposal of fixed, intangible and other long-term assets", "item", "debit", "item:asset_disposal_receipts"),
        ("subsidiary_disposals", "处置子公司及其他营业单位收到的现金净额", "Net cash from disposal of subsidiaries and other business units", "item", "debit", ""),
        ("other_investing_receipts", "收到其他与投资活动有关的现金", "Other cash received from investing activities", "item", "debit", ""),
        ("investing_inflows", "投资活动现金流入小计", "Subtotal of investing cash inflows", "total", "debit",
         "+investments_recovered +investment_income_received +long_term_asset_disposals "
         "+subsidiary_disposals +other_investing_receipts"),
        ("long_term_asset_purchases", "购建固定资产、无形资产和其他长期资产支付的现金", "Cash paid for fixed, intangible and other long-term assets", "item", "credit", "item:asset_purchase_payments"),
        ("investments_paid", "投资支付的现金", "Cash paid for investments", "item", "credit", "item:investment_payments"),
        ("subsidiary_acquisitions", "取得子公司及其他营业单位支付的现金净额", "Net cash paid for subsidiaries and other business units", "item", "credit", ""),
        ("other_investing_payments", "支付其他与投资活动有关的现金", "Other cash paid for investing activities", "item", "credit", ""),
        ("investing_outflows", "投资活动现金流出小计", "Subtotal of investing cash outflows", "total", "credit",
         "+long_term_asset_purchases +investments_paid +subsidiary_acquisitions +other_investing_payments"),
        ("net_investing_cash_flow", "投资活动产生的现金流量净额", "Net cash flow from investing activities", "total", "debit",
         "+investing_inflows -investing_outflows"),
        ("financing_activities", "三、筹资活动产生的现金流量：", "III. Cash flows from financing activities:", "heading", "debit", ""),
        ("capital_contributions", "吸收投资收到的现金", "Cash received from capital contributions", "item", "debit", "item:capital_receipts"),
        ("borrowings_received", "取得借款收到的现金", "Cash received from borrowings", "item", "debit", "item:borrowing_receipts"),
        ("other_financing_receipts", "收到其他与筹资活动有关的现金", "Other cash received from financing activities", "item", "debit", ""),
        ("financing_inflows", "筹资活动现金流入小计", "Subtotal of financing cash inflows", "total", "debit",
         "+capital_contributions +borrowings_received +other_financing_receipts"),
        ("debt_repaid", "偿还债务支付的现金", "Cash repayments of debt", "item", "credit", "item:debt_repayments"),
        ("dividends_and_interest_paid", "分配股利、利润或偿付利息支付的现金", "Cash paid for dividends, profit distribution or interest", "item", "credit", "item:dividend_interest_payments"),
        ("other_financing_payments", "支付其他与筹资活动有关的现金", "Other cash paid for financing activities", "item", "credit", ""),
        ("financing_outflows", "筹资活动现金流出小计", "Subtotal of financing cash outflows", "total", "credit",
         "+debt_repaid +dividends_and_interest_paid +other_financing_payments"),
        ("net_financing_cash_flow", "筹资活动产生的现金流量净额", "Net cash flow from financing activities", "total", "debit",
         "+financing_inflows -financing_outflows"),
        ("exchange_rate_effect", "四、汇率变动对现金及现金等价物的影响", "IV. Effect of exchange-rate changes on cash and cash equivalents", "item", "debit", ""),
        ("net_increase_in_cash", "五、现金及现金等价物净增加额", "V. Net increase in cash and cash equivalents", "total", "debit",
         "+net_operating_cash_flow +net_investing_cash_flow +net_financing_cash_flow +exchange_rate_effect"),
        ("cash_opening", "加：期初现金及现金等价物余额", "Add: Cash and cash equivalents at the beginning of the period", "item", "debit",
         "opening:1001 opening:1002 opening:1012"),
        ("cash_closing", "六、期末现金及现金等价物余额", "VI. Cash and cash equivalents at the end of the period", "item", "debit",
         "1001 1002 1012"),
    ),
}  # fmt: skip


def _term(text: str, kind: LineKind) -> Term:
    if kind == "total":
        return Term("line", text[1:], -1 if text[0] == "-" else 1)
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    prefix, _, ref = text.partition(":")
    if not ref:
        return Term("account", prefix, sign)
    if prefix == "category":
        return Term("category", ref, sign)
    if prefix == "item":
        return Term("cash_flow_item", ref, sign)
    return Term("opening_account", ref, sign)


def default_lines(statement: StatementKind) -> list[LineDef]:
    """The default mapping of one statement, in order."""
    return [
        LineDef(
            statement, code, name, name_en, kind, side, tuple(_term(t, kind) for t in terms.split())
        )
        for code, name, name_en, kind, side, terms in _ROWS[statement]
    ]


def _item_codes_by_name(items: list[CashFlowItem]) -> dict[str, str]:
    return {item.name: item.code for item in items}


async def load(session: AsyncSession, *, demo: bool) -> None:
    """Add what is missing (never overwrite what the company changed); ``demo`` adds demo data.

    A cash-flow line reads the ledger's cash-flow item of the same Chinese name (the ledger
    fixes the item codes); the default code stands where there is none.
    """
    existing = set(
        (await session.execute(select(StatementLine.statement, StatementLine.code))).all()
    )
    items = list((await session.scalars(select(CashFlowItem))).all())
    by_name = _item_codes_by_name(items)
    by_code = {item.code for item in items}
    for block, statement in enumerate(_ROWS, start=1):
        for order, line in enumerate(default_lines(statement), start=1):
            if (statement, line.code) in existing:
                continue
            row = StatementLine(
                statement=statement,
                code=line.code,
                position=block * 10000 + order * 10,
                name=line.name,
                name_en=line.name_en,
                kind=line.kind,
                side=line.side,
            )
            for order, term in enumerate(line.terms, start=1):
                ref = term.ref
                if term.kind == "cash_flow_item" and ref not in by_code:
                    ref = by_name.get(line.name, ref)
                row.terms.append(
                    StatementLineTerm(position=order, kind=term.kind, ref=ref, sign=term.sign)
                )
            session.add(row)
    await session.flush()
