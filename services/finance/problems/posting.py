"""finance's problem codes for posting rules, consumed facts and posting exceptions."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = (
    P(
        "posting_rule_exists",
        409,
        "a rule for this fact type, component and category exists already",
    ),
    P(
        "posting_rule_invalid",
        422,
        "a rule debiting and crediting one account, or a cash-flow item missing on a cash side "
        "(or given without one)",
    ),
    P("posting_exception_closed", 409, "the posting exception was already posted or dismissed"),
    P(
        "posting_exception_unresolved",
        409,
        "retrying a parked fact that still has no rule (or still does not keep its contract)",
    ),
)

__all__ = ["CODES", "P"]
