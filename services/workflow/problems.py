"""workflow's problem codes: the one list of what workflow refuses, and why
(docs/services/workflow.md shows it)."""

from shared.kit.problems import KIT_CODES, P, registry

CODES = registry(
    P("malformed_request", 400, "a body that is not JSON"),
    P("invalid_cursor", 400, "a cursor not from this list"),
    P(
        "forbidden",
        403,
        "reading another person's inbox, notifications or delegations; "
        "naming a substitute for someone else",
    ),
    P("insufficient_scope", 403, "a client without `workflow:read` / `workflow:write`"),
    P("service_only", 403, "a person's token delivering a notice"),
    P("not_user_startable", 403, "a person starting a definition its service starts"),
    P("requester_only", 403, "withdrawing or resubmitting someone else's request"),
    P("not_found", 404, "anything the caller may not see, as if it did not exist"),
    P("method_not_allowed", 405, "e.g. `GET /tasks/batch-approve` (with `Allow`)"),
    P("task_already_decided", 409, "acting on a decided task"),
    P(
        "concurrent_decision",
        409,
        "two decisions on one request at once (the loser), "
        "or the request changed while its approvers were looked up",
    ),
    P("already_assigned_in_step", 409, "a transfer to someone already asked in the step"),
    P("instance_closed", 409, "withdrawing a finished request"),
    P("instance_not_returned", 409, "resubmitting a request that was not returned"),
    P("delegation_inactive", 409, "ending a delegation that has ended"),
    P("duplicate_definition", 409, "creating a definition whose key exists"),
    P("concurrent_revision", 409, "two revisions of one definition at once"),
    P(
        "idempotency_request_in_flight",
        409,
        "the same notice key while its first delivery is running",
    ),
    P("version_mismatch", 412, "a stale `If-Match`"),
    P(
        "validation_error",
        422,
        "a body or parameter the schema refuses; a service starting a request without "
        "subject and requester, or a person with one",
    ),
    P("invalid_request_data", 422, "request data that does not meet the form or a condition"),
    P("invalid_transfer", 422, "a transfer to the assignee or to the requester"),
    P("invalid_substitute", 422, "oneself as substitute"),
    P("unknown_employee", 422, "a transfer or substitute to someone unknown or gone"),
    P("no_employee", 422, "an account not linked to an employee where one is needed"),
    P("idempotency_key_reused", 422, "a notice key used for another notice"),
    P("no_recipients", 422, "a notice to roles nobody holds"),
    P(
        "service_unavailable",
        503,
        "org or the gateway did not answer a look-up (nothing was changed)",
    ),
    base=KIT_CODES,
)
