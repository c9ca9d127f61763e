"""The gateway's problem codes come from one registry (``gateway/problems.py``): a code the
gateway raises that the registry (or the kit's) does not list fails here, and so does a docs
page that does not list exactly the registry."""

import re
from pathlib import Path

from gateway.problems import CODES
from shared.kit.problems import KIT_CODES, codes_in_source, documented_codes, markdown_table

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "gateway"]
DOCS = ROOT / "docs" / "gateway.md"
# ``code="..."``, a token-endpoint refusal (its RFC 6749 ``error`` is its code), and the
# login limiter's codes, which are passed along by position.
CODE = re.compile(r'\bcode="([a-z_]+)"|OAuthError\(\s*"([a-z_]+)"|"(too_many_[a-z_]+_attempts)"')


def test_every_code_the_gateway_raises_is_in_a_registry() -> None:
    raised = codes_in_source(SOURCES, CODE)
    unknown = {code: where for code, where in raised.items() if code not in {**KIT_CODES, **CODES}}
    assert unknown == {}
    assert {"invalid_grant", "too_many_login_attempts", "shutting_down"} <= set(raised)


def test_every_code_in_the_gateways_registry_is_raised() -> None:
    raised = codes_in_source(SOURCES, CODE)
    assert sorted(set(CODES) - set(raised) - set(KIT_CODES)) == []


def test_the_docs_list_exactly_the_registry() -> None:
    documented = documented_codes(DOCS.read_text(encoding="utf-8"))
    assert documented == dict(CODES), "paste this table:\n" + markdown_table(CODES)
