"""The business rules the schemathesis run forgives (tools/clients/business_rules.json): a
schema-valid request refused with one of these problem codes is not a failure of the
positive-data check, because no JSON Schema can state the rule (a referenced record exists,
a stale version, an end after its start…). The list must stay honest."""

import importlib
import json
from pathlib import Path

from shared.registry import SERVICE_NAMES

RULES = Path(__file__).resolve().parents[1] / "tools" / "clients" / "business_rules.json"


def answered_codes() -> dict[str, int]:
    """Every problem code a service answers, with its status."""
    answered: dict[str, int] = {}
    for module in ["gateway.problems", *(f"services.{name}.problems" for name in SERVICE_NAMES)]:
        codes = importlib.import_module(module).CODES
        answered.update({code: problem.status for code, problem in codes.items()})
    return answered


def test_every_forgiven_rule_is_a_code_a_service_answers() -> None:
    rules = json.loads(RULES.read_text(encoding="utf-8"))
    answered = answered_codes()
    assert sorted(code for code in rules if code not in answered) == []
    assert {answered[code] for code in rules} <= {400, 404, 412, 422}
    assert all(reason.strip() for reason in rules.values())


def test_what_the_document_must_state_is_never_forgiven() -> None:
    """Refusals a schema can state stay failures: the document must say them."""
    rules = json.loads(RULES.read_text(encoding="utf-8"))
    for code in ("validation_error", "invalid_sort", "unknown_parameter", "idempotency_key_reused"):
        assert code not in rules
