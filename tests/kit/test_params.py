"""A ``me``-or-id filter: the pattern the document declares and the parser the services run
accept exactly the same values (schemathesis found "" and 35 zeros schema-valid but refused)."""

import re
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.kit.errors import Unprocessable
from shared.kit.params import ME_OR_ID_EXAMPLES, ME_OR_ID_PATTERN, parse_me_or_id

ID = uuid.UUID("0193a5b2-7c1d-7e3f-8a4b-5c6d7e8f9a0b")
ACCEPTED = {
    "me": None,
    str(ID): ID,
    str(ID).upper(): ID,
    ID.hex: ID,
    ID.hex.upper(): ID,
    "0" * 32: uuid.UUID(int=0),
}
REFUSED = [
    "",
    "0" * 35,
    "0" * 36,
    "0" * 31,
    "ME",
    " me",
    "me\n",
    f"{{{ID}}}",  # uuid.UUID accepts braces, the urn form and hyphens anywhere: the kit does not
    f"urn:uuid:{ID}",
    str(ID).replace("-", "", 1),
    "-".join([ID.hex[:4], ID.hex[4:]]),
    f"{str(ID)[:-1]}g",
    f"+{ID.hex[1:]}",
    f"{ID.hex[:8]}_{ID.hex[9:]}",  # int(…, 16) reads underscores
    f"{ID}\n",
    "\uff10" * 32,  # full-width digits
]


def _pattern_matches(value: str) -> bool:
    """ECMA-262 semantics as a client validator applies them: ``$`` is the end of the text."""
    return re.search(ME_OR_ID_PATTERN.removesuffix("$") + r"\Z", value, re.ASCII) is not None


@pytest.mark.parametrize("value", list(ACCEPTED))
def test_every_form_the_pattern_admits_is_parsed(value: str) -> None:
    assert _pattern_matches(value)
    assert parse_me_or_id(value) == ACCEPTED[value]


@pytest.mark.parametrize("value", REFUSED)
def test_what_the_pattern_refuses_is_a_422(value: str) -> None:
    assert not _pattern_matches(value)
    with pytest.raises(Unprocessable) as refused:
        parse_me_or_id(value)
    assert refused.value.code == "validation_error"


def test_the_examples_match() -> None:
    assert all(_pattern_matches(example) for example in ME_OR_ID_EXAMPLES)


@given(st.from_regex(ME_OR_ID_PATTERN.removesuffix("$") + r"\Z"))
def test_anything_the_pattern_generates_is_accepted(value: str) -> None:
    parse_me_or_id(value)


@given(st.one_of(st.text(max_size=40), st.text(alphabet="0123456789abcdefABCDEF-{}:urnime ")))
def test_the_parser_accepts_exactly_what_the_pattern_admits(value: str) -> None:
    try:
        parse_me_or_id(value)
    except Unprocessable:
        assert not _pattern_matches(value)
    else:
        assert _pattern_matches(value)
