"""Every list says what it sorts by: ``sort`` is the enum of its sortable fields, ascending or
descending (issue 11: enums as enums; schemathesis's positive data stays positive)."""

from typing import Any

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
