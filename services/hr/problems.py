"""hr's problem codes: the one list of what hr refuses, and why (docs/services/hr.md shows it)."""

from shared.kit.problems import KIT_CODES, P, registry

CODES = registry(
    P("hr_only", 403, "only HR (or an admin) manages calendars, leave types and balances"),
    P(
        "forbidden",
        403,
        "asking or cancelling leave for someone else without being HR; "
        "a non-employee asking who is away",
    ),
    P("no_employee", 422, "`me` used by an account not linked to an employee"),
    P(
        "validation_error",
        422,
        "an employee id that is neither `me` nor a UUID; "
        "an adjustment that is not whole or half days, or without a reason",
    ),
    P(
        "invalid_calendar",
        422,
        "a calendar with a day outside its year, a weekday make-up day, "
        "a day both holiday and workday, or a day listed twice",
    ),
    P("dates_out_of_order", 422, "a range (`from`/`to`, start/end) that ends before it starts"),
    P("range_too_long", 422, "counting working days over more than ten years"),
    P("unknown_leave_type", 422, "a leave type that does not exist or is retired"),
    P("unknown_employee", 422, "leave for an employee hr does not know or who has left"),
    P("spans_years", 422, "a leave using a balance that starts and ends in different years"),
    P("document_required", 422, "a leave type that needs `attachment_ref` without one"),
    P(
        "invalid_leave_dates",
        422,
        "a half-day combination that makes no sense (afternoon start, morning end of one day)",
    ),
    P("no_working_days", 422, "a leave covering no working day"),
    P("invalid_leave_unit", 422, "days not in the type's unit (e.g. whole days only)"),
    P("insufficient_leave_balance", 422, "more days than remain (`requested`, `remaining`)"),
    P("leave_overlap", 409, "dates overlapping another live request (`overlapping_request_id`)"),
    P("invalid_leave_transition", 409, "cancelling a request in a state that cannot be cancelled"),
    P(
        "approval_already_completed",
        409,
        "cancelling a pending request whose approval workflow has just decided (`approval_status`)",
    ),
    P(
        "balance_would_go_negative",
        409,
        "an adjustment taking a balance below what is used and pending",
    ),
    P("balance_missing", 404, "the balance a request reserved is gone"),
    base=KIT_CODES,
)
