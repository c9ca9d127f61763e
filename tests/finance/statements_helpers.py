"""Helpers of the statements tests: a small company's books, by hand.

``SMALL_COMPANY`` is a quarter of a trading company's entries (capital in, a purchase and a
sale with 13% VAT, expenses, cash), written as plain data so the pure tests can build the
figures without a database and the API tests can post the same entries through the ledger.
The hand calculation of every statement figure is in ``EXPECTED``.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from services.finance.domain import ledger
from services.finance.domain.statements import AccountInfo, LedgerFigures, Movement
from services.finance.domain.statements_period import MonthRange

if TYPE_CHECKING:
    from tests.finance.conftest import FinanceService

D = Decimal


@dataclass(frozen=True)
class HandLine:
    account: str
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    item: str | None = None
    department_id: uuid.UUID | None = None


@dataclass(frozen=True)
class HandEntry:
    day: date
    memo: str
    lines: tuple[HandLine, ...]
    source: str = "manual"


def dr(
    account: str, amount: str, item: str | None = None, *, department_id: uuid.UUID | None = None
) -> HandLine:
    return HandLine(account, debit=D(amount), item=item, department_id=department_id)


def cr(
    account: str, amount: str, item: str | None = None, *, department_id: uuid.UUID | None = None
) -> HandLine:
    return HandLine(account, credit=D(amount), item=item, department_id=department_id)


# The ledger's cash-flow item codes (seeded by services/finance/seed/ledger.py).
SALES, PURCHASES, EMPLOYEES, OTHER_OUT, CAPITAL = (
    "sales_receipts",
    "purchase_payments",
    "employee_payments",
    "other_operating_payments",
    "capital_receipts",
)

VAT_IN, VAT_OUT, CIT = "2221.01.01", "2221.01.02", "2221.02"
TRAVEL, RND, WAGES = "6602.02", "6602.05", "2211.01"

SMALL_COMPANY: tuple[HandEntry, ...] = (
    HandEntry(
        date(2026, 1, 5),
        "Capital paid in",
        (dr("1002", "1000000.00", CAPITAL), cr("4001", "1000000.00")),
    ),
    HandEntry(
        date(2026, 1, 10),
        "Merchandise bought on account, 13% VAT",
        (dr("1405", "100000.00"), dr(VAT_IN, "13000.00"), cr("2202", "113000.00")),
    ),
    HandEntry(
        date(2026, 1, 20),
        "Sale on account, 13% VAT",
        (dr("1122", "226000.00"), cr("6001", "200000.00"), cr(VAT_OUT, "26000.00")),
    ),
    HandEntry(
        date(2026, 1, 20),
        "Cost of the goods sold",
        (dr("6401", "80000.00"), cr("1405", "80000.00")),
    ),
    HandEntry(
        date(2026, 2, 1),
        "Cash drawn from the bank",
        (dr("1001", "10000.00", OTHER_OUT), cr("1002", "10000.00", OTHER_OUT)),
    ),
    HandEntry(
        date(2026, 2, 3),
        "Customer pays part",
        (dr("1002", "150000.00", SALES), cr("1122", "150000.00")),
    ),
    HandEntry(
        date(2026, 2, 5),
        "Supplier paid",
        (dr("2202", "113000.00"), cr("1002", "113000.00", PURCHASES)),
    ),
    HandEntry(
        date(2026, 2, 28),
        "Travel paid in cash",
        (dr(TRAVEL, "5000.00"), cr("1001", "5000.00", OTHER_OUT)),
    ),
    HandEntry(
        date(2026, 2, 28),
        "R&D services paid",
        (dr(RND, "20000.00"), cr("1002", "20000.00", OTHER_OUT)),
    ),
    HandEntry(
        date(2026, 3, 31),
        "Sales staff wages accrued",
        (dr("6601", "30000.00"), cr(WAGES, "30000.00")),
    ),
    HandEntry(
        date(2026, 3, 31),
        "Sales staff wages paid",
        (dr(WAGES, "30000.00"), cr("1002", "30000.00", EMPLOYEES)),
    ),
    HandEntry(
        date(2026, 3, 31),
        "Bank charges",
        (dr("6603", "500.00"), cr("1002", "500.00", OTHER_OUT)),
    ),
    HandEntry(
        date(2026, 3, 31),
        "Income tax accrued",
        (dr("6801", "10000.00"), cr(CIT, "10000.00")),
    ),
)

# The hand calculation, for the first quarter of 2026.
EXPECTED = {
    "income_statement": {
        "operating_revenue": D("200000.00"),
        "operating_costs": D("80000.00"),
        "selling_expenses": D("30000.00"),
        "administrative_expenses": D("5000.00"),
        "research_and_development_expenses": D("20000.00"),
        "financial_expenses": D("500.00"),
        "operating_profit": D("64500.00"),  # 200000 - 80000 - 30000 - 5000 - 20000 - 500
        "total_profit": D("64500.00"),
        "income_tax_expense": D("10000.00"),
        "net_profit": D("54500.00"),
    },
    "balance_sheet": {
        "monetary_funds": D("981500.00"),  # bank 976500 + cash 5000
        "accounts_receivable": D("76000.00"),  # 226000 - 150000
        "inventories": D("20000.00"),  # 100000 - 80000
        "total_current_assets": D("1077500.00"),
        "total_assets": D("1077500.00"),
        "accounts_payable": D("0.00"),
        "employee_benefits_payable": D("0.00"),
        "taxes_payable": D("23000.00"),  # output 26000 - input 13000 + CIT 10000
        "total_liabilities": D("23000.00"),
        "paid_in_capital": D("1000000.00"),
        "retained_earnings": D("54500.00"),
        "total_equity": D("1054500.00"),
        "total_liabilities_and_equity": D("1077500.00"),
    },
    "cash_flow": {
        "cash_from_sales": D("150000.00"),
        "operating_inflows": D("150000.00"),
        "cash_for_purchases": D("113000.00"),
        "cash_for_employees": D("30000.00"),
        "other_operating_payments": D("25500.00"),  # 5000 + 20000 + 500 (the transfer nets out)
        "operating_outflows": D("168500.00"),
        "net_operating_cash_flow": D("-18500.00"),
        "capital_contributions": D("1000000.00"),
        "net_financing_cash_flow": D("1000000.00"),
        "net_increase_in_cash": D("981500.00"),
        "cash_opening": D("0.00"),
        "cash_closing": D("981500.00"),
    },
}

CHART: dict[str, tuple[str, str, str, str | None]] = {
    # code: (name, name_en, category, parent)
    "1001": ("库存现金", "Cash on hand", "asset", None),
    "1002": ("银行存款", "Bank deposits", "asset", None),
    "1012": ("其他货币资金", "Other monetary funds", "asset", None),
    "1122": ("应收账款", "Accounts receivable", "asset", None),
    "1231": ("坏账准备", "Bad-debt provision", "asset", None),
    "1405": ("库存商品", "Merchandise", "asset", None),
    "1601": ("固定资产", "Fixed assets", "asset", None),
    "1602": ("累计折旧", "Accumulated depreciation", "asset", None),
    "2202": ("应付账款", "Accounts payable", "liability", None),
    "2211": ("应付职工薪酬", "Employee benefits payable", "liability", None),
    "2211.01": ("工资", "Wages", "liability", "2211"),
    "2221": ("应交税费", "Taxes payable", "liability", None),
    "2221.01": ("应交增值税", "VAT payable", "liability", "2221"),
    "2221.01.01": ("进项税额", "Input VAT", "liability", "2221.01"),
    "2221.01.02": ("销项税额", "Output VAT", "liability", "2221.01"),
    "2221.02": ("应交企业所得税", "CIT payable", "liability", "2221"),
    "2232": ("应付股利", "Dividends payable", "liability", None),
    "4001": ("实收资本", "Paid-in capital", "equity", None),
    "4101": ("盈余公积", "Surplus reserve", "equity", None),
    "4103": ("本年利润", "Current-year profit", "equity", None),
    "4104": ("利润分配", "Profit distribution", "equity", None),
    "6001": ("主营业务收入", "Main operating revenue", "profit_and_loss", None),
    "6401": ("主营业务成本", "Main operating cost", "profit_and_loss", None),
    "6601": ("销售费用", "Selling expenses", "profit_and_loss", None),
    "6602": ("管理费用", "Administrative expenses", "profit_and_loss", None),
    "6602.02": ("差旅费", "Travel", "profit_and_loss", "6602"),
    "6602.05": ("研发费用", "R&D", "profit_and_loss", "6602"),
    "6603": ("财务费用", "Financial expenses", "profit_and_loss", None),
    "6801": ("所得税费用", "Income tax expense", "profit_and_loss", None),
}

ACCOUNTS = {
    code: AccountInfo(code, name, name_en, category, parent)
    for code, (name, name_en, category, parent) in CHART.items()
}


def figures_of(
    entries: Iterable[HandEntry],
    months: MonthRange,
    accounts: dict[str, AccountInfo] | None = None,
    *,
    closing_sources: Sequence[str] = ("period_close",),
) -> LedgerFigures:
    """The figures a statement reads, summed by hand from the entries (no database)."""
    opening: dict[str, Decimal] = {}
    movements: dict[str, Movement] = {}
    closing: dict[str, Movement] = {}
    flows: dict[str, Movement] = {}
    for entry in entries:
        index = entry.day.year * 12 + entry.day.month - 1
        before = index < months.first.index
        inside = months.first.index <= index <= months.last.index
        for line in entry.lines:
            moved = Movement(line.debit, line.credit)
            if before:
                opening[line.account] = opening.get(line.account, D("0")) + moved.net
            elif inside:
                movements[line.account] = movements.get(line.account, Movement()) + moved
                if entry.source in closing_sources:
                    closing[line.account] = closing.get(line.account, Movement()) + moved
                if line.item is not None:
                    flows[line.item] = flows.get(line.item, Movement()) + moved
    return LedgerFigures(
        accounts=accounts if accounts is not None else ACCOUNTS,
        opening=opening,
        movements=movements,
        closing_entries=closing,
        cash_flows=flows,
    )


async def post_hand_entries(service: "FinanceService", entries: Iterable[HandEntry]) -> None:
    """Post the entries through the ledger's ``post_entry``, one transaction each."""
    for entry in entries:
        async with service.app.state.runtime.transaction() as session:
            await ledger.post_entry(
                session,
                entry_date=entry.day,
                memo=entry.memo,
                lines=[
                    ledger.Line(
                        account=line.account,
                        debit=line.debit,
                        credit=line.credit,
                        cash_flow_item=line.item,
                        department_id=line.department_id,
                    )
                    for line in entry.lines
                ],
                source=entry.source,
                source_id=None,
                actor="tester",
            )


def by_code(statement: dict[str, Any]) -> dict[str, Decimal | None]:
    """A statement answer's amounts by line code."""
    return {
        line["code"]: None if line["amount"] is None else Decimal(line["amount"])
        for line in statement["lines"]
    }


async def close_month(service: "FinanceService", year: int, month: int) -> dict[str, Any]:
    """Close a month through the API (its year opened first; with the If-Match the close asks
    for)."""
    path = f"/api/v1/finance/periods/{year:04d}-{month:02d}"
    headers = service.staff()
    opened = await service.client.post(
        "/api/v1/finance/periods", json={"year": year}, headers=headers
    )
    assert opened.status_code == 201, opened.text
    read = await service.client.get(path, headers=headers)
    assert read.status_code == 200, read.text
    closed = await service.client.post(
        f"{path}/close", headers={**headers, "If-Match": read.headers["ETag"]}
    )
    assert closed.status_code == 200, closed.text
    return dict(closed.json())
