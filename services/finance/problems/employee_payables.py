"""finance's problem codes for employee payables."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = ()

__all__ = ["CODES", "P"]
