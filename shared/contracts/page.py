"""The envelope of every list response."""

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

T = TypeVar("T")

EXAMPLE_CURSOR = "eyJrIjpbIjIwMjYtMTEtMjBUMDg6MDA6MDBaIl0sImYiOiI5YzFlIn0"


class Page(BaseModel, Generic[T]):
    """One keyset page: ``next_cursor`` is null on the last page."""

    items: list[T]
    next_cursor: str | None = None
    total: int | None = None

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """A page's example is one item's example with a cursor to the next page."""
        result = handler(schema)
        item_examples = _item_examples(cls)
        if item_examples:
            target = handler.resolve_ref_schema(result)
            target["examples"] = [
                {"items": item_examples[:1], "next_cursor": EXAMPLE_CURSOR, "total": None}
            ]
        return result


def _item_examples(cls: type[BaseModel]) -> list[Any]:
    args = cls.__pydantic_generic_metadata__.get("args", ())
    if len(args) != 1 or not isinstance(args[0], type) or not issubclass(args[0], BaseModel):
        return []
    extra = args[0].model_config.get("json_schema_extra")
    examples = extra.get("examples") if isinstance(extra, dict) else None
    return list(examples) if isinstance(examples, list) else []
