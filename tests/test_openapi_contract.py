"""The merged OpenAPI document says what the platform answers (issue 11, item 1).

Built in-process exactly as ``officina openapi`` builds it: the gateway's document merged
with every service's. What a generated client or "Try it out" reads is checked here; that
the servers behave as declared is checked by the per-service tests and the platform run.
"""

import re
from functools import cache
from typing import Any

import pytest
from openapi_spec_validator import validate

from gateway.openapi import SERVICE_ORDER
from officina.components import COMPONENTS, component, load_callable

METHODS = ("get", "head", "post", "put", "patch", "delete")


@cache
def merged_document() -> dict[str, Any]:
    from gateway.app import create_app as create_gateway
    from gateway.keys import KeyRing
    from gateway.openapi import merge_documents
    from shared.kit.tokens import SigningKey

    documents = {}
    for name in COMPONENTS[1:]:
        factory = load_callable(component(name).app_factory)
        assert factory is not None
        documents[name] = factory().openapi()  # type: ignore[attr-defined]
    gateway = create_gateway(keys=KeyRing(SigningKey.generate()))
    return merge_documents(gateway.openapi(), documents, [])


def operations() -> list[tuple[str, str, dict[str, Any], list[dict[str, Any]]]]:
    found = []
    for path, item in merged_document()["paths"].items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
                found.append((method, path, operation, parameters))
    return found


def test_the_document_is_valid_openapi() -> None:
    validate(merged_document())
    assert merged_document()["servers"] == [
        {"url": "/", "description": "the gateway that served this document"}
    ]


def test_no_operation_declares_fastapis_validation_body() -> None:
    schemas = merged_document()["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    for method, path, operation, _ in operations():
        for status, response in operation["responses"].items():
            if not status.startswith("2") and status != "304":
                assert set(response.get("content", {})) == {"application/problem+json"}, (
                    method,
                    path,
                    status,
                )


def test_every_operation_declares_the_problems_it_can_answer() -> None:
    for method, path, operation, _ in operations():
        responses = operation["responses"]
        declared = set(responses)
        assert {"400", "404", "422", "429", "503"} <= declared, (method, path)
        if operation.get("security"):
            assert {"401", "403"} <= declared, (method, path)
        if method in ("post", "put", "patch", "delete"):
            assert "409" in declared, (method, path)
        if method in ("put", "patch", "delete"):
            assert "412" in declared, (method, path)
        if "requestBody" in operation:
            assert {"413", "415"} <= declared, (method, path)
        problem = responses["422"]["content"]["application/problem+json"]["schema"]
        assert problem == {"$ref": "#/components/schemas/Problem"}
        assert "Retry-After" in responses["429"]["headers"]


def test_the_problem_schema_carries_code_request_id_and_errors() -> None:
    problem = merged_document()["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "code"} <= set(problem["required"]) | {"type"}
    assert {"code", "request_id", "errors", "detail"} <= set(problem["properties"])
    assert problem["example"]["status"] == 404


def test_headers_the_kit_reads_and_sends_are_declared() -> None:
    for method, path, operation, parameters in operations():
        headers = {p["name"].lower() for p in parameters if p["in"] == "header"}
        assert "x-request-id" in headers, (method, path)
        has_id = any(p["in"] == "path" for p in parameters)
        if method == "post" and not path.startswith("/api/v1/auth/"):
            assert "idempotency-key" in headers, (method, path)
        if path.startswith("/api/v1/auth/"):
            assert "idempotency-key" not in headers, (method, path)
        if method in ("patch", "put", "delete") or (method == "post" and has_id):
            assert "if-match" in headers, (method, path)
        if method == "get" and has_id:
            assert "if-none-match" in headers, (method, path)
            assert "304" in operation["responses"], (method, path)
        for status, response in operation["responses"].items():
            if status == "201":
                assert "Location" in response["headers"], (method, path)
            if status.startswith("2") and method == "post" and "idempotency-key" in headers:
                assert "Idempotent-Replayed" in response["headers"], (method, path)


def test_the_token_endpoint_declares_its_401_as_a_problem() -> None:
    """A wrong client secret is a 401 invalid_client, though the endpoint needs no token."""
    responses = merged_document()["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert set(responses["401"]["content"]) == {"application/problem+json"}


def test_acknowledging_a_document_declares_both_answers() -> None:
    """It answers 201 the first time and 200 when repeated; both are in the document."""
    item = merged_document()["paths"]["/api/v1/org/documents/{document_id}/acknowledge"]
    assert {"200", "201"} <= set(item["post"]["responses"])


def created_fields(operation: dict[str, Any]) -> set[str]:
    schema = operation["responses"]["201"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    return set(merged_document()["components"]["schemas"][name]["properties"])


def test_a_create_links_to_the_operations_on_the_record_it_made() -> None:
    document = merged_document()
    by_id = {
        operation["operationId"]: (path, method) for method, path, operation, _ in operations()
    }
    departments = document["paths"]["/api/v1/org/departments"]["post"]["responses"]["201"]
    assert departments["links"]["org_update_department"] == {
        "operationId": "org_update_department",
        "parameters": {"department_id": "$response.body#/id"},
        "description": "PATCH /api/v1/org/departments/{department_id}: the record this call created.",
    }
    linked = 0
    for _, path, operation, _ in operations():
        for name, link in operation["responses"].get("201", {}).get("links", {}).items():
            linked += 1
            target_path, _ = by_id[link["operationId"]]
            # Every path parameter of the target is given: the new id, the rest as called.
            assert set(link["parameters"]) == set(re.findall(r"\{([^}]+)\}", target_path))
            assert target_path.startswith(path + "/"), (name, path, target_path)
            from_body = [v for v in link["parameters"].values() if v.startswith("$response.")]
            assert len(from_body) == 1, (name, link)
            assert from_body[0].removeprefix("$response.body#/") in created_fields(operation)
    assert linked > 150
    # An account is known by its code, not by its id.
    accounts = document["paths"]["/api/v1/finance/accounts"]["post"]["responses"]["201"]
    assert {link["parameters"]["code"] for link in accounts["links"].values()} == {
        "$response.body#/code"
    }
    # A nested create (a party's contact) passes the party's id on.
    contacts = document["paths"]["/api/v1/org/parties/{party_id}/contacts"]["post"]
    assert contacts["responses"]["201"]["links"]["org_update_contact"]["parameters"] == {
        "party_id": "$request.path.party_id",
        "contact_id": "$response.body#/id",
    }


def test_tags_come_in_the_platforms_order_with_descriptions() -> None:
    tags = merged_document()["tags"]
    used = {tag for _, _, operation, _ in operations() for tag in operation.get("tags", [])}
    assert used <= {tag["name"] for tag in tags}
    assert all(tag.get("description") for tag in tags)
    services = [tag["name"].split(":")[0] for tag in tags]
    ranks = [SERVICE_ORDER.index(service) for service in services]
    assert ranks == sorted(ranks)
    assert services[0] == "auth"


@pytest.mark.parametrize("status", ["401", "404", "422"])
def test_problem_responses_reference_one_shared_schema(status: str) -> None:
    refs = {
        operation["responses"][status]["content"]["application/problem+json"]["schema"]["$ref"]
        for _, _, operation, _ in operations()
        if status in operation["responses"]
    }
    assert refs == {"#/components/schemas/Problem"}


def _request_schemas() -> set[str]:
    """Names of the component schemas a request body uses, directly or through another."""
    schemas = merged_document()["components"]["schemas"]

    def refs(node: Any) -> Any:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value.rsplit("/", 1)[-1]
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found: set[str] = set()
    for _, _, operation, _ in operations():
        if "requestBody" in operation:
            found |= set(refs(operation["requestBody"]))
    todo = list(found)
    while todo:
        for name in refs(schemas.get(todo.pop(), {})):
            if name not in found:
                found.add(name)
                todo.append(name)
    return found


def _unbounded_strings(node: Any, path: str) -> Any:
    if isinstance(node, dict):
        alternatives = node.get("anyOf", [])
        numeric = any(alt.get("type") in ("number", "integer") for alt in alternatives)
        for index, alternative in enumerate(alternatives):
            if not (numeric and alternative.get("type") == "string"):  # a decimal as a string
                yield from _unbounded_strings(alternative, f"{path}.anyOf[{index}]")
        bounded = {"maxLength", "enum", "const", "format", "pattern", "contentMediaType"}
        if node.get("type") == "string" and not bounded & set(node):
            yield path
        for key, value in node.items():
            if key not in ("anyOf", "examples", "example", "default"):
                yield from _unbounded_strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _unbounded_strings(value, f"{path}[{index}]")


def test_every_string_a_client_sends_has_a_declared_maximum() -> None:
    """Free text is bounded in the schema, so a client knows the limit before the server refuses."""
    schemas = merged_document()["components"]["schemas"]
    unbounded = [
        path
        for name in sorted(_request_schemas())
        for path in _unbounded_strings(schemas[name], name)
    ]
    assert unbounded == []
