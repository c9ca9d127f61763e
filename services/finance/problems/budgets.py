"""finance's problem codes for budgets, revisions and their execution."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = (
    P("unknown_department", 422, "a department finance has not learnt from org"),
    P(
        "account_not_budgetable",
        422,
        "a budget line or spending on an account that is not a cost or expense account",
    ),
    P(
        "duplicate_budget_line",
        422,
        "two lines of one budget (or revision) for the same account and month",
    ),
    P(
        "overlapping_budget_accounts",
        422,
        "a budget holding both an account and one of its sub-accounts",
    ),
    P("empty_budget", 422, "submitting a budget whose lines add up to nothing"),
    P("budget_exists", 409, "a second budget for the same department and fiscal year"),
    P("budget_not_editable", 409, "changing the lines of a budget that is submitted or approved"),
    P("budget_not_approved", 409, "revising a budget that is not approved"),
    P("revision_pending", 409, "revising a budget while another of its revisions awaits approval"),
    P("revision_below_zero", 422, "a revision that would take a line below zero"),
    P(
        "not_budget_holder",
        403,
        "drafting or changing a budget of a department the caller does not head",
    ),
)

__all__ = ["CODES", "P"]
