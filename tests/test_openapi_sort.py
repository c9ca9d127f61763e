"""Every list says what it sorts by: ``sort`` is the enum of its sortable fields, ascending or
descending (issue 11: enums as enums; schemathesis's positive data stays positive)."""

import re
from pathlib import Path
from typing import Any

import pytest

from tests.test_openapi_contract import operations


def _sort_schemas() -> dict[str, dict[str, Any]]:
    return {
        path: next(s for s in p["schema"].get("anyOf", [p["schema"]]) if s.get("type") != "null")
        for method, path, _, parameters in operations()
        for p in parameters
        if method == "get" and p["in"] == "query" and p["name"] == "sort"
    }


def test_every_lists_sort_is_an_enum_of_fields_each_both_ways() -> None:
    schemas = _sort_schemas()
    assert len(schemas) > 80  # every list of every service
    for path, schema in schemas.items():
        choices = schema.get("enum")
        assert choices, path
        fields = [choice for choice in choices if not choice.startswith("-")]
        assert sorted(choices) == sorted([*fields, *(f"-{f}" for f in fields)]), path


def test_the_directory_sorts_by_what_it_declares() -> None:
    schemas = _sort_schemas()
    assert set(schemas["/api/v1/org/employees"]["enum"]) == {
        "name",
        "-name",
        "employee_number",
        "-employee_number",
        "hire_date",
        "-hire_date",
        "created_at",
        "-created_at",
    }
    assert set(schemas["/api/v1/hr/audit-log"]["enum"]) == {"occurred_at", "-occurred_at"}


DOCS = Path(__file__).resolve().parents[1] / "docs" / "services"


@pytest.mark.parametrize("service", ["finance", "hr", "logistics"])
def test_the_service_page_lists_what_each_list_sorts_by(service: str) -> None:
    """docs/services/<service>.md's "Lists" table is exactly the document's sort fields."""
    page = (DOCS / f"{service}.md").read_text(encoding="utf-8")
    table = page.split("## Lists", 1)[1].split("\n## ", 1)[0]
    documented = {
        path: sorted(re.findall(r"`([a-z_]+)`", fields))
        for path, fields in re.findall(r"^\| `(/[^`]*)` \| (.*) \|$", table, flags=re.MULTILINE)
    }
    prefix = f"/api/v1/{service}"
    declared = {
        path.removeprefix(prefix): sorted(c for c in schema["enum"] if not c.startswith("-"))
        for path, schema in _sort_schemas().items()
        if path.startswith(f"{prefix}/")
    }
    assert documented == declared
