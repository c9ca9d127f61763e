"""schemathesis hooks for tests/test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS).

Two things a JSON Schema cannot say, and schemathesis therefore cannot know:

1. **An idempotency key names one request.** A client makes a fresh key for each new write;
   sending one key again with another body is refused (422 ``idempotency_key_reused``, tested
   in tests/kit/test_idempotency.py). schemathesis sends the document's example key with every
   body it generates, so each schema-valid request gets a fresh key here.
2. **Rules about other records and about now.** A referenced department must exist, a stay
   must end after it starts, a booking cannot start in the past, a stale ``If-Match`` gets
   412. The positive-data check (``positive_data_acceptance``, ST202) gates the run: any
   schema-valid request refused is a failure, except when the server names, with its problem
   code, one of the rules below. Each is a rule no JSON Schema can state: it depends on the
   data held (a reference, a balance, a version), on the time, or compares two fields. A
   refusal for anything else (``invalid_sort``, ``unknown_parameter``, a ``validation_error``
   for a bound, a type, an enum or a length…) still fails the run: the document must state it.
   A ``validation_error`` every error of which is a ``value_error`` — raised by a service's own
   validator (a checksum, one key per item, two fields that go together) — is forgiven too.
"""

import json
import uuid
from pathlib import Path
from typing import Any

import schemathesis

# Problem codes of rules about the data held, the time or two fields at once, with why.
BUSINESS_RULES: dict[str, str] = json.loads(
    (Path(__file__).with_name("business_rules.json")).read_text(encoding="utf-8")
)


@schemathesis.hook
def before_call(ctx: Any, case: Any, **kwargs: Any) -> None:
    """A fresh idempotency key for every schema-valid write (see the module's note)."""
    headers = case.headers or {}
    meta = case.meta
    positive = meta is not None and meta.generation.mode.is_positive
    if positive and any(name.lower() == "idempotency-key" for name in headers):
        for name in [name for name in headers if name.lower() == "idempotency-key"]:
            del headers[name]
        headers["Idempotency-Key"] = uuid.uuid4().hex
        case.headers = headers


def problem_code(response: Any) -> str | None:
    """The ``code`` of an RFC 9457 problem answer, if it is one."""
    try:
        body = json.loads(response.content or b"{}")
    except (ValueError, TypeError):
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


def own_rule(response: Any) -> bool:
    """A 422 ``validation_error`` every one of whose errors a service's own validator raised
    (``value_error``: a checksum, one key per item, two fields that go together), not one of
    the schema's keywords (a bound, a type, an enum, a length: those the document states)."""
    try:
        body = json.loads(response.content or b"{}")
    except (ValueError, TypeError):
        return False
    errors = body.get("errors") if isinstance(body, dict) else None
    return (
        body.get("code") == "validation_error"
        and isinstance(errors, list)
        and bool(errors)
        and all(isinstance(e, dict) and e.get("type") == "value_error" for e in errors)
    )


@schemathesis.hook
def filter_failure(ctx: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure but a schema-valid request refused for a named business rule or by
    a service's own validator."""
    if getattr(failure, "code", None) != "ST202":
        return True
    if response.status_code not in (400, 412, 422):
        return True
    return problem_code(response) not in BUSINESS_RULES and not own_rule(response)
