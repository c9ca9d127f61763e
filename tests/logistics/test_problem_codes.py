"""logistics's problem codes come from one registry (``services/logistics/problems``): a code logistics raises
that the registry (or the kit's) does not list fails here, and so does a set of docs pages
(``docs/services/logistics*.md``, each area its own "Problem codes" table) that does not list exactly
the registry."""

from pathlib import Path

from services.logistics.problems import CODES
from shared.kit.problems import KIT_CODES, codes_in_source, documented_codes, markdown_table

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "services" / "logistics", ROOT / "shared" / "kit" / "approvals.py"]
PAGES = sorted((ROOT / "docs" / "services").glob("logistics*.md"))


def test_every_code_logistics_raises_is_in_a_registry() -> None:
    raised = codes_in_source(SOURCES)
    unknown = {code: where for code, where in raised.items() if code not in {**KIT_CODES, **CODES}}
    assert unknown == {}


def test_every_code_in_the_registry_is_raised() -> None:
    raised = codes_in_source(SOURCES)
    assert sorted(set(CODES) - set(raised) - set(KIT_CODES)) == []


def test_the_docs_list_exactly_the_registry() -> None:
    """Each area's page lists its codes (a code two areas raise may be on both pages, with the
    same status); together they list exactly the registry."""
    documented: dict[str, int] = {}
    for page in PAGES:
        for code, problem in documented_codes(page.read_text(encoding="utf-8")).items():
            assert documented.setdefault(code, problem.status) == problem.status, code
    expected = {code: problem.status for code, problem in CODES.items()}
    assert documented == expected, "the tables should hold:\n" + markdown_table(CODES)
