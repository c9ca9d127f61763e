"""The statements through the API, on the hand-calculated company posted through the ledger:
every figure as the hand calculation gives it, the ties, the period schemes, the downloads,
who may read them, and editing the line mappings."""

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from tests.finance.conftest import API, FinanceService
from tests.finance.statements_helpers import (
    CAPITAL,
    EXPECTED,
    OTHER_OUT,
    SMALL_COMPANY,
    HandEntry,
    by_code,
    cr,
    dr,
    post_hand_entries,
)

D = Decimal
STATEMENTS = {
    "balance_sheet": "balance-sheet",
    "income_statement": "income-statement",
    "cash_flow": "cash-flow",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _get(finance: FinanceService, path: str, **params: object) -> dict[str, object]:
    answer = await finance.client.get(f"{API}{path}", params=params, headers=finance.staff())
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_each_statement_shows_the_hand_calculated_figures(finance: FinanceService) -> None:
    await post_hand_entries(finance, SMALL_COMPANY)
    for statement, path in STATEMENTS.items():
        answer = await _get(finance, f"/statements/{path}", year=2026, quarter=1)
        assert answer["statement"] == statement
        assert answer["period"] == {"start": "2026-01-01", "end": "2026-03-31"}
        amounts = by_code(answer)
        for code, expected in EXPECTED[statement].items():
            assert amounts[code] == expected, (statement, code)
        checks = answer["checks"]
        assert isinstance(checks, dict)
        assert checks["all_tie"] is True, checks
        assert checks["balance_sheet"]["left"] == "1077500.00"
        assert checks["net_profit"]["left"] == "54500.00"
        assert checks["net_profit"]["change_in_retained_earnings"] == "54500.00"
        assert checks["cash"]["left"] == checks["cash"]["right"] == "981500.00"


async def test_the_balance_sheet_lists_the_cas_lines_in_order(finance: FinanceService) -> None:
    sheet = await _get(finance, "/statements/balance-sheet", year=2026, month=1)
    lines = sheet["lines"]
    assert isinstance(lines, list)
    names = [line["name"] for line in lines]
    assert names[:3] == ["流动资产：", "货币资金", "交易性金融资产"]
    assert names.index("资产总计") < names.index("负债合计") < names.index("未分配利润")
    assert names[-1] == "负债和所有者权益（或股东权益）总计"
    assert [line["line_number"] for line in lines] == list(range(1, len(lines) + 1))
    assert lines[0]["amount"] is None and lines[1]["amount"] == "0.00"


async def test_trial_balance_of_a_quarter_agrees(finance: FinanceService) -> None:
    await post_hand_entries(finance, SMALL_COMPANY)
    balance = await _get(finance, "/statements/trial-balance", year=2026, quarter=1)
    rows = {row["code"]: row for row in balance["rows"]}  # type: ignore[attr-defined]
    assert rows["1002"]["debit"] == "1150000.00" and rows["1002"]["credit"] == "173500.00"
    assert rows["1002"]["closing_debit"] == "976500.00"
    assert rows["2221.01.02"]["closing_credit"] == "26000.00"
    assert rows["2221.01.01"]["closing_debit"] == "13000.00"
    totals = balance["totals"]
    assert isinstance(totals, dict)
    assert totals["debit"] == totals["credit"] == "1787500.00"
    assert totals["closing_debit"] == totals["closing_credit"]
    # February alone opens with January's balances
    february = await _get(finance, "/statements/trial-balance", year=2026, month=2)
    rows = {row["code"]: row for row in february["rows"]}  # type: ignore[attr-defined]
    assert rows["1002"]["opening_debit"] == "1000000.00"
    assert rows["2202"]["opening_credit"] == "113000.00" and rows["2202"]["debit"] == "113000.00"
    assert "6001" not in rows or rows["6001"]["credit"] == "0.00"
    # by first-level account
    summary = await _get(finance, "/statements/trial-balance", year=2026, quarter=1, level=1)
    rows = {row["code"]: row for row in summary["rows"]}  # type: ignore[attr-defined]
    assert rows["2221"]["closing_credit"] == "23000.00" and "2221.01.01" not in rows
    assert rows["2221"]["name"] == "应交税费"
    assert summary["totals"]["debit"] == "1787500.00"  # type: ignore[index]


async def test_every_period_scheme_gives_the_same_months(finance: FinanceService) -> None:
    await post_hand_entries(finance, SMALL_COMPANY)
    path = "/statements/income-statement"
    quarter = await _get(finance, path, year=2026, quarter=1)
    by_dates = await _get(finance, path, **{"from": "2026-01-01", "to": "2026-03-31"})
    assert by_code(quarter) == by_code(by_dates)
    year = await _get(finance, path, year=2026)
    assert by_code(year)["net_profit"] == D("54500.00")
    months = [by_code(await _get(finance, path, year=2026, month=m)) for m in (1, 2, 3)]
    assert sum(m["net_profit"] or 0 for m in months) == D("54500.00")
    assert [m["net_profit"] for m in months] == [D("120000.00"), D("-25000.00"), D("-40500.00")]


async def test_a_mixture_of_period_schemes_is_refused(finance: FinanceService) -> None:
    staff = finance.staff()
    for params in (
        {},
        {"month": 3},
        {"year": 2026, "month": 1, "quarter": 1},
        {"year": 2026, "from": "2026-01-01", "to": "2026-01-31"},
        {"from": "2026-01-01"},
        {"from": "2026-01-02", "to": "2026-01-31"},
        {"from": "2026-01-01", "to": "2026-01-30"},
        {"from": "2026-03-01", "to": "2026-02-28"},
    ):
        answer = await finance.client.get(
            f"{API}/statements/balance-sheet", params=params, headers=staff
        )
        assert answer.status_code == 422, (params, answer.text)
        assert answer.json()["code"] == "statement_period_invalid", params
    out_of_range = await finance.client.get(
        f"{API}/statements/balance-sheet", params={"year": 2026, "month": 13}, headers=staff
    )
    assert out_of_range.status_code == 422


async def test_comparative_columns_read_the_prior_year(finance: FinanceService) -> None:
    earlier = (
        HandEntry(date(2025, 2, 1), "capital", (dr("1002", "300.00", CAPITAL), cr("4001", "300.00"))),
        HandEntry(date(2025, 2, 2), "sale", (dr("1002", "100.00", "sales_receipts"), cr("6001", "100.00"))),
        HandEntry(date(2025, 7, 2), "sale", (dr("1002", "50.00", "sales_receipts"), cr("6001", "50.00"))),
    )  # fmt: skip
    await post_hand_entries(finance, (*earlier, *SMALL_COMPANY))
    income = await _get(finance, "/statements/income-statement", year=2026, quarter=1)
    assert income["comparative_period"] == {"start": "2025-01-01", "end": "2025-03-31"}
    revenue = next(line for line in income["lines"] if line["code"] == "operating_revenue")  # type: ignore[attr-defined]
    assert (revenue["amount"], revenue["comparative"]) == ("200000.00", "100.00")
    sheet = await _get(finance, "/statements/balance-sheet", year=2026, quarter=1)
    assert sheet["comparative_period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    funds = next(line for line in sheet["lines"] if line["code"] == "monetary_funds")  # type: ignore[attr-defined]
    assert (funds["amount"], funds["comparative"]) == ("981950.00", "450.00")
    cash = await _get(finance, "/statements/cash-flow", year=2026, quarter=1)
    opening = next(line for line in cash["lines"] if line["code"] == "cash_opening")  # type: ignore[attr-defined]
    assert opening["amount"] == "450.00"
    assert cash["checks"]["all_tie"] is True  # type: ignore[index]


async def test_csv_and_xlsx_downloads_carry_both_languages(finance: FinanceService) -> None:
    await post_hand_entries(finance, SMALL_COMPANY)
    staff = finance.staff()
    path = f"{API}/statements/balance-sheet"
    by_accept = await finance.client.get(
        path, params={"year": 2026, "quarter": 1}, headers={**staff, "Accept": "text/csv"}
    )
    assert by_accept.status_code == 200, by_accept.text
    assert by_accept.headers["content-type"].startswith("text/csv")
    assert "balance-sheet_2026-01_2026-03.csv" in by_accept.headers["content-disposition"]
    text = by_accept.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "行次 No.",
        "代码 Code",
        "项目",
        "Item",
        "期末余额 Closing balance (at the period's end)",
        "上年年末余额 Balance at the end of the prior year",
    ]
    funds = next(row for row in rows if row[1] == "monetary_funds")
    assert funds[2:5] == ["货币资金", "Cash and cash equivalents", "981500.00"]
    by_param = await finance.client.get(
        path, params={"year": 2026, "quarter": 1, "format": "csv"}, headers=staff
    )
    assert by_param.content == by_accept.content

    workbook = await finance.client.get(
        f"{API}/statements/income-statement",
        params={"year": 2026, "quarter": 1},
        headers={**staff, "Accept": XLSX},
    )
    assert workbook.status_code == 200, workbook.text
    assert workbook.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(workbook.content))
    sheet = book["Statement"]
    assert sheet["A1"].value == "利润表 Income statement"
    assert [cell.value for cell in sheet[3]][:4] == ["行次 No.", "代码 Code", "项目", "Item"]
    net = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "net_profit")
    assert D(str(net[4])) == D("54500.00")
    checks = [row for row in book["Checks"].iter_rows(values_only=True)]
    assert all(row[4] == "是 yes" for row in checks[1:6])

    trial = await finance.client.get(
        f"{API}/statements/trial-balance",
        params={"year": 2026, "format": "csv"},
        headers=staff,
    )
    rows = list(csv.reader(io.StringIO(trial.content.decode("utf-8-sig"))))
    assert rows[0][0] == "科目代码 Account" and rows[-1][0] == "total"
    assert rows[-1][5] == rows[-1][6] == "1787500.00"


async def test_accept_decides_by_preference_and_refuses_what_it_cannot_answer(
    finance: FinanceService,
) -> None:
    staff = finance.staff()
    path = f"{API}/statements/cash-flow"
    params = {"year": 2026}
    preferring_csv = await finance.client.get(
        path, params=params, headers={**staff, "Accept": "application/json;q=0.5, text/csv"}
    )
    assert preferring_csv.headers["content-type"].startswith("text/csv")
    browser = await finance.client.get(
        path, params=params, headers={**staff, "Accept": "text/html,*/*;q=0.8"}
    )
    assert browser.headers["content-type"].startswith("application/json")
    refused = await finance.client.get(
        path, params=params, headers={**staff, "Accept": "image/png"}
    )
    assert refused.status_code == 406 and refused.json()["code"] == "not_acceptable"
    bad_format = await finance.client.get(path, params={**params, "format": "pdf"}, headers=staff)
    assert bad_format.status_code == 422


async def test_finance_admin_gm_and_auditor_read_statements_others_do_not(
    finance: FinanceService,
) -> None:
    path = f"{API}/statements/trial-balance"
    for headers in (
        finance.staff(),
        finance.admin(),
        finance.auditor(),
        finance.as_user("gm", username="gina"),
    ):
        answer = await finance.client.get(path, params={"year": 2026}, headers=headers)
        assert answer.status_code == 200, answer.text
    for headers in (
        finance.employee("0193a8c0-0000-7000-8000-0000000000e1"),
        finance.as_user("hr", username="hannah"),
        finance.as_user("logistics", username="lou"),
    ):
        for where in ("/statements/balance-sheet", "/statement-lines"):
            answer = await finance.client.get(
                f"{API}{where}",
                params={"year": 2026} if "statements/" in where else {},
                headers=headers,
            )
            assert answer.status_code == 403, answer.text
            assert answer.json()["code"] == "finance_only"
    unauthenticated = await finance.client.get(path, params={"year": 2026})
    assert unauthenticated.status_code == 401


# ------------------------------------------------------------------ the line mappings


async def _line(finance: FinanceService, statement: str, code: str) -> dict[str, object]:
    page = await finance.client.get(
        f"{API}/statement-lines",
        params={"statement": statement, "limit": 200},
        headers=finance.auditor(),
    )
    assert page.status_code == 200, page.text
    return next(line for line in page.json()["items"] if line["code"] == code)


async def test_statement_lines_are_listed_in_statement_order(finance: FinanceService) -> None:
    page = await finance.client.get(
        f"{API}/statement-lines", params={"limit": 200}, headers=finance.staff()
    )
    items = page.json()["items"]
    statements = [item["statement"] for item in items]
    assert statements == sorted(statements, key=list(STATEMENTS).index)
    funds = await _line(finance, "balance_sheet", "monetary_funds")
    assert funds["terms"] == [
        {"kind": "account", "ref": code, "sign": 1} for code in ("1001", "1002", "1012")
    ]
    sales = await _line(finance, "cash_flow", "cash_from_sales")
    assert sales["terms"] == [{"kind": "cash_flow_item", "ref": "sales_receipts", "sign": 1}]
    one = await finance.client.get(
        f"{API}/statement-lines/{funds['id']}", headers=finance.auditor()
    )
    assert one.status_code == 200 and one.headers["ETag"] == '"1"'


async def test_finance_remaps_a_line_and_the_statement_follows(finance: FinanceService) -> None:
    await post_hand_entries(
        finance,
        (
            HandEntry(date(2026, 1, 5), "capital", (dr("1002", "900.00", CAPITAL), cr("4001", "900.00"))),
            HandEntry(date(2026, 1, 6), "deposit", (dr("1012", "100.00", OTHER_OUT), cr("1002", "100.00", OTHER_OUT))),
        ),
    )  # fmt: skip
    funds = await _line(finance, "balance_sheet", "monetary_funds")
    path = f"{API}/statement-lines/{funds['id']}"
    changed = await finance.client.patch(
        path,
        json={
            "name_en": "Monetary funds",
            "terms": [{"kind": "account", "ref": "1001"}, {"kind": "account", "ref": "1002"}],
        },
        headers={**finance.staff(), "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["name_en"] == "Monetary funds" and changed.headers["ETag"] == '"2"'
    sheet = await _get(finance, "/statements/balance-sheet", year=2026, month=1)
    assert by_code(sheet)["monetary_funds"] == D("800.00")
    checks = sheet["checks"]
    assert isinstance(checks, dict)
    assert checks["unmapped_accounts"] == ["1012"] and checks["all_tie"] is False
    assert checks["balance_sheet"]["difference"] == "-100.00"

    other = await _line(finance, "balance_sheet", "other_current_assets")
    moved = await finance.client.patch(
        f"{API}/statement-lines/{other['id']}",
        json={"terms": [{"kind": "account", "ref": "1901"}, {"kind": "account", "ref": "1012"}]},
        headers={**finance.staff(), "If-Match": '"1"'},
    )
    assert moved.status_code == 200, moved.text
    sheet = await _get(finance, "/statements/balance-sheet", year=2026, month=1)
    assert by_code(sheet)["other_current_assets"] == D("100.00")
    assert sheet["checks"]["all_tie"] is True  # type: ignore[index]

    unchanged = await finance.client.patch(
        path, json={"name_en": "Monetary funds"}, headers=finance.staff()
    )
    assert unchanged.status_code == 200 and unchanged.headers["ETag"] == '"2"'
    stale = await finance.client.patch(
        path, json={"name": "现金"}, headers={**finance.staff(), "If-Match": '"1"'}
    )
    assert stale.status_code == 412


async def test_a_mapping_that_would_break_the_statement_is_refused(
    finance: FinanceService,
) -> None:
    total = await _line(finance, "balance_sheet", "total_current_assets")
    funds = await _line(finance, "balance_sheet", "monetary_funds")
    staff = finance.staff()
    for line, terms, problem in (
        (total, [{"kind": "line", "ref": "total_assets"}], "depends on itself"),
        (total, [{"kind": "account", "ref": "1001"}], "adds lines only"),
        (funds, [{"kind": "account", "ref": "1999"}], "no account 1999"),
        (funds, [{"kind": "cash_flow_item", "ref": "sales_receipts"}], "cannot read"),
    ):
        answer = await finance.client.patch(
            f"{API}/statement-lines/{line['id']}", json={"terms": terms}, headers=staff
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == "statement_mapping_invalid"
        assert any(problem in each for each in answer.json()["problems"])
    cash = await _line(finance, "cash_flow", "cash_from_sales")
    unknown = await finance.client.patch(
        f"{API}/statement-lines/{cash['id']}",
        json={"terms": [{"kind": "cash_flow_item", "ref": "nowhere"}]},
        headers=staff,
    )
    assert unknown.status_code == 422 and "no cash-flow item nowhere" in unknown.text
    assert await _line(finance, "balance_sheet", "monetary_funds") == funds  # nothing changed
    malformed = await finance.client.patch(
        f"{API}/statement-lines/{funds['id']}",
        json={"terms": [{"kind": "account", "ref": "1001", "sign": 2}]},
        headers=staff,
    )
    assert malformed.status_code == 422


async def test_only_finance_and_admin_change_the_mappings(finance: FinanceService) -> None:
    funds = await _line(finance, "balance_sheet", "monetary_funds")
    for headers in (finance.auditor(), finance.as_user("gm", username="gina")):
        answer = await finance.client.patch(
            f"{API}/statement-lines/{funds['id']}", json={"name": "现金"}, headers=headers
        )
        assert answer.status_code == 403 and answer.json()["code"] == "finance_only"
    by_admin = await finance.client.patch(
        f"{API}/statement-lines/{funds['id']}",
        json={"name": "货币资金（含外币）"},
        headers=finance.admin(),
    )
    assert by_admin.status_code == 200, by_admin.text
    missing = await finance.client.get(
        f"{API}/statement-lines/0193a8c0-0000-7000-8000-000000000000", headers=finance.staff()
    )
    assert missing.status_code == 404
