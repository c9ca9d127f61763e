"""Statements built from balances, without a database: the hand-calculated company, the
mapping rules, the ties, and a property test over random balanced entries."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.finance.domain import statements as s
from services.finance.domain.statements import (
    LineDef,
    Term,
    balance_sheet_amounts,
    cash_flow_amounts,
    checks,
    income_statement_amounts,
    mapping_problems,
    trial_balance,
)
from services.finance.domain.statements_period import Month, MonthRange, resolve_range
from services.finance.seed.statements import default_lines
from shared.kit.errors import Unprocessable
from tests.finance.statements_helpers import (
    CAPITAL,
    EXPECTED,
    OTHER_OUT,
    SALES,
    SMALL_COMPANY,
    HandEntry,
    cr,
    dr,
    figures_of,
)

D = Decimal
Q1 = MonthRange(Month(2026, 1), Month(2026, 3))
LINES = {kind: default_lines(kind) for kind in s.STATEMENT_KINDS}


# ---------------------------------------------------------------- the period a statement covers


@pytest.mark.parametrize(
    ("params", "first", "last"),
    [
        ({"year": 2026}, (2026, 1), (2026, 12)),
        ({"year": 2026, "month": 1}, (2026, 1), (2026, 1)),
        ({"year": 2026, "month": 12}, (2026, 12), (2026, 12)),
        ({"year": 2026, "quarter": 1}, (2026, 1), (2026, 3)),
        ({"year": 2026, "quarter": 4}, (2026, 10), (2026, 12)),
        ({"start": date(2025, 11, 1), "end": date(2026, 2, 28)}, (2025, 11), (2026, 2)),
        ({"start": date(2028, 2, 1), "end": date(2028, 2, 29)}, (2028, 2), (2028, 2)),
        ({"start": date(2026, 3, 1), "end": date(2026, 3, 31)}, (2026, 3), (2026, 3)),
    ],
)
def test_each_parameter_scheme_gives_whole_months(
    params: dict[str, object], first: tuple[int, int], last: tuple[int, int]
) -> None:
    months = resolve_range(**params)  # type: ignore[arg-type]
    assert (months.first, months.last) == (Month(*first), Month(*last))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"month": 3},
        {"quarter": 1},
        {"year": 2026, "month": 0},
        {"year": 2026, "month": 13},
        {"year": 2026, "quarter": 0},
        {"year": 2026, "quarter": 5},
        {"year": 2026, "month": 1, "quarter": 1},
        {"year": 2026, "start": date(2026, 1, 1), "end": date(2026, 1, 31)},
        {"month": 1, "start": date(2026, 1, 1), "end": date(2026, 1, 31)},
        {"start": date(2026, 1, 1)},
        {"end": date(2026, 1, 31)},
        {"start": date(2026, 1, 2), "end": date(2026, 1, 31)},
        {"start": date(2026, 1, 1), "end": date(2026, 1, 30)},
        {"start": date(2026, 2, 1), "end": date(2026, 2, 28 - 1)},
        {"start": date(2028, 2, 1), "end": date(2028, 2, 28)},  # 2028 is a leap year
        {"start": date(2026, 3, 1), "end": date(2026, 2, 28)},
        {"year": 1899},
        {"year": 9999},
    ],
)
def test_a_mixture_or_a_partial_month_is_refused(params: dict[str, object]) -> None:
    with pytest.raises(Unprocessable) as refused:
        resolve_range(**params)  # type: ignore[arg-type]
    assert refused.value.code == "statement_period_invalid"


def test_month_arithmetic_crosses_years() -> None:
    assert Month(2026, 1).shifted(-1) == Month(2025, 12)
    assert Month(2026, 12).last_day() == date(2026, 12, 31)
    assert Q1.prior_year() == MonthRange(Month(2025, 1), Month(2025, 3))
    assert (Q1.start, Q1.end) == (date(2026, 1, 1), date(2026, 3, 31))


# ---------------------------------------------------------------- the hand-calculated company


def test_income_statement_matches_the_hand_calculation() -> None:
    amounts = income_statement_amounts(LINES["income_statement"], figures_of(SMALL_COMPANY, Q1))
    for code, expected in EXPECTED["income_statement"].items():
        assert amounts[code] == expected, code
    assert amounts["investment_income"] == 0


def test_balance_sheet_matches_the_hand_calculation() -> None:
    amounts = balance_sheet_amounts(LINES["balance_sheet"], figures_of(SMALL_COMPANY, Q1))
    for code, expected in EXPECTED["balance_sheet"].items():
        assert amounts[code] == expected, code
    assert amounts["current_assets"] is None  # a heading


def test_cash_flow_matches_the_hand_calculation() -> None:
    amounts = cash_flow_amounts(LINES["cash_flow"], figures_of(SMALL_COMPANY, Q1))
    for code, expected in EXPECTED["cash_flow"].items():
        assert amounts[code] == expected, code


def test_trial_balance_rows_and_totals_agree() -> None:
    rows, totals = trial_balance(
        figures_of(SMALL_COMPANY, MonthRange(Month(2026, 2), Month(2026, 3)))
    )
    by_code = {row.code: row for row in rows}
    bank = by_code["1002"]
    assert (bank.opening_debit, bank.opening_credit) == (D("1000000.00"), 0)
    assert (bank.debit, bank.credit) == (D("150000.00"), D("173500.00"))
    assert (bank.closing_debit, bank.closing_credit) == (D("976500.00"), 0)
    payable = by_code["2202"]
    assert (payable.opening_credit, payable.debit, payable.closing_credit) == (
        D("113000.00"),
        D("113000.00"),
        0,
    )
    assert totals.opening_debit == totals.opening_credit == D("1339000.00")
    assert totals.debit == totals.credit
    assert totals.closing_debit == totals.closing_credit
    assert "6001" not in by_code or by_code["6001"].debit == 0  # nothing moved in Feb-Mar


def test_every_tie_holds_for_the_quarter_and_each_month() -> None:
    for months in (Q1, *(MonthRange(Month(2026, m), Month(2026, m)) for m in (1, 2, 3))):
        result = checks(LINES, figures_of(SMALL_COMPANY, months))
        assert result.all_tie, (months, result)
    february = checks(LINES, figures_of(SMALL_COMPANY, MonthRange(Month(2026, 2), Month(2026, 2))))
    assert february.net_profit.left == D("-25000.00")  # travel 5000 + R&D 20000
    assert february.cash.left == D("12000.00")  # +150000 - 113000 - 25000 (+10000 - 10000)


# ---------------------------------------------------------------- what the mapping means


def test_a_contra_account_reduces_its_line_with_a_plus_sign() -> None:
    entries = (
        HandEntry(
            date(2026, 1, 5), "capital", (dr("1002", "500.00", CAPITAL), cr("4001", "500.00"))
        ),
        HandEntry(
            date(2026, 1, 6), "machine", (dr("1601", "300.00"), cr("1002", "300.00", OTHER_OUT))
        ),
        HandEntry(date(2026, 1, 31), "depreciation", (dr("6602", "10.00"), cr("1602", "10.00"))),
    )
    amounts = balance_sheet_amounts(LINES["balance_sheet"], figures_of(entries, Q1))
    assert amounts["fixed_assets"] == D("290.00")
    assert amounts["total_assets"] == amounts["total_liabilities_and_equity"] == D("490.00")


def test_a_minus_sign_takes_a_sub_account_out_of_its_parents_line() -> None:
    amounts = income_statement_amounts(LINES["income_statement"], figures_of(SMALL_COMPANY, Q1))
    # 6602 holds travel 5000 and R&D 20000; the R&D sub-account has its own line
    assert amounts["administrative_expenses"] == D("5000.00")
    assert amounts["research_and_development_expenses"] == D("20000.00")


def test_year_end_closing_entries_leave_the_income_statement_whole() -> None:
    closing = HandEntry(
        date(2026, 12, 31),
        "close",
        (
            dr("6001", "200000.00"),
            cr("6401", "80000.00"),
            cr("6601", "30000.00"),
            cr("6602.02", "5000.00"),
            cr("6602.05", "20000.00"),
            cr("6603", "500.00"),
            cr("6801", "10000.00"),
            cr("4103", "54500.00"),
        ),
        source="period_close",
    )
    onward = HandEntry(
        date(2026, 12, 31), "on", (dr("4103", "54500.00"), cr("4104", "54500.00")), "period_close"
    )
    year = resolve_range(year=2026)
    figures = figures_of((*SMALL_COMPANY, closing, onward), year)
    income = income_statement_amounts(LINES["income_statement"], figures)
    assert income["net_profit"] == D("54500.00")
    sheet = balance_sheet_amounts(LINES["balance_sheet"], figures)
    assert sheet["retained_earnings"] == D("54500.00")
    result = checks(LINES, figures)
    assert result.all_tie and result.profit_distributed == 0
    # the next year opens with the profit in 4104 and an income statement of nothing
    following = figures_of((*SMALL_COMPANY, closing, onward), resolve_range(year=2027))
    assert income_statement_amounts(LINES["income_statement"], following)["net_profit"] == 0
    assert balance_sheet_amounts(LINES["balance_sheet"], following)["retained_earnings"] == D(
        "54500.00"
    )


def test_profit_distributed_is_counted_in_the_retained_earnings_tie() -> None:
    dividend = HandEntry(
        date(2026, 3, 31), "dividend declared", (dr("4104", "4000.00"), cr("2232", "4000.00"))
    )
    figures = figures_of((*SMALL_COMPANY, dividend), Q1)
    result = checks(LINES, figures)
    sheet = balance_sheet_amounts(LINES["balance_sheet"], figures)
    assert sheet["retained_earnings"] == D("50500.00")
    assert result.profit_distributed == D("4000.00")
    assert result.net_profit.left == result.net_profit.right == D("54500.00")
    assert result.all_tie


def test_an_account_no_line_reads_is_reported_and_breaks_the_balance() -> None:
    lines = dict(LINES)
    lines["balance_sheet"] = [
        replace(line, terms=()) if line.code == "inventories" else line
        for line in LINES["balance_sheet"]
    ]
    result = checks(lines, figures_of(SMALL_COMPANY, Q1))
    assert result.unmapped_accounts == ("1405",)
    assert result.balance_sheet.difference == D("-20000.00")
    assert not result.all_tie


def test_a_cash_flow_item_no_line_reads_is_reported_and_breaks_the_cash_tie() -> None:
    lines = dict(LINES)
    lines["cash_flow"] = [
        replace(line, terms=()) if line.code == "cash_from_sales" else line
        for line in LINES["cash_flow"]
    ]
    result = checks(lines, figures_of(SMALL_COMPANY, Q1))
    assert result.unmapped_cash_flow_items == (SALES,)
    assert result.cash.difference == D("-150000.00")
    assert not result.all_tie


# ---------------------------------------------------------------- refusing a broken mapping


def test_the_default_mappings_have_no_problems() -> None:
    for lines in LINES.values():
        assert mapping_problems(lines) == []


def _with(statement: str, target: str, changes: dict[str, object]) -> list[LineDef]:
    return [
        replace(line, **changes) if line.code == target else line  # type: ignore[arg-type]
        for line in LINES[statement]  # type: ignore[index]
    ]


@pytest.mark.parametrize(
    ("statement", "code", "changes", "problem"),
    [
        (
            "balance_sheet",
            "total_assets",
            {"terms": (Term("line", "total_assets"),)},
            "depends on itself",
        ),
        (
            "balance_sheet",
            "total_current_assets",
            {"terms": (Term("line", "total_assets"),)},
            "depends on itself",
        ),
        ("balance_sheet", "total_assets", {"terms": (Term("account", "1001"),)}, "adds lines only"),
        (
            "balance_sheet",
            "monetary_funds",
            {"terms": (Term("cash_flow_item", "x"),)},
            "cannot read",
        ),
        (
            "income_statement",
            "operating_revenue",
            {"terms": (Term("opening_account", "6001"),)},
            "cannot read",
        ),
        (
            "balance_sheet",
            "current_assets",
            {"terms": (Term("account", "1001"),)},
            "heading has no terms",
        ),
        ("balance_sheet", "total_assets", {"terms": (Term("line", "nowhere"),)}, "no line nowhere"),
        (
            "balance_sheet",
            "total_assets",
            {"terms": (Term("line", "current_assets"),)},
            "is a heading",
        ),
        ("balance_sheet", "monetary_funds", {"terms": (Term("account", "1001", 2),)}, "+1 or -1"),
        (
            "balance_sheet",
            "monetary_funds",
            {"terms": (Term("category", "assets"),)},
            "no category",
        ),
        ("balance_sheet", "total_assets", {"code": "all_assets"}, "total_assets is missing"),
        ("balance_sheet", "fixed_assets", {"code": "monetary_funds"}, "codes repeat"),
    ],
)
def test_a_broken_mapping_is_refused(
    statement: str, code: str, changes: dict[str, object], problem: str
) -> None:
    problems = mapping_problems(_with(statement, code, changes))
    assert any(problem in p for p in problems), problems


def test_references_to_unknown_accounts_and_items_are_refused() -> None:
    problems = mapping_problems(LINES["balance_sheet"], accounts={"1001", "1002"})
    assert "monetary_funds: no account 1012" in problems
    problems = mapping_problems(
        LINES["cash_flow"], accounts={"1001", "1002", "1012"}, cash_flow_items=[SALES]
    )
    assert any("no cash-flow item purchase_payments" in p for p in problems)
    assert mapping_problems([]) == ["a statement needs lines"]


# ---------------------------------------------------------------- any balanced entries tie

MAPPED = ["1001", "1002", "1122", "1231", "1405", "1601", "1602", "2202", "2211.01",
          "2221.01.01", "2221.01.02", "4001", "4104", "6001", "6401", "6602.02", "6602.05", "6801"]  # fmt: skip
CASH = {"1001", "1002"}
ITEMS = [SALES, OTHER_OUT, CAPITAL, "purchase_payments", "asset_purchase_payments"]


@st.composite
def balanced_entries(draw: st.DrawFn) -> list[HandEntry]:
    entries = []
    for _ in range(draw(st.integers(0, 12))):
        day = date(2026, draw(st.integers(1, 12)), draw(st.integers(1, 28)))
        lines = []
        debits = draw(st.lists(st.integers(1, 10**8), min_size=1, max_size=3))
        total = sum(debits)
        credits_count = draw(st.integers(1, min(3, total)))
        cuts = sorted(draw(st.lists(st.integers(1, max(total - 1, 1)), min_size=credits_count - 1, max_size=credits_count - 1, unique=True)))  # fmt: skip
        credits = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True) if b > a]
        for cents, side in [(c, "d") for c in debits] + [(c, "c") for c in credits]:
            account = draw(st.sampled_from(MAPPED))
            item = draw(st.sampled_from(ITEMS)) if account in CASH else None
            amount = f"{Decimal(cents) / 100:.2f}"
            lines.append(dr(account, amount, item) if side == "d" else cr(account, amount, item))
        entries.append(HandEntry(day, "random", tuple(lines)))
    return entries


@settings(max_examples=60, deadline=None)
@given(entries=balanced_entries(), first=st.integers(1, 12), length=st.integers(0, 11))
def test_random_balanced_entries_always_tie(
    entries: list[HandEntry], first: int, length: int
) -> None:
    months = MonthRange(Month(2026, first), Month(2026, first).shifted(length))
    figures = figures_of(entries, months)
    _rows, totals = trial_balance(figures)
    assert totals.debit == totals.credit
    assert totals.closing_debit == totals.closing_credit
    assert totals.opening_debit == totals.opening_credit
    result = checks(LINES, figures)
    assert result.balance_sheet.ties, result.balance_sheet
    assert result.net_profit.ties, result.net_profit
    assert result.cash.ties, result.cash
    assert result.all_tie


def test_trial_balance_sums_up_to_the_level_asked() -> None:
    figures = figures_of(SMALL_COMPANY, Q1)
    rows, totals = trial_balance(figures, level=1)
    by_code = {row.code: row for row in rows}
    assert "2221.01.01" not in by_code and "6602.02" not in by_code
    taxes = by_code["2221"]  # input 13000 Dr, output 26000 Cr, CIT 10000 Cr
    assert (taxes.debit, taxes.credit) == (D("13000.00"), D("36000.00"))
    assert (taxes.closing_debit, taxes.closing_credit) == (0, D("23000.00"))
    assert by_code["6602"].debit == D("25000.00")
    assert totals.debit == totals.credit == D("1787500.00")
    assert totals.closing_debit == totals.closing_credit
    second, _ = trial_balance(figures, level=2)
    codes = {row.code for row in second}
    assert {"2221.01", "2221.02", "6602.02", "6602.05", "1002"} <= codes
    assert "2221.01.01" not in codes
    leaves, _ = trial_balance(figures)
    assert "2221.01.01" in {row.code for row in leaves}
    assert s.account_at_level("2221.01.02", figures.accounts, 2) == "2221.01"
    assert s.account_at_level("1002", figures.accounts, 3) == "1002"
