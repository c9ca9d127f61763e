"""hr's problem codes come from one registry (``services/hr/problems.py``): a code hr raises
that the registry (or the kit's) does not list fails here, and so does a set of docs pages
(``docs/services/hr*.md``, each area its own "Problem codes" table) that does not list exactly
the registry."""

from pathlib import Path

from services.hr.problems import CODES
from shared.kit.problems import KIT_CODES, codes_in_source, documented_codes, markdown_table

ROOT = Path(__file__).resolve().parents[2]
# hr's own code, and the kit's approval saga that refuses on hr's behalf.
SOURCES = [ROOT / "services" / "hr", ROOT / "shared" / "kit" / "approvals.py"]
PAGES = sorted((ROOT / "docs" / "services").glob("hr*.md"))


def test_every_code_hr_raises_is_in_a_registry() -> None:
    raised = codes_in_source(SOURCES)
    unknown = {code: where for code, where in raised.items() if code not in {**KIT_CODES, **CODES}}
    assert unknown == {}
    assert "leave_overlap" in raised and "approval_already_completed" in raised


def test_every_code_in_hrs_registry_is_raised() -> None:
    raised = codes_in_source(SOURCES)
    assert sorted(set(CODES) - set(raised) - set(KIT_CODES)) == []


def test_the_docs_list_exactly_the_registry() -> None:
    documented: dict[str, object] = {}
    for page in PAGES:
        for code, problem in documented_codes(page.read_text(encoding="utf-8")).items():
            assert code not in documented, f"{code} is documented twice"
            documented[code] = problem
    assert documented == dict(CODES), "the tables should hold:\n" + markdown_table(CODES)
