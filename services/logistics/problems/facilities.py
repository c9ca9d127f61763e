"""logistics's problem codes for spaces, facilities, maintenance and repairs."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = ()

__all__ = ["CODES", "P"]
