"""The pure rules of budgets, at their boundaries."""

from decimal import Decimal

import pytest

from services.finance.domain.budget_rules import (
    Figures,
    ancestors,
    budget_account_for,
    is_budgetable,
    is_under,
    overlapping,
    shortfalls,
)

D = Decimal


@pytest.mark.parametrize(
    ("category", "code", "expected"),
    [
        ("cost", "5001", True),
        ("cost", "5301", True),
        ("profit_and_loss", "6401", True),
        ("profit_and_loss", "6403", True),
        ("profit_and_loss", "6601", True),
        ("profit_and_loss", "6602.02", True),
        ("profit_and_loss", "6711", True),
        ("profit_and_loss", "6801", True),
        ("profit_and_loss", "6001", False),  # revenue
        ("profit_and_loss", "6051", False),
        ("profit_and_loss", "6111", False),  # investment income
        ("profit_and_loss", "6301", False),  # non-operating income
        ("asset", "1002", False),
        ("liability", "2241", False),
        ("equity", "4103", False),
        ("asset", "6602", False),  # the category decides, not only the code
    ],
)
def test_only_cost_and_expense_accounts_are_budgetable(
    category: str, code: str, expected: bool
) -> None:
    assert is_budgetable(category, code) is expected


def test_an_account_finds_the_nearest_budget_line_above_it() -> None:
    assert ancestors("6602.02.01") == ["6602.02.01", "6602.02", "6602"]
    assert budget_account_for("6602.02", {"6602.02", "6601"}) == "6602.02"
    assert budget_account_for("6602.02.01", {"6602"}) == "6602"
    assert budget_account_for("6602.02", {"6602.03"}) is None
    assert budget_account_for("66021", {"6602"}) is None  # a prefix is not a parent
    assert is_under("6602.02", "6602") and is_under("6602", "6602")
    assert not is_under("66021", "6602")


def test_a_budget_never_holds_an_account_and_its_sub_account() -> None:
    assert overlapping(["6602.02", "6602.03", "6601"]) is None
    assert overlapping(["6602", "6602.02"]) == ("6602", "6602.02")
    assert overlapping(["6602.02.01", "6602"]) == ("6602", "6602.02.01")
    assert overlapping(["6602", "6602"]) is None  # the same account twice is another rule


def test_figures() -> None:
    f = Figures(budget=D("1000.00"), committed=D("200.00"), actual=D("300.00"))
    assert f.remaining == D("500.00")
    assert f.variance == D("700.00")
    assert f.percent_used == D("50.00")
    assert Figures(D("3.00"), D("0"), D("1.00")).percent_used == D("33.33")
    assert Figures(D("3.00"), D("0"), D("2.00")).percent_used == D("66.67")  # half up
    assert Figures(D("0"), D("0"), D("5.00")).percent_used is None
    over = Figures(D("100.00"), D("0"), D("150.00"))
    assert over.remaining == D("-50.00") and over.percent_used == D("150.00")
    assert (f + over).budget == D("1100.00")


def test_shortfalls_at_the_edge() -> None:
    remaining = {"6602.02": D("100.00")}
    assert shortfalls({"6602.02": D("100.00")}, remaining) == {}  # exactly the rest fits
    assert shortfalls({"6602.02": D("100.01")}, remaining) == {
        "6602.02": (D("100.01"), D("100.00"))
    }
    assert shortfalls({"6602.03": D("0.01")}, remaining) == {"6602.03": (D("0.01"), D("0.00"))}
