"""Fields a change may leave out but may not set to null.

A PATCH body's fields are optional (``X | None = None``: left out, nothing changes), but some
cannot be cleared: an employee always has a name and an e-mail address. ``NOT_NULL`` makes the
document say so — the field's schema is ``X``, not ``X or null`` — so a client, a generated
type and schemathesis all know that ``null`` is refused (422), as the service refuses it.
"""

from typing import Any

from pydantic import Field


def _drop_null(schema: dict[str, Any]) -> None:
    branches = schema.get("anyOf")
    if isinstance(branches, list):
        kept = [branch for branch in branches if branch != {"type": "null"}]
        if len(kept) == 1:
            del schema["anyOf"]
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept
    schema.pop("default", None)


def omittable(**field: Any) -> Any:
    """``Field(default=None, …)`` for a field that may be left out but not set to null."""
    return Field(default=None, json_schema_extra=_drop_null, **field)
