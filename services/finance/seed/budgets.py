"""Reference and demo data of finance for budgets.

Finance learns departments only from org's feed, after it is seeded, so the demo budgets are
*planned by department code* (``budget_plans``): each plan becomes an approved budget of the
current year when finance learns a department of that code (``domain/budget_plans.py``), with a
few demo expense claims of its head; a department already known when the demo is loaded gets
its budget at once.
"""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.budgets import BudgetPlan
from services.finance.db.directory import Department
from services.finance.domain.budget_plans import realise_plans
from shared.kit.db import utcnow

# department code → monthly amounts of travel (6602.02), office (6602.03), entertainment
# (6602.04), as org's demo company (services/org/reference_departments.py) has them
DEMO_PLANS: dict[str, tuple[str, str, str]] = {
    "GMO": ("20000.00", "6000.00", "15000.00"),
    "RND": ("30000.00", "12000.00", "3000.00"),
    "MKT": ("25000.00", "8000.00", "10000.00"),
    "SALES": ("40000.00", "6000.00", "20000.00"),
    "TS": ("20000.00", "5000.00", "2000.00"),
    "FIN": ("5000.00", "4000.00", "1000.00"),
    "HR": ("8000.00", "5000.00", "2000.00"),
}
ACCOUNTS = ("6602.02", "6602.03", "6602.04")


async def load(session: AsyncSession, *, demo: bool, year: int | None = None) -> None:
    """With ``demo``: plan a year's budgets (the current one) for org's demo departments and
    realise them for the departments finance already knows. Nothing without ``demo``."""
    if not demo:
        return
    year = year or utcnow().year
    planned = {
        (p.department_code, p.account_code)
        for p in (await session.scalars(select(BudgetPlan).where(BudgetPlan.year == year))).all()
    }
    for code, amounts in DEMO_PLANS.items():
        for account, monthly in zip(ACCOUNTS, amounts, strict=True):
            if (code, account) not in planned:
                session.add(
                    BudgetPlan(
                        department_code=code,
                        year=year,
                        account_code=account,
                        monthly_amount=Decimal(monthly),
                    )
                )
    await session.flush()
    for department in (await session.scalars(select(Department))).all():
        await realise_plans(session, department)
