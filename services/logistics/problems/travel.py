"""logistics's problem codes for business travel: standards, requests and reimbursements."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = (
    P("no_employee", 422, "`employee_id` left out by an account not linked to an employee"),
    P("unknown_employee", 422, "a traveller org does not know, or who has left"),
    P("dates_out_of_order", 422, "a trip or a standard that ends before it starts"),
    P("trip_past", 422, "a travel request for a trip that is already over"),
    P("advance_exceeds_estimate", 422, "an advance larger than the trip's estimated cost"),
    P(
        "justification_required",
        422,
        "reimbursement lines over the travel standard without a justification (`lines`)",
    ),
    P("standard_overlap", 409, "a standard covering days another of its grade and tier covers"),
    P("not_pending", 409, "withdrawing a trip or reimbursement that is already decided"),
    P("trip_not_approved", 409, "a reimbursement for a trip that was not approved"),
    P(
        "reimbursement_exists",
        409,
        "a second reimbursement for a trip with one pending or approved",
    ),
)
