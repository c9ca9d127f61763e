"""One error hierarchy, rendered as RFC 9457 problems by one set of handlers."""

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from shared.contracts.problem import Problem, ValidationIssue
from shared.kit.context import current_request_id

log = logging.getLogger("officina.errors")

PROBLEM_JSON = "application/problem+json"


class DomainError(Exception):
    """Base of every refusal a service makes on purpose; subclasses fix status and code."""

    status: int = 400
    code: str = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        errors: list[ValidationIssue] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


class BadRequest(DomainError):
    status, code = 400, "bad_request"


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"

    def __init__(self, detail: str = "a valid bearer token is required", **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class NotFound(DomainError):
    status, code = 404, "not_found"


class Conflict(DomainError):
    status, code = 409, "conflict"


class PreconditionFailed(DomainError):
    status, code = 412, "precondition_failed"


class PreconditionRequired(DomainError):
    status, code = 428, "precondition_required"


class PayloadTooLarge(DomainError):
    status, code = 413, "payload_too_large"


class Unprocessable(DomainError):
    status, code = 422, "validation_error"


class TooManyRequests(DomainError):
    status, code = 429, "too_many_requests"


class ServiceUnavailable(DomainError):
    status, code = 503, "service_unavailable"


def not_found(entity: str, entity_id: object) -> NotFound:
    """The standard 404 for a record the caller may not see or that does not exist."""
    return NotFound(f"{entity} {entity_id} does not exist")


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


def problem_response(
    request: Request | None,
    status: int,
    *,
    detail: str | None = None,
    code: str | None = None,
    errors: list[ValidationIssue] | None = None,
    headers: dict[str, str] | None = None,
    instance: str | None = None,
    **extra: Any,
) -> JSONResponse:
    """Render one problem; every error path of every process goes through here."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    problem = Problem(
        title=title,
        status=status,
        detail=detail,
        instance=instance if instance is not None else (request.url.path if request else None),
        code=code or _STATUS_CODES.get(status, "error"),
        request_id=current_request_id(),
        errors=errors,
        **extra,
    )
    return JSONResponse(
        problem.to_json(), status_code=status, headers=headers, media_type=PROBLEM_JSON
    )


def _validation_issues(exc: RequestValidationError) -> list[ValidationIssue]:
    issues = []
    for error in exc.errors():
        loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        issues.append(
            ValidationIssue(loc=loc, msg=str(error.get("msg")), type=error.get("type", ""))
        )
    return issues


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return problem_response(
        request,
        exc.status,
        detail=exc.detail,
        code=exc.code,
        errors=exc.errors,
        headers=exc.headers,
        **exc.extra,
    )


_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no route matches {request.method} {request.url.path}"
    headers = dict(exc.headers) if exc.headers else {}
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
        allowed = allowed_methods(request)
        if allowed:
            headers["Allow"] = ", ".join(allowed)
    return problem_response(request, exc.status_code, detail=detail, headers=headers or None)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app serves at this path (Starlette names only the first's).

    Asks each route, through the public ``matches``, whether it fully matches the path with
    each method in turn.
    """
    routes = getattr(request.app, "routes", ())
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    issues = _validation_issues(exc)
    malformed = any(issue.type == "json_invalid" for issue in issues)
    return problem_response(
        request,
        400 if malformed else 422,
        detail="the request body is not valid JSON" if malformed else "the request is invalid",
        code="malformed_request" if malformed else "validation_error",
        errors=issues,
    )


async def _stale_data(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        request,
        412,
        detail="the record was changed by someone else; read it again and retry",
        code="precondition_failed",
    )


async def _integrity(request: Request, exc: Exception) -> JSONResponse:
    """A unique key (or other constraint) the database enforced: two writers raced, one lost."""
    log.info("constraint refused on %s %s: %s", request.method, request.url.path, exc)
    return problem_response(
        request,
        409,
        detail="the change conflicts with a record written at the same time; read again and retry",
        code="conflict",
    )


def is_sqlite_busy(exc: BaseException) -> bool:
    """True for SQLite's "database is locked": another writer holds the database."""
    return isinstance(exc, DBAPIError) and "database is locked" in str(exc.orig)


def _is_bad_value(exc: BaseException) -> bool:
    """True when the database (or its driver) refused a value it cannot hold: asyncpg's
    ``DataError`` (an integer past ``int4``, a NUL in text: SQLSTATE class 22), or Python's
    ``OverflowError`` from SQLite's driver for an integer past 64 bits."""
    try:
        from asyncpg.exceptions import DataError as AsyncpgDataError
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        AsyncpgDataError = OverflowError
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, AsyncpgDataError | OverflowError | DataError):
            return True
        current = getattr(current, "orig", None) or current.__cause__
    return False


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    """Errors of the database other than constraint violations: a value it cannot hold is the
    caller's (422); SQLite's "database is locked" is a write that lost a race (409)."""
    if _is_bad_value(exc):
        return await _out_of_range(request, exc)
    if is_sqlite_busy(exc):
        return problem_response(
            request,
            409,
            detail="another request was changing the same data; retry",
            code="write_conflict",
        )
    return await _unexpected(request, exc)


async def _pool_exhausted(request: Request, exc: Exception) -> JSONResponse:
    """Every connection of the pool stayed busy for the pool's whole timeout: the service is
    overloaded, not broken — 503 with ``Retry-After`` (nothing was changed), not a 500."""
    log.warning("no database connection free on %s %s: %s", request.method, request.url.path, exc)
    return problem_response(
        request,
        503,
        detail="the service is busy: no database connection came free in time; retry shortly",
        code="service_unavailable",
        headers={"Retry-After": "1"},
    )


async def _out_of_range(request: Request, exc: Exception) -> JSONResponse:
    """A value the database cannot hold (an integer past the column, a NUL in text on
    PostgreSQL) that no declared bound caught: the caller's input, so a 422, not a 500."""
    log.warning("value refused by the database on %s %s: %s", request.method, request.url.path, exc)
    return problem_response(
        request,
        422,
        detail="a value in the request is out of the range the database holds",
        code="value_out_of_range",
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(
        request,
        500,
        detail="an unexpected error occurred; it has been logged",
        code="internal_error",
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Route every error path (unknown route, wrong method, validation, domain, crash) to problems."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StaleDataError, _stale_data)
    app.add_exception_handler(IntegrityError, _integrity)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(PoolTimeout, _pool_exhausted)
    app.add_exception_handler(Exception, _unexpected)
