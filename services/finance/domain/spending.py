"""Expense claims and spending requests: approved in workflow (``expense_claim``,
``purchase``) on the kit's approval saga, and checked against the department's budget **when
the approval's outcome is applied**, under a lock on the budget.

The check at submission only informs (the response shows what remains); the check that counts
runs in the transaction that applies workflow's approval: the budget rows of the departments
charged are locked (``FOR UPDATE`` on PostgreSQL; on SQLite a write takes the database's write
lock first), what remains is read after the lock, and the claim is approved (and posted, which
moves the ledger's balances in the same transaction) only if it fits — so two claims that each
fit alone but not together can never both consume the last of the budget. One that no longer
fits goes to ``over_budget``: finance approves it with an override and a reason, or rejects it.

Dates: a claim is charged to the fiscal year of the day it is filed (``year``), checked and
posted on the day its approval is applied; a spending request to the year of its expected date.
"""

import contextlib
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.budgets import Budget
from services.finance.db.spending import (
    ExpenseCategory,
    ExpenseClaim,
    ExpenseClaimLine,
    SpendingRequest,
)
from services.finance.domain import directory
from services.finance.domain.budget_access import departments_seen, is_finance
from services.finance.domain.budget_execution import remaining_by_account
from services.finance.domain.budget_rules import ZERO, budget_account_for, shortfalls
from services.finance.domain.budgets import approved_budget, check_budget_accounts
from services.finance.domain.spending_posting import post_claim, post_payment
from shared.contracts.principal import Principal
from shared.kit.approvals import Approval, ApprovalSaga, Backoff, StartRequest
from shared.kit.db import utcnow
from shared.kit.errors import (
    Conflict,
    DomainError,
    Forbidden,
    ServiceUnavailable,
    Unprocessable,
    not_found,
)
from shared.kit.outbox import record_event
from shared.kit.service_client import ServiceClient

_BUSINESS_DAY: ContextVar[date | None] = ContextVar("finance_business_day", default=None)


def business_day() -> date:
    """Today by the service's clock when the caller set it (requests and the outcome consumer
    do), else by the system clock."""
    return _BUSINESS_DAY.get() or utcnow().date()


@contextlib.contextmanager
def on_day(day: date) -> Iterator[None]:
    """Run the block with ``day`` as today (the consumer of outcomes uses the service clock)."""
    token = _BUSINESS_DAY.set(day)
    try:
        yield
    finally:
        _BUSINESS_DAY.reset(token)


@dataclass(frozen=True)
class ClaimLineInput:
    """One line as the claimant gives it."""

    category: str
    amount: Decimal
    expense_date: date
    description: str
    receipt_ref: str | None
    department_id: uuid.UUID | None


@dataclass(frozen=True)
class BudgetView:
    """What remains of a department's budget account for the year, and what this asks of it."""

    department_id: uuid.UUID
    account_code: str
    budget_account: str | None
    requested: Decimal
    remaining: Decimal

    @property
    def within_budget(self) -> bool:
        return self.budget_account is not None and self.requested <= self.remaining


# ---- categories -----------------------------------------------------------------------------


async def categories(session: AsyncSession) -> list[ExpenseCategory]:
    """Every expense category, by code."""
    return list(
        (await session.scalars(select(ExpenseCategory).order_by(ExpenseCategory.code))).all()
    )


async def add_category(
    session: AsyncSession, *, code: str, name: str, name_en: str, account_code: str
) -> ExpenseCategory:
    """A new category mapped to a cost or expense account (finance)."""
    if await session.scalar(select(ExpenseCategory.id).where(ExpenseCategory.code == code)):
        raise Conflict(f"expense category {code!r} exists", code="duplicate_expense_category")
    await check_budget_accounts(session, [account_code])
    category = ExpenseCategory(code=code, name=name, name_en=name_en, account_code=account_code)
    session.add(category)
    await session.flush()
    return category


# ---- the budget, as seen when filing and as checked at approval -----------------------------


async def _views(
    session: AsyncSession, year: int, wanted: dict[tuple[uuid.UUID, str], Decimal]
) -> list[BudgetView]:
    """What remains for each (department, account) asked for; 422 ``no_budget`` when a
    department has no approved budget for the year."""
    views: list[BudgetView] = []
    by_department: dict[uuid.UUID, dict[str, Decimal]] = defaultdict(dict)
    for (department_id, account), amount in wanted.items():
        by_department[department_id][account] = amount
    for department_id in sorted(by_department, key=str):
        budget = await approved_budget(session, department_id, year)
        if budget is None:
            raise Unprocessable(
                f"department {department_id} has no approved budget for {year}",
                code="no_budget",
                department_id=str(department_id),
                year=year,
            )
        remaining = await remaining_by_account(session, budget)
        held = {line.account_code for line in budget.lines}
        asked: dict[str | None, Decimal] = defaultdict(lambda: ZERO)
        for account, amount in by_department[department_id].items():
            asked[budget_account_for(account, held)] += amount
        for account in sorted(by_department[department_id]):
            control = budget_account_for(account, held)
            views.append(
                BudgetView(
                    department_id=department_id,
                    account_code=account,
                    budget_account=control,
                    requested=asked[control],
                    remaining=remaining.get(control, ZERO) if control else ZERO,
                )
            )
    return views


async def _fits(
    session: AsyncSession, year: int, wanted: dict[tuple[uuid.UUID, str], Decimal]
) -> bool:
    """The check that counts: lock the approved budget of each department charged (in a fixed
    order, so two checks never deadlock), then read what remains and compare."""
    by_department: dict[uuid.UUID, dict[str, Decimal]] = defaultdict(dict)
    for (department_id, account), amount in wanted.items():
        by_department[department_id][account] = amount
    budgets: dict[uuid.UUID, Budget] = {}
    for department_id in sorted(by_department, key=str):
        budget = await approved_budget(session, department_id, year, lock=True)
        if budget is None:
            return False
        budgets[department_id] = budget
    for department_id, accounts in by_department.items():
        budget = budgets[department_id]
        held = {line.account_code for line in budget.lines}
        asked: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for account, amount in accounts.items():
            control = budget_account_for(account, held)
            if control is None:
                return False
            asked[control] += amount
        if shortfalls(asked, await remaining_by_account(session, budget)):
            return False
    return True


# ---- expense claims -------------------------------------------------------------------------


def _claim_wants(claim: ExpenseClaim) -> dict[tuple[uuid.UUID, str], Decimal]:
    wanted: dict[tuple[uuid.UUID, str], Decimal] = defaultdict(lambda: ZERO)
    for line in claim.lines:
        wanted[(line.department_id, line.account_code)] += line.amount
    return dict(wanted)


async def _claim_event(
    session: AsyncSession, event_type: str, claim: ExpenseClaim, **extra: Any
) -> None:
    await record_event(
        session,
        event_type,
        subject_type="expense_claim",
        subject_id=claim.id,
        data={
            "employee_id": str(claim.employee_id),
            "year": claim.year,
            "total": f"{claim.total:.2f}",
            "status": claim.status,
            "department_ids": sorted({str(line.department_id) for line in claim.lines}),
            **extra,
        },
    )


async def _claimant(
    session: AsyncSession, principal: Principal, employee_id: uuid.UUID | None
) -> uuid.UUID:
    employee_id = employee_id or principal.employee_id
    if employee_id is None:
        raise Unprocessable("this account is not linked to an employee", code="no_employee")
    if employee_id != principal.employee_id and not is_finance(principal):
        raise Forbidden("only finance files a claim for someone else", code="finance_only")
    employee = await directory.employee(session, employee_id)
    if employee is None or employee.status == "left":
        raise Unprocessable(
            f"employee {employee_id} is unknown to finance or has left", code="unknown_employee"
        )
    return employee_id


async def submit_claim(
    session: AsyncSession,
    principal: Principal,
    *,
    employee_id: uuid.UUID | None,
    title: str,
    lines: Sequence[ClaimLineInput],
    today: date,
) -> tuple[ExpenseClaim, list[BudgetView]]:
    """File a claim (``submitted``, its ``expense_claim`` approval started once committed) and
    show what remains of the budget it charges."""
    claimant = await _claimant(session, principal, employee_id)
    home = await directory.department_of(session, claimant)
    found = {c.code: c for c in await categories(session)}
    claim = ExpenseClaim(
        employee_id=claimant,
        title=title,
        year=today.year,
        status="submitted",
        created_by=principal.sub,
    )
    total = ZERO
    for position, given in enumerate(lines, start=1):
        category = found.get(given.category)
        if category is None or not category.active:
            raise Unprocessable(
                f"there is no active expense category {given.category!r}",
                code="unknown_expense_category",
                line=position,
            )
        if given.expense_date > today:
            raise Unprocessable(
                f"line {position} is dated {given.expense_date}, after today",
                code="expense_date_in_future",
                line=position,
            )
        department_id = given.department_id or home
        assert department_id is not None  # a known employee has a department
        if given.department_id is not None:
            await _known_department(session, department_id)
        claim.lines.append(
            ExpenseClaimLine(
                position=position,
                category=category.code,
                account_code=category.account_code,
                department_id=department_id,
                amount=given.amount,
                expense_date=given.expense_date,
                description=given.description,
                receipt_ref=given.receipt_ref,
            )
        )
        total += given.amount
    claim.total = total
    views = await _views(session, claim.year, _claim_wants(claim))
    CLAIM_SAGA.begin(claim, CLAIM_APPROVAL)
    session.add(claim)
    await session.flush()
    await _claim_event(session, "finance.expense_claim.submitted", claim)
    return claim, views


async def _known_department(session: AsyncSession, department_id: uuid.UUID) -> None:
    if await directory.department(session, department_id) is None:
        raise Unprocessable(
            f"department {department_id} is unknown to finance", code="unknown_department"
        )


async def claim_budget(session: AsyncSession, claim: ExpenseClaim) -> list[BudgetView]:
    """What remains of the budget a claim charges (empty when a department has no approved
    budget any more for its year)."""
    with contextlib.suppress(Unprocessable):
        return await _views(session, claim.year, _claim_wants(claim))
    return []


async def claims_scope(
    session: AsyncSession, principal: Principal
) -> tuple[set[uuid.UUID] | None, uuid.UUID | None]:
    """(departments whose claims the caller sees — None for all —, the caller's employee id)."""
    return await departments_seen(session, principal), principal.employee_id


async def get_claim(
    session: AsyncSession, principal: Principal, claim_id: uuid.UUID
) -> ExpenseClaim:
    """A claim the caller may see (their own; their departments' as head; all for finance,
    admins and auditors), or 404."""
    claim = await session.get(ExpenseClaim, claim_id)
    if claim is None:
        raise not_found("expense claim", claim_id)
    seen, me = await claims_scope(session, principal)
    if seen is None or claim.employee_id == me:
        return claim
    if any(line.department_id in seen for line in claim.lines):
        return claim
    raise not_found("expense claim", claim_id)


async def visible_claims(
    session: AsyncSession,
    principal: Principal,
    *,
    employee_id: uuid.UUID | None,
    department_id: uuid.UUID | None,
    status: str | None,
    year: int | None,
) -> Select[tuple[ExpenseClaim]]:
    """The claims the caller may see, filtered."""
    query = select(ExpenseClaim)
    seen, me = await claims_scope(session, principal)
    if seen is not None:
        charged = select(ExpenseClaimLine.claim_id).where(ExpenseClaimLine.department_id.in_(seen))
        query = query.where(
            or_(ExpenseClaim.employee_id == me, ExpenseClaim.id.in_(charged))
            if me is not None
            else ExpenseClaim.id.in_(charged)
        )
    if employee_id is not None:
        query = query.where(ExpenseClaim.employee_id == employee_id)
    if department_id is not None:
        query = query.where(
            ExpenseClaim.id.in_(
                select(ExpenseClaimLine.claim_id).where(
                    ExpenseClaimLine.department_id == department_id
                )
            )
        )
    if status is not None:
        query = query.where(ExpenseClaim.status == status)
    if year is not None:
        query = query.where(ExpenseClaim.year == year)
    return query


def _finance_only(principal: Principal) -> None:
    if not is_finance(principal):
        raise Forbidden("only finance staff may do this", code="finance_only")


async def _lock_claim(session: AsyncSession, claim: ExpenseClaim) -> None:
    await CLAIM_SAGA._lock(session, claim)


async def _approve_claim(
    session: AsyncSession, claim: ExpenseClaim, *, actor: str | None, overridden: bool
) -> None:
    """Approved: post the claim's entry (a payable to the employee) and record it.

    When the ledger refuses the entry (its month closed, say) the claim is approved all the
    same and waits for finance to post it (``posting_error``; ``POST …/post``): its amount
    counts as committed meanwhile, and the outcome never blocks the ones after it. The ledger
    checks everything before it writes, so a refusal leaves nothing behind."""
    claim.status = "approved"
    claim.decided_at = utcnow()
    claim.year = business_day().year  # charged to the year it is approved and posted in
    await _post_claim(session, claim, actor=actor)
    await session.flush()
    await _claim_event(
        session,
        "finance.expense_claim.approved",
        claim,
        journal_entry_id=str(claim.journal_entry_id) if claim.journal_entry_id else None,
        overridden=overridden,
    )


async def _post_claim(session: AsyncSession, claim: ExpenseClaim, *, actor: str | None) -> None:
    today = business_day()
    try:
        entry = await post_claim(session, claim, on=today, actor=actor)
    except DomainError as exc:
        claim.posting_error = f"{exc.code}: {exc.detail}"[:500]
        return
    claim.journal_entry_id = entry.id
    claim.posted_on = today
    claim.posting_error = None


async def post_approved_claim(
    session: AsyncSession, principal: Principal, claim: ExpenseClaim
) -> ExpenseClaim:
    """Finance posts an approved claim whose entry the ledger refused before (say, once the
    month is reopened); the ledger's problem is answered when it refuses again."""
    _finance_only(principal)
    await _lock_claim(session, claim)
    if claim.status != "approved" or claim.journal_entry_id is not None:
        raise Conflict(
            f"only an approved claim not posted yet is posted (this one is {claim.status})",
            code="invalid_claim_transition",
        )
    today = business_day()
    entry = await post_claim(session, claim, on=today, actor=principal.sub)
    claim.journal_entry_id = entry.id
    claim.posted_on = today
    claim.posting_error = None
    await session.flush()
    return claim


async def override_claim(
    session: AsyncSession, principal: Principal, claim: ExpenseClaim, reason: str
) -> ExpenseClaim:
    """Finance approves an over-budget claim anyway, with a reason (audited)."""
    _finance_only(principal)
    await _lock_claim(session, claim)
    if claim.status != "over_budget":
        raise Conflict(
            f"only an over-budget claim is approved by override (this one is {claim.status})",
            code="invalid_claim_transition",
        )
    claim.overridden_by = principal.sub
    claim.decision_reason = reason
    await _approve_claim(session, claim, actor=principal.sub, overridden=True)
    return claim


async def reject_claim(
    session: AsyncSession, principal: Principal, claim: ExpenseClaim, reason: str
) -> ExpenseClaim:
    """Finance rejects an over-budget claim, with a reason."""
    _finance_only(principal)
    await _lock_claim(session, claim)
    if claim.status != "over_budget":
        raise Conflict(
            f"finance rejects only an over-budget claim here (this one is {claim.status}); "
            "others are decided in workflow",
            code="invalid_claim_transition",
        )
    claim.status = "rejected"
    claim.decided_at = utcnow()
    claim.decision_reason = reason
    await session.flush()
    await _claim_event(session, "finance.expense_claim.rejected", claim, reason=reason)
    return claim


async def pay_claim(
    session: AsyncSession, principal: Principal, claim: ExpenseClaim, *, paid_on: date
) -> ExpenseClaim:
    """Finance pays an approved claim: the payment is posted and the claim is ``paid``."""
    _finance_only(principal)
    await _lock_claim(session, claim)
    if claim.status != "approved" or claim.journal_entry_id is None:
        raise Conflict(
            f"only an approved, posted claim is paid (this one is {claim.status})",
            code="invalid_claim_transition",
        )
    entry = await post_payment(session, claim, on=paid_on, actor=principal.sub)
    claim.status = "paid"
    claim.payment_entry_id = entry.id
    claim.paid_on = paid_on
    await session.flush()
    await _claim_event(
        session,
        "finance.expense_claim.paid",
        claim,
        payment_entry_id=str(entry.id),
        paid_on=paid_on.isoformat(),
    )
    return claim


async def withdraw_claim(
    session: AsyncSession, workflow: ServiceClient, principal: Principal, claim: ExpenseClaim
) -> ExpenseClaim:
    """The claimant (or finance) withdraws a claim still awaiting its approval."""
    if principal.employee_id != claim.employee_id and not is_finance(principal):
        raise Forbidden("only the claimant or finance withdraws a claim", code="forbidden")
    if claim.status not in ("submitted", "approval_refused"):
        raise Conflict(
            f"a {claim.status.replace('_', ' ')} claim cannot be withdrawn",
            code="invalid_claim_transition",
        )
    refused = claim.status == "approval_refused"
    claim.status = "withdrawn"
    claim.decided_at = utcnow()
    await session.flush()  # written (and locked) before workflow is asked
    if not refused:
        await CLAIM_SAGA.withdraw(session, workflow, claim, CLAIM_APPROVAL)
    await _claim_event(session, "finance.expense_claim.withdrawn", claim)
    return claim


async def _describe_claim(session: AsyncSession, claim: ExpenseClaim) -> StartRequest:
    employee = await directory.employee(session, claim.employee_id)
    if employee is None:
        raise ServiceUnavailable("the claimant is unknown to finance")
    main = max(claim.lines, key=lambda line: line.amount)
    department = await directory.department(session, main.department_id)
    return StartRequest(
        requester_employee_id=claim.employee_id,
        title=f"费用报销：{employee.name} ¥{claim.total:,.2f} {claim.title}",
        summary="\n".join(
            f"{line.expense_date} {line.category} ¥{line.amount:,.2f} {line.description}"
            for line in claim.lines
        ),
        data={
            "amount": f"{claim.total:.2f}",
            "category": main.category,
            "categories": sorted({line.category for line in claim.lines}),
            "department_id": str(main.department_id),
            "department_code": department.code if department else None,
        },
    )


async def _claim_approved(session: AsyncSession, claim: ExpenseClaim) -> None:
    """workflow approved: the budget check that counts, under the budgets' locks — against the
    budget of the year it is approved (and posted) in."""
    if await _fits(session, business_day().year, _claim_wants(claim)):
        await _approve_claim(session, claim, actor=None, overridden=False)
        return
    claim.status = "over_budget"
    await session.flush()
    await _claim_event(session, "finance.expense_claim.over_budget", claim)


async def _claim_ends(session: AsyncSession, claim: ExpenseClaim, status: str, reason: str) -> None:
    claim.status = status
    claim.decided_at = utcnow()
    await session.flush()
    if status == "withdrawn":
        await _claim_event(session, "finance.expense_claim.withdrawn", claim)
    else:
        await _claim_event(session, "finance.expense_claim.rejected", claim, reason=reason)


async def _claim_rejected(session: AsyncSession, claim: ExpenseClaim) -> None:
    await _claim_ends(session, claim, "rejected", "rejected in workflow")


async def _claim_withdrawn(session: AsyncSession, claim: ExpenseClaim) -> None:
    await _claim_ends(session, claim, "withdrawn", "withdrawn")


async def _claim_refused(session: AsyncSession, claim: ExpenseClaim) -> None:
    await _claim_ends(session, claim, "approval_refused", "approval refused by workflow")


CLAIM_APPROVAL: Approval[ExpenseClaim] = Approval(
    subject_type="expense_claim",
    definition_key="expense_claim",
    instance_attr="workflow_instance_id",
    is_open=lambda claim: claim.status == "submitted",
    describe=_describe_claim,
    outcomes={
        "approved": _claim_approved,
        "rejected": _claim_rejected,
        "withdrawn": _claim_withdrawn,
    },
    refused=_claim_refused,
)
CLAIM_SAGA = ApprovalSaga("finance", ExpenseClaim, [CLAIM_APPROVAL], backoff=Backoff())


# ---- spending requests ----------------------------------------------------------------------


async def _request_event(
    session: AsyncSession, event_type: str, request: SpendingRequest, **extra: Any
) -> None:
    await record_event(
        session,
        event_type,
        subject_type="spending_request",
        subject_id=request.id,
        data={
            "requester_id": str(request.requester_id),
            "department_id": str(request.department_id),
            "account_code": request.account_code,
            "amount": f"{request.amount:.2f}",
            "expected_date": request.expected_date.isoformat(),
            "status": request.status,
            **extra,
        },
    )


async def submit_request(
    session: AsyncSession,
    principal: Principal,
    *,
    department_id: uuid.UUID | None,
    account_code: str,
    amount: Decimal,
    purpose: str,
    expected_date: date,
) -> tuple[SpendingRequest, BudgetView]:
    """Ask to spend (``submitted``; its ``purchase`` approval started once committed), charged
    to the requester's department (or one they head; finance names any)."""
    requester = await _claimant(session, principal, None)
    home = await directory.department_of(session, requester)
    department_id = department_id or home
    assert department_id is not None
    await _known_department(session, department_id)
    if department_id != home and not is_finance(principal):
        headed = await directory.departments_headed_by(session, requester)
        if department_id not in headed:
            raise Forbidden(
                "spending is charged to your own department or one you head",
                code="forbidden",
            )
    await check_budget_accounts(session, [account_code])
    request = SpendingRequest(
        requester_id=requester,
        department_id=department_id,
        account_code=account_code,
        amount=amount,
        purpose=purpose,
        expected_date=expected_date,
        year=expected_date.year,
        status="submitted",
        created_by=principal.sub,
    )
    [view] = await _views(session, request.year, {(department_id, account_code): amount})
    REQUEST_SAGA.begin(request, REQUEST_APPROVAL)
    session.add(request)
    await session.flush()
    await _request_event(session, "finance.spending_request.submitted", request)
    return request, view


async def request_budget(session: AsyncSession, request: SpendingRequest) -> BudgetView | None:
    """What remains of the budget account the request charges."""
    with contextlib.suppress(Unprocessable):
        [view] = await _views(
            session, request.year, {(request.department_id, request.account_code): request.amount}
        )
        return view
    return None


async def get_request(
    session: AsyncSession, principal: Principal, request_id: uuid.UUID
) -> SpendingRequest:
    """A spending request the caller may see, or 404."""
    request = await session.get(SpendingRequest, request_id)
    if request is None:
        raise not_found("spending request", request_id)
    seen, me = await claims_scope(session, principal)
    if seen is None or request.requester_id == me or request.department_id in seen:
        return request
    raise not_found("spending request", request_id)


async def visible_requests(
    session: AsyncSession,
    principal: Principal,
    *,
    department_id: uuid.UUID | None,
    status: str | None,
    year: int | None,
) -> Select[tuple[SpendingRequest]]:
    """The spending requests the caller may see, filtered."""
    query = select(SpendingRequest)
    seen, me = await claims_scope(session, principal)
    if seen is not None:
        query = query.where(
            or_(SpendingRequest.requester_id == me, SpendingRequest.department_id.in_(seen))
        )
    if department_id is not None:
        query = query.where(SpendingRequest.department_id == department_id)
    if status is not None:
        query = query.where(SpendingRequest.status == status)
    if year is not None:
        query = query.where(SpendingRequest.year == year)
    return query


async def _lock_request(session: AsyncSession, request: SpendingRequest) -> None:
    await REQUEST_SAGA._lock(session, request)


async def _approve_request(
    session: AsyncSession, request: SpendingRequest, *, overridden: bool
) -> None:
    request.status = "approved"
    request.decided_at = utcnow()
    await session.flush()
    await _request_event(
        session, "finance.spending_request.approved", request, overridden=overridden
    )


async def override_request(
    session: AsyncSession, principal: Principal, request: SpendingRequest, reason: str
) -> SpendingRequest:
    """Finance approves an over-budget request anyway, with a reason (audited)."""
    _finance_only(principal)
    await _lock_request(session, request)
    if request.status != "over_budget":
        raise Conflict(
            f"only an over-budget request is approved by override (this one is {request.status})",
            code="invalid_request_transition",
        )
    request.overridden_by = principal.sub
    request.decision_reason = reason
    await _approve_request(session, request, overridden=True)
    return request


async def reject_request(
    session: AsyncSession, principal: Principal, request: SpendingRequest, reason: str
) -> SpendingRequest:
    """Finance rejects an over-budget request, with a reason."""
    _finance_only(principal)
    await _lock_request(session, request)
    if request.status != "over_budget":
        raise Conflict(
            f"finance rejects only an over-budget request here (this one is {request.status})",
            code="invalid_request_transition",
        )
    request.status = "rejected"
    request.decided_at = utcnow()
    request.decision_reason = reason
    await session.flush()
    await _request_event(session, "finance.spending_request.rejected", request, reason=reason)
    return request


async def close_request(
    session: AsyncSession,
    principal: Principal,
    request: SpendingRequest,
    *,
    journal_entry_id: uuid.UUID | None,
    reason: str,
) -> SpendingRequest:
    """Finance closes an approved request once its spending is posted (or will not happen):
    its commitment is released."""
    _finance_only(principal)
    await _lock_request(session, request)
    if request.status != "approved":
        raise Conflict(
            f"only an approved request is closed (this one is {request.status})",
            code="invalid_request_transition",
        )
    request.status = "closed"
    request.closed_at = utcnow()
    request.journal_entry_id = journal_entry_id
    request.decision_reason = reason or request.decision_reason
    await session.flush()
    await _request_event(
        session,
        "finance.spending_request.closed",
        request,
        journal_entry_id=str(journal_entry_id) if journal_entry_id else None,
    )
    return request


async def withdraw_request(
    session: AsyncSession,
    workflow: ServiceClient,
    principal: Principal,
    request: SpendingRequest,
) -> SpendingRequest:
    """The requester (or finance) withdraws a request still awaiting approval."""
    if principal.employee_id != request.requester_id and not is_finance(principal):
        raise Forbidden("only the requester or finance withdraws a request", code="forbidden")
    if request.status not in ("submitted", "approval_refused"):
        raise Conflict(
            f"a {request.status.replace('_', ' ')} request cannot be withdrawn",
            code="invalid_request_transition",
        )
    refused = request.status == "approval_refused"
    request.status = "withdrawn"
    request.decided_at = utcnow()
    await session.flush()
    if not refused:
        await REQUEST_SAGA.withdraw(session, workflow, request, REQUEST_APPROVAL)
    await _request_event(session, "finance.spending_request.withdrawn", request)
    return request


async def _describe_request(session: AsyncSession, request: SpendingRequest) -> StartRequest:
    department = await directory.department(session, request.department_id)
    return StartRequest(
        requester_employee_id=request.requester_id,
        title=f"采购/支出申请：¥{request.amount:,.2f} {request.purpose[:100]}",
        summary=f"{request.account_code} · {request.expected_date}: {request.purpose}",
        data={
            "amount": f"{request.amount:.2f}",
            "account": request.account_code,
            "department_id": str(request.department_id),
            "department_code": department.code if department else None,
            "expected_date": request.expected_date.isoformat(),
        },
    )


async def _request_approved(session: AsyncSession, request: SpendingRequest) -> None:
    """workflow approved: the budget check that counts, under the budget's lock."""
    wanted = {(request.department_id, request.account_code): request.amount}
    if await _fits(session, request.year, wanted):
        await _approve_request(session, request, overridden=False)
        return
    request.status = "over_budget"
    await session.flush()
    await _request_event(session, "finance.spending_request.over_budget", request)


def _request_ends(status: str, reason: str) -> Any:
    async def apply(session: AsyncSession, request: SpendingRequest) -> None:
        request.status = status
        request.decided_at = utcnow()
        await session.flush()
        if status == "withdrawn":
            await _request_event(session, "finance.spending_request.withdrawn", request)
        else:
            await _request_event(
                session, "finance.spending_request.rejected", request, reason=reason
            )

    return apply


REQUEST_APPROVAL: Approval[SpendingRequest] = Approval(
    subject_type="purchase",
    definition_key="purchase",
    instance_attr="workflow_instance_id",
    is_open=lambda request: request.status == "submitted",
    describe=_describe_request,
    outcomes={
        "approved": _request_approved,
        "rejected": _request_ends("rejected", "rejected in workflow"),
        "withdrawn": _request_ends("withdrawn", "withdrawn"),
    },
    refused=_request_ends("approval_refused", "approval refused by workflow"),
)
REQUEST_SAGA = ApprovalSaga("finance", SpendingRequest, [REQUEST_APPROVAL], backoff=Backoff())
SAGAS: tuple[ApprovalSaga[Any], ...] = (CLAIM_SAGA, REQUEST_SAGA)


# ---- for the cash plan ----------------------------------------------------------------------


async def approved_spending(
    session: AsyncSession, *, start: date, end: date
) -> list[tuple[date, Decimal, str]]:
    """Approved spending requests not yet posted (not closed) expected between ``start`` and
    ``end`` (inclusive): (expected date, amount, description), by date."""
    rows = await session.execute(
        select(SpendingRequest.expected_date, SpendingRequest.amount, SpendingRequest.purpose)
        .where(
            SpendingRequest.status == "approved",
            SpendingRequest.expected_date >= start,
            SpendingRequest.expected_date <= end,
        )
        .order_by(SpendingRequest.expected_date, SpendingRequest.id)
    )
    return [(when, amount, purpose) for when, amount, purpose in rows.tuples()]
