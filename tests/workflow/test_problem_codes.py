"""workflow's problem codes come from one registry (``services/workflow/problems.py``): a code
workflow raises that the registry (or the kit's) does not list fails here, and so does a docs
page that does not list exactly the registry."""

from pathlib import Path

from services.workflow.problems import CODES
from shared.kit.problems import KIT_CODES, codes_in_source, documented_codes, markdown_table

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "services" / "workflow"]
DOCS = ROOT / "docs" / "services" / "workflow.md"


def test_every_code_workflow_raises_is_in_a_registry() -> None:
    raised = codes_in_source(SOURCES)
    unknown = {code: where for code, where in raised.items() if code not in {**KIT_CODES, **CODES}}
    assert unknown == {}
    assert "task_already_decided" in raised and "no_recipients" in raised


def test_every_code_in_workflows_registry_is_raised() -> None:
    raised = codes_in_source(SOURCES)
    assert sorted(set(CODES) - set(raised) - set(KIT_CODES)) == []


def test_the_docs_list_exactly_the_registry() -> None:
    documented = documented_codes(DOCS.read_text(encoding="utf-8"))
    assert documented == dict(CODES), "paste this table:\n" + markdown_table(CODES)
