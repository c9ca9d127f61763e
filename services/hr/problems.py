"""hr's problem codes: the one list of what hr refuses, and why (docs/services/hr.md shows it)."""

from shared.kit.problems import KIT_CODES, P, registry

CODES = registry(
    P(
        "hr_only",
        403,
        "only HR (or an admin) manages calendars, leave types, balances, and recruitment, "
        "onboarding and contract records the caller may see",
    ),
    P(
        "forbidden",
        403,
        "asking or cancelling leave for someone else without being HR; "
        "a non-employee asking who is away; a hiring plan for a department the caller "
        "does not head",
    ),
    P(
        "no_employee",
        422,
        "`me` used by an account not linked to an employee; a hiring plan with no requester "
        "(neither the caller nor the department's head is an employee hr knows)",
    ),
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
    P(
        "dates_out_of_order",
        422,
        "a range (`from`/`to`, start/end) that ends before it starts; a termination date "
        "outside the contract",
    ),
    P("range_too_long", 422, "counting working days over more than ten years"),
    P("unknown_leave_type", 422, "a leave type that does not exist or is retired"),
    P(
        "unknown_employee",
        422,
        "leave, a contract or an interviewer naming an employee hr does not know or who has left",
    ),
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
    # recruitment, onboarding, labour contracts (docs/services/hr-people.md)
    P("unknown_department", 422, "a hiring plan for a department hr does not know"),
    P("unknown_hiring_plan", 422, "a posting for a hiring plan that does not exist"),
    P("unknown_job_posting", 422, "an application to a posting that does not exist"),
    P("unknown_candidate", 422, "an application of a candidate who does not exist"),
    P("unknown_interview_round", 422, "an interview round the hiring plan does not list"),
    P("unknown_grade", 422, "an offer in a grade that has no pay band"),
    P("currency_mismatch", 422, "an offer in another currency than its grade's pay band"),
    P("reason_required", 422, "rejecting or withdrawing an application without a reason"),
    P("scorecard_incomplete", 422, "submitting a scorecard without scores or a recommendation"),
    P(
        "invalid_contract_terms",
        422,
        "an open-ended contract with an end date, a fixed-term or internship one without",
    ),
    P(
        "probation_too_long",
        422,
        "a probation beyond Art. 19's limit for the term (`longest_probation_months`)",
    ),
    P("probation_already_used", 422, "a second probation for the same employee (Art. 19)"),
    P(
        "invalid_hiring_plan_transition",
        409,
        "cancelling a hiring plan that is rejected, cancelled or closed",
    ),
    P("hiring_plan_not_approved", 409, "posting an opening of a plan that is not approved"),
    P("job_posting_closed", 409, "applying to, offering on or closing a closed posting"),
    P(
        "duplicate_candidate",
        409,
        "a candidate whose e-mail or phone (normalised) another has (`existing_candidate_id`)",
    ),
    P(
        "duplicate_application",
        409,
        "a candidate applying twice to one posting (`existing_application_id`)",
    ),
    P(
        "invalid_stage_transition",
        409,
        "a stage change that skips the pipeline's order or leaves a closed application; "
        "scheduling a round for an application not interviewing",
    ),
    P(
        "interview_round_exists",
        409,
        "scheduling a round already scheduled for the application (`existing_interview_id`)",
    ),
    P("interview_closed", 409, "cancelling, or scoring in, a round that is cancelled or over"),
    P("scorecard_submitted", 409, "changing a scorecard that is submitted"),
    P(
        "background_check_required",
        409,
        "an offer (or the offer stage) without a passed background check the plan does not waive",
    ),
    P("offer_exists", 409, "a second live offer for an application (`existing_offer_id`)"),
    P(
        "invalid_offer_transition",
        409,
        "accepting, declining or withdrawing an offer in a state that does not allow it",
    ),
    P("onboarding_completed", 409, "changing the checklist of a completed onboarding"),
    P(
        "labour_contract_overlap",
        409,
        "a contract overlapping another of the employee's in force (`overlapping_contract_id`)",
    ),
    P(
        "invalid_contract_transition",
        409,
        "renewing or terminating a contract that is renewed or terminated, "
        "or renewing an open-ended one",
    ),
    P(
        "open_ended_contract_required",
        409,
        "a third fixed-term contract in a row without `override_reason` (Art. 14)",
    ),
    # ---- performance, training, suggestions (docs/services/hr-development.md) ----
    P("kpi_weights_invalid", 422, "a KPI template whose indicator weights do not sum to 100"),
    P(
        "kpi_indicators_invalid",
        422,
        "a KPI template with two indicators of one name, a numeric scale without its maximum, "
        "or neither a department nor a position",
    ),
    P("kpi_template_missing", 422, "a review cycle over a department with no KPI template"),
    P("score_out_of_scale", 422, "a review score outside its indicator's scale"),
    P("review_scores_invalid", 422, "a review that does not score every indicator exactly once"),
    P("grade_bands_invalid", 422, "grade bands sharing a grade or a floor, or none starting at 0"),
    P("grade_bands_missing", 409, "finalizing a review before HR configured the grade bands"),
    P("invalid_review_transition", 409, "a review step taken out of its order"),
    P("review_cycle_closed", 409, "closing a closed cycle, or finalizing a review in one"),
    P("reviews_pending", 409, "closing a cycle with reviews not final yet"),
    P(
        "not_below_target",
        409,
        "an improvement plan from a review that is not final or not below target",
    ),
    P("improvement_plan_exists", 409, "a second improvement plan in progress for an employee"),
    P("improvement_plan_closed", 409, "a check-in or an outcome on an ended improvement plan"),
    P("suggestion_answered", 409, "answering a suggestion that has been answered"),
    P("unknown_receipt", 404, "a receipt token no suggestion has"),
    P(
        "idempotency_key_not_accepted",
        422,
        "an anonymous suggestion sent with an Idempotency-Key (the key is stored with its sender)",
    ),
    P("course_code_taken", 409, "a course code already in the catalogue"),
    P("unknown_course", 422, "a session or a training plan naming a course that does not exist"),
    P("unknown_course_session", 422, "an enrolment in a session that does not exist"),
    P("session_full", 409, "an enrolment past a session's capacity"),
    P("session_closed", 409, "an enrolment in a completed or cancelled session"),
    P("already_enrolled", 409, "enrolling someone twice in one session"),
    P(
        "self_service_not_allowed",
        403,
        "an employee enrolling themselves in a course HR enrols people in",
    ),
    P("invalid_enrolment_transition", 409, "an enrolment step taken out of its order"),
    P("evaluation_recorded", 409, "a second rating from the participant or the manager"),
    P("training_plan_exists", 409, "a second training plan for a year"),
    P("invalid_case_transition", 409, "a complaint or dispute step taken out of its order"),
    P("outcome_required", 422, "resolving a complaint or dispute without its outcome"),
    P("forum_session_cancelled", 409, "recording the minutes of a cancelled forum session"),
    P("development_plan_exists", 409, "a second development plan of an employee for a year"),
    P("development_plan_closed", 409, "reviewing a closed development plan"),
    P("career_move_in_progress", 409, "a second promotion or rotation while one is in progress"),
    P("invalid_move_transition", 409, "withdrawing a promotion or rotation that is not pending"),
    P("capacity_below_enrolled", 409, "lowering a session's capacity below the seats taken"),
    base=KIT_CODES,
)
