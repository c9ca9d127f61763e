"""Exact decimals other than money (hours, scores, weights, coefficients, days), written as
strings on the wire — or as JSON integers — and described by the very rule that parses them.

``Annotated[Decimal, DecimalString(places=1, gt=0, le=10000, example="4.0")]`` is a type whose document schema is an integer
range or a string with a pattern stating the digits, places, sign and bounds; the server runs
that same pattern, so what the document allows is accepted and nothing else is (pydantic's lax
``Decimal`` also read ``"4e1"``, ``"1_0"``, ``" 4 "``, full-width digits and floats, while the
document's bare ``string`` admitted ``""``, which it refused)."""

import re
from decimal import Decimal
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema


def _at_most(limit: str, low: int = 0) -> str:
    """A regex for the digit strings as long as ``limit`` that are <= it, the first digit
    at least ``low``."""
    first, rest = int(limit[0]), limit[1:]
    tail = f"[0-9]{{{len(rest)}}}" if rest else ""
    digits = f"[{low}-{first - 1}]" if first - 1 > low else str(low)
    options = [f"{digits}{tail}"] if first > low else []
    if first >= low:
        options.append(limit[0] + (f"(?:{_at_most(rest)})" if rest else ""))
    return "|".join(options)


def _integers_up_to(bound: int) -> str:
    """A regex for 0..bound written without leading zeros."""
    text = str(bound)
    if set(text) == {"9"}:
        return f"0|[1-9][0-9]{{0,{len(text) - 1}}}"
    options = ["[0-9]"] if len(text) > 1 else []
    options += [f"[1-9][0-9]{{{n - 1}}}" for n in range(2, len(text))]
    options.append(_at_most(text, 1 if len(text) > 1 else 0))
    return "|".join(options)


def decimal_pattern(
    *,
    places: int,
    le: int | None = None,
    digits: int | None = None,
    signed: bool = False,
    nonzero: bool = False,
    fraction: str = "[0-9]",
) -> str:
    """The pattern of a decimal with at most ``places`` places whose magnitude is at most
    ``le`` (or has at most ``digits`` digits in all), negative only when ``signed``."""
    fractional = f"(?:\\.{fraction}{{1,{places}}})?"
    if le is not None:
        below = _integers_up_to(le - 1) if le > 0 else None
        magnitude = f"{le}(?:\\.0{{1,{places}}})?"
        if below:
            magnitude = f"(?:{below}){fractional}|{magnitude}"
    else:
        assert digits is not None and digits > places
        magnitude = f"(?:0|[1-9][0-9]{{0,{digits - places - 1}}}){fractional}"
    zero = "(?!-?0(?:\\.0*)?$)" if nonzero else ""
    return f"^{zero}{'-?' if signed else ''}(?:{magnitude})$"


class DecimalString:
    """``Annotated[Decimal, DecimalString(places=1, gt=0, le=10000, example="4.0")]``: bounds
    ``ge``/``gt`` 0 (not negative / positive) or ``ge=-le`` (signed), or no bounds but
    ``digits`` in all (signed)."""

    def __init__(
        self,
        *,
        places: int,
        example: str,
        le: int | None = None,
        digits: int | None = None,
        ge: int | None = None,
        gt: int | None = None,
        fraction: str = "[0-9]",
        nonzero: bool = False,
    ) -> None:
        assert ge is None or ge in (0, -(le or 0)), "a lower bound is 0 or -le"
        assert gt in (None, 0), "a strict lower bound is 0"
        signed = (ge is None and gt is None) or (ge is not None and ge < 0)
        nonzero = nonzero or gt == 0
        self.example = example
        self.pattern = decimal_pattern(
            places=places, le=le, digits=digits, signed=signed, nonzero=nonzero, fraction=fraction
        )
        self.rule = re.compile(self.pattern.removeprefix("^").removesuffix("$"))
        top = le if le is not None else 10 ** ((digits or 0) - places) - 1
        integer: dict[str, Any] = {"type": "integer", "maximum": top}
        if signed:
            integer["minimum"] = -top
        elif gt == 0:
            integer["exclusiveMinimum"] = 0
        else:
            integer["minimum"] = 0
        if nonzero and gt != 0:
            integer["not"] = {"const": 0}
        string = {"type": "string", "pattern": self.pattern, "examples": [example]}
        self.json_schema: dict[str, Any] = {"anyOf": [integer, string]}

    def parse(self, value: Any) -> Decimal:
        """A string matching the pattern, or a whole number that does; nothing else."""
        if isinstance(value, Decimal):
            return value  # a default, or a model built in code
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError(f'a decimal is a string such as "{self.example}" (or a whole number)')
        text = str(value)
        if self.rule.fullmatch(text) is None:
            raise ValueError(f"{value!r} does not match {self.pattern}")
        return Decimal(text)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(self.parse, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        if handler.mode == "validation":
            return dict(self.json_schema)
        return handler(schema)
