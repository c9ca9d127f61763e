"""The kit's problem codes come from one registry (``shared/kit/problems.py``): a code the kit
raises that it does not list fails here, and so does a registry entry the kit never answers,
a docs table that is not exactly the registry, or a registry that breaks its own rules."""

from pathlib import Path

import pytest

from shared.kit import errors
from shared.kit.problems import (
    KIT_CODES,
    P,
    codes_in_source,
    documented_codes,
    markdown_table,
    registry,
)

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "kit.md"


def answered_without_a_literal() -> dict[str, int]:
    """The codes the kit answers by default: each error class's, and each status's."""
    defaults = {
        cls.code: cls.status
        for cls in errors.DomainError.__subclasses__()
        if cls.__module__ == errors.__name__
    }
    return {**defaults, **{code: status for status, code in errors._STATUS_CODES.items()}}


def test_every_code_the_kit_raises_is_in_its_registry() -> None:
    raised = codes_in_source([ROOT / "shared" / "kit"])
    unknown = {code: where for code, where in raised.items() if code not in KIT_CODES}
    assert unknown == {}
    assert {code: KIT_CODES[code].status for code in answered_without_a_literal()} == (
        answered_without_a_literal()
    )


def test_every_code_in_the_kits_registry_is_answered() -> None:
    raised = set(codes_in_source([ROOT / "shared" / "kit"])) | set(answered_without_a_literal())
    assert sorted(set(KIT_CODES) - raised) == []


def test_the_docs_list_exactly_the_registry() -> None:
    documented = documented_codes(DOCS.read_text(encoding="utf-8"))
    assert documented == dict(KIT_CODES), "paste this table:\n" + markdown_table(KIT_CODES)


def test_a_registry_refuses_a_code_twice_or_a_kit_code_with_another_status() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        registry(P("late", 409, "one"), P("late", 409, "two"))
    with pytest.raises(ValueError, match="404 in the kit, not 410"):
        registry(P("not_found", 410, "gone"), base=KIT_CODES)
    with pytest.raises(ValueError, match="snake_case"):
        P("Not-Found", 404, "no")
    with pytest.raises(ValueError, match="one line"):
        P("split", 400, "a | b")
    assert registry(P("not_found", 404, "no such leave type"), base=KIT_CODES)["not_found"].meaning


def test_areas_listing_one_code_share_it_but_never_with_another_status() -> None:
    from shared.kit.problems import P, merged_registry

    merged = merged_registry(P("no_employee", 422, "first"), P("no_employee", 422, "second"))
    assert list(merged) == ["no_employee"] and merged["no_employee"].meaning == "first"
    with pytest.raises(ValueError, match="422 in one area, 409 in another"):
        merged_registry(P("no_employee", 422, "a"), P("no_employee", 409, "b"))
