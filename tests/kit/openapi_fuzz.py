"""Hostile input for every operation of a service's OpenAPI document, as a Hypothesis strategy.

Each example is one request to one operation: integers past what any column holds and strings
with control characters (NUL among them) in its path and query parameters and in the fields
of its JSON body. The property: the service answers with a problem, never a 500; and a request
carrying a NUL anywhere is refused with a 4xx.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
from hypothesis import strategies as st

BAD_INTS = [2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 10**30]
CONTROL = ["\x00", "a\x00b", "\x01\x02", "\x1f", "\x7f", "\u2028", "\x00\x00\x00", "\t\r\n"]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    parameters: tuple[dict[str, Any], ...]
    body: dict[str, Any] | None  # the resolved JSON schema of the body, if any


@dataclass
class Case:
    operation: Operation
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    json: Any = None
    has_nul: bool = False

    def describe(self) -> str:
        return f"{self.operation.method} {self.path} query={self.query!r} json={self.json!r}"


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def operations(document: dict[str, Any]) -> list[Operation]:
    """Every operation of the document, with its parameters and resolved JSON body schema."""
    found = []
    for path, item in sorted(document["paths"].items()):
        for method, operation in sorted(item.items()):
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            body = None
            content = (operation.get("requestBody") or {}).get("content", {})
            if "application/json" in content:
                body = _resolve(content["application/json"]["schema"], document)
            found.append(
                Operation(method.upper(), path, tuple(operation.get("parameters", [])), body)
            )
    return found


def _is_integer(schema: dict[str, Any]) -> bool:
    if schema.get("type") == "integer":
        return True
    return any(option.get("type") == "integer" for option in schema.get("anyOf", []))


@st.composite
def hostile_value(draw: st.DrawFn, schema: dict[str, Any]) -> Any:
    """A value for a field of ``schema``: an integer past 64 or 32 bits, or a string with
    control characters; sometimes a valid-looking id so that the request reaches deeper."""
    options: list[Any] = [*CONTROL]
    if _is_integer(schema):
        options = [*BAD_INTS, *BAD_INTS, *CONTROL]
    value = draw(st.sampled_from(options))
    if isinstance(value, str) and draw(st.booleans()):
        value = draw(st.text(max_size=5)) + value + draw(st.text(max_size=5))
    return value


@st.composite
def hostile_case(draw: st.DrawFn, ops: list[Operation]) -> Case:
    operation = draw(st.sampled_from(ops))
    path = operation.path
    case = Case(operation, path)
    for parameter in operation.parameters:
        schema = parameter.get("schema", {})
        where = parameter["in"]
        if where == "path":
            if draw(st.booleans()):
                value: Any = str(uuid.uuid4()) if not _is_integer(schema) else 1
            else:
                value = draw(hostile_value(schema))
            text = str(value)
            case.has_nul |= "\x00" in text
            path = path.replace("{" + parameter["name"] + "}", quote(text, safe=""))
        elif where == "query" and draw(st.booleans()):
            text = str(draw(hostile_value(schema)))
            case.has_nul |= "\x00" in text
            case.query.append((parameter["name"], text))
    case.path = path
    if operation.body is not None:
        properties = operation.body.get("properties", {})
        body: dict[str, Any] = {}
        for name, schema in properties.items():
            if draw(st.booleans()):
                body[name] = draw(hostile_value(schema))
        if operation.body.get("type") == "array":
            case.json = [body]
        else:
            case.json = body
        case.has_nul |= any(isinstance(v, str) and "\x00" in v for v in body.values())
    return case


async def send(client: httpx.AsyncClient, case: Case, headers: dict[str, str]) -> httpx.Response:
    """Send one hostile request (query string built by hand so NULs go out percent-encoded)."""
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in case.query)
    url = case.path + (f"?{query}" if query else "")
    kwargs: dict[str, Any] = {"headers": headers}
    if case.json is not None:
        kwargs["json"] = case.json
    return await client.request(case.operation.method, url, **kwargs)


def check(case: Case, response: httpx.Response) -> None:
    """Never a 500; a NUL anywhere is a 4xx; every error is a problem."""
    assert response.status_code < 500, f"{case.describe()} → {response.status_code} {response.text}"
    if case.has_nul:
        assert 400 <= response.status_code < 500, (
            f"{case.describe()} → {response.status_code} {response.text}"
        )
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json"), (
            case.describe()
        )
