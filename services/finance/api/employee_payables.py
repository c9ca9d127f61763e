"""HTTP routes of finance: what finance owes employees from posted facts, and paying it."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from services.finance.db.employee_payables import EmployeePayable
from services.finance.domain import employee_payables as rules
from services.finance.schemas.employee_payables import PayablePayment, PayableRead, StatusFilter
from shared.contracts.page import Page
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/finance", tags=["finance: employee payables"])


def today_of(request: Request) -> date:
    """Today's date (UTC) by the service's clock."""
    return runtime_of(request).today()


Today = Annotated[date, Depends(today_of)]


def _read(payable: EmployeePayable) -> PayableRead:
    return PayableRead.model_validate(payable)


@router.get(
    "/employee-payables",
    response_model=Page[PayableRead],
    summary="List what finance owes employees",
)
async def list_payables(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at", "occurred_on", "amount")],
    employee_id: uuid.UUID | None = None,
    status: Annotated[
        StatusFilter | None,
        Query(description="`open` (to pay), `paid`, or `settled` (nothing was owed)."),
    ] = None,
) -> Page[PayableRead]:
    """One payable per posted fact whose entry credits other payables (2241) for an employee,
    net of its debits to 2241 for them (a reimbursement's advance offset). An employee sees
    their own; finance, admins and auditors everyone's; anyone else none."""
    query = rules.visible_payables(principal, employee_id=employee_id, status=status)
    return await paginate(
        session,
        query,
        params,
        sortable={
            "created_at": EmployeePayable.created_at,
            "occurred_on": EmployeePayable.occurred_on,
            "amount": EmployeePayable.amount,
        },
        id_column=EmployeePayable.id,
        default_sort="-created_at",
        to_item=_read,
    )


@router.get(
    "/employee-payables/{payable_id}",
    response_model=PayableRead,
    summary="Read an employee payable",
)
async def read_payable(
    payable_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> PayableRead:
    """One payable the caller may see (404 otherwise)."""
    payable = await rules.get_payable(session, principal, payable_id)
    set_etag(response, payable.version)
    return _read(payable)


@router.post(
    "/employee-payables/{payable_id}/pay",
    response_model=PayableRead,
    summary="Pay an employee payable",
)
async def pay_payable(
    payable_id: uuid.UUID,
    payload: PayablePayment,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
) -> PayableRead:
    """Finance pays all a payable owes: Dr 2241 / Cr 1002 with the employee and the cash-flow
    item 支付给职工以及为职工支付的现金 (``employee_payments``); the payable is ``paid`` and
    ``finance.employee_payable.paid`` is recorded. Refused: paid already (409
    ``employee_payable_paid``), nothing owed (409 ``employee_payable_settled``), the ledger's
    own refusals (a closed month); not finance staff (403 ``finance_only``). A payment may be
    dated before its fact (an advance is paid before the trip it is dated on)."""
    payable = await rules.get_payable(session, principal, payable_id)
    check_if_match(request, payable.version)
    payable = await rules.pay(session, principal, payable, paid_on=payload.paid_on or today)
    set_etag(response, payable.version)
    return _read(payable)
