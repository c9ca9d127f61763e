"""finance's problem codes for expense claims and spending requests."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = ()

__all__ = ["CODES", "P"]
