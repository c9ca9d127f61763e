"""logistics's problem codes for vehicles, requests, dispatch and trips."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = ()

__all__ = ["CODES", "P"]
