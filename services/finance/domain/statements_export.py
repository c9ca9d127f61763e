"""Statement downloads: CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the
Chinese) and XLSX (openpyxl), with Chinese and English headings.

A CSV is one table: the heading row, then the lines (amounts as plain decimals with two
places). An XLSX has the statement on its first sheet (title, period, heading row, lines,
amounts as numbers formatted ``#,##0.00``) and the ties on a second sheet ``Checks``.
"""

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Font

from services.finance.domain.statements import Checks
from services.finance.domain.statements_period import MonthRange
from services.finance.domain.statements_service import (
    COLUMNS,
    TITLES,
    BuiltStatement,
    BuiltTrialBalance,
)

FileFormat = Literal["csv", "xlsx"]
CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES: dict[FileFormat, str] = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}

Cell = str | int | Decimal | None

STATEMENT_HEADINGS = ("行次 No.", "代码 Code", "项目", "Item")
TRIAL_BALANCE_HEADINGS = (
    "科目代码 Account",
    "科目名称",
    "Account name",
    "期初借方 Opening debit",
    "期初贷方 Opening credit",
    "本期借方 Debit",
    "本期贷方 Credit",
    "期末借方 Closing debit",
    "期末贷方 Closing credit",
)


def period_label(months: MonthRange) -> str:
    """``2026-01`` for a month, ``2026-01_2026-03`` for several."""
    first = f"{months.first.year:04d}-{months.first.month:02d}"
    last = f"{months.last.year:04d}-{months.last.month:02d}"
    return first if first == last else f"{first}_{last}"


def filename(kind: str, months: MonthRange, file_format: FileFormat) -> str:
    """``balance-sheet_2026-01_2026-03.xlsx``."""
    return f"{kind.replace('_', '-')}_{period_label(months)}.{file_format}"


def statement_table(built: BuiltStatement) -> tuple[list[str], list[list[Cell]]]:
    """The heading row and the lines of a statement."""
    current, prior = COLUMNS[built.statement]
    headings = [*STATEMENT_HEADINGS, current, prior]
    rows: list[list[Cell]] = [
        [number, row.code, row.name, row.name_en, row.amount, row.comparative]
        for number, row in enumerate(built.rows, start=1)
    ]
    return headings, rows


def trial_balance_table(built: BuiltTrialBalance) -> tuple[list[str], list[list[Cell]]]:
    """The heading row, a row per account and the totals row."""
    rows: list[list[Cell]] = [
        [
            row.code,
            row.name,
            row.name_en,
            row.opening_debit,
            row.opening_credit,
            row.debit,
            row.credit,
            row.closing_debit,
            row.closing_credit,
        ]
        for row in [*built.rows, built.totals]
    ]
    return list(TRIAL_BALANCE_HEADINGS), rows


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def to_csv(headings: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """A CSV document with a byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headings)
    for row in rows:
        writer.writerow([_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _checks_rows(checks: Checks) -> list[list[Cell]]:
    ties = (
        ("试算平衡 Closing debits = closing credits", checks.trial_balance),
        ("本期发生额平衡 Period debits = period credits", checks.period_movements),
        ("资产 = 负债 + 所有者权益 Assets = liabilities + equity", checks.balance_sheet),
        ("净利润 = 未分配利润变动 + 利润分配 Net profit = change in retained earnings + distributed", checks.net_profit),
        ("现金净增加额 = 期末现金 - 期初现金 Net increase in cash = closing - opening cash", checks.cash),
    )  # fmt: skip
    rows: list[list[Cell]] = [
        [name, tie.left, tie.right, tie.difference, "是 yes" if tie.ties else "否 no"]
        for name, tie in ties
    ]
    rows.append(
        ["未映射科目 Unmapped accounts", ", ".join(checks.unmapped_accounts), None, None, None]
    )
    rows.append(
        ["未映射现金流量项目 Unmapped cash-flow items", ", ".join(checks.unmapped_cash_flow_items), None, None, None]
    )  # fmt: skip
    return rows


def to_xlsx(
    title: str,
    months: MonthRange,
    headings: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    checks: Checks,
) -> bytes:
    """A workbook: the statement, then its ties."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Statement"
    bold = Font(bold=True)
    sheet.append([title])
    sheet.append([f"{months.start.isoformat()} - {months.end.isoformat()}", "单位：元 Unit: CNY"])
    sheet.append(list(headings))
    for cell in sheet[1] + sheet[3]:
        cell.font = bold
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    for column, width in zip("ABCDEFGHI", (14, 26, 40, 48, 22, 22, 22, 22, 22), strict=False):
        sheet.column_dimensions[column].width = width
    ties = book.create_sheet("Checks")
    ties.append(["勾稽关系 Check", "左 Left", "右 Right", "差额 Difference", "相符 Ties"])
    for cell in ties[1]:
        cell.font = bold
    for row in _checks_rows(checks):
        ties.append(row)
        for cell in ties[ties.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    ties.column_dimensions["A"].width = 70
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def statement_file(built: BuiltStatement, file_format: FileFormat) -> bytes:
    """A statement as a CSV or XLSX document."""
    headings, rows = statement_table(built)
    if file_format == "csv":
        return to_csv(headings, rows)
    name, name_en = TITLES[built.statement]
    return to_xlsx(f"{name} {name_en}", built.months, headings, rows, built.checks)


def trial_balance_file(built: BuiltTrialBalance, file_format: FileFormat) -> bytes:
    """A trial balance as a CSV or XLSX document."""
    headings, rows = trial_balance_table(built)
    if file_format == "csv":
        return to_csv(headings, rows)
    return to_xlsx("科目余额表 Trial balance", built.months, headings, rows, built.checks)


def table_xlsx(title: str, headings: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """A workbook of one sheet: a title, the headings and the rows (amounts as numbers)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Report"
    bold = Font(bold=True)
    sheet.append([title, "单位：元 Unit: CNY"])
    sheet.append(list(headings))
    for cell in sheet[1] + sheet[2]:
        cell.font = bold
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
