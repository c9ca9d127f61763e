"""logistics's problem codes for office supplies: catalogue, stock ledger, purchases, requisitions, stocktakes."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = ()

__all__ = ["CODES", "P"]
