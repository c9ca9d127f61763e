"""Decimals other than money: the pattern the document states is the rule the server runs
(schemathesis: ``"hours": ""`` was schema-valid — a bare string — yet refused)."""

import re
from decimal import Decimal
from typing import Annotated, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import TypeAdapter, ValidationError

from shared.contracts.decimals import DecimalString

KINDS = {
    "hours": DecimalString(places=1, gt=0, le=10000, example="4.0"),
    "min_score": DecimalString(places=2, ge=0, le=120, example="85.00"),
    "coefficient": DecimalString(places=2, ge=0, le=5, example="1.20"),
    "value": DecimalString(places=2, ge=-1000, le=1000, example="4"),
    "score": DecimalString(places=2, digits=6, example="88.00"),
    "delta": DecimalString(places=1, digits=5, fraction="[05]", nonzero=True, example="0.5"),
}
ACCEPTED = {
    "hours": ["4", "4.0", "0.1", "9999.9", "10000", "10000.0", 1, 10000],
    "min_score": ["0", "0.00", "85.5", "119.99", "120", "120.00", 0, 120],
    "coefficient": ["0", "1.2", "4.99", "5.00", 5],
    "value": ["-1000", "-999.99", "0", "4", "1000.00", -1000, 1000],
    "score": ["-9999.99", "88.00", "0", 9999],
    "delta": ["0.5", "-0.5", "3", "-2.0", "9999.5", 1, -3],
}
REFUSED = {
    "hours": [
        "",
        "0",
        "0.0",
        "-1",
        "10000.1",
        "10001",
        "4.05",
        "04.0",
        " 4",
        "4e1",
        "1_0",
        "+4",
        ".5",
        "5.",
        "\uff14",
        0,
        10001,
        4.5,
        True,
        None,
    ],
    "min_score": ["", "-0.01", "120.01", "121", "1.234", 121, -1, 85.5],
    "coefficient": ["", "5.01", "6", "1.234", 6],
    "value": ["", "-1000.01", "1001", "--1", 1001],
    "score": ["", "10000", "1.234", 10000],
    "delta": ["", "0", "-0", "0.0", "0.3", "1.25", "10000", 0, 0.5],
}


def _json_valid(kind: DecimalString, value: Any) -> bool:
    return Draft202012Validator(kind.json_schema).is_valid(value) and (
        not isinstance(value, str) or re.search(kind.pattern, value) is not None
    )


@pytest.mark.parametrize("name", list(KINDS))
def test_what_the_schema_admits_is_accepted_and_nothing_else(name: str) -> None:
    adapter = TypeAdapter(Annotated[Decimal, KINDS[name]])
    for value in ACCEPTED[name]:
        assert _json_valid(KINDS[name], value), value
        assert adapter.validate_python(value) == Decimal(str(value))
    for value in REFUSED[name]:
        assert not _json_valid(KINDS[name], value), value
        with pytest.raises(ValidationError):
            adapter.validate_python(value)


@pytest.mark.parametrize("name", list(KINDS))
@given(data=st.data())
def test_strings_the_pattern_generates_are_read(name: str, data: st.DataObject) -> None:
    kind = KINDS[name]
    value = data.draw(st.from_regex(kind.pattern.removesuffix("$") + r"\Z"))
    TypeAdapter(Annotated[Decimal, kind]).validate_python(value)


@pytest.mark.parametrize("name", list(KINDS))
@given(value=st.text(alphabet="0123456789.-+e_ ", max_size=9))
def test_the_parser_refuses_what_the_pattern_refuses(name: str, value: str) -> None:
    kind = KINDS[name]
    try:
        TypeAdapter(Annotated[Decimal, kind]).validate_python(value)
    except ValidationError:
        assert not _json_valid(kind, value)
    else:
        assert _json_valid(kind, value)


def test_the_document_states_the_rule_and_answers_stay_strings() -> None:
    adapter = TypeAdapter(Annotated[Decimal, KINDS["hours"]])
    assert adapter.json_schema(mode="validation") == KINDS["hours"].json_schema
    assert adapter.json_schema(mode="serialization") == {"type": "string"}
