"""Wire shapes of the statements: trial balance, balance sheet, income statement, cash flow,
their ties, and the line mappings finance edits."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.contracts.money import Money

StatementKind = Literal["balance_sheet", "income_statement", "cash_flow"]
LineKind = Literal["heading", "item", "total"]
Side = Literal["debit", "credit"]
TermKind = Literal["account", "category", "cash_flow_item", "opening_account", "line"]
AccountCategory = Literal["asset", "liability", "equity", "cost", "profit_and_loss"]
Format = Literal["json", "csv", "xlsx"]

LineName = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
LineNameEn = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
TermRef = Annotated[
    str,
    StringConstraints(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.]+$"),
    Field(examples=["1002"]),
]

PERIOD_EXAMPLE: dict[str, Any] = {"start": "2026-01-01", "end": "2026-03-31"}
PRIOR_EXAMPLE: dict[str, Any] = {"start": "2025-01-01", "end": "2025-03-31"}
TIE_EXAMPLE: dict[str, Any] = {
    "description": "total assets = total liabilities and owners' equity",
    "left": "1077500.00",
    "right": "1077500.00",
    "difference": "0.00",
    "ties": True,
}
NET_PROFIT_TIE_EXAMPLE: dict[str, Any] = {
    "description": "net profit = change in retained earnings + profit distributed",
    "left": "54500.00",
    "right": "54500.00",
    "difference": "0.00",
    "ties": True,
    "change_in_retained_earnings": "54500.00",
    "profit_distributed": "0.00",
}
CHECKS_EXAMPLE: dict[str, Any] = {
    "all_tie": True,
    "trial_balance": {
        **TIE_EXAMPLE,
        "description": "closing debit balances = closing credit balances",
        "left": "1116500.00",
        "right": "1116500.00",
    },
    "period_movements": {
        **TIE_EXAMPLE,
        "description": "debits of the period = credits of the period",
        "left": "1787500.00",
        "right": "1787500.00",
    },
    "balance_sheet": TIE_EXAMPLE,
    "net_profit": NET_PROFIT_TIE_EXAMPLE,
    "cash": {
        **TIE_EXAMPLE,
        "description": "net increase in cash (by cash-flow item) = closing cash - opening cash",
        "left": "981500.00",
        "right": "981500.00",
    },
    "unmapped_accounts": [],
    "unmapped_cash_flow_items": [],
}


class StatementPeriod(BaseModel):
    """The first and last day of the months a statement covers."""

    model_config = ConfigDict(json_schema_extra={"examples": [PERIOD_EXAMPLE]})

    start: date
    end: date


class TieRead(BaseModel):
    """Two figures that must agree."""

    model_config = ConfigDict(json_schema_extra={"examples": [TIE_EXAMPLE]})

    description: str
    left: Money
    right: Money
    difference: Money = Field(description="left - right")
    ties: bool


class NetProfitTie(TieRead):
    """Net profit against the change in retained earnings (未分配利润) over the period, plus
    what was distributed from it (debits to 4104 other than the year-end close)."""

    model_config = ConfigDict(json_schema_extra={"examples": [NET_PROFIT_TIE_EXAMPLE]})

    change_in_retained_earnings: Money
    profit_distributed: Money


class StatementChecks(BaseModel):
    """Every tie between the statements of the period (the same on each statement)."""

    model_config = ConfigDict(json_schema_extra={"examples": [CHECKS_EXAMPLE]})

    all_tie: bool = Field(description="every tie holds and nothing is left unmapped")
    trial_balance: TieRead
    period_movements: TieRead
    balance_sheet: TieRead
    net_profit: NetProfitTie
    cash: TieRead
    unmapped_accounts: list[str] = Field(
        description="accounts with a balance at the end of the period that no balance-sheet "
        "line reads"
    )
    unmapped_cash_flow_items: list[str] = Field(
        description="cash-flow items with movements in the period that no cash-flow line reads"
    )


LINE_EXAMPLE: dict[str, Any] = {
    "line_number": 2,
    "code": "monetary_funds",
    "name": "货币资金",
    "name_en": "Cash and cash equivalents",
    "kind": "item",
    "amount": "981500.00",
    "comparative": "0.00",
}


class StatementLineAmount(BaseModel):
    """One line of a statement with its amount (null on a heading) and comparative column."""

    model_config = ConfigDict(json_schema_extra={"examples": [LINE_EXAMPLE]})

    line_number: int = Field(description="行次: the line's place in the statement, from 1")
    code: str
    name: str
    name_en: str
    kind: LineKind
    amount: Money | None
    comparative: Money | None


STATEMENT_EXAMPLE: dict[str, Any] = {
    "statement": "balance_sheet",
    "title": "资产负债表",
    "title_en": "Balance sheet",
    "currency": "CNY",
    "period": PERIOD_EXAMPLE,
    "amount_column": "期末余额 Closing balance (at the period's end)",
    "comparative_period": {"start": "2025-01-01", "end": "2025-12-31"},
    "comparative_column": "上年年末余额 Balance at the end of the prior year",
    "lines": [LINE_EXAMPLE],
    "checks": CHECKS_EXAMPLE,
}


class StatementRead(BaseModel):
    """A balance sheet (at the period's end; comparative at the prior year's end), an income
    statement or a cash-flow statement (over the period; comparative the same months a year
    earlier), in the CAS line order."""

    model_config = ConfigDict(json_schema_extra={"examples": [STATEMENT_EXAMPLE]})

    statement: StatementKind
    title: str
    title_en: str
    currency: Literal["CNY"] = "CNY"
    period: StatementPeriod
    amount_column: str
    comparative_period: StatementPeriod
    comparative_column: str
    lines: list[StatementLineAmount]
    checks: StatementChecks


TB_ROW_EXAMPLE: dict[str, Any] = {
    "code": "1002",
    "name": "银行存款",
    "name_en": "Bank deposits",
    "category": "asset",
    "opening_debit": "0.00",
    "opening_credit": "0.00",
    "debit": "1150000.00",
    "credit": "173500.00",
    "closing_debit": "976500.00",
    "closing_credit": "0.00",
}


class TrialBalanceRowRead(BaseModel):
    """One account: its balance before the period (on the side it falls), the period's debits
    and credits, and its balance after."""

    model_config = ConfigDict(json_schema_extra={"examples": [TB_ROW_EXAMPLE]})

    code: str
    name: str
    name_en: str
    category: AccountCategory | None
    opening_debit: Money
    opening_credit: Money
    debit: Money
    credit: Money
    closing_debit: Money
    closing_credit: Money


TOTALS_EXAMPLE: dict[str, Any] = {
    **TB_ROW_EXAMPLE,
    "code": "total",
    "name": "合计",
    "name_en": "Total",
    "category": None,
    "debit": "1787500.00",
    "credit": "1787500.00",
    "closing_debit": "1116500.00",
    "closing_credit": "1116500.00",
}
TRIAL_BALANCE_EXAMPLE: dict[str, Any] = {
    "title": "科目余额表",
    "title_en": "Trial balance",
    "currency": "CNY",
    "period": PERIOD_EXAMPLE,
    "rows": [TB_ROW_EXAMPLE],
    "totals": TOTALS_EXAMPLE,
    "checks": CHECKS_EXAMPLE,
}


class TrialBalanceRead(BaseModel):
    """Every account with a balance or a movement, and the totals (which agree)."""

    model_config = ConfigDict(json_schema_extra={"examples": [TRIAL_BALANCE_EXAMPLE]})

    title: str
    title_en: str
    currency: Literal["CNY"] = "CNY"
    period: StatementPeriod
    rows: list[TrialBalanceRowRead]
    totals: TrialBalanceRowRead
    checks: StatementChecks


# ------------------------------------------------------------------ the line mappings


class TermRead(BaseModel):
    """What a line adds: an account with its sub-accounts, every account of a category, a
    cash-flow item, an account's opening balance (cash flow), or another line (a total)."""

    model_config = ConfigDict(
        extra="forbid",
        from_attributes=True,
        json_schema_extra={"examples": [{"kind": "account", "ref": "1002", "sign": 1}]},
    )

    kind: TermKind
    ref: TermRef
    sign: Literal[1, -1] = 1


LINE_ID = "0193a8c0-0000-7000-8000-0000000000f2"
STATEMENT_LINE_EXAMPLE: dict[str, Any] = {
    "id": LINE_ID,
    "statement": "balance_sheet",
    "code": "monetary_funds",
    "position": 10020,
    "name": "货币资金",
    "name_en": "Cash and cash equivalents",
    "kind": "item",
    "side": "debit",
    "terms": [
        {"kind": "account", "ref": "1001", "sign": 1},
        {"kind": "account", "ref": "1002", "sign": 1},
        {"kind": "account", "ref": "1012", "sign": 1},
    ],
    "version": 1,
    "created_at": "2026-03-10T09:00:00Z",
    "updated_at": "2026-03-10T09:00:00Z",
}


class StatementLineRead(BaseModel):
    """A statement line as finance maps it. ``position`` orders every line: 1xxxx the balance
    sheet, 2xxxx the income statement, 3xxxx the cash-flow statement."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [STATEMENT_LINE_EXAMPLE]}
    )

    id: uuid.UUID
    statement: StatementKind
    code: str
    position: int
    name: str
    name_en: str
    kind: LineKind
    side: Side
    terms: list[TermRead]
    version: int
    created_at: datetime
    updated_at: datetime


class StatementLineUpdate(BaseModel):
    """Rename a line, change the side it reads or replace its terms (the whole list). The
    statement must still evaluate: totals over existing lines, no cycle, known accounts and
    cash-flow items."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name_en": "Monetary funds",
                    "terms": [
                        {"kind": "account", "ref": "1001", "sign": 1},
                        {"kind": "account", "ref": "1002", "sign": 1},
                    ],
                }
            ]
        },
    )

    name: LineName | None = None
    name_en: LineNameEn | None = None
    side: Side | None = None
    terms: list[TermRead] | None = Field(default=None, max_length=100)
