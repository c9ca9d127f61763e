"""finance's problem codes for invoices, payments, aging and the cash plan."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = ()

__all__ = ["CODES", "P"]
