"""finance's problem codes for expense claims and spending requests."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = (
    P("no_budget", 422, "spending charged to a department without an approved budget for the year"),
    P("no_employee", 422, "filing a claim or request from an account not linked to an employee"),
    P("unknown_employee", 422, "a claimant finance has not learnt from org, or who has left"),
    P("unknown_expense_category", 422, "a claim line of a category that is not active"),
    P("expense_date_in_future", 422, "a claim line dated after today"),
    P("invalid_claim_transition", 409, "a change the claim's status does not allow"),
    P("invalid_request_transition", 409, "a change the spending request's status does not allow"),
    P("duplicate_expense_category", 409, "an expense category code already in use"),
)

__all__ = ["CODES", "P"]
