"""Pure rules of budgets: which accounts a budget may hold, how an account finds its budget
line, and the figures of execution (remaining, variance, percentage used)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
EXPENSE_PREFIXES = ("64", "66", "67", "68")
"""Profit-and-loss accounts that are expenses: 64xx costs of sales and taxes, 66xx period
expenses, 67xx impairment and non-operating expenses, 68xx income tax. (60xx/61xx/63xx are
income.)"""


def is_budgetable(category: str, code: str) -> bool:
    """A budget holds cost accounts (category ``cost``, 5xxx) and expense accounts (the
    profit-and-loss accounts 64xx, 66xx, 67xx, 68xx and their sub-accounts); nothing else."""
    if category == "cost":
        return True
    return category == "profit_and_loss" and code[:2] in EXPENSE_PREFIXES


def ancestors(code: str) -> list[str]:
    """The account and every account above it, nearest first (``6602.02.01`` → ``6602.02``,
    ``6602``): codes are dotted, a sub-account's code extends its parent's."""
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


def is_under(code: str, ancestor: str) -> bool:
    """``code`` is ``ancestor`` or one of its sub-accounts."""
    return code == ancestor or code.startswith(ancestor + ".")


def budget_account_for(code: str, budgeted: Iterable[str]) -> str | None:
    """The budget line account that controls spending on ``code``: the account itself or its
    nearest ancestor the budget holds; None when the budget holds neither."""
    held = set(budgeted)
    return next((candidate for candidate in ancestors(code) if candidate in held), None)


def overlapping(codes: Iterable[str]) -> tuple[str, str] | None:
    """A pair (ancestor, sub-account) both held by one budget, if any: a budget controls an
    account either as a whole or by its sub-accounts, never both (else spending counts twice)."""
    held = sorted(set(codes))
    for code in held:
        for above in ancestors(code)[1:]:
            if above in held:
                return above, code
    return None


@dataclass(frozen=True)
class Figures:
    """Execution of one budget figure: ``remaining`` = budget - committed - actual;
    ``variance`` = budget - actual (positive: under budget); ``percent_used`` =
    (actual + committed) / budget * 100, two places (None when the budget is zero)."""

    budget: Decimal
    committed: Decimal
    actual: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed - self.actual

    @property
    def variance(self) -> Decimal:
        return self.budget - self.actual

    @property
    def percent_used(self) -> Decimal | None:
        if self.budget == 0:
            return None
        used = (self.actual + self.committed) * 100 / self.budget
        return used.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(
            self.budget + other.budget,
            self.committed + other.committed,
            self.actual + other.actual,
        )


NO_FIGURES = Figures(ZERO, ZERO, ZERO)


def shortfalls(
    wanted: dict[str, Decimal], remaining: dict[str, Decimal]
) -> dict[str, tuple[Decimal, Decimal]]:
    """The budget accounts where what is wanted exceeds what remains: account → (wanted,
    remaining); an account with no budget line has nothing remaining."""
    return {
        account: (amount, remaining.get(account, ZERO))
        for account, amount in sorted(wanted.items())
        if amount > remaining.get(account, ZERO)
    }
