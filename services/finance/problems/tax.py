"""finance's problem codes for tax registrations, the filing calendar and filings."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = (
    P(
        "invalid_tax_registration",
        422,
        "a registration without its rate or taxpayer kind, CIT not quarterly, dates in the wrong "
        "order, or a cash account as its payable account",
    ),
    P("tax_registration_overlap", 409, "another registration of the tax covers part of the dates"),
    P("tax_period_not_ended", 409, "filing a return before its period has ended"),
    P("tax_filing_not_filed", 409, "paying a return that has not been filed"),
    P("tax_filing_already_paid", 409, "filing, paying or extending a return already paid"),
    P("tax_nothing_to_pay", 409, "paying a return filed with nothing to pay"),
    P(
        "invalid_tax_date",
        422,
        "a filing or payment date in the future or before what it follows, or an extension "
        "before the statutory due date",
    ),
    P(
        "invalid_tax_payment",
        422,
        "a payment of another amount than the return's, or from an account that is not cash",
    ),
)

__all__ = ["CODES", "P"]
