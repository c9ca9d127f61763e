"""Statements through the real platform (issue 13, "Done when"): finance posts the
hand-calculated company's quarter through the journal API, closes the months and the year,
and the GM and the auditor read the trial balance, the balance sheet, the income statement
and the cash-flow statement through the gateway — the hand calculation's figures, tied to each
other, as JSON and as downloads; an employee reads none of them."""

import csv
import io
from decimal import Decimal
from typing import Any

import httpx

from tests.conftest import PATIENCE
from tests.finance.statements_helpers import EXPECTED, SMALL_COMPANY
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform

PASSWORD = "a-long-enough-secret-42"
FIN = "/api/v1/finance"
PATHS = {
    "balance_sheet": "balance-sheet",
    "income_statement": "income-statement",
    "cash_flow": "cash-flow",
}


def login(platform: RunningPlatform, username: str, password: str = PASSWORD) -> httpx.Client:
    token = platform.token(username, password)
    return httpx.Client(
        base_url=platform.url, headers={"Authorization": f"Bearer {token}"}, timeout=PATIENCE
    )


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


def _post_quarter(finance: httpx.Client) -> None:
    for entry in SMALL_COMPANY:
        lines = []
        for line in entry.lines:
            body: dict[str, Any] = {"account": line.account}
            if line.debit:
                body["debit"] = f"{line.debit:.2f}"
            else:
                body["credit"] = f"{line.credit:.2f}"
            if line.item:
                body["cash_flow_item"] = line.item
            lines.append(body)
        draft = ok(
            finance.post(
                f"{FIN}/journal-entries",
                json={"entry_date": entry.day.isoformat(), "memo": entry.memo, "lines": lines},
            ),
            201,
        )
        ok(finance.post(f"{FIN}/journal-entries/{draft['id']}/post"))


def _close(finance: httpx.Client, period: str) -> None:
    read = finance.get(f"{FIN}/periods/{period}")
    ok(read)
    ok(finance.post(f"{FIN}/periods/{period}/close", headers={"If-Match": read.headers["ETag"]}))


def _amounts(statement: dict[str, Any]) -> dict[str, Decimal | None]:
    return {
        line["code"]: None if line["amount"] is None else Decimal(line["amount"])
        for line in statement["lines"]
    }


def test_the_gm_and_the_auditor_read_tied_statements_of_the_closed_year(
    platform: RunningPlatform,
) -> None:
    with login(platform, "admin", ADMIN_PASSWORD) as admin:
        for username, roles in [
            ("stella.finance", ["finance"]),
            ("gao.gm", ["gm"]),
            ("aldo.audit", ["auditor"]),
            ("emil", []),
        ]:
            ok(
                admin.post(
                    "/api/v1/auth/users",
                    json={"username": username, "password": PASSWORD, "roles": roles},
                ),
                201,
            )
    with (
        login(platform, "stella.finance") as finance,
        login(platform, "gao.gm") as gm,
        login(platform, "aldo.audit") as auditor,
        login(platform, "emil") as employee,
    ):
        _post_quarter(finance)
        ok(finance.post(f"{FIN}/periods", json={"year": 2026}), 201)
        for month in range(1, 13):
            _close(finance, f"2026-{month:02d}")

        for reader in (gm, auditor):
            for statement, path in PATHS.items():
                answer = ok(reader.get(f"{FIN}/statements/{path}", params={"year": 2026}))
                amounts = _amounts(answer)
                for code, expected in EXPECTED[statement].items():
                    assert amounts[code] == expected, (statement, code)
                assert answer["checks"]["all_tie"] is True, answer["checks"]
            trial = ok(reader.get(f"{FIN}/statements/trial-balance", params={"year": 2026}))
            rows = {row["code"]: row for row in trial["rows"]}
            assert rows["4104"]["closing_credit"] == "54500.00"  # the year-end close's work
            assert rows["6001"]["closing_credit"] == rows["6001"]["closing_debit"] == "0.00"
            assert trial["totals"]["debit"] == trial["totals"]["credit"]

        download = gm.get(
            f"{FIN}/statements/income-statement",
            params={"year": 2026, "quarter": 1},
            headers={"Accept": "text/csv"},
        )
        assert download.status_code == 200, download.text
        assert download.headers["content-type"].startswith("text/csv")
        rows_csv = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        net = next(row for row in rows_csv if row[1] == "net_profit")
        assert net[2].startswith("四、净利润") and net[4] == "54500.00"
        workbook = auditor.get(
            f"{FIN}/statements/balance-sheet", params={"year": 2026, "format": "xlsx"}
        )
        assert workbook.status_code == 200
        assert workbook.content[:2] == b"PK"  # a zip: the workbook came through whole

        refused = employee.get(f"{FIN}/statements/balance-sheet", params={"year": 2026})
        assert refused.status_code == 403 and refused.json()["code"] == "finance_only"
