"""HTTP routes of finance: expense claims, spending requests and expense categories."""

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response

from services.finance.api.budgets import WorkflowClient
from services.finance.db.spending import ExpenseCategory, ExpenseClaim, SpendingRequest
from services.finance.domain import spending as rules
from services.finance.domain.budget_access import is_finance
from services.finance.schemas.spending import (
    BudgetView,
    CategoryCreate,
    CategoryRead,
    ClaimCreate,
    ClaimRead,
    ClaimStatus,
    Decision,
    PaymentCreate,
    RequestClose,
    RequestCreate,
    RequestRead,
    RequestStatus,
)
from shared.contracts.page import Page
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.db import DbInt
from shared.kit.errors import Forbidden
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.params import me_or_id_query, parse_me_or_id
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/finance", tags=["finance: spending"])


def today_of(request: Request) -> date:
    """Today's date (UTC) by the service's clock."""
    return runtime_of(request).today()


Today = Annotated[date, Depends(today_of)]
YearFilter = Annotated[DbInt | None, Query(ge=2000, le=2999)]


def _view(view: rules.BudgetView) -> BudgetView:
    return BudgetView(
        department_id=view.department_id,
        account_code=view.account_code,
        budget_account=view.budget_account,
        requested=view.requested,
        remaining=view.remaining,
        within_budget=view.within_budget,
    )


def _claim(claim: ExpenseClaim, views: list[rules.BudgetView] | None = None) -> ClaimRead:
    fields: dict[str, Any] = {
        name: getattr(claim, name)
        for name in ClaimRead.model_fields
        if name not in ("budget", "payable")
    }
    owed = claim.total if claim.status == "approved" and claim.journal_entry_id else 0
    return ClaimRead.model_validate(
        {**fields, "budget": [_view(v) for v in views or []], "payable": owed}
    )


def _request(request: SpendingRequest, view: rules.BudgetView | None = None) -> RequestRead:
    fields: dict[str, Any] = {
        name: getattr(request, name) for name in RequestRead.model_fields if name != "budget"
    }
    return RequestRead.model_validate({**fields, "budget": _view(view) if view else None})


def _employee_filter(me: uuid.UUID | None, employee_id: str | None) -> uuid.UUID | None:
    """``me`` is the caller (no one's claims when the caller is not an employee)."""
    if employee_id is None:
        return None
    return parse_me_or_id(employee_id) or me or uuid.UUID(int=0)


# ---- categories -----------------------------------------------------------------------------


@router.get(
    "/expense-categories", response_model=list[CategoryRead], summary="List expense categories"
)
async def list_categories(
    session: SessionDep, _principal: CurrentPrincipal
) -> list[ExpenseCategory]:
    """What a claim line may be (travel, office, entertainment…) and the account each posts to."""
    return await rules.categories(session)


@router.post(
    "/expense-categories",
    status_code=201,
    response_model=CategoryRead,
    summary="Add an expense category",
)
async def create_category(
    payload: CategoryCreate, session: SessionDep, principal: CurrentPrincipal
) -> ExpenseCategory:
    """Finance maps a new category to a cost or expense account (409 for a code in use)."""
    if not is_finance(principal):
        raise Forbidden("only finance staff add expense categories", code="finance_only")
    return await rules.add_category(
        session,
        code=payload.code,
        name=payload.name,
        name_en=payload.name_en,
        account_code=payload.account_code,
    )


# ---- expense claims -------------------------------------------------------------------------


@router.post(
    "/expense-claims", status_code=201, response_model=ClaimRead, summary="File an expense claim"
)
async def create_claim(
    payload: ClaimCreate,
    http: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    workflow: WorkflowClient,
    today: Today,
) -> ClaimRead:
    """File a claim and start its ``expense_claim`` approval (manager, finance, and the general
    manager over 50,000). The answer shows what remains of each budget account it charges
    (``budget``); the check that counts runs when the approval is applied. Refused: a
    department without an approved budget for the year (422 ``no_budget``), an inactive
    category (422 ``unknown_expense_category``), a line dated after today."""
    claim, views = await rules.submit_claim(
        session,
        principal,
        employee_id=payload.employee_id,
        title=payload.title,
        lines=[
            rules.ClaimLineInput(
                category=line.category,
                amount=line.amount,
                expense_date=line.expense_date,
                description=line.description,
                receipt_ref=line.receipt_ref,
                department_id=line.department_id,
            )
            for line in payload.lines
        ],
        today=today,
    )
    await rules.CLAIM_SAGA.commit_and_start(runtime_of(http), session, workflow, claim)
    response.headers["Location"] = f"/api/v1/finance/expense-claims/{claim.id}"
    set_etag(response, claim.version)
    return _claim(claim, views)


@router.get("/expense-claims", response_model=Page[ClaimRead], summary="List expense claims")
async def list_claims(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at", "total")],
    employee_id: Annotated[str | None, me_or_id_query()] = None,
    department_id: uuid.UUID | None = None,
    status: ClaimStatus | None = None,
    year: YearFilter = None,
) -> Page[ClaimRead]:
    """An employee's own claims (``status=approved``: what they are owed), a department head's
    departments' too, everyone's for finance, admins and auditors."""
    query = await rules.visible_claims(
        session,
        principal,
        employee_id=_employee_filter(principal.employee_id, employee_id),
        department_id=department_id,
        status=status,
        year=year,
    )
    return await paginate(
        session,
        query,
        params,
        sortable={"created_at": ExpenseClaim.created_at, "total": ExpenseClaim.total},
        id_column=ExpenseClaim.id,
        default_sort="-created_at",
        to_item=_claim,
    )


@router.get("/expense-claims/{claim_id}", response_model=ClaimRead, summary="Read an expense claim")
async def read_claim(
    claim_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> ClaimRead:
    """One claim the caller may see (404 otherwise), with what remains of its budget."""
    claim = await rules.get_claim(session, principal, claim_id)
    set_etag(response, claim.version)
    return _claim(claim, await rules.claim_budget(session, claim))


async def _claim_for_change(
    request: Request, session: SessionDep, principal: CurrentPrincipal, claim_id: uuid.UUID
) -> ExpenseClaim:
    claim = await rules.get_claim(session, principal, claim_id)
    check_if_match(request, claim.version)
    return claim


@router.post(
    "/expense-claims/{claim_id}/withdraw", response_model=ClaimRead, summary="Withdraw a claim"
)
async def withdraw_claim(
    claim_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    workflow: WorkflowClient,
) -> ClaimRead:
    """The claimant withdraws a claim awaiting approval; 409 ``approval_already_completed``
    when workflow has just decided it (the outcome is applied instead)."""
    claim = await _claim_for_change(request, session, principal, claim_id)
    claim = await rules.withdraw_claim(session, workflow, principal, claim)
    set_etag(response, claim.version)
    return _claim(claim)


@router.post(
    "/expense-claims/{claim_id}/override",
    response_model=ClaimRead,
    summary="Approve an over-budget claim",
)
async def override_claim(
    claim_id: uuid.UUID,
    payload: Decision,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
) -> ClaimRead:
    """Finance approves a claim the budget no longer covers, with a reason (audited): it is
    posted and owed to the employee like any approved claim."""
    claim = await _claim_for_change(request, session, principal, claim_id)
    with rules.on_day(today):
        claim = await rules.override_claim(session, principal, claim, payload.reason)
    set_etag(response, claim.version)
    return _claim(claim)


@router.post(
    "/expense-claims/{claim_id}/reject",
    response_model=ClaimRead,
    summary="Reject an over-budget claim",
)
async def reject_claim(
    claim_id: uuid.UUID,
    payload: Decision,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ClaimRead:
    """Finance rejects a claim the budget no longer covers, with a reason."""
    claim = await _claim_for_change(request, session, principal, claim_id)
    claim = await rules.reject_claim(session, principal, claim, payload.reason)
    set_etag(response, claim.version)
    return _claim(claim)


@router.post(
    "/expense-claims/{claim_id}/post",
    response_model=ClaimRead,
    summary="Post an approved claim again",
)
async def post_claim(
    claim_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
) -> ClaimRead:
    """Finance posts an approved claim whose entry the ledger refused when it was approved
    (``posting_error``: its month was closed, say); the ledger's problem is answered when it
    refuses again."""
    claim = await _claim_for_change(request, session, principal, claim_id)
    with rules.on_day(today):
        claim = await rules.post_approved_claim(session, principal, claim)
    set_etag(response, claim.version)
    return _claim(claim)


@router.post("/expense-claims/{claim_id}/pay", response_model=ClaimRead, summary="Pay a claim")
async def pay_claim(
    claim_id: uuid.UUID,
    payload: PaymentCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
) -> ClaimRead:
    """Finance pays an approved claim: the payment is posted (Dr 2241 / Cr 1002, cash flow
    支付其他与经营活动有关的现金) and the claim is ``paid``."""
    claim = await _claim_for_change(request, session, principal, claim_id)
    claim = await rules.pay_claim(session, principal, claim, paid_on=payload.paid_on or today)
    set_etag(response, claim.version)
    return _claim(claim)


# ---- spending requests ----------------------------------------------------------------------


@router.post(
    "/spending-requests",
    status_code=201,
    response_model=RequestRead,
    summary="Ask to spend",
)
async def create_request(
    payload: RequestCreate,
    http: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    workflow: WorkflowClient,
) -> RequestRead:
    """File a spending request and start its ``purchase`` approval (manager, finance, and the
    general manager over 100,000); the answer shows what remains of the budget account.
    Approved, the amount is committed against the budget until finance closes the request.
    Refused: no approved budget for the department in the expected date's year (422
    ``no_budget``), an account that is not a cost or expense account."""
    spending, view = await rules.submit_request(
        session,
        principal,
        department_id=payload.department_id,
        account_code=payload.account_code,
        amount=payload.amount,
        purpose=payload.purpose,
        expected_date=payload.expected_date,
    )
    await rules.REQUEST_SAGA.commit_and_start(runtime_of(http), session, workflow, spending)
    response.headers["Location"] = f"/api/v1/finance/spending-requests/{spending.id}"
    set_etag(response, spending.version)
    return _request(spending, view)


@router.get(
    "/spending-requests", response_model=Page[RequestRead], summary="List spending requests"
)
async def list_requests(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at", "expected_date")],
    department_id: uuid.UUID | None = None,
    status: RequestStatus | None = None,
    year: YearFilter = None,
) -> Page[RequestRead]:
    """The caller's own requests, a department head's departments', everyone's for finance,
    admins and auditors."""
    query = await rules.visible_requests(
        session, principal, department_id=department_id, status=status, year=year
    )
    return await paginate(
        session,
        query,
        params,
        sortable={
            "created_at": SpendingRequest.created_at,
            "expected_date": SpendingRequest.expected_date,
        },
        id_column=SpendingRequest.id,
        default_sort="-created_at",
        to_item=_request,
    )


@router.get(
    "/spending-requests/{request_id}",
    response_model=RequestRead,
    summary="Read a spending request",
)
async def read_request(
    request_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> RequestRead:
    """One request the caller may see (404 otherwise)."""
    spending = await rules.get_request(session, principal, request_id)
    set_etag(response, spending.version)
    return _request(spending, await rules.request_budget(session, spending))


async def _request_for_change(
    request: Request, session: SessionDep, principal: CurrentPrincipal, request_id: uuid.UUID
) -> SpendingRequest:
    spending = await rules.get_request(session, principal, request_id)
    check_if_match(request, spending.version)
    return spending


@router.post(
    "/spending-requests/{request_id}/withdraw",
    response_model=RequestRead,
    summary="Withdraw a spending request",
)
async def withdraw_request(
    request_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    workflow: WorkflowClient,
) -> RequestRead:
    """The requester withdraws a request awaiting approval."""
    spending = await _request_for_change(request, session, principal, request_id)
    spending = await rules.withdraw_request(session, workflow, principal, spending)
    set_etag(response, spending.version)
    return _request(spending)


@router.post(
    "/spending-requests/{request_id}/override",
    response_model=RequestRead,
    summary="Approve an over-budget request",
)
async def override_request(
    request_id: uuid.UUID,
    payload: Decision,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> RequestRead:
    """Finance approves a request the budget no longer covers, with a reason (audited)."""
    spending = await _request_for_change(request, session, principal, request_id)
    spending = await rules.override_request(session, principal, spending, payload.reason)
    set_etag(response, spending.version)
    return _request(spending)


@router.post(
    "/spending-requests/{request_id}/reject",
    response_model=RequestRead,
    summary="Reject an over-budget request",
)
async def reject_request(
    request_id: uuid.UUID,
    payload: Decision,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> RequestRead:
    """Finance rejects a request the budget no longer covers, with a reason."""
    spending = await _request_for_change(request, session, principal, request_id)
    spending = await rules.reject_request(session, principal, spending, payload.reason)
    set_etag(response, spending.version)
    return _request(spending)


@router.post(
    "/spending-requests/{request_id}/close",
    response_model=RequestRead,
    summary="Close a spending request",
)
async def close_request(
    request_id: uuid.UUID,
    payload: RequestClose,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> RequestRead:
    """Finance closes an approved request once its spending is posted (naming the entry) or
    will not happen: the commitment is released from the budget."""
    spending = await _request_for_change(request, session, principal, request_id)
    spending = await rules.close_request(
        session,
        principal,
        spending,
        journal_entry_id=payload.journal_entry_id,
        reason=payload.reason,
    )
    set_etag(response, spending.version)
    return _request(spending)
