"""Problem codes: one registry per service, the kit's generic codes in one kit registry.

Every refusal is an RFC 9457 problem with a stable ``code``. Each service lists its codes once,
in ``services/<s>/problems.py`` (the gateway in ``gateway/problems.py``), as a registry built
with ``registry(...)``: code → status and a one-line meaning. A service may list a kit code
again with its own meaning (``forbidden``: "asking leave for someone else"), never with another
status. Each service's ``test_problem_codes.py`` scans its source for ``code="..."`` (with
``codes_in_source``) and fails for a code in no registry, and checks that the "Problem codes"
table of its docs page lists exactly its registry (with ``documented_codes``).
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProblemCode:
    """One problem code: the HTTP status it is answered with and what it means, in a line."""

    code: str
    status: int
    meaning: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.code):
            raise ValueError(f"problem code {self.code!r} is not snake_case")
        if not 400 <= self.status <= 599:
            raise ValueError(f"problem code {self.code!r}: {self.status} is not an error status")
        if not self.meaning or "\n" in self.meaning or "|" in self.meaning:
            raise ValueError(f"problem code {self.code!r}: the meaning must be one line, no '|'")


Registry = Mapping[str, ProblemCode]


def registry(*codes: ProblemCode, base: Registry | None = None) -> Registry:
    """A registry of ``codes``; refuses a code listed twice, or a kit code (``base``) given
    another status."""
    found: dict[str, ProblemCode] = {}
    for problem in codes:
        if problem.code in found:
            raise ValueError(f"problem code {problem.code!r} is listed twice")
        inherited = (base or {}).get(problem.code)
        if inherited is not None and inherited.status != problem.status:
            raise ValueError(
                f"problem code {problem.code!r} is {inherited.status} in the kit, "
                f"not {problem.status}"
            )
        found[problem.code] = problem
    return found


def merged_registry(*codes: ProblemCode, base: Registry | None = None) -> Registry:
    """One registry of a service's areas' codes: a code several areas list is kept once (the
    first meaning); listing it with another status is refused."""
    first: dict[str, ProblemCode] = {}
    for problem in codes:
        known = first.setdefault(problem.code, problem)
        if known.status != problem.status:
            raise ValueError(
                f"problem code {problem.code!r} is {known.status} in one area, "
                f"{problem.status} in another"
            )
    return registry(*first.values(), base=base)


P = ProblemCode

KIT_CODES: Registry = registry(
    P("bad_request", 400, "a request the service refuses without a more precise code"),
    P("malformed_request", 400, "a body that is not valid JSON"),
    P("invalid_cursor", 400, "a cursor this API did not issue"),
    P("cursor_mismatch", 400, "a cursor used with another sort or other filters than its page"),
    P("unauthorized", 401, "no bearer token"),
    P("invalid_token", 401, "a bearer token that is malformed, of another kind or badly signed"),
    P("token_expired", 401, "a bearer token past its expiry"),
    P("token_revoked", 401, "a bearer token revoked by a logout or a change to its account"),
    P("forbidden", 403, "the caller may see the record but not do this"),
    P("insufficient_scope", 403, "a client token without the service's read or write scope"),
    P("not_found", 404, "a record that does not exist or that the caller may not see"),
    P("method_not_allowed", 405, "a method the path does not serve (with Allow)"),
    P("not_acceptable", 406, "an Accept header the operation cannot answer"),
    P("conflict", 409, "the database's own constraint refused a write that lost a race"),
    P("write_conflict", 409, "SQLite only: another request held the database for writing"),
    P("idempotency_request_in_flight", 409, "the first request under this key is still running"),
    P(
        "idempotency_key_taken_over",
        409,
        "a retry took over this request's key while it ran; its work was undone",
    ),
    P("approval_already_completed", 409, "withdrawing an approval workflow has just decided"),
    P("precondition_failed", 412, "the record changed under a concurrent writer; read it again"),
    P("version_mismatch", 412, "If-Match names another version of the record"),
    P("payload_too_large", 413, "a body over the size limit"),
    P("unsupported_media_type", 415, "a body in a content type the operation does not take"),
    P("validation_error", 422, "a body or parameter the schema refuses"),
    P("nul_character", 422, "a NUL character in the path, a query parameter or a body"),
    P("unknown_parameter", 422, "a query parameter the operation does not declare"),
    P("value_out_of_range", 422, "a value the database cannot hold that no declared bound caught"),
    P("invalid_sort", 422, "a sort field the list does not offer"),
    P("idempotency_key_reused", 422, "an Idempotency-Key used before with another request"),
    P("invalid_idempotency_key", 422, "an Idempotency-Key that is not 1 to 255 characters"),
    P("precondition_required", 428, "a change that needs If-Match sent without it"),
    P("too_many_requests", 429, "too many requests; retry after Retry-After"),
    P("internal_error", 500, "a bug; logged, with no stack trace in the answer"),
    P("bad_gateway", 502, "an upstream answered with something that is not HTTP"),
    P("service_unavailable", 503, "a service or the database did not answer"),
    P("keys_missing", 503, "readiness: the gateway's token-signing keys are not loaded yet"),
    P("migrations_pending", 503, "readiness: the database is not at the code's migration"),
    P("gateway_timeout", 504, "an upstream did not answer in time"),
)
"""The codes the kit itself answers (errors, routing, pagination, idempotency, tokens, saga)."""

_LITERAL = re.compile(r'\bcode="([a-z_]+)"')
_HEADING = re.compile(r"^## Problem codes\s*$", re.MULTILINE)
_ROW = re.compile(r"^\| `([a-z_]+)` \| (\d{3}) \| (.+?) \|\s*$", re.MULTILINE)


def codes_in_source(
    paths: Iterable[Path], pattern: re.Pattern[str] = _LITERAL
) -> dict[str, list[str]]:
    """Each ``code="..."`` literal in the Python files under ``paths``, with where it is
    (another ``pattern`` may name codes differently: the first group that matched is the code)."""
    found: dict[str, list[str]] = {}
    for path in paths:
        for source in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            text = source.read_text(encoding="utf-8")
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                code = next(group for group in match.groups() if group)
                found.setdefault(code, []).append(f"{source}:{line}")
    return found


def documented_codes(markdown: str) -> dict[str, ProblemCode]:
    """The rows ``| `code` | status | meaning |`` of a page's "## Problem codes" section."""
    heading = _HEADING.search(markdown)
    if heading is None:
        return {}
    section = markdown[heading.end() :]
    following = re.search(r"^## ", section, flags=re.MULTILINE)
    section = section[: following.start()] if following else section
    return {
        code: ProblemCode(code, int(status), meaning.strip())
        for code, status, meaning in _ROW.findall(section)
    }


def markdown_table(codes: Registry) -> str:
    """The registry as the docs list it: one row per code, by status then code."""
    rows = ["| code | status | when |", "| --- | --- | --- |"]
    for problem in sorted(codes.values(), key=lambda p: (p.status, p.code)):
        rows.append(f"| `{problem.code}` | {problem.status} | {problem.meaning} |")
    return "\n".join(rows)
