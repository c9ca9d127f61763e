"""Budgets: drafted by a department head (or finance), adjusted by finance with reasons,
approved in workflow (``budget``) on the kit's approval saga; approved means allocated, and
revisions (deltas with a reason) go through the same approval and are applied on approval.

The rules here record; they never ask workflow to *start* an approval before what they recorded
is committed — the router commits, then ``SAGA`` (or ``REVISION_SAGA``) starts it.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.budgets import (
    Budget,
    BudgetAdjustment,
    BudgetLine,
    BudgetRevision,
    BudgetRevisionLine,
)
from services.finance.db.directory import Department
from services.finance.db.ledger import Account
from services.finance.domain import directory
from services.finance.domain.budget_access import departments_seen, is_finance
from services.finance.domain.budget_rules import ZERO, is_budgetable, overlapping
from shared.contracts.principal import Principal
from shared.kit.approvals import Approval, ApprovalSaga, Backoff, StartRequest
from shared.kit.db import touch, utcnow
from shared.kit.errors import Conflict, Forbidden, ServiceUnavailable, Unprocessable, not_found
from shared.kit.outbox import record_event
from shared.kit.service_client import ServiceClient

EDITABLE = ("draft", "rejected", "approval_refused")


@dataclass(frozen=True)
class LineInput:
    """One line as a caller gives it."""

    account_code: str
    month: int
    amount: Decimal


# ---- checks ---------------------------------------------------------------------------------


async def check_budget_accounts(session: AsyncSession, codes: Iterable[str]) -> None:
    """Every account exists and is a cost or expense account (422 otherwise)."""
    wanted = set(codes)
    if not wanted:
        return
    found = {
        a.code: a for a in (await session.scalars(select(Account).where(Account.code.in_(wanted))))
    }
    for code in sorted(wanted):
        account = found.get(code)
        if account is None:
            raise Unprocessable(
                f"there is no account {code!r} in the chart", code="unknown_account", account=code
            )
        if not is_budgetable(account.category, account.code):
            raise Unprocessable(
                f"account {code} ({account.name_en}) is not a cost or expense account",
                code="account_not_budgetable",
                account=code,
            )


def _no_duplicates(keys: Sequence[tuple[str, int]], noun: str) -> None:
    seen: set[tuple[str, int]] = set()
    for key in keys:
        if key in seen:
            raise Unprocessable(
                f"the {noun} has two lines for account {key[0]} in month {key[1]}",
                code="duplicate_budget_line",
                account=key[0],
                month=key[1],
            )
        seen.add(key)


async def check_lines(session: AsyncSession, lines: Sequence[LineInput]) -> None:
    """The lines of a budget: budgetable accounts, one line per account and month, never an
    account together with one of its sub-accounts."""
    _no_duplicates([(line.account_code, line.month) for line in lines], "budget")
    both = overlapping(line.account_code for line in lines)
    if both:
        raise Unprocessable(
            f"the budget holds both {both[0]} and its sub-account {both[1]}",
            code="overlapping_budget_accounts",
            accounts=list(both),
        )
    await check_budget_accounts(session, (line.account_code for line in lines))


async def known_department(session: AsyncSession, department_id: uuid.UUID) -> Department:
    """The department, known to finance from org's feed (422 otherwise)."""
    department = await directory.department(session, department_id)
    if department is None:
        raise Unprocessable(
            f"department {department_id} is unknown to finance", code="unknown_department"
        )
    return department


async def _may_hold(session: AsyncSession, principal: Principal, department_id: uuid.UUID) -> None:
    """Finance, or the head of the department (or of one above it), drafts its budget."""
    if is_finance(principal):
        return
    if principal.employee_id is not None and department_id in await directory.departments_headed_by(
        session, principal.employee_id
    ):
        return
    raise Forbidden(
        "only finance or the department's head drafts and changes its budget",
        code="not_budget_holder",
    )


def total_of(budget: Budget) -> Decimal:
    """The sum of the budget's lines."""
    return sum((line.amount for line in budget.lines), ZERO)


async def _event(session: AsyncSession, event_type: str, budget: Budget, **extra: Any) -> None:
    await record_event(
        session,
        event_type,
        subject_type="budget",
        subject_id=budget.id,
        data={
            "year": budget.year,
            "department_id": str(budget.department_id),
            "status": budget.status,
            "total": f"{total_of(budget):.2f}",
            **extra,
        },
    )


# ---- reading --------------------------------------------------------------------------------


async def get_visible(session: AsyncSession, principal: Principal, budget_id: uuid.UUID) -> Budget:
    """A budget the caller may see, or 404."""
    budget = await session.get(Budget, budget_id)
    seen = await departments_seen(session, principal)
    if budget is None or (seen is not None and budget.department_id not in seen):
        raise not_found("budget", budget_id)
    return budget


async def visible_budgets(
    session: AsyncSession,
    principal: Principal,
    *,
    year: int | None,
    department_id: uuid.UUID | None,
    status: str | None,
) -> Select[tuple[Budget]]:
    """The budgets the caller may see, filtered."""
    query = select(Budget)
    seen = await departments_seen(session, principal)
    if seen is not None:
        query = query.where(Budget.department_id.in_(seen))
    if year is not None:
        query = query.where(Budget.year == year)
    if department_id is not None:
        query = query.where(Budget.department_id == department_id)
    if status is not None:
        query = query.where(Budget.status == status)
    return query


async def approved_budget(
    session: AsyncSession, department_id: uuid.UUID, year: int, *, lock: bool = False
) -> Budget | None:
    """The department's approved budget for the year; with ``lock``, its row is locked until
    the transaction ends (``FOR UPDATE`` on PostgreSQL; on SQLite a no-op write takes the
    database's write lock first, so nothing read afterwards can change before commit)."""
    if lock:
        if session.bind.dialect.name != "postgresql":
            await session.execute(
                update(Budget)
                .where(Budget.department_id == department_id, Budget.year == year)
                .values(approval_attempts=Budget.approval_attempts)
                .execution_options(synchronize_session=False)
            )
        found = await session.scalar(
            select(Budget)
            .where(Budget.department_id == department_id, Budget.year == year)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    else:
        found = await session.scalar(
            select(Budget).where(Budget.department_id == department_id, Budget.year == year)
        )
    return found if found is not None and found.status == "approved" else None


# ---- drafting -------------------------------------------------------------------------------


async def create(
    session: AsyncSession,
    principal: Principal,
    *,
    year: int,
    department_id: uuid.UUID,
    note: str,
    lines: Sequence[LineInput],
) -> Budget:
    """A draft budget of a department for a fiscal year (one per department and year)."""
    await known_department(session, department_id)
    await _may_hold(session, principal, department_id)
    await check_lines(session, lines)
    existing = await session.scalar(
        select(Budget.id).where(Budget.year == year, Budget.department_id == department_id)
    )
    if existing is not None:
        raise Conflict(
            f"the department already has a budget for {year}",
            code="budget_exists",
            budget_id=str(existing),
        )
    budget = Budget(
        year=year,
        department_id=department_id,
        note=note,
        status="draft",
        created_by=principal.sub,
        lines=[
            BudgetLine(account_code=line.account_code, month=line.month, amount=line.amount)
            for line in lines
        ],
    )
    session.add(budget)
    await session.flush()
    return budget


def _editable(budget: Budget) -> None:
    if budget.status not in EDITABLE:
        raise Conflict(
            f"a {budget.status} budget's lines cannot be changed"
            + (" (revise it instead)" if budget.status == "approved" else ""),
            code="budget_not_editable",
        )


async def replace_lines(
    session: AsyncSession,
    principal: Principal,
    budget: Budget,
    *,
    note: str | None,
    lines: Sequence[LineInput],
) -> Budget:
    """Replace a draft's lines (a rejected budget becomes a draft again)."""
    await _may_hold(session, principal, budget.department_id)
    _editable(budget)
    await check_lines(session, lines)
    budget.lines.clear()
    await session.flush()
    budget.lines.extend(
        BudgetLine(account_code=line.account_code, month=line.month, amount=line.amount)
        for line in lines
    )
    if note is not None:
        budget.note = note
    budget.status = "draft"
    touch(budget)  # the version moves even when only lines changed
    await session.flush()
    return budget


async def adjust(
    session: AsyncSession,
    principal: Principal,
    budget: Budget,
    *,
    account_code: str,
    month: int,
    amount: Decimal,
    reason: str,
) -> BudgetAdjustment:
    """Finance sets one line of a draft to ``amount`` (0 takes it out); kept with its reason."""
    _editable(budget)
    current = next(
        (x for x in budget.lines if x.account_code == account_code and x.month == month), None
    )
    proposed = [
        LineInput(x.account_code, x.month, x.amount)
        for x in budget.lines
        if (x.account_code, x.month) != (account_code, month)
    ] + [LineInput(account_code, month, amount)]
    await check_lines(session, proposed)
    adjustment = BudgetAdjustment(
        budget_id=budget.id,
        account_code=account_code,
        month=month,
        old_amount=current.amount if current else ZERO,
        new_amount=amount,
        reason=reason,
        created_by=principal.sub,
        created_at=utcnow(),
    )
    session.add(adjustment)
    if current is None:
        budget.lines.append(BudgetLine(account_code=account_code, month=month, amount=amount))
    else:
        current.amount = amount
    budget.status = "draft"
    touch(budget)
    await session.flush()
    return adjustment


async def adjustments(session: AsyncSession, budget: Budget) -> list[BudgetAdjustment]:
    """Finance's adjustments of the budget, oldest first."""
    return list(
        (
            await session.scalars(
                select(BudgetAdjustment)
                .where(BudgetAdjustment.budget_id == budget.id)
                .order_by(BudgetAdjustment.created_at, BudgetAdjustment.id)
            )
        ).all()
    )


async def submit(session: AsyncSession, principal: Principal, budget: Budget) -> Budget:
    """Send a draft to its ``budget`` approval (started once this is committed)."""
    await _may_hold(session, principal, budget.department_id)
    _editable(budget)
    if total_of(budget) <= 0:
        raise Unprocessable("the budget's lines add up to nothing", code="empty_budget")
    budget.status = "submitted"
    budget.submitted_at = utcnow()
    SAGA.begin(budget, BUDGET_APPROVAL)
    await session.flush()
    await _event(session, "finance.budget.submitted", budget)
    return budget


async def withdraw(
    session: AsyncSession, workflow: ServiceClient, principal: Principal, budget: Budget
) -> Budget:
    """Take a submitted budget back to a draft (its approval is withdrawn in workflow; 409
    ``approval_already_completed`` when workflow has just decided it)."""
    await _may_hold(session, principal, budget.department_id)
    if budget.status != "submitted":
        raise Conflict(
            f"only a submitted budget is withdrawn (this one is {budget.status})",
            code="budget_not_editable",
        )
    budget.status = "draft"
    await session.flush()  # written (and locked) before workflow is asked
    await SAGA.withdraw(session, workflow, budget, BUDGET_APPROVAL)
    return budget


# ---- revisions ------------------------------------------------------------------------------


async def revise(
    session: AsyncSession,
    principal: Principal,
    budget: Budget,
    *,
    reason: str,
    deltas: Sequence[LineInput],
) -> BudgetRevision:
    """Ask to change an approved budget by deltas (applied once the revision is approved)."""
    await _may_hold(session, principal, budget.department_id)
    if budget.status != "approved":
        raise Conflict("only an approved budget is revised", code="budget_not_approved")
    pending = await session.scalar(
        select(BudgetRevision.id).where(
            BudgetRevision.budget_id == budget.id, BudgetRevision.status == "pending"
        )
    )
    if pending is not None:
        raise Conflict(
            "another revision of this budget awaits approval",
            code="revision_pending",
            revision_id=str(pending),
        )
    _no_duplicates([(d.account_code, d.month) for d in deltas], "revision")
    current = {(x.account_code, x.month): x.amount for x in budget.lines}
    after = dict(current)
    for delta in deltas:
        key = (delta.account_code, delta.month)
        after[key] = after.get(key, ZERO) + delta.amount
        if after[key] < 0:
            raise Unprocessable(
                f"the revision takes account {key[0]} in month {key[1]} below zero "
                f"({current.get(key, ZERO)} {delta.amount:+})",
                code="revision_below_zero",
                account=key[0],
                month=key[1],
            )
    await check_lines(session, [LineInput(a, m, v) for (a, m), v in after.items()])
    revision = BudgetRevision(
        budget_id=budget.id,
        reason=reason,
        status="pending",
        created_by=principal.sub,
        lines=[
            BudgetRevisionLine(account_code=d.account_code, month=d.month, delta=d.amount)
            for d in deltas
        ],
    )
    REVISION_SAGA.begin(revision, REVISION_APPROVAL)
    session.add(revision)
    await session.flush()
    return revision


def revisions(budget: Budget, *, status: str | None = None) -> Select[tuple[BudgetRevision]]:
    """The budget's revisions (the history of its changes after approval), filtered."""
    query = select(BudgetRevision).where(BudgetRevision.budget_id == budget.id)
    if status is not None:
        query = query.where(BudgetRevision.status == status)
    return query


# ---- the approvals, on the kit saga ---------------------------------------------------------


async def _describe(session: AsyncSession, budget: Budget) -> StartRequest:
    department = await directory.department(session, budget.department_id)
    if department is None:
        raise ServiceUnavailable("the budget's department is unknown to finance")
    requester = await _requester(session, budget.created_by, department)
    return StartRequest(
        requester_employee_id=requester,
        title=f"{budget.year} 年度预算：{department.name} ¥{total_of(budget):,.2f}",
        summary=budget.note,
        data={
            "amount": f"{total_of(budget):.2f}",
            "year": budget.year,
            "department_id": str(budget.department_id),
            "department_code": department.code,
        },
    )


async def _requester(
    session: AsyncSession, created_by: str | None, department: Department
) -> uuid.UUID:
    """Who asks: the department's head (the budget holder), else the one who drafted it when
    they are an employee finance knows."""
    if department.head_employee_id is not None:
        return department.head_employee_id
    raise ServiceUnavailable(f"department {department.code} has no head to ask for its budget")


async def _approved(session: AsyncSession, budget: Budget) -> None:
    budget.status = "approved"
    budget.approved_at = utcnow()
    await _event(session, "finance.budget.approved", budget)


async def _rejected(session: AsyncSession, budget: Budget) -> None:
    budget.status = "rejected"
    await _event(session, "finance.budget.rejected", budget, reason="rejected in workflow")


async def _withdrawn(session: AsyncSession, budget: Budget) -> None:
    budget.status = "draft"


async def _refused(session: AsyncSession, budget: Budget) -> None:
    budget.status = "approval_refused"
    await _event(session, "finance.budget.rejected", budget, reason="approval refused by workflow")


BUDGET_APPROVAL: Approval[Budget] = Approval(
    subject_type="budget",
    definition_key="budget",
    instance_attr="workflow_instance_id",
    is_open=lambda budget: budget.status == "submitted",
    describe=_describe,
    outcomes={"approved": _approved, "rejected": _rejected, "withdrawn": _withdrawn},
    refused=_refused,
    repeatable=True,  # a rejected budget is changed and submitted again
)
SAGA = ApprovalSaga("finance", Budget, [BUDGET_APPROVAL], backoff=Backoff())


async def _describe_revision(session: AsyncSession, revision: BudgetRevision) -> StartRequest:
    budget = await session.get(Budget, revision.budget_id)
    department = await directory.department(session, budget.department_id) if budget else None
    if budget is None or department is None:
        raise ServiceUnavailable("the revised budget or its department is unknown to finance")
    delta = sum((line.delta for line in revision.lines), ZERO)
    return StartRequest(
        requester_employee_id=await _requester(session, revision.created_by, department),
        title=f"{budget.year} 年度预算调整：{department.name} {delta:+,.2f}",
        summary=revision.reason,
        data={
            "amount": f"{abs(delta):.2f}",
            "delta": f"{delta:.2f}",
            "year": budget.year,
            "department_id": str(budget.department_id),
            "department_code": department.code,
            "revision": True,
        },
    )


async def _revision_approved(session: AsyncSession, revision: BudgetRevision) -> None:
    budget = await approved_budget(session, *(await _budget_key(session, revision)), lock=True)
    if budget is None:  # cannot happen: an approved budget stays approved
        raise ServiceUnavailable("the revised budget is no longer approved")
    lines = {(x.account_code, x.month): x for x in budget.lines}
    for delta in revision.lines:
        line = lines.get((delta.account_code, delta.month))
        if line is None:
            budget.lines.append(
                BudgetLine(account_code=delta.account_code, month=delta.month, amount=delta.delta)
            )
        else:
            line.amount = line.amount + delta.delta
    touch(budget)
    revision.status = "approved"
    revision.decided_at = utcnow()
    await session.flush()
    await _event(
        session,
        "finance.budget.revised",
        budget,
        revision_id=str(revision.id),
        reason=revision.reason,
        delta=f"{sum((d.delta for d in revision.lines), ZERO):.2f}",
    )


async def _budget_key(session: AsyncSession, revision: BudgetRevision) -> tuple[uuid.UUID, int]:
    row = (
        await session.execute(
            select(Budget.department_id, Budget.year).where(Budget.id == revision.budget_id)
        )
    ).one()
    return row[0], row[1]


def _revision_ends(status: str) -> Any:
    async def apply(session: AsyncSession, revision: BudgetRevision) -> None:
        revision.status = status
        revision.decided_at = utcnow()

    return apply


REVISION_APPROVAL: Approval[BudgetRevision] = Approval(
    subject_type="budget_revision",
    definition_key="budget",
    instance_attr="workflow_instance_id",
    is_open=lambda revision: revision.status == "pending",
    describe=_describe_revision,
    outcomes={
        "approved": _revision_approved,
        "rejected": _revision_ends("rejected"),
        "withdrawn": _revision_ends("withdrawn"),
    },
    refused=_revision_ends("approval_refused"),
)
REVISION_SAGA = ApprovalSaga("finance", BudgetRevision, [REVISION_APPROVAL], backoff=Backoff())
SAGAS: tuple[ApprovalSaga[Any], ...] = (SAGA, REVISION_SAGA)
