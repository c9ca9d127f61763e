"""The schemas a frontend generates types from are typed, named and exemplified (issue 11, item 1).

Built from the merged document exactly as ``officina openapi`` builds it (see
``test_openapi_contract``): every object schema carries an example that its own schema
accepts, no operation answers an untyped object, no schema has a name FastAPI made up for an
untyped answer, and the fields a client switches on (statuses, kinds) are enums.
"""

import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.test_openapi_contract import merged_document, operations


def _schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = merged_document()["components"]["schemas"]
    return schemas


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for ``schema`` resolving ``#/components/schemas/...`` in the merged document."""
    root = {**schema, "components": merged_document()["components"]}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        return _resolve(_schemas()[ref.rsplit("/", 1)[-1]])
    return schema


OBJECT_SCHEMAS = sorted(name for name, s in _schemas().items() if s.get("type") == "object")


def _form_examples(name: str) -> list[Any]:
    found = []
    for _, _, operation, _ in operations():
        for media in operation.get("requestBody", {}).get("content", {}).values():
            if media.get("schema", {}).get("$ref", "").endswith(f"/{name}"):
                if "example" in media:
                    found.append(media["example"])
                found += [example["value"] for example in media.get("examples", {}).values()]
    return found


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_every_object_schema_has_an_example_it_accepts(name: str) -> None:
    schema = _schemas()[name]
    examples = list(schema.get("examples", []))
    if "example" in schema:
        examples.append(schema["example"])
    if name.startswith("Body_"):
        # A form or file body: FastAPI names its schema, so its example is the operation's.
        examples += _form_examples(name)
    assert examples, f"{name} has no example"
    validator = _validator(schema)
    for example in examples:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(example)]
        assert not errors, (name, errors)


def test_no_operation_answers_an_untyped_object() -> None:
    """JSON answers are typed objects; a download (CSV, a spreadsheet) is declared as a string of
    its media type, binary when it is not text."""
    for method, path, operation, _ in operations():
        for status, response in operation["responses"].items():
            if not status.startswith("2"):
                continue
            for media_type, content in response.get("content", {}).items():
                schema = content.get("schema")
                assert schema, (method, path, status, media_type)
                resolved = _resolve(schema)
                if "json" not in media_type:
                    assert resolved.get("type") == "string", (method, path, media_type)
                    if not media_type.startswith("text/"):
                        assert resolved.get("format") == "binary", (method, path, media_type)
                    continue
                if resolved.get("type") == "array":
                    resolved = _resolve(resolved["items"])
                assert resolved.get("properties"), (method, path, status, "untyped object")


def test_no_schema_has_a_made_up_name() -> None:
    made_up = [
        name for name in _schemas() if re.search(r"AdditionalProperty|^Response|Item$|Items$", name)
    ]
    assert made_up == []


def _property(schema_name: str, field: str) -> dict[str, Any]:
    prop: dict[str, Any] = _schemas()[schema_name]["properties"][field]
    options = prop.get("anyOf", [prop])
    for option in options:
        option = _resolve(option)
        if option.get("type") == "array":
            option = _resolve(option["items"])
        if option.get("type") != "null":
            return option
    raise AssertionError(f"{schema_name}.{field} has no non-null type")


ENUM_FIELDS = {
    ("AccountRead", "roles"): {"admin", "gm", "hr", "finance", "logistics", "auditor", "employee"},
    ("AccountCreate", "roles"): {
        "admin",
        "gm",
        "hr",
        "finance",
        "logistics",
        "auditor",
        "employee",
    },
    ("Me", "profile_status"): {"complete", "partial", "unavailable", "not_found", "no_employee"},
    ("EmployeeProfile", "status"): {"onboarding", "active", "on_leave", "left"},
    ("EmployeeRead", "status"): {"onboarding", "active", "on_leave", "left"},
    ("EmployeeRead", "employment_type"): {"full_time", "part_time", "intern"},
    ("EmployeeCreate", "employment_type"): {"full_time", "part_time", "intern"},
    ("DepartmentRead", "status"): {"active", "archived"},
    ("DocumentRead", "status"): {"draft", "in_review", "published", "archived"},
    ("DocumentRead", "category"): {"regulation", "notice", "announcement"},
    ("PartyRead", "kind"): {"customer", "supplier", "partner"},
    ("CompanyRead", "structure_type"): {"line_functional", "divisional", "matrix"},
    ("ChainLink", "source"): {"manager", "department_head"},
    ("TaskRead", "status"): {
        "waiting",
        "pending",
        "approved",
        "rejected",
        "returned",
        "transferred",
        "escalated",
        "cancelled",
    },
    ("InboxTask", "status"): {
        "waiting",
        "pending",
        "approved",
        "rejected",
        "returned",
        "transferred",
        "escalated",
        "cancelled",
    },
    ("InstanceRead", "status"): {"pending", "returned", "approved", "rejected", "withdrawn"},
    ("InstanceRead", "subject_service"): {"org", "workflow", "hr", "finance", "logistics"},
    ("DefinitionRead", "on_empty"): {"skip", "admin"},
    ("StepSpec", "mode"): {"any", "all", "sequential"},
    ("Deadline", "action"): {"remind", "escalate", "approve", "reject"},
    ("RoleApprover", "role"): {"admin", "gm", "hr", "finance", "logistics", "auditor", "employee"},
    ("LeaveRequestRead", "status"): {
        "pending",
        "approved",
        "rejected",
        "withdrawn",
        "cancelled",
        "cancellation_pending",
        "approval_refused",
    },
    ("LeaveRequestRead", "start_portion"): {"full", "afternoon"},
    ("LeaveRequestRead", "end_portion"): {"full", "morning"},
    ("LeaveTypeRead", "day_basis"): {"working", "calendar"},
}


@pytest.mark.parametrize(("schema", "field"), sorted(ENUM_FIELDS))
def test_enum_like_fields_are_enums(schema: str, field: str) -> None:
    assert set(_property(schema, field).get("enum", [])) == ENUM_FIELDS[(schema, field)]


def test_approver_kinds_are_a_discriminated_union() -> None:
    kinds = {
        name: _property(name, "kind")
        for name in (
            "ManagerApprover",
            "DepartmentHeadApprover",
            "RoleApprover",
            "EmployeesApprover",
        )
    }
    assert {name: k.get("const") or k.get("enum", [None])[0] for name, k in kinds.items()} == {
        "ManagerApprover": "manager",
        "DepartmentHeadApprover": "department_head",
        "RoleApprover": "role",
        "EmployeesApprover": "employees",
    }


def test_status_filters_are_enums() -> None:
    """A list filtered by status says which statuses there are."""
    filters = {
        (path, p["name"]): _resolve(next(o for o in p["schema"].get("anyOf", [p["schema"]])))
        for method, path, _, parameters in operations()
        for p in parameters
        if method == "get" and p["in"] == "query" and p["name"] == "status"
    }
    assert {
        "/api/v1/org/departments",
        "/api/v1/org/documents",
        "/api/v1/workflow/instances",
        "/api/v1/workflow/tasks",
        "/api/v1/hr/leave-requests",
    } <= {path for path, name in filters if name == "status"}
    for key, schema in filters.items():
        assert schema.get("enum"), key


def _string_branch(schema: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in schema.get("anyOf", [schema]) if s.get("type") != "null")


def test_me_or_id_filters_state_what_the_server_accepts() -> None:
    """Every ``me``-or-employee-id query parameter carries the kit's pattern (the parser's own
    rule): "" or 35 zeros were schema-valid yet refused with 422."""
    from shared.kit.params import ME_OR_ID_PATTERN

    filters = {
        (path, p["name"]): {**p["schema"], **_string_branch(p["schema"])}
        for _, path, _, parameters in operations()
        for p in parameters
        if p["in"] == "query" and "`me`" in p.get("description", "")
    }
    assert {
        ("/api/v1/finance/expense-claims", "employee_id"),
        ("/api/v1/hr/labour-contracts", "employee_id"),
        ("/api/v1/hr/leave-balances", "employee_id"),
        ("/api/v1/hr/reviews", "employee_id"),
        ("/api/v1/logistics/action-items", "owner"),
        ("/api/v1/logistics/bookings", "booker"),
        ("/api/v1/logistics/meetings", "organizer"),
        ("/api/v1/logistics/meetings", "attendee"),
        ("/api/v1/logistics/vehicle-requests", "employee"),
        ("/api/v1/workflow/instances", "requester"),
        ("/api/v1/workflow/instances", "cc"),
        ("/api/v1/workflow/instances", "involved"),
        ("/api/v1/workflow/delegations", "employee"),
    } <= set(filters)
    wrong = {key for key, schema in filters.items() if schema.get("pattern") != ME_OR_ID_PATTERN}
    assert wrong == set()
    for schema in filters.values():
        assert schema["examples"] and schema["maxLength"] == 36


def test_every_date_parameter_is_read_as_the_document_writes_it() -> None:
    """Every ``format: date`` / ``date-time`` parameter of every service is held by the kit to
    YYYY-MM-DD / RFC 3339 before pydantic's lax mode could read ``?date=0`` as 1970-01-01."""
    import importlib

    from shared.kit.routing import input_rules
    from shared.registry import SERVICE_NAMES

    rules = {}
    for service in SERVICE_NAMES:
        for router in importlib.import_module(f"services.{service}.api").ROUTERS:
            for route in router.routes:
                path = re.sub(r":[a-z]+\}", "}", route.path)
                for method in route.methods:
                    rules[(method.lower(), path)] = input_rules(route.dependant)
    found = {}
    for method, path, _, parameters in operations():
        for p in parameters:
            kinds = {s.get("format") for s in p.get("schema", {}).get("anyOf", [p.get("schema")])}
            for kind in kinds & {"date", "date-time"}:
                found[(method, path, p["name"])] = kind
    assert {
        ("get", "/api/v1/hr/absences", "date"),
        ("get", "/api/v1/finance/invoices", "due_before"),
        ("get", "/api/v1/finance/journal-entries", "date_to"),
        ("get", "/api/v1/logistics/facilities", "warranty_ends_before"),
        ("get", "/api/v1/logistics/travel-standards", "on"),
        ("get", "/api/v1/logistics/work-orders", "due_before"),
        ("get", "/api/v1/logistics/bookings", "from"),
    } <= set(found)
    unheld = []
    for (method, path, name), kind in found.items():
        held = rules[(method, path)]
        if name not in (held.date_params if kind == "date" else held.datetime_params):
            unheld.append((method, path, name, kind))
    assert unheld == []


def test_decimals_written_as_strings_state_their_pattern() -> None:
    """A decimal a client may send as a string carries the pattern the server parses it with
    (pydantic's bare ``Decimal`` said ``number | string``, so ``"hours": ""`` was schema-valid
    yet refused): every one is a ``DecimalString`` (``shared/contracts/decimals.py``)."""
    bare = []

    def walk(schema: Any, where: str) -> None:
        if isinstance(schema, dict):
            branches = schema.get("anyOf", [])
            types = {branch.get("type") for branch in branches}
            if {"string", "number"} <= types:  # pydantic's bare Decimal
                strings = [b for b in branches if b.get("type") == "string"]
                if not all("pattern" in b for b in strings):
                    bare.append(where)
            for key, value in schema.items():
                walk(value, f"{where}.{key}")
        elif isinstance(schema, list):
            for item in schema:
                walk(item, where)

    for name, schema in _schemas().items():
        walk(schema, name)
    assert bare == []
    hours = _schemas()["CourseCreate"]["properties"]["hours"]
    assert not _validator(hours).is_valid("")
    assert _validator(hours).is_valid("4.5") and not _validator(hours).is_valid("4.55")
