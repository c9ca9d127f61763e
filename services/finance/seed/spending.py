"""Reference and demo data of finance for expense claims and spending requests: the expense
categories (each mapped to its sub-account of 6602 管理费用)."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.ledger import Account
from services.finance.db.spending import ExpenseCategory

# (code, 中文, English, account) — the accounts are the ledger's sub-accounts of 6602
CATEGORIES: tuple[tuple[str, str, str, str], ...] = (
    ("travel", "差旅费", "Travel", "6602.02"),
    ("transport", "市内交通费", "Local transport", "6602.02"),
    ("office", "办公费", "Office supplies", "6602.03"),
    ("communication", "通讯费", "Telephone and internet", "6602.03"),
    ("entertainment", "业务招待费", "Business entertainment", "6602.04"),
)


async def load(session: AsyncSession, *, demo: bool) -> None:
    """Add the categories that are missing (never overwrite what finance changed) whose account
    the chart has. The demo claims are made with the demo budgets (``budget_plans.py``)."""
    existing = set((await session.scalars(select(ExpenseCategory.code))).all())
    accounts = set((await session.scalars(select(Account.code))).all())
    for code, name, name_en, account in CATEGORIES:
        if code not in existing and account in accounts:
            session.add(
                ExpenseCategory(code=code, name=name, name_en=name_en, account_code=account)
            )
    await session.flush()
