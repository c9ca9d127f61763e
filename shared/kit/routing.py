"""The request transaction: one session per request, committed once before the response leaves."""

import datetime as dt
import json
import re
import types
import typing
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import (
    AwareDatetime,
    BaseModel,
    FutureDate,
    FutureDatetime,
    NaiveDatetime,
    PastDate,
    PastDatetime,
    TypeAdapter,
)
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response, StreamingResponse

from shared.contracts.problem import ValidationIssue
from shared.kit import idempotency
from shared.kit.concurrency import not_modified
from shared.kit.db import INT64_MAX, INT64_MIN
from shared.kit.errors import Unprocessable
from shared.kit.outbox import PENDING_EVENTS
from shared.kit.runtime import ServiceRuntime

_SESSION = "db_session"
# Safe methods never write (a convention every router keeps), so they read outside a transaction.
_SAFE_METHODS = frozenset({"GET", "HEAD"})


def runtime_of(request: Request) -> ServiceRuntime:
    """The running service behind this request."""
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


async def get_session(request: Request) -> AsyncSession:
    """The request's session; the route commits it after the endpoint returns, or rolls it back."""
    session: AsyncSession | None = getattr(request.state, _SESSION, None)
    if session is None:
        runtime = runtime_of(request)
        reader = runtime.read_sessionmaker if request.method in _SAFE_METHODS else None
        session = (reader or runtime.sessionmaker)()
        setattr(request.state, _SESSION, session)
    return session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


@dataclass(frozen=True)
class InputRules:
    """What a route accepts beyond its own validation, worked out once from its parameters."""

    query_names: frozenset[str]
    int_params: frozenset[str]  # path and query parameters typed int (bounded to 64 bits)
    date_params: frozenset[str] = frozenset()  # typed date: YYYY-MM-DD only
    datetime_params: frozenset[str] = frozenset()  # typed datetime: RFC 3339 only


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _walk(sub)


def _is_int(annotation: Any) -> bool:
    if annotation is int:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(arg is int for arg in typing.get_args(annotation))
    return False


_DATETIMES = (AwareDatetime, NaiveDatetime, PastDatetime, FutureDatetime)
_DATES = (PastDate, FutureDate)


def temporal_kind(annotation: Any) -> str | None:
    """``"datetime"`` or ``"date"`` when a parameter is typed so (optional, annotated, a list
    of them or pydantic's constrained kinds included), else None."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return temporal_kind(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, tuple, set, frozenset):
        kinds = {temporal_kind(arg) for arg in typing.get_args(annotation)} - {None}
        return "datetime" if "datetime" in kinds else next(iter(kinds), None)
    if annotation in _DATETIMES or (
        isinstance(annotation, type) and issubclass(annotation, dt.datetime)
    ):
        return "datetime"
    if annotation in _DATES or (isinstance(annotation, type) and issubclass(annotation, dt.date)):
        return "date"
    return None


def input_rules(dependant: Dependant) -> InputRules:
    """The query names a route declares (so others can be refused), its integer parameters and
    its date and datetime parameters."""
    names: set[str] = set()
    ints: set[str] = set()
    kinds: dict[str, set[str]] = {"date": set(), "datetime": set()}
    for node in _walk(dependant):
        for field in node.query_params:
            annotation = field.field_info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                for name, sub in annotation.model_fields.items():
                    names.add(sub.alias or name)
                    if kind := temporal_kind(sub.annotation):
                        kinds[kind].add(sub.alias or name)
                continue
            names.add(field.alias)
            if _is_int(annotation):
                ints.add(field.alias)
            if kind := temporal_kind(annotation):
                kinds[kind].add(field.alias)
        for field in node.path_params:
            if _is_int(field.field_info.annotation):
                ints.add(field.alias)
            if kind := temporal_kind(field.field_info.annotation):
                kinds[kind].add(field.alias)
    return InputRules(
        frozenset(names), frozenset(ints), frozenset(kinds["date"]), frozenset(kinds["datetime"])
    )


# What the document's `format: date` and `format: date-time` (RFC 3339) admit. Pydantic's lax
# mode reads more (``0`` as 1970-01-01, a Unix time, ``2026-11-25 08:00``): a parameter written
# otherwise is refused before it gets there. The calendar itself (2026-02-30) pydantic checks.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _check_temporal(where: str, name: str, raw: str, rules: InputRules) -> None:
    if name in rules.date_params and not _ISO_DATE.fullmatch(raw):
        wanted, kind = "a date written YYYY-MM-DD", "date_parsing"
    elif name in rules.datetime_params and not _RFC3339.fullmatch(raw):
        wanted, kind = "an RFC 3339 date-time (2026-11-25T08:00:00Z)", "datetime_parsing"
    else:
        return
    raise Unprocessable(
        f"{name} must be {wanted}",
        code="validation_error",
        errors=[ValidationIssue(loc=[where, name], msg=f"Input should be {wanted}", type=kind)],
    )


_NUL_MESSAGE = "NUL characters (U+0000) are not allowed"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _nul_issue(loc: list[str | int]) -> Unprocessable:
    return Unprocessable(
        f"{_NUL_MESSAGE}: {'.'.join(str(part) for part in loc)}",
        code="nul_character",
        errors=[ValidationIssue(loc=loc, msg=_NUL_MESSAGE, type="nul_character")],
    )


def _find_nul(value: Any, loc: list[str | int]) -> list[str | int] | None:
    if isinstance(value, str):
        return loc if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                return [*loc, key]
            found = _find_nul(item, [*loc, key])
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _find_nul(item, [*loc, index])
            if found is not None:
                return found
    return None


# A body's value of a JSON type other than its schema's, which pydantic's lax mode would still
# read: ``0`` or ``"yes"`` for a boolean, ``"5"`` or ``5.5`` for an integer, a number for a
# string (money is ``"12500.00"``, not ``12500``), a number (a Unix time) or another spelling
# for a date or a date-time. The document says what each field is;
# a body is held to it (issue 11: schema-invalid input is refused, not coerced).
_BODY_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BODY_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
    r"([Zz]|[+-][0-9]{2}:?[0-9]{2})?"
)
_JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    # JSON Schema's integer is any number without a fraction: 5.0 is one, as schemathesis
    # (and JSON) would have it; pydantic reads it as 5.
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


class BodyShape:
    """The JSON types a route's body must have where pydantic would coerce (booleans, integers,
    dates and date-times), worked out from its JSON Schema on the route's first request."""

    def __init__(self, annotation: Any) -> None:
        schema = TypeAdapter(annotation).json_schema(mode="validation")
        self.defs: dict[str, Any] = schema.pop("$defs", {})
        self.root = schema

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.defs.get(schema["$ref"].rsplit("/", 1)[-1], {})
        return schema

    def _fits_type(self, value: Any, schema: dict[str, Any]) -> bool:
        kind = self._resolve(schema).get("type")
        return not isinstance(kind, str) or _JSON_TYPES.get(kind, lambda _: True)(value)

    def issue(self, value: Any, schema: dict[str, Any], loc: list[str | int]) -> str | None:
        """Where ``value`` breaks a typed leaf of ``schema``: a wanted-type message, or None."""
        schema = self._resolve(schema)
        branches = schema.get("anyOf") or schema.get("oneOf")
        if branches:
            candidates = [b for b in branches if self._fits_type(value, b)]
            if not candidates:
                # No branch takes a value of this JSON type (0 for a string-or-null): refused,
                # unless a branch leaves the type open.
                if all(isinstance(self._resolve(b).get("type"), str) for b in branches):
                    return "a value of a type the document gives"
                return None
            found = None
            for branch in candidates:
                found = self.issue(value, branch, loc)
                if found is None:
                    return None
            return found
        kind = schema.get("type")
        if value is None and isinstance(kind, str) and kind != "null":
            # A field the document does not let be null (one a change cannot clear): refused
            # here, before the route looks at If-Match or anything else.
            return f"a JSON {kind}, not null"
        if kind == "boolean" and not isinstance(value, bool):
            return "a JSON boolean (true or false)"
        if kind == "integer" and not _JSON_TYPES["integer"](value):
            return "a JSON integer"
        if kind == "string" and not isinstance(value, str):
            # Money and decimals are strings on the wire: 12500 is not "12500.00".
            return "a JSON string"
        if kind == "string" and schema.get("format") in ("date", "date-time"):
            if schema["format"] == "date":
                if not (isinstance(value, str) and _BODY_DATE.fullmatch(value)):
                    return "a date written YYYY-MM-DD"
            elif not (isinstance(value, str) and _BODY_DATETIME.fullmatch(value)):
                return "an RFC 3339 date-time (2026-11-25T08:00:00Z)"
        if kind == "object" and isinstance(value, dict):
            properties = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            for key, item in value.items():
                sub = properties.get(key, extra if isinstance(extra, dict) else None)
                if sub is not None:
                    found = self.issue(item, sub, [*loc, key])
                    if found is not None:
                        return found
        if kind == "array" and isinstance(value, list) and isinstance(schema.get("items"), dict):
            for index, item in enumerate(value):
                found = self.issue(item, schema["items"], [*loc, index])
                if found is not None:
                    return found
        return None

    def check(self, body: Any) -> None:
        """422 ``validation_error`` naming the first field whose JSON type is not the schema's."""
        where: list[list[str | int]] = []
        found = self._check(body, self.root, ["body"], where)
        if found is not None:
            loc = where[0]
            raise Unprocessable(
                f"{'.'.join(str(part) for part in loc[1:]) or 'the body'} must be {found}",
                code="validation_error",
                errors=[ValidationIssue(loc=loc, msg=f"Input should be {found}", type="json_type")],
            )

    def _check(
        self, value: Any, schema: dict[str, Any], loc: list[str | int], where: list[list[str | int]]
    ) -> str | None:
        """``issue`` that also reports the location of what it found."""
        schema = self._resolve(schema)
        kind = schema.get("type")
        if kind == "object" and isinstance(value, dict) and not schema.get("anyOf"):
            properties = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            for key, item in value.items():
                sub = properties.get(key, extra if isinstance(extra, dict) else None)
                if sub is not None:
                    found = self._check(item, sub, [*loc, key], where)
                    if found is not None:
                        return found
            return None
        if kind == "array" and isinstance(value, list) and isinstance(schema.get("items"), dict):
            for index, item in enumerate(value):
                found = self._check(item, schema["items"], [*loc, index], where)
                if found is not None:
                    return found
            return None
        found = self.issue(value, schema, loc)
        if found is not None:
            where.append(loc)
        return found


_SHAPES: dict[Any, BodyShape] = {}


def shape_of(annotation: Any) -> BodyShape:
    """The shape of a body type, worked out once per process (every app built from the same
    models — a test suite builds hundreds — shares it)."""
    try:
        return _SHAPES[annotation]
    except KeyError:
        shape = _SHAPES[annotation] = BodyShape(annotation)
        return shape
    except TypeError:  # an unhashable annotation: work it out each time
        return BodyShape(annotation)


async def check_input(
    request: Request, rules: InputRules, body_shape: Callable[[], BodyShape | None] | None = None
) -> None:
    """Refuse, with 422, what no endpoint should see: NUL characters anywhere (path, query,
    JSON or form body), query parameters the operation does not declare, integers past
    64 bits, and dates or datetimes written other than ISO 8601 / RFC 3339 (``?date=0``).
    Run before the endpoint, for every operation of every service."""
    scope = request.scope
    if "\x00" in scope["path"]:
        raise _nul_issue(["path"])
    query = scope.get("query_string", b"")
    if query:
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        unknown = sorted({name for name, _ in pairs if name not in rules.query_names})
        if unknown:
            raise Unprocessable(
                f"unknown query parameter(s): {', '.join(unknown)}",
                code="unknown_parameter",
                errors=[
                    ValidationIssue(
                        loc=["query", name], msg="unknown parameter", type="unknown_parameter"
                    )
                    for name in unknown
                ],
                parameters=unknown,
            )
        if b"%00" in query or b"\x00" in query:
            for name, value in pairs:
                if "\x00" in name or "\x00" in value:
                    raise _nul_issue(["query", name])
        for name, value in pairs:
            if name in rules.int_params:
                _check_int("query", name, value)
            _check_temporal("query", name, value, rules)
    for name in rules.int_params:
        raw = request.path_params.get(name)
        if isinstance(raw, str):
            _check_int("path", name, raw)
    for name in rules.date_params | rules.datetime_params:
        raw = request.path_params.get(name)
        if isinstance(raw, str):
            _check_temporal("path", name, raw, rules)
    if request.method in _BODY_METHODS:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json") or content_type.endswith("+json"):
            body = await request.body()
            if b"\\u0000" in body:
                try:
                    parsed = json.loads(body)
                except ValueError:
                    return  # FastAPI answers 400 malformed_request
                found = _find_nul(parsed, ["body"])
                if found is not None:
                    raise _nul_issue(found)
            shape = body_shape() if body_shape is not None and body else None
            if shape is not None:
                try:
                    parsed = await request.json()  # kept: FastAPI reads this very parse
                except ValueError:
                    return  # FastAPI answers 400 malformed_request
                shape.check(parsed)
        elif content_type.startswith("application/x-www-form-urlencoded"):
            body = await request.body()
            if b"%00" in body or b"\x00" in body:
                for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
                    if "\x00" in name or "\x00" in value:
                        raise _nul_issue(["body", name])
        elif content_type.startswith("multipart/form-data"):
            # Read (and keep) the raw body first: the form is then parsed from it, and the
            # Idempotency-Key fingerprint can still read it afterwards.
            await request.body()
            form = await request.form()
            for name, value in form.multi_items():
                if isinstance(value, str) and ("\x00" in value or "\x00" in name):
                    raise _nul_issue(["body", name])


def _check_int(where: str, name: str, raw: str) -> None:
    try:
        value = int(raw.strip())
    except ValueError:
        return  # not an integer at all: the operation's own validation says so
    if not INT64_MIN <= value <= INT64_MAX:
        raise Unprocessable(
            f"{name} is out of range ({INT64_MIN} to {INT64_MAX})",
            code="validation_error",
            errors=[
                ValidationIssue(
                    loc=[where, name],
                    msg=f"Input should be between {INT64_MIN} and {INT64_MAX}",
                    type="less_than_equal" if value > 0 else "greater_than_equal",
                )
            ],
        )


class TransactionalRoute(APIRoute):
    """Runs the endpoint, then commits its session before answering; any error rolls it back.

    The same wrapper applies ``Idempotency-Key``: the key is claimed before the endpoint runs
    and the stored answer is written in the endpoint's own transaction, so a crash can never
    leave a change without its answer or an answer without its change.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint_handler = super().get_route_handler()
        rules = input_rules(self.dependant)
        body_annotation = self.body_field.field_info.annotation if self.body_field else None
        shapes: list[BodyShape | None] = []

        def body_shape() -> BodyShape | None:
            """The body's shape, worked out on the first request that sends one."""
            if not shapes:
                shapes.append(shape_of(body_annotation) if body_annotation is not None else None)
            return shapes[0]

        async def handler(request: Request) -> Response:
            await check_input(request, rules, body_shape)
            runtime = runtime_of(request)
            owned: idempotency.Claim | None = None
            key = request.headers.get(idempotency.HEADER)
            if request.method == "POST" and key is not None:
                claimed = await idempotency.claim(runtime, request, key)
                if isinstance(claimed, Response):
                    return claimed
                owned = claimed
            session: AsyncSession | None = None
            try:
                response = await endpoint_handler(request)
                session = getattr(request.state, _SESSION, None)
                if owned is not None:
                    if response.status_code >= 500 or isinstance(response, StreamingResponse):
                        raise _DoNotStore(response)
                    if session is None:
                        session = await get_session(request)
                    await idempotency.complete(session, runtime, owned, response)
                if session is not None and _needs_commit(session, request, owned is not None):
                    await runtime.commit(session)
                # Only now is the answer stored: a failed commit must still release the key.
                owned = None
                if request.method in _SAFE_METHODS:
                    return not_modified(request, response) or response
                return response
            except _DoNotStore as unstored:
                if session is not None:
                    await runtime.commit(session)
                return unstored.response
            except BaseException:
                session = getattr(request.state, _SESSION, None)
                if session is not None:
                    await session.rollback()
                raise
            finally:
                session = getattr(request.state, _SESSION, None)
                if session is not None:
                    await session.close()
                    setattr(request.state, _SESSION, None)
                if owned is not None:
                    await idempotency.release(runtime, owned)

        return handler


def _needs_commit(session: AsyncSession, request: Request, storing: bool) -> bool:
    """Whether the request's session has anything to commit.

    A GET or HEAD reads on an autocommit connection: unless it left objects to flush or
    recorded an event, closing the session is all that is needed, and saves a commit per read.
    """
    if storing or request.method not in _SAFE_METHODS:
        return True
    # A read that recorded an event still commits, which also wakes the publisher.
    return bool(session.new or session.dirty or session.deleted or session.info.get(PENDING_EVENTS))


class _DoNotStore(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def service_router(**kwargs: Any) -> APIRouter:
    """An APIRouter whose routes run in the request transaction."""
    return APIRouter(route_class=TransactionalRoute, **kwargs)
