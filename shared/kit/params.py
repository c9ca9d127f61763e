"""Query parameters every service declares the same way: ``me``-or-an-employee-id filters.

The document states exactly what the parser accepts (one pattern, used by both), so a client
generated from it never sends a value the server refuses, and the server refuses every value
the document does not allow (schemathesis checks both ways)."""

import re
import uuid
from typing import Any

from fastapi import Query

from shared.kit.errors import Unprocessable

_HEX = "[0-9a-fA-F]"
_UUID = (
    f"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"  # 0193…-…: hyphenated
    f"|{_HEX}{{32}}"  # the same 32 hex digits without hyphens
)
ME_OR_ID_PATTERN = f"^(me|{_UUID})$"
"""``me``, or an id as 32 hex digits, hyphenated 8-4-4-4-12 or not (either case)."""
_ME_OR_ID = re.compile(f"me|{_UUID}")
ME_OR_ID_EXAMPLES = ["me", "0193a5b2-7c1d-7e3f-8a4b-5c6d7e8f9a0b"]


def me_or_id_query(description: str = "`me` or an employee id", **extra: Any) -> Any:
    """``Query(...)`` for a ``me``-or-id filter: ``Annotated[str | None, me_or_id_query()]``."""
    return Query(
        description=f"{description} (`me`, or a UUID: hyphenated or 32 hex digits).",
        max_length=36,
        pattern=ME_OR_ID_PATTERN,
        examples=ME_OR_ID_EXAMPLES,
        **extra,
    )


def parse_me_or_id(value: str) -> uuid.UUID | None:
    """None for ``me`` (the caller decides whom that means), else the id; 422 for anything
    the pattern refuses (the declared pattern already does, before any endpoint runs)."""
    if _ME_OR_ID.fullmatch(value) is None:
        raise Unprocessable(
            f"{value!r} is neither 'me' nor an employee id", code="validation_error"
        )
    return None if value == "me" else uuid.UUID(value)
