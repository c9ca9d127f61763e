"""finance's problem codes for statements and the year-end close."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = (
    P(
        "statement_period_invalid",
        422,
        "a statement's period is not one of ?year=, ?year=&month=, ?year=&quarter= or "
        "?from=&to= over whole months",
    ),
    P(
        "statement_mapping_invalid",
        422,
        "a change to a statement line after which the statement would no longer evaluate",
    ),
)

__all__ = ["CODES", "P"]
