"""The OpenAPI document tells the truth about what every operation can answer.

FastAPI describes an operation's success answer and a ``{"detail": [...]}`` 422 that no
officina process ever sends. The kit answers every error as an RFC 9457 problem
(``application/problem+json``), reads ``Idempotency-Key``, ``If-Match`` and
``If-None-Match`` on every operation where they apply, and sends ``ETag``, ``Location``,
``Idempotent-Replayed``, ``Retry-After`` and ``X-Request-ID``. Those behaviours are the
kit's, not each router's, so the kit also declares them, once, here: ``honest_openapi``
rewrites a generated document so that generated clients and "Try it out" can send and read
all of it. The gateway applies the same function to the merged document.

The rules, per operation:

- every operation may answer 400 (malformed request), 422 (validation, unknown query
  parameter), 429 (rate limited, ``Retry-After``), 503 (a dependency is down) and 504
  (the gateway's upstream timeout); operations with a security requirement also 401 and 403;
- every operation may answer 404: the record in its path, one its body refers to, or the
  employee the caller's account is linked to may be absent or not visible to the caller;
- a write (POST, PUT, PATCH, DELETE) may answer 409; PUT, PATCH, DELETE and a POST action
  on a record (a path parameter) read ``If-Match`` and may answer 412; a POST reads
  ``Idempotency-Key``;
- an operation with a request body may answer 413 and 415;
- a read of a record reads ``If-None-Match`` and may answer 304;
- a create (a POST answering 201 with the new record) declares a link to every operation on
  that record (``<collection>/{key}`` and below), the key taken from the answer (the field
  named like the parameter, such as an account's ``code``, else its ``id``): Swagger UI
  shows them, and schemathesis's stateful phase follows them.
"""

import copy
import re
from typing import Any

from shared.contracts.problem import Problem

PROBLEM_MEDIA_TYPE = "application/problem+json"
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
METHODS = frozenset({"get", "head", "post", "put", "patch", "delete", "options"})

PROBLEM_DESCRIPTIONS: dict[str, str] = {
    "400": "Bad request: a malformed header, cursor or body (problem).",
    "401": "No valid bearer token (problem).",
    "403": "The caller's roles or scopes do not allow this operation (problem).",
    "404": "No such record, or one the caller may not see (problem).",
    "409": "Conflicts with the current state or another record (problem).",
    "412": "`If-Match` names a version other than the current one (problem).",
    "413": "The request body is larger than the limit (problem).",
    "415": "The body is not in a media type this operation reads (problem).",
    "422": "The request is invalid; `errors` lists each reason (problem).",
    "429": "Too many requests; retry after `Retry-After` seconds (problem).",
    "503": "A service this operation needs is unavailable (problem).",
    "504": "The service did not answer in time (problem).",
}

_STRING = {"type": "string"}
HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-ID": {"description": "The request's id, also in every problem.", "schema": _STRING},
    "ETag": {"description": "The record's version, to send back in `If-Match`.", "schema": _STRING},
    "Location": {"description": "The URL of the record created.", "schema": _STRING},
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 0},
    },
}

REQUEST_HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-ID": {
        "name": "X-Request-ID",
        "in": "header",
        "required": False,
        "description": "A request id of the caller's, echoed in the answer and in logs when it is "
        "1–128 letters, digits or `._:-`; otherwise (or when absent) the server makes one.",
        "schema": {"type": "string"},
    },
    "Idempotency-Key": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Send the same key again to get the stored answer instead of a second write (24 h).",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    },
    "If-Match": {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "description": "The `ETag` last read; the write is refused with 412 if the record changed since.",
        "schema": {"type": "string"},
    },
    "If-None-Match": {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "The `ETag` last read; answered 304 without a body when it is still current.",
        "schema": {"type": "string"},
    },
}

_DROPPED_SCHEMAS = ("HTTPValidationError", "ValidationError")


def problem_schemas() -> dict[str, Any]:
    """The ``Problem`` schema (and the ones it refers to), as OpenAPI components."""
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions: dict[str, Any] = schema.pop("$defs", {})
    schema["example"] = {
        "type": "https://officina.dev/problems/not_found",
        "title": "Not Found",
        "status": 404,
        "detail": "no employee 0190a3c5-7b1e-7cc2-9a61-5f0b2d1e4a77",
        "code": "not_found",
        "request_id": "9f6c1d2e4b7a4c0d",
    }
    return {"Problem": schema, **definitions}


def _problem_response(status: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": PROBLEM_DESCRIPTIONS[status],
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        "headers": {"X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"}},
    }
    if status in ("429", "503"):
        response["headers"]["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
    return response


def _header_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}


def _statuses(method: str, has_path_params: bool, has_body: bool, secured: bool) -> list[str]:
    # 404: a record named in the path, or one the body or the caller's account refers to,
    # may be absent or invisible to the caller.
    statuses = ["400", "404", "422", "429", "503", "504"]
    if secured:
        statuses += ["401", "403"]
    if method in WRITE_METHODS:
        statuses.append("409")
        if _reads_if_match(method, has_path_params):
            statuses.append("412")
    if has_body:
        statuses += ["413", "415"]
    return sorted(statuses)


def _reads_if_match(method: str, has_path_params: bool) -> bool:
    """Changes to a record (PATCH, PUT, DELETE, or a POST action on one) honour If-Match."""
    return method in ("put", "patch", "delete") or (method == "post" and has_path_params)


def _add_parameter(operation: dict[str, Any], parameter: dict[str, Any]) -> None:
    parameters: list[dict[str, Any]] = operation.setdefault("parameters", [])
    wanted = parameter["name"].lower()
    if any(
        p.get("in") == "header" and str(p.get("name", "")).lower() == wanted for p in parameters
    ):
        return
    parameters.append(copy.deepcopy(parameter))


def _honest_operation(
    method: str,
    operation: dict[str, Any],
    secured_by_default: bool,
    path_level: list[Any],
    idempotency: bool,
) -> None:
    parameters = [*path_level, *operation.get("parameters", [])]
    has_path_params = any(p.get("in") == "path" for p in parameters)
    has_body = "requestBody" in operation
    secured = bool(operation.get("security", [{}] if secured_by_default else []))
    if operation.get("security") == []:
        secured = False
    responses: dict[str, Any] = operation.setdefault("responses", {})

    for status in _statuses(method, has_path_params, has_body, secured):
        existing = responses.get(status)
        if existing is None or _is_fastapi_validation(existing):
            responses[status] = _problem_response(status)
        else:  # declared by the operation itself: its content is made a problem below
            existing.setdefault("description", PROBLEM_DESCRIPTIONS[status])
    for status, response in responses.items():
        if status[0] in "45":
            # every error is a problem, also one the operation declares itself (the token
            # endpoint's 401 invalid_client, for one)
            response["content"] = {
                PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
            }
            response.setdefault("headers", {}).setdefault(
                "X-Request-ID", _header_ref("X-Request-ID")
            )
        if not status.startswith("2"):
            continue
        headers = response.setdefault("headers", {})
        headers.setdefault("X-Request-ID", _header_ref("X-Request-ID"))
        if method in ("put", "patch") or (has_path_params and method in ("get", "post")):
            headers.setdefault("ETag", _header_ref("ETag"))
        if status == "201":
            headers.setdefault("Location", _header_ref("Location"))
        if method == "post" and idempotency:
            headers.setdefault("Idempotent-Replayed", _header_ref("Idempotent-Replayed"))
    if method == "get" and has_path_params:
        responses.setdefault(
            "304",
            {
                "description": "Not modified: `If-None-Match` names the current version.",
                "headers": {"ETag": _header_ref("ETag")},
            },
        )
        _add_parameter(operation, REQUEST_HEADERS["If-None-Match"])

    operation["responses"] = dict(sorted(responses.items()))
    _add_parameter(operation, REQUEST_HEADERS["X-Request-ID"])
    if method == "post" and idempotency:
        _add_parameter(operation, REQUEST_HEADERS["Idempotency-Key"])
    if _reads_if_match(method, has_path_params):
        _add_parameter(operation, REQUEST_HEADERS["If-Match"])


def _is_fastapi_validation(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(str(schema.get("$ref", "")).endswith("/HTTPValidationError"))


def honest_openapi(
    document: dict[str, Any], *, secured_by_default: bool = False, idempotency: bool = True
) -> dict[str, Any]:
    """The document with every problem, header and status the kit answers declared.

    Idempotent: applying it to its own output changes nothing. ``secured_by_default`` says
    that operations without their own ``security`` inherit a document-level requirement;
    ``idempotency`` that POSTs honour ``Idempotency-Key`` (every service's do, through the
    kit's routes; the gateway's own account routes do not).
    """
    result = copy.deepcopy(document)
    components = result.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    for name in _DROPPED_SCHEMAS:
        schemas.pop(name, None)
    schemas.update(problem_schemas())
    headers = components.setdefault("headers", {})
    for name, header in HEADERS.items():
        headers.setdefault(name, copy.deepcopy(header))
    for item in result.get("paths", {}).values():
        path_level = item.get("parameters", [])
        for method, operation in item.items():
            if method in METHODS and isinstance(operation, dict):
                _honest_operation(method, operation, secured_by_default, path_level, idempotency)
    _declare_links(result)
    return result


_PATH_PARAMETER = re.compile(r"\{([^}]+)\}")


def _schema_of(document: dict[str, Any], schema: Any) -> dict[str, Any]:
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document.get("components", {}).get("schemas", {}).get(name)
    return schema if isinstance(schema, dict) else {}


def _declare_links(document: dict[str, Any]) -> None:
    """Links from each create to the operations on the record it made (see the module's rules)."""
    paths: dict[str, Any] = document.get("paths", {})
    for collection, item in paths.items():
        create = item.get("post") if isinstance(item, dict) else None
        created = (create or {}).get("responses", {}).get("201")
        if not isinstance(created, dict):
            continue
        body = created.get("content", {}).get("application/json", {}).get("schema")
        fields = _schema_of(document, body).get("properties", {})
        own = _PATH_PARAMETER.findall(collection)
        links: dict[str, Any] = {}
        for path, target in paths.items():
            first, _, _ = path.removeprefix(collection + "/").partition("/")
            names = _PATH_PARAMETER.findall(path)
            if (
                not path.startswith(collection + "/")
                or _PATH_PARAMETER.fullmatch(first) is None
                or names != [*own, first[1:-1]]
            ):
                continue
            # The record's key: the field named like the parameter (an account's ``code``),
            # else its ``id`` for an ``…_id`` parameter.
            key = first[1:-1]
            if key in fields:
                source = f"$response.body#/{key}"
            elif "id" in fields and (key == "id" or key.endswith("_id")):
                source = "$response.body#/id"
            else:
                continue
            for method, operation in target.items():
                if method not in METHODS or not isinstance(operation, dict):
                    continue
                if not isinstance(operation.get("operationId"), str):
                    continue
                parameters = {name: f"$request.path.{name}" for name in own}
                parameters[key] = source
                links[operation["operationId"]] = {
                    "operationId": operation["operationId"],
                    "parameters": parameters,
                    "description": f"{method.upper()} {path}: the record this call created.",
                }
        if links:
            created["links"] = dict(sorted(links.items()))


def model_examples(app: Any) -> dict[str, list[Any]]:
    """The examples of every schema an app's document holds, by component name, with nulls.

    FastAPI drops ``None`` from everything it puts in the document, examples included, so an
    example's ``"field": null`` would go missing and the example would no longer match its
    own schema. These are the definitions FastAPI builds, read before that step.
    """
    from fastapi._compat import get_definitions
    from fastapi.openapi.utils import (
        get_fields_from_routes,
        get_flat_models_from_fields,
        get_model_name_map,
    )

    fields = get_fields_from_routes(list(app.routes))
    name_map = get_model_name_map(get_flat_models_from_fields(fields, known_models=set()))
    _, definitions = get_definitions(
        fields=fields,
        model_name_map=name_map,
        separate_input_output_schemas=app.separate_input_output_schemas,
    )
    return {
        name: definition["examples"]
        for name, definition in definitions.items()
        if isinstance(definition, dict) and isinstance(definition.get("examples"), list)
    }


def restore_examples(document: dict[str, Any], examples: dict[str, list[Any]]) -> dict[str, Any]:
    """Put back the examples FastAPI shortened (see :func:`model_examples`)."""
    schemas = document.get("components", {}).get("schemas", {})
    for name, values in examples.items():
        schema = schemas.get(name)
        if isinstance(schema, dict) and "examples" in schema:
            schema["examples"] = copy.deepcopy(values)
    return document


def install_honest_openapi(app: Any) -> None:
    """Make ``app.openapi()`` (a FastAPI app's) return the honest document, built once."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if getattr(app.state, "honest_openapi", None) is None:
            generated = restore_examples(generate(), model_examples(app))
            app.state.honest_openapi = honest_openapi(generated)
        document: dict[str, Any] = app.state.honest_openapi
        return document

    app.openapi = openapi
