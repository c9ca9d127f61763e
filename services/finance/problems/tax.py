"""finance's problem codes for tax registrations, the filing calendar and filings."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = ()

__all__ = ["CODES", "P"]
