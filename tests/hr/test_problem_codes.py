"""hr's problem codes are listed in its docs: a code raised but not documented fails here."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KIT_CODES = {"not_found", "validation_error", "forbidden"}


def raised_codes() -> set[str]:
    sources = [*(ROOT / "services" / "hr").rglob("*.py"), ROOT / "shared" / "kit" / "approvals.py"]
    found: set[str] = set()
    for source in sources:
        found |= set(re.findall(r'\bcode="([a-z_]+)"', source.read_text(encoding="utf-8")))
    return found


def test_every_code_hr_raises_is_in_its_docs() -> None:
    docs = (ROOT / "docs" / "services" / "hr.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z_]+)` \| \d{3} \|", docs, flags=re.MULTILINE))
    assert raised_codes() - listed - KIT_CODES == set()
    assert "approval_already_completed" in listed and "leave_overlap" in listed
