"""HTTP routes of finance: statements and their line mappings.

``/statements/trial-balance``, ``/statements/balance-sheet``, ``/statements/income-statement``
and ``/statements/cash-flow`` for a month, quarter, year or range of whole months, as JSON, CSV
or XLSX; ``/statement-lines`` to read and edit what each line reads. Statements are read by
finance, admin, gm and auditor; the mappings are changed by finance and admin.
"""

import asyncio
import uuid
from contextlib import AbstractAsyncContextManager
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.statements import StatementLine
from services.finance.domain import statements_lines
from services.finance.domain.statements import Checks, StatementKind, TrialBalanceRow
from services.finance.domain.statements_export import (
    CSV_TYPE,
    MEDIA_TYPES,
    XLSX_TYPE,
    FileFormat,
    filename,
    statement_file,
    trial_balance_file,
)
from services.finance.domain.statements_period import MonthRange, resolve_range
from services.finance.domain.statements_service import (
    COLUMNS,
    TITLES,
    BuiltStatement,
    BuiltTrialBalance,
    build_statement,
    build_trial_balance,
    snapshot,
)
from services.finance.schemas.statements import (
    Format,
    NetProfitTie,
    StatementChecks,
    StatementLineAmount,
    StatementLineRead,
    StatementLineUpdate,
    StatementPeriod,
    StatementRead,
    TieRead,
    TrialBalanceRead,
    TrialBalanceRowRead,
)
from shared.contracts.page import Page
from shared.contracts.principal import Principal
from shared.kit.auth import guarded
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.errors import DomainError, Forbidden
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/finance", tags=["finance: statements"])

READERS = ("finance", "admin", "gm", "auditor")
EDITORS = ("finance", "admin")


def _may_read(principal: Principal) -> None:
    """Finance, admin, gm and auditor read statements (a client with finance:read too)."""
    if principal.kind == "client" or principal.has_role(*READERS):
        return
    raise Forbidden("statements are read by finance, admin, gm and auditor", code="finance_only")


def _may_edit(principal: Principal) -> None:
    """Finance staff and admins change the line mappings."""
    if principal.kind == "user" and principal.has_role(*EDITORS):
        return
    raise Forbidden("only finance staff (or an admin) change statement lines", code="finance_only")


Reader = Annotated[Principal, Depends(guarded(_may_read))]
Editor = Annotated[Principal, Depends(guarded(_may_edit))]


class NotAcceptable(DomainError):
    """406: the Accept header names nothing the operation answers."""

    status, code = 406, "not_acceptable"


# ------------------------------------------------------------------ parameters


async def statement_range(
    year: Annotated[
        int | None, Query(ge=1900, le=9998, description="The year (alone: the whole year).")
    ] = None,
    month: Annotated[int | None, Query(ge=1, le=12, description="A month of `year`.")] = None,
    quarter: Annotated[int | None, Query(ge=1, le=4, description="A quarter of `year`.")] = None,
    start: Annotated[
        date | None,
        Query(alias="from", description="First day of a month; with `to`, instead of `year`."),
    ] = None,
    end: Annotated[
        date | None, Query(alias="to", description="Last day of a month; with `from`.")
    ] = None,
) -> MonthRange:
    """The months asked for: `?year=`, `?year=&month=`, `?year=&quarter=` or `?from=&to=`."""
    return resolve_range(year=year, month=month, quarter=quarter, start=start, end=end)


Months = Annotated[MonthRange, Depends(statement_range)]
FormatParam = Annotated[
    Format | None,
    Query(
        alias="format",
        description="`json`, `csv` or `xlsx`; without it the `Accept` header decides (JSON by "
        "default).",
    ),
]

_ACCEPTED: dict[str, Format] = {
    "application/json": "json",
    "application/*": "json",
    "*/*": "json",
    "text/csv": "csv",
    "text/*": "csv",
    XLSX_TYPE: "xlsx",
}


def chosen_format(request: Request, asked: Format | None) -> Format:
    """``?format=`` if given, else the most preferred type of ``Accept`` we can answer."""
    if asked is not None:
        return asked
    header = request.headers.get("accept", "").strip()
    if not header:
        return "json"
    ranked: list[tuple[float, int, Format]] = []
    for order, part in enumerate(header.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        found = _ACCEPTED.get(media.lower())
        if found is not None and quality > 0:
            ranked.append((-quality, order, found))
    if not ranked:
        raise NotAcceptable(
            "this statement is answered as application/json, text/csv or "
            f"{XLSX_TYPE} (or ask with ?format=json|csv|xlsx)"
        )
    return min(ranked)[2]


DOWNLOADS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The statement as JSON, or as a CSV or XLSX download (`Accept` or "
        "`?format=`), with Chinese and English headings.",
        "content": {
            CSV_TYPE: {"schema": {"type": "string"}},
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    },
    406: {"description": "The `Accept` header names no type the statement is answered in."},
    422: {
        "description": "A mixture of period schemes, a date range that is not whole months "
        "(`statement_period_invalid`)."
    },
    403: {"description": "Not finance, admin, gm or auditor (`finance_only`)."},
}


def statement_snapshot(request: Request) -> AbstractAsyncContextManager[AsyncSession]:
    """The statement's reads on one snapshot of the database (see ``statements_service``)."""
    runtime = runtime_of(request)
    return snapshot(runtime.engine, runtime.sessionmaker)


def _download(content: bytes, file_format: FileFormat, name: str) -> Response:
    return Response(
        content,
        media_type=MEDIA_TYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# ------------------------------------------------------------------ answers


def _period(months: MonthRange) -> StatementPeriod:
    return StatementPeriod(start=months.start, end=months.end)


def _tie(description: str, left: Any, right: Any) -> TieRead:
    return TieRead(
        description=description, left=left, right=right, difference=left - right, ties=left == right
    )


def checks_read(checks: Checks) -> StatementChecks:
    """The ties as they are answered."""
    net = checks.net_profit
    return StatementChecks(
        all_tie=checks.all_tie,
        trial_balance=_tie(
            "closing debit balances = closing credit balances",
            checks.trial_balance.left,
            checks.trial_balance.right,
        ),
        period_movements=_tie(
            "debits of the period = credits of the period",
            checks.period_movements.left,
            checks.period_movements.right,
        ),
        balance_sheet=_tie(
            "total assets = total liabilities and owners' equity",
            checks.balance_sheet.left,
            checks.balance_sheet.right,
        ),
        net_profit=NetProfitTie(
            description="net profit = change in retained earnings + profit distributed",
            left=net.left,
            right=net.right,
            difference=net.difference,
            ties=net.ties,
            change_in_retained_earnings=net.right - checks.profit_distributed,
            profit_distributed=checks.profit_distributed,
        ),
        cash=_tie(
            "net increase in cash (by cash-flow item) = closing cash - opening cash",
            checks.cash.left,
            checks.cash.right,
        ),
        unmapped_accounts=list(checks.unmapped_accounts),
        unmapped_cash_flow_items=list(checks.unmapped_cash_flow_items),
    )


def statement_read(built: BuiltStatement) -> StatementRead:
    """A built statement as it is answered."""
    title, title_en = TITLES[built.statement]
    current, prior = COLUMNS[built.statement]
    return StatementRead(
        statement=built.statement,
        title=title,
        title_en=title_en,
        period=_period(built.months),
        amount_column=current,
        comparative_period=_period(built.comparative_months),
        comparative_column=prior,
        lines=[
            StatementLineAmount(
                line_number=number,
                code=row.code,
                name=row.name,
                name_en=row.name_en,
                kind=row.kind,
                amount=row.amount,
                comparative=row.comparative,
            )
            for number, row in enumerate(built.rows, start=1)
        ],
        checks=checks_read(built.checks),
    )


def _tb_row(row: TrialBalanceRow) -> TrialBalanceRowRead:
    return TrialBalanceRowRead.model_validate(row, from_attributes=True)


def trial_balance_read(built: BuiltTrialBalance) -> TrialBalanceRead:
    """A built trial balance as it is answered."""
    return TrialBalanceRead(
        title="科目余额表",
        title_en="Trial balance",
        period=_period(built.months),
        rows=[_tb_row(row) for row in built.rows],
        totals=_tb_row(built.totals),
        checks=checks_read(built.checks),
    )


# ------------------------------------------------------------------ the statements


@router.get(
    "/statements/trial-balance",
    response_model=TrialBalanceRead,
    responses=DOWNLOADS,
    summary="Trial balance (科目余额表)",
)
async def read_trial_balance(
    request: Request,
    _reader: Reader,
    months: Months,
    wanted: FormatParam = None,
    level: Annotated[
        int | None,
        Query(
            ge=1,
            le=5,
            description="Sum the rows up to the accounts of this level (1: first-level "
            "accounts, 2: their sub-accounts, …); without it, the accounts posted to.",
        ),
    ] = None,
) -> Any:
    """Opening balance, the period's debits and credits, and closing balance per account, with
    totals that agree; for `?year=`, `?year=&month=`, `?year=&quarter=` or `?from=&to=`."""
    file_format = chosen_format(request, wanted)
    async with statement_snapshot(request) as session:
        built = await build_trial_balance(session, months, level=level)
    if file_format == "json":
        return trial_balance_read(built)
    # a workbook is CPU work for openpyxl: built off the event loop
    return _download(
        await asyncio.to_thread(trial_balance_file, built, file_format),
        file_format,
        filename("trial_balance", months, file_format),
    )


async def _statement(
    request: Request, statement: StatementKind, months: MonthRange, asked: Format | None
) -> Any:
    file_format = chosen_format(request, asked)
    async with statement_snapshot(request) as session:
        built = await build_statement(session, statement, months)
    if file_format == "json":
        return statement_read(built)
    content = await asyncio.to_thread(statement_file, built, file_format)
    return _download(content, file_format, filename(statement, months, file_format))


@router.get(
    "/statements/balance-sheet",
    response_model=StatementRead,
    responses=DOWNLOADS,
    summary="Balance sheet (资产负债表)",
)
async def read_balance_sheet(
    request: Request,
    _reader: Reader,
    months: Months,
    wanted: FormatParam = None,
) -> Any:
    """Balances at the end of the period in the CAS line order (Caikuai [2019] No. 6), with
    the prior year-end balances beside them; the year's unclosed profit counts in 未分配利润."""
    return await _statement(request, "balance_sheet", months, wanted)


@router.get(
    "/statements/income-statement",
    response_model=StatementRead,
    responses=DOWNLOADS,
    summary="Income statement (利润表)",
)
async def read_income_statement(
    request: Request,
    _reader: Reader,
    months: Months,
    wanted: FormatParam = None,
) -> Any:
    """Revenue, expenses and profit over the period in the CAS line order, with the same months
    of the prior year beside them (the year-end closing entries are left out)."""
    return await _statement(request, "income_statement", months, wanted)


@router.get(
    "/statements/cash-flow",
    response_model=StatementRead,
    responses=DOWNLOADS,
    summary="Cash-flow statement (现金流量表)",
)
async def read_cash_flow(
    request: Request,
    _reader: Reader,
    months: Months,
    wanted: FormatParam = None,
) -> Any:
    """Cash received and paid over the period by cash-flow item (direct method), each
    section's inflows, outflows and net, the net increase and the opening and closing cash."""
    return await _statement(request, "cash_flow", months, wanted)


# ------------------------------------------------------------------ the line mappings


@router.get(
    "/statement-lines",
    response_model=Page[StatementLineRead],
    summary="List statement lines",
    responses={403: {"description": "Not finance, admin, gm or auditor (`finance_only`)."}},
)
async def list_statement_lines(
    session: SessionDep,
    _reader: Reader,
    params: Annotated[PageParams, sorted_by("position", "code")],
    statement: StatementKind | None = None,
) -> Page[StatementLineRead]:
    """Every line and what it reads, in statement order (by `position`)."""
    query = select(StatementLine)
    if statement is not None:
        query = query.where(StatementLine.statement == statement)
    return await paginate(
        session,
        query,
        params,
        sortable={"position": StatementLine.position, "code": StatementLine.code},
        id_column=StatementLine.id,
        default_sort="position",
        to_item=StatementLineRead.model_validate,
    )


@router.get(
    "/statement-lines/{line_id}",
    response_model=StatementLineRead,
    summary="Read a statement line",
    responses={403: {"description": "Not finance, admin, gm or auditor (`finance_only`)."}},
)
async def read_statement_line(
    line_id: uuid.UUID, response: Response, session: SessionDep, _reader: Reader
) -> StatementLine:
    """One line and what it reads."""
    line = await statements_lines.get(session, line_id)
    set_etag(response, line.version)
    return line


@router.patch(
    "/statement-lines/{line_id}",
    response_model=StatementLineRead,
    summary="Change a statement line",
    responses={
        403: {"description": "Not finance or admin (`finance_only`)."},
        422: {
            "description": "The statement would no longer evaluate (`statement_mapping_invalid`)."
        },
    },
)
async def update_statement_line(
    line_id: uuid.UUID,
    payload: StatementLineUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    _editor: Editor,
) -> StatementLine:
    """Rename a line, change its side or replace what it reads (honours If-Match)."""
    line = await statements_lines.get(session, line_id)
    check_if_match(request, line.version)
    line = await statements_lines.update(session, line, payload)
    set_etag(response, line.version)
    return line
