"""Keyset pagination: ``limit``, an opaque ``cursor``, ``sort`` and ``with_total``, the same everywhere."""

import base64
import binascii
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy import ColumnElement, Select, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.page import Page
from shared.kit.errors import BadRequest, Unprocessable

T = TypeVar("T")
MAX_LIMIT = 200
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class PageParams:
    """The list parameters of a request."""

    limit: int = DEFAULT_LIMIT
    cursor: str | None = None
    sort: str | None = None
    with_total: bool = False
    # The request's filters (its other query parameters), which a cursor is bound to.
    filters: str = ""
    # The fields the route declared sortable (``sorted_by``), checked against ``paginate``'s.
    sort_fields: tuple[str, ...] | None = None


# Parameters that move through a list without changing which items are in it.
_NOT_FILTERS = frozenset({"cursor", "limit", "with_total", "sort"})


def filters_of(request: Request) -> str:
    """A short digest of the filters of a list request: every query parameter but the
    paging ones, order-insensitive."""
    items = sorted((k, v) for k, v in request.query_params.multi_items() if k not in _NOT_FILTERS)
    if not items:
        return ""
    return hashlib.blake2b(json.dumps(items).encode(), digest_size=8).hexdigest()


def _list_parameters(
    sort_type: Any, sort_description: str, sort_fields: tuple[str, ...] | None
) -> Callable[..., PageParams]:
    """The dependency that reads a list's parameters, ``sort`` typed as ``sort_type``."""

    def list_parameters(
        request: Request,
        limit: Annotated[
            int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1-200).")
        ] = DEFAULT_LIMIT,
        cursor: Annotated[
            str | None, Query(description="Opaque cursor from the previous page.")
        ] = None,
        sort: Annotated[sort_type | None, Query(description=sort_description)] = None,
        with_total: Annotated[bool, Query(description="Also count every matching item.")] = False,
    ) -> PageParams:
        return PageParams(
            limit=limit,
            cursor=cursor,
            sort=sort,
            with_total=with_total,
            filters=filters_of(request),
            sort_fields=sort_fields,
        )

    return list_parameters


page_params = _list_parameters(str, "`field` or `-field` (descending).", None)
"""Read and bound the list parameters (``sort`` any string, checked by ``paginate``)."""

PageParamsDep = Annotated[PageParams, Depends(page_params)]


def sorted_by(*fields: str) -> Any:
    """The list parameters of a list that sorts by ``fields``, as a dependency:
    ``params: Annotated[PageParams, sorted_by("created_at", "name")]``.

    ``sort`` is declared as the enum of those fields, each ascending or descending
    (``name``, ``-name``), so the document says what the list sorts by and a client (or
    schemathesis) cannot send a field it does not; ``paginate`` checks that the route's
    ``sortable`` columns are exactly these fields."""
    if not fields:
        raise ValueError("a sorted list names at least one field")
    choices = tuple(option for name in fields for option in (name, f"-{name}"))
    return Depends(
        _list_parameters(
            Literal[choices], "A sortable field, or `-field` for descending.", tuple(fields)
        )
    )


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value


def _decode_value(value: Any, column: ColumnElement[Any]) -> Any:
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return value
    if value is None or isinstance(value, python_type):
        return value
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    return python_type(value)


def encode_cursor(sort_key: str, value: Any, last_id: Any, filters: str = "") -> str:
    """An opaque cursor naming where the next page starts, bound to the sort order and the
    filters (``filters_of``) it was made under."""
    raw = json.dumps([sort_key, _encode_value(value), str(last_id), filters], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, Any, str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        sort_key, value, last_id, filters = json.loads(raw)
        return str(sort_key), value, str(last_id), str(filters)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise BadRequest("the cursor is not one this API issued", code="invalid_cursor") from exc


async def paginate(
    session: AsyncSession,
    query: Select[Any],
    params: PageParams,
    *,
    sortable: Mapping[str, Any],
    id_column: Any,
    default_sort: str,
    to_item: Callable[[Any], T],
    scalars: bool = True,
) -> Page[T]:
    """Run ``query`` one keyset page at a time; sortable columns must never be null."""
    if params.sort_fields is not None and set(params.sort_fields) != set(sortable):
        raise RuntimeError(
            f"the route declares sorting by {sorted(params.sort_fields)} but sorts by "
            f"{sorted(sortable)}"
        )
    sort = params.sort or default_sort
    field = sort.removeprefix("-")
    descending = sort.startswith("-")
    column = sortable.get(field)
    if column is None:
        raise Unprocessable(
            f"cannot sort by {field!r}; sortable fields: {', '.join(sorted(sortable))}",
            code="invalid_sort",
        )
    total = None
    if params.with_total:
        total = (
            await session.execute(select(func.count()).select_from(query.order_by(None).subquery()))
        ).scalar_one()

    keyset = query
    if params.cursor:
        cursor_sort, raw_value, raw_id, cursor_filters = _decode_cursor(params.cursor)
        if cursor_sort != sort or cursor_filters != params.filters:
            raise BadRequest(
                "the cursor was made under another sort order or other filters; "
                "send the same filters and sort as for the first page",
                code="cursor_mismatch",
            )
        try:
            value = _decode_value(raw_value, column)
            last_id = _decode_value(raw_id, id_column)
        except (ValueError, TypeError) as exc:
            raise BadRequest(
                "the cursor is not one this API issued", code="invalid_cursor"
            ) from exc
        if field == "id" or column is id_column:
            keyset = keyset.where(id_column < last_id if descending else id_column > last_id)
        else:
            # A row-value comparison, so the (column, id) index serves page 1,000 like page 1.
            after = tuple_(column, id_column)
            bound = tuple_(literal(value, column.type), literal(last_id, id_column.type))
            keyset = keyset.where(after < bound if descending else after > bound)
    order: tuple[Any, ...] = (
        (column.desc(), id_column.desc()) if descending else (column.asc(), id_column.asc())
    )
    if column is id_column:
        order = order[:1]
    keyset = keyset.order_by(*order).limit(params.limit + 1)

    result = await session.execute(keyset)
    rows: Sequence[Any] = result.scalars().all() if scalars else result.all()
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor(
            sort, _value_of(last, column), _value_of(last, id_column), params.filters
        )
    return Page[Any](items=[to_item(row) for row in rows], next_cursor=next_cursor, total=total)


def _value_of(row: Any, column: ColumnElement[Any]) -> Any:
    key = getattr(column, "key", None) or getattr(column, "name", None)
    if key is None:
        raise ValueError("sortable columns must be named columns")
    if hasattr(row, key):
        return getattr(row, key)
    return row._mapping[column]


def page_response(page: Page[bytes]) -> Response:
    """A page whose items are already JSON (``to_item`` returned bytes), as one JSON answer.

    Serializing each item straight to bytes with pydantic and joining them skips building a
    dict per item and encoding them all again; the envelope is the same as ``Page``'s.
    """
    cursor = json.dumps(page.next_cursor).encode()
    total = b"null" if page.total is None else str(page.total).encode()
    return Response(
        b'{"items":[%s],"next_cursor":%s,"total":%s}' % (b",".join(page.items), cursor, total),
        media_type="application/json",
    )
