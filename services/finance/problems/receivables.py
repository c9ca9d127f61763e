"""finance's problem codes for invoices, payments, aging and the cash plan."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = (
    P("account_required", 422, "a payable invoice line without the account it is booked to"),
    P("due_before_issue", 422, "an invoice due before it is issued"),
    P("duplicate_invoice_number", 409, "the party already has an invoice of this kind and number"),
    P("invoice_not_draft", 409, "only a draft invoice is changed or issued"),
    P("invoice_not_open", 409, "paying or approving an invoice that is a draft, cancelled or paid"),
    P(
        "invoice_not_cancellable",
        409,
        "cancelling an invoice that is paid, partly paid or cancelled",
    ),
    P("not_a_payable", 422, "approving a receivable invoice for payment"),
    P("allocation_mismatch", 422, "a payment allocated to an invoice of another party or kind"),
    P("duplicate_allocation", 422, "one payment allocated twice to the same invoice"),
    P("payment_before_issue", 422, "a payment dated before an invoice it settles was issued"),
    P("payment_exceeds_balance", 422, "a payment over what is still owed on an invoice"),
    P("payment_already_reversed", 409, "reversing a payment that was reversed already"),
    P("milestone_conflict", 409, "a contract milestone already invoiced with other terms"),
    P("batch_empty", 422, "no approved payable is due by the batch's date"),
    P("batch_not_pending", 409, "executing or cancelling a batch already executed or cancelled"),
    P("invalid_range", 422, "a report whose start is after its end, or that spans too long"),
)

__all__ = ["CODES", "P"]
