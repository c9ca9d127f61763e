"""The envelope of every list response."""

from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One keyset page: ``next_cursor`` is null on the last page."""

    items: list[T]
    next_cursor: str | None = None
    total: int | None = None
