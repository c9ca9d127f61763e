"""logistics's problem codes for business travel: standards, requests and reimbursements."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = ()

__all__ = ["CODES", "P"]
