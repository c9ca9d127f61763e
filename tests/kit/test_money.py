"""Money on the wire: exact decimal strings with two places, never floats."""

import re
from decimal import Decimal
from typing import Annotated

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from shared.contracts.money import (
    NON_NEGATIVE_PATTERN,
    POSITIVE_PATTERN,
    Money,
    MoneyUpTo,
    NonNegativeMoney,
    PositiveMoney,
    money,
)
from tests.kit.conftest import NOTES, NotesService
from tests.problems import assert_problem


class Invoice(BaseModel):
    total: Money


@pytest.mark.parametrize(
    ("given", "amount"),
    [
        ("12500.00", Decimal("12500.00")),
        ("12500", Decimal("12500.00")),
        ("0.5", Decimal("0.50")),
        (" -3.10 ", Decimal("-3.10")),
        (7, Decimal("7.00")),
        (Decimal("1.20"), Decimal("1.20")),
    ],
)
def test_exact_amounts_are_accepted_with_two_places(given: object, amount: Decimal) -> None:
    parsed = money(given)

    assert parsed == amount
    assert parsed.as_tuple().exponent == -2


@pytest.mark.parametrize("given", [12500.0, 0.1, True])
def test_floats_are_refused(given: object) -> None:
    with pytest.raises(ValueError, match="not a float"):
        money(given)


@pytest.mark.parametrize("given", ["1.005", "12500.001", "0.125"])
def test_more_than_two_decimal_places_are_refused(given: str) -> None:
    with pytest.raises(ValueError, match="two decimal places"):
        money(given)


@pytest.mark.parametrize("given", ["", "twelve", "NaN", "Infinity", "1,50"])
def test_non_amounts_are_refused(given: str) -> None:
    with pytest.raises(ValueError):
        money(given)


def test_amounts_are_written_as_strings_with_two_places() -> None:
    assert Invoice(total="12500").model_dump_json() == '{"total":"12500.00"}'
    assert Invoice(total="0.10").model_dump(mode="json") == {"total": "0.10"}
    assert TypeAdapter(Money).dump_json(Decimal("3")) == b'"3.00"'
    assert Invoice.model_json_schema()["properties"]["total"]["type"] == "string"


def test_model_refuses_a_float_amount() -> None:
    with pytest.raises(ValidationError):
        Invoice(total=12.5)


async def test_api_takes_and_returns_money_as_two_place_strings(notes: NotesService) -> None:
    created = await notes.client.post(
        NOTES, json={"title": "Budget", "amount": "12500"}, headers=notes.employee()
    )

    assert created.status_code == 201
    assert created.json()["amount"] == "12500.00"
    read = await notes.client.get(f"{NOTES}/{created.json()['id']}", headers=notes.employee())
    assert read.json()["amount"] == "12500.00"


@pytest.mark.parametrize("amount", [12.5, "12.345"])
async def test_api_refuses_float_or_sub_cent_amounts(notes: NotesService, amount: object) -> None:
    response = await notes.client.post(
        NOTES, json={"title": "Budget", "amount": amount}, headers=notes.employee()
    )

    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["loc"] == ["body", "amount"]


@pytest.mark.parametrize("amount", ["1e30", "123456789012345678901234567890"])
async def test_api_refuses_an_absurdly_large_amount_as_invalid(
    notes: NotesService, amount: str
) -> None:
    response = await notes.client.post(
        NOTES, json={"title": "Budget", "amount": amount}, headers=notes.employee()
    )

    assert_problem(response, 422, "validation_error")


@given(
    st.decimals(min_value=-100, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
)
def test_money_bounded_below_is_what_its_pattern_says(amount: Decimal) -> None:
    """The document's pattern for PositiveMoney / NonNegativeMoney admits exactly the amounts
    the parser takes (a JSON Schema minimum would not apply to a string)."""
    written = f"{amount:.2f}"
    for kind, pattern, holds in (
        (PositiveMoney, POSITIVE_PATTERN, amount > 0),
        (NonNegativeMoney, NON_NEGATIVE_PATTERN, amount >= 0),
    ):
        assert bool(re.fullmatch(pattern, written)) is holds, (kind, written)
        adapter: TypeAdapter[Decimal] = TypeAdapter(kind)
        if holds:
            assert adapter.validate_python(written) == amount
        else:
            with pytest.raises(ValidationError):
                adapter.validate_python(written)
        assert adapter.json_schema()["pattern"] == pattern


def test_zero_is_not_a_positive_amount_but_a_cent_is() -> None:
    adapter: TypeAdapter[Decimal] = TypeAdapter(PositiveMoney)
    with pytest.raises(ValidationError):
        adapter.validate_python("0.00")
    assert adapter.validate_python("0.01") == Decimal("0.01")


@given(
    st.decimals(min_value=-10, max_value=10**4, places=2, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=3),
    st.booleans(),
)
def test_money_bounded_above_is_what_its_pattern_says(
    amount: Decimal, zeros: int, above_zero: bool
) -> None:
    """An amount of at most three digits before the point: its pattern and its parser agree on
    every amount, written plainly or with leading zeros (which the parser reads as any other)."""
    adapter: TypeAdapter[Decimal] = TypeAdapter(
        Annotated[Decimal, MoneyUpTo(3, above_zero=above_zero)]
    )
    pattern = adapter.json_schema()["pattern"]
    written = "0" * zeros + f"{amount:.2f}" if amount >= 0 else f"{amount:.2f}"
    low = amount > 0 if above_zero else amount >= 0
    holds = low and amount <= Decimal("999.99")

    assert bool(re.fullmatch(pattern, written)) is holds, written
    if holds:
        assert adapter.validate_python(written) == amount
    else:
        with pytest.raises(ValidationError):
            adapter.validate_python(written)


@pytest.mark.parametrize("above_zero", [True, False])
def test_the_largest_bounded_amount_is_taken_and_a_cent_more_is_not(above_zero: bool) -> None:
    adapter: TypeAdapter[Decimal] = TypeAdapter(
        Annotated[Decimal, MoneyUpTo(11, above_zero=above_zero)]
    )
    pattern = adapter.json_schema()["pattern"]
    assert adapter.validate_python("99999999999.99") == Decimal("99999999999.99")
    assert re.fullmatch(pattern, "099999999999.99")
    with pytest.raises(ValidationError):
        adapter.validate_python("100000000000.00")
    assert not re.fullmatch(pattern, "100000000000.00")
    assert bool(re.fullmatch(pattern, "0.00")) is not above_zero
