"""finance's problem codes for posting rules, consumed facts and posting exceptions."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = ()

__all__ = ["CODES", "P"]
