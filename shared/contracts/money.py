"""Exact money: decimal amounts with two places, written as strings on the wire."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, GetCoreSchemaHandler, PlainSerializer, WithJsonSchema
from pydantic_core import core_schema

CENT = Decimal("0.01")


def money(value: Any) -> Decimal:
    """Parse ``value`` as an exact amount with at most two decimal places; floats are refused."""
    if isinstance(value, (bool, float)):
        raise ValueError('money must be a decimal string such as "12500.00", not a float')
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{value!r} is not a decimal amount") from exc
    if not amount.is_finite():
        raise ValueError("money must be finite")
    try:
        cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is too large to be an amount") from exc
    if amount != cents:
        raise ValueError("money has at most two decimal places")
    return cents


Money = Annotated[
    Decimal,
    BeforeValidator(money),
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["12500.00"]}),
]


# The same amounts bounded below, with the bound in the document too (the pattern is the rule:
# a JSON Schema minimum does not apply to a string). Leading zeros are amounts like any other
# ("007.50" is 7.50), so the patterns allow them.
def money_pattern(digits: int | None = None, *, above_zero: bool) -> str:
    """The pattern of an amount above zero (or not below it), with at most ``digits`` digits
    before the point besides leading zeros (``None``: any number of them)."""
    more = r"\d*" if digits is None else rf"\d{{0,{digits - 1}}}"
    significant = rf"0*[1-9]{more}"
    if above_zero:
        return rf"^({significant}\.\d{{2}}|0+\.(0[1-9]|[1-9]\d))$"
    return rf"^({significant}|0+)\.\d{{2}}$"


NON_NEGATIVE_PATTERN = money_pattern(above_zero=False)
POSITIVE_PATTERN = money_pattern(above_zero=True)


def _bounded(bound: Any, pattern: str) -> Any:
    """Money bounded (``Field(ge=…)``, ``Field(gt=…, le=…)``), its pattern saying so."""
    return Annotated[
        Decimal,
        BeforeValidator(money),
        bound,
        PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str, when_used="json"),
        WithJsonSchema({"type": "string", "pattern": pattern, "examples": ["12500.00"]}),
    ]


NonNegativeMoney = _bounded(Field(ge=Decimal("0")), NON_NEGATIVE_PATTERN)
"""An amount of zero or more."""

PositiveMoney = _bounded(Field(gt=Decimal("0")), POSITIVE_PATTERN)
"""An amount above zero."""


@dataclass(frozen=True)
class MoneyUpTo:
    """``Annotated[Decimal, MoneyUpTo(11, above_zero=True)]``: an amount below 10**digits (so at
    most 99…9.99), above zero or not below it, its pattern saying both.

    A ``Field(le=…)`` on ``PositiveMoney`` would refuse amounts its pattern admits: a client
    generated from the document could send them and be told no.
    """

    digits: int
    above_zero: bool = False

    def __post_init__(self) -> None:
        if self.digits < 1:
            raise ValueError("an amount has at least one digit before the point")

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        largest = Decimal(10**self.digits) - CENT
        low = Decimal("0")
        bound = Field(gt=low, le=largest) if self.above_zero else Field(ge=low, le=largest)
        pattern = money_pattern(self.digits, above_zero=self.above_zero)
        return handler.generate_schema(_bounded(bound, pattern))
