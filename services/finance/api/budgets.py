"""HTTP routes of finance: budgets, revisions and their execution."""

import asyncio
import uuid
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from sqlalchemy import select

from services.finance.api.statements import FormatParam, chosen_format
from services.finance.db.budgets import Budget, BudgetRevision
from services.finance.db.directory import Department
from services.finance.domain import budget_execution as execution_rules
from services.finance.domain import budgets as rules
from services.finance.domain.budget_access import departments_seen, is_finance
from services.finance.domain.budget_rules import Figures
from services.finance.domain.statements_export import (
    CSV_TYPE,
    MEDIA_TYPES,
    XLSX_TYPE,
    table_xlsx,
    to_csv,
)
from services.finance.schemas.budgets import (
    AdjustmentCreate,
    AdjustmentRead,
    BudgetCreate,
    BudgetLinesReplace,
    BudgetRead,
    BudgetStatus,
    BudgetSummary,
    DepartmentExecution,
    Execution,
    ExecutionFigures,
    ExecutionRow,
    RevisionCreate,
    RevisionRead,
    RevisionStatus,
)
from shared.contracts.page import Page
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.db import DbInt
from shared.kit.errors import Forbidden
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, runtime_of, service_router
from shared.kit.service_client import ServiceClient

router = service_router(prefix="/api/v1/finance", tags=["finance: budgets"])


def workflow_client(request: Request) -> ServiceClient:
    """finance's client for calling workflow through the gateway."""
    return runtime_of(request).service_client


WorkflowClient = Annotated[ServiceClient, Depends(workflow_client)]
Year = Annotated[DbInt, Query(ge=2000, le=2999, description="The fiscal year.")]


def _figures(value: Figures) -> dict[str, Any]:
    return {
        "budget": value.budget,
        "committed": value.committed,
        "actual": value.actual,
        "remaining": value.remaining,
        "variance": value.variance,
        "percent_used": value.percent_used,
    }


async def _read(session: SessionDep, budget: Budget) -> BudgetRead:
    adjustments = await rules.adjustments(session, budget)
    return BudgetRead.model_validate(
        {
            **{c: getattr(budget, c) for c in BudgetSummary.model_fields if c != "total"},
            "note": budget.note,
            "total": rules.total_of(budget),
            "lines": budget.lines,
            "adjustments": [AdjustmentRead.model_validate(a) for a in adjustments],
        }
    )


def _summary(budget: Budget) -> BudgetSummary:
    return BudgetSummary.model_validate(
        {
            **{c: getattr(budget, c) for c in BudgetSummary.model_fields if c != "total"},
            "total": rules.total_of(budget),
        }
    )


def _lines(payload: BudgetCreate | BudgetLinesReplace) -> list[rules.LineInput]:
    return [rules.LineInput(line.account_code, line.month, line.amount) for line in payload.lines]


EXECUTION_DOWNLOADS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report as JSON, or as a CSV or XLSX download (`Accept` or "
        "`?format=`) with Chinese and English headings: one row per department, account and "
        "month, each department's subtotal and the total.",
        "content": {
            CSV_TYPE: {"schema": {"type": "string"}},
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    },
    406: {"description": "The `Accept` header names no type the report is answered in."},
}
EXECUTION_HEADINGS = (
    "部门 Department",
    "科目 Account",
    "月份 Month",
    "预算 Budget",
    "已承诺 Committed",
    "实际 Actual",
    "剩余 Remaining",
    "差异 Variance",
    "使用率% Used %",
)


@router.get(
    "/budgets/execution",
    response_model=Execution,
    summary="Budget execution",
    responses=EXECUTION_DOWNLOADS,
)
async def read_execution(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    year: Year,
    file_format: FormatParam = None,
    department_id: uuid.UUID | None = None,
    account: Annotated[
        str | None,
        Query(max_length=20, description="An account: itself and its sub-accounts."),
    ] = None,
    month: Annotated[int | None, Query(ge=1, le=12)] = None,
) -> Execution | Response:
    """Per department, budget account and month of the year's approved budgets: budget,
    committed (approved spending not posted), actual (posted, from the ledger's balances),
    remaining, variance and percentage used — and their totals, which are the rows added up.
    A department head sees the departments they head; finance, admins and auditors all.
    As CSV or XLSX (``?format=`` or ``Accept``), the same rows under Chinese and English
    headings, departments by code and name."""
    answer_as = chosen_format(request, file_format)
    seen = await departments_seen(session, principal)
    departments: list[uuid.UUID] | None = None
    if department_id is not None:
        departments = [department_id] if seen is None or department_id in seen else []
    elif seen is not None:
        departments = sorted(seen, key=str)
    rows = await execution_rules.execution(
        session, year=year, department_ids=departments, account=account, month=month
    )
    report = Execution(
        year=year,
        rows=[
            ExecutionRow.model_validate(
                {
                    "department_id": row.department_id,
                    "account_code": row.account_code,
                    "month": row.month,
                    **_figures(row.figures),
                }
            )
            for row in rows
        ],
        departments=[
            DepartmentExecution.model_validate({"department_id": department, **_figures(value)})
            for department, value in execution_rules.by_department(rows).items()
        ],
        totals=ExecutionFigures.model_validate(_figures(execution_rules.total(rows))),
    )
    if answer_as == "json":
        return report
    names = {
        row.id: f"{row.code} {row.name}"
        for row in (await session.scalars(select(Department))).all()
    }

    def line(label: str, account_code: str, month_no: int | None, value: Figures) -> list[Any]:
        return [
            label,
            account_code,
            month_no,
            value.budget,
            value.committed,
            value.actual,
            value.remaining,
            value.variance,
            value.percent_used,
        ]

    table = [
        line(names.get(r.department_id, str(r.department_id)), r.account_code, r.month, r.figures)
        for r in rows
    ]
    table += [
        line(f"{names.get(d, str(d))} 小计 subtotal", "", None, value)
        for d, value in execution_rules.by_department(rows).items()
    ]
    table.append(line("合计 Total", "", None, execution_rules.total(rows)))
    title = f"{year} 预算执行 Budget execution"
    content = (
        to_csv(EXECUTION_HEADINGS, table)
        if answer_as == "csv"
        else await asyncio.to_thread(table_xlsx, title, EXECUTION_HEADINGS, table)
    )
    return Response(
        content,
        media_type=MEDIA_TYPES[answer_as],
        headers={
            "Content-Disposition": f'attachment; filename="budget-execution-{year}.{answer_as}"'
        },
    )


@router.post(
    "/budgets",
    status_code=201,
    response_model=BudgetRead,
    summary="Draft a budget",
)
async def create_budget(
    payload: BudgetCreate, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> BudgetRead:
    """A department's head (or finance) drafts the department's budget for a fiscal year, by
    account and month. Refused: an account that is not a cost or expense account (422
    ``account_not_budgetable``), a second budget for the same department and year (409
    ``budget_exists``), a department the caller does not head (403 ``not_budget_holder``)."""
    budget = await rules.create(
        session,
        principal,
        year=payload.year,
        department_id=payload.department_id,
        note=payload.note,
        lines=_lines(payload),
    )
    response.headers["Location"] = f"/api/v1/finance/budgets/{budget.id}"
    set_etag(response, budget.version)
    return await _read(session, budget)


@router.get("/budgets", response_model=Page[BudgetSummary], summary="List budgets")
async def list_budgets(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("year", "created_at")],
    year: Annotated[DbInt | None, Query(ge=2000, le=2999)] = None,
    department_id: uuid.UUID | None = None,
    status: BudgetStatus | None = None,
) -> Page[BudgetSummary]:
    """Finance, admins and auditors see every budget; a department head their departments';
    anyone else an empty list."""
    query = await rules.visible_budgets(
        session, principal, year=year, department_id=department_id, status=status
    )
    return await paginate(
        session,
        query,
        params,
        sortable={"year": Budget.year, "created_at": Budget.created_at},
        id_column=Budget.id,
        default_sort="-created_at",
        to_item=_summary,
    )


@router.get("/budgets/{budget_id:uuid}", response_model=BudgetRead, summary="Read a budget")
async def read_budget(
    budget_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> BudgetRead:
    """A budget with its lines and finance's adjustments (404 for one the caller may not see)."""
    budget = await rules.get_visible(session, principal, budget_id)
    set_etag(response, budget.version)
    return await _read(session, budget)


@router.put(
    "/budgets/{budget_id}/lines", response_model=BudgetRead, summary="Replace a draft's lines"
)
async def replace_budget_lines(
    budget_id: uuid.UUID,
    payload: BudgetLinesReplace,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> BudgetRead:
    """The department's head (or finance) rewrites a draft (or a rejected budget, which becomes
    a draft again); 409 ``budget_not_editable`` once submitted or approved."""
    budget = await rules.get_visible(session, principal, budget_id)
    check_if_match(request, budget.version)
    budget = await rules.replace_lines(
        session, principal, budget, note=payload.note, lines=_lines(payload)
    )
    set_etag(response, budget.version)
    return await _read(session, budget)


@router.post(
    "/budgets/{budget_id}/adjustments",
    response_model=BudgetRead,
    summary="Adjust a budget under review",
)
async def adjust_budget(
    budget_id: uuid.UUID,
    payload: AdjustmentCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> BudgetRead:
    """Finance sets one line of a draft to a new amount with its reason; every adjustment is
    kept (``adjustments``). Finance only (403 ``finance_only``)."""
    budget = await rules.get_visible(session, principal, budget_id)
    if not is_finance(principal):
        raise Forbidden("only finance staff adjust a budget", code="finance_only")
    check_if_match(request, budget.version)
    await rules.adjust(
        session,
        principal,
        budget,
        account_code=payload.account_code,
        month=payload.month,
        amount=payload.amount,
        reason=payload.reason,
    )
    set_etag(response, budget.version)
    return await _read(session, budget)


@router.post("/budgets/{budget_id}/submit", response_model=BudgetRead, summary="Submit a budget")
async def submit_budget(
    budget_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    workflow: WorkflowClient,
) -> BudgetRead:
    """Send the draft to its ``budget`` approval in workflow (finance head, then the general
    manager); approved, it is allocated and its lines become the control figures."""
    budget = await rules.get_visible(session, principal, budget_id)
    check_if_match(request, budget.version)
    budget = await rules.submit(session, principal, budget)
    await rules.SAGA.commit_and_start(runtime_of(request), session, workflow, budget)
    set_etag(response, budget.version)
    return await _read(session, budget)


@router.post(
    "/budgets/{budget_id}/withdraw", response_model=BudgetRead, summary="Withdraw a budget"
)
async def withdraw_budget(
    budget_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    workflow: WorkflowClient,
) -> BudgetRead:
    """Take a submitted budget back to a draft, withdrawing its approval in workflow (409
    ``approval_already_completed`` when workflow has just decided it: its outcome is applied)."""
    budget = await rules.get_visible(session, principal, budget_id)
    check_if_match(request, budget.version)
    budget = await rules.withdraw(session, workflow, principal, budget)
    set_etag(response, budget.version)
    return await _read(session, budget)


@router.post(
    "/budgets/{budget_id}/revisions",
    status_code=201,
    response_model=RevisionRead,
    summary="Revise an approved budget",
)
async def create_revision(
    budget_id: uuid.UUID,
    payload: RevisionCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    workflow: WorkflowClient,
) -> BudgetRevision:
    """Deltas with a reason, approved like the budget and applied on approval (409
    ``revision_pending`` while another waits; 422 ``revision_below_zero``)."""
    budget = await rules.get_visible(session, principal, budget_id)
    check_if_match(request, budget.version)
    revision = await rules.revise(
        session,
        principal,
        budget,
        reason=payload.reason,
        deltas=[rules.LineInput(d.account_code, d.month, d.delta) for d in payload.lines],
    )
    await rules.REVISION_SAGA.commit_and_start(runtime_of(request), session, workflow, revision)
    response.headers["Location"] = f"/api/v1/finance/budgets/{budget.id}/revisions/{revision.id}"
    set_etag(response, revision.version)
    return revision


@router.get(
    "/budgets/{budget_id}/revisions",
    response_model=Page[RevisionRead],
    summary="A budget's revisions",
)
async def list_revisions(
    budget_id: uuid.UUID,
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at")],
    status: RevisionStatus | None = None,
) -> Page[RevisionRead]:
    """Every revision of the budget, oldest first by default: its history after approval."""
    budget = await rules.get_visible(session, principal, budget_id)
    return await paginate(
        session,
        rules.revisions(budget, status=status),
        params,
        sortable={"created_at": BudgetRevision.created_at},
        id_column=BudgetRevision.id,
        default_sort="created_at",
        to_item=RevisionRead.model_validate,
    )
