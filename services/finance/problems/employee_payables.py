"""finance's problem codes for employee payables."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = (
    P("employee_payable_paid", 409, "paying an employee payable that was paid already"),
    P(
        "employee_payable_settled",
        409,
        "paying an employee payable of nothing (a reimbursement its advance covered)",
    ),
)

__all__ = ["CODES", "P"]
