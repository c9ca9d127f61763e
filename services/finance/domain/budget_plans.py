"""Demo budgets planned by department code, made real when finance learns the department.

``seed/budgets.py`` (``--demo``) plans a year's budgets for org's demo departments by *code*,
since finance learns departments (and their ids) only from org's feed. When the directory first
learns a department, :func:`realise_plans` turns its plans into an approved budget (twelve equal
months per account) and files two demo expense claims of someone of the department (its head
once org names one, or the first employee finance learns there) — one paid, one approved and
posted — so budget execution and the statements show real figures. Nothing happens for a
department without plans (every department outside the demo).
"""

import uuid
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.budgets import Budget, BudgetLine, BudgetPlan
from services.finance.db.directory import Department
from services.finance.db.spending import ExpenseClaim, ExpenseClaimLine
from shared.kit.db import utcnow
from shared.kit.errors import DomainError
from shared.kit.outbox import record_event

DEMO_CLAIMS = (
    ("travel", "6602.02", Decimal("1860.00"), "客户拜访 往返机票及住宿", True),
    ("office", "6602.03", Decimal("426.50"), "部门办公用品", False),
)


async def realise_plans(session: AsyncSession, department: Department) -> list[Budget]:
    """The approved budgets planned for the department's code and not made yet."""
    plans = (
        await session.scalars(
            select(BudgetPlan).where(BudgetPlan.department_code == department.code)
        )
    ).all()
    by_year: dict[int, list[BudgetPlan]] = defaultdict(list)
    for plan in plans:
        by_year[plan.year].append(plan)
    made: list[Budget] = []
    for year, planned in sorted(by_year.items()):
        exists = await session.scalar(
            select(Budget.id).where(Budget.year == year, Budget.department_id == department.id)
        )
        if exists is not None:
            continue
        now = utcnow()
        budget = Budget(
            year=year,
            department_id=department.id,
            status="approved",
            note=f"{year} 年度预算（演示数据）",
            created_by="demo",
            submitted_at=now,
            approved_at=now,
            lines=[
                BudgetLine(account_code=plan.account_code, month=month, amount=plan.monthly_amount)
                for plan in sorted(planned, key=lambda p: p.account_code)
                for month in range(1, 13)
            ],
        )
        session.add(budget)
        await session.flush()
        total = sum((line.amount for line in budget.lines), Decimal("0"))
        await record_event(
            session,
            "finance.budget.approved",
            subject_type="budget",
            subject_id=budget.id,
            data={
                "year": year,
                "department_id": str(department.id),
                "status": "approved",
                "total": f"{total:.2f}",
            },
        )
        made.append(budget)
    if by_year.get(utcnow().year) and department.head_employee_id is not None:
        await demo_claims(session, department, department.head_employee_id)
    return made


async def demo_claims(session: AsyncSession, department: Department, claimant: uuid.UUID) -> None:
    """Two claims of someone of a department with a demo budget this year (its head, or the
    first employee finance learns there), once: one paid, one approved and owed."""
    from services.finance.domain.spending_posting import post_claim, post_payment

    planned = await session.scalar(
        select(Budget.id).where(
            Budget.department_id == department.id,
            Budget.year == utcnow().year,
            Budget.created_by == "demo",
        )
    )
    if planned is None:
        return
    made = await session.scalar(
        select(ExpenseClaimLine.id)
        .join(ExpenseClaim, ExpenseClaim.id == ExpenseClaimLine.claim_id)
        .where(ExpenseClaim.created_by == "demo", ExpenseClaimLine.department_id == department.id)
        .limit(1)
    )
    if made is not None:
        return
    today = utcnow().date()
    for category, account, amount, description, paid in DEMO_CLAIMS:
        claim = ExpenseClaim(
            employee_id=claimant,
            title=f"{department.name} {description}",
            year=today.year,
            total=amount,
            status="approved",
            decided_at=utcnow(),
            created_by="demo",
            lines=[
                ExpenseClaimLine(
                    position=1,
                    category=category,
                    account_code=account,
                    department_id=department.id,
                    amount=amount,
                    expense_date=today - timedelta(days=3),
                    description=description,
                )
            ],
        )
        session.add(claim)
        await session.flush()
        try:
            entry = await post_claim(session, claim, on=today, actor="demo")
            claim.journal_entry_id, claim.posted_on = entry.id, today
            if paid:
                payment = await post_payment(session, claim, on=today, actor="demo")
                claim.status, claim.payment_entry_id, claim.paid_on = "paid", payment.id, today
        except DomainError as exc:  # a closed month: the demo claim stays approved, unposted
            claim.posting_error = f"{exc.code}: {exc.detail}"[:500]
        await session.flush()
