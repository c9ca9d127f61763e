"""The gateway's problem codes: the one list of what the gateway itself refuses, and why
(docs/gateway.md shows it). Token-endpoint refusals carry RFC 6749's ``error`` as their code."""

from shared.kit.problems import KIT_CODES, P, registry

CODES = registry(
    P(
        "invalid_request",
        400,
        "token request: a grant without its username and password, or refresh token",
    ),
    P(
        "invalid_grant",
        400,
        "token request: a wrong username or password, an inactive account, or a refresh token invalid, expired, revoked or reused",
    ),
    P("invalid_scope", 400, "token request: scopes the client does not have"),
    P(
        "unsupported_grant_type",
        400,
        "token request: a grant type other than password, refresh_token and client_credentials",
    ),
    P(
        "cors_refused",
        400,
        "a preflight whose origin, method or headers are not allowed (`refused`)",
    ),
    P(
        "invalid_client",
        401,
        "token request: client credentials missing, wrong or of an inactive client",
    ),
    P("insufficient_scope", 403, "a client token without `<service>:read`/`write` for the method"),
    P("duplicate_username", 409, "an account with a username that is taken"),
    P("employee_has_account", 409, "linking an employee who already has an account (naming it)"),
    P("payload_too_large", 413, "a body over `OFFICINA_MAX_BODY_BYTES`, before it is forwarded"),
    P("form_required", 415, "a token request that is not a form"),
    P("validation_error", 422, "a body the schema refuses; a password set to null"),
    P("nul_character", 422, "a NUL character in a token request field"),
    P("weak_password", 422, "a password that does not meet the rules"),
    P("unknown_employee", 422, "linking an account to an employee org does not know"),
    P("too_many_writes", 429, "more writes than the caller's bucket allows (with `Retry-After`)"),
    P(
        "too_many_login_attempts",
        429,
        "too many failed logins for a username or address (with `Retry-After`)",
    ),
    P(
        "too_many_client_attempts",
        429,
        "too many failed client authentications (with `Retry-After`)",
    ),
    P("service_unavailable", 503, "the service behind the path did not answer (naming it)"),
    P(
        "org_unavailable",
        503,
        "org could not be asked whether an employee exists; nothing was saved",
    ),
    P("shutting_down", 503, "the gateway stopped during the request (with `Retry-After`)"),
    P("docs_assets_missing", 503, "the Swagger UI files are not installed"),
    P("upstream_timeout", 504, "the service did not answer within `OFFICINA_UPSTREAM_TIMEOUT`"),
    base=KIT_CODES,
)
