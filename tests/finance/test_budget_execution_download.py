"""The budget-execution report downloads as CSV and XLSX, with the same figures as its JSON."""

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from tests.finance.conftest import API
from tests.finance.spending_helpers import YEAR, Books
from tests.finance.spending_helpers import books as books  # the fixture
from tests.problems import assert_problem


async def test_the_execution_report_downloads_with_the_same_figures(books: Books) -> None:
    await books.approved_budget("RND-FE", {"6602.02": "1000.00"}, months=(1, 2))
    claim = await books.claim("engineer", ("travel", "300.00"))
    assert await books.outcome(claim["id"], "expense_claim", "approved")
    report = await books.execution()

    as_csv = await books.service.client.get(
        f"{API}/budgets/execution",
        params={"year": YEAR},
        headers={**books.service.staff(), "Accept": "text/csv"},
    )
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "budget-execution" in as_csv.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["部门 Department", "科目 Account", "月份 Month", "预算 Budget"]
    total = rows[-1]
    assert total[0] == "合计 Total"
    figures = report["totals"]
    assert [total[3], total[4], total[5], total[6]] == [
        figures["budget"],
        figures["committed"],
        figures["actual"],
        figures["remaining"],
    ]
    assert any(row[0].startswith("RND-FE") for row in rows[1:])  # departments by code and name
    assert len(rows) == 1 + len(report["rows"]) + len(report["departments"]) + 1

    as_xlsx = await books.service.client.get(
        f"{API}/budgets/execution",
        params={"year": YEAR, "format": "xlsx"},
        headers=books.service.staff(),
    )
    assert as_xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    last = [cell.value for cell in sheet[sheet.max_row]]
    assert last[0] == "合计 Total" and Decimal(str(last[3])) == Decimal(figures["budget"])

    refused = await books.service.client.get(
        f"{API}/budgets/execution",
        params={"year": YEAR},
        headers={**books.service.staff(), "Accept": "application/pdf"},
    )
    assert_problem(refused, 406, "not_acceptable")
