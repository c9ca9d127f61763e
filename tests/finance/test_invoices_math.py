"""The pure rules of invoices: VAT per line rounded half up, totals, VAT-inclusive splits, statuses."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.finance.domain.invoices_math import (
    VAT_RATES,
    LineAmounts,
    is_vat_rate,
    line_vat,
    split_gross,
    status_after,
    totals,
)

D = Decimal


@pytest.mark.parametrize(
    ("amount", "rate", "vat"),
    [
        ("100.00", "0.13", "13.00"),
        ("88.50", "0.13", "11.51"),  # 11.505 rounds half up
        ("0.03", "0.13", "0.00"),  # 0.0039
        ("0.04", "0.13", "0.01"),  # 0.0052
        ("0.05", "0.09", "0.00"),  # 0.0045 rounds down
        ("0.50", "0.01", "0.01"),  # 0.005 exactly: half up
        ("99999999999.99", "0.13", "13000000000.00"),
        ("1000.00", "0", "0.00"),
    ],
)
def test_a_lines_vat_is_its_amount_times_the_rate_rounded_half_up(
    amount: str, rate: str, vat: str
) -> None:
    assert line_vat(D(amount), D(rate)).vat == D(vat)


def test_the_totals_add_the_lines_rounded_vat() -> None:
    lines = [line_vat(D("88.50"), D("0.13")), line_vat(D("88.50"), D("0.13"))]
    result = totals(lines)
    # per line 11.51 + 11.51, not (177.00 x 13 % = 23.01)
    assert (result.net, result.vat, result.gross) == (D("177.00"), D("23.02"), D("200.02"))


def test_no_lines_total_zero() -> None:
    assert totals([]).gross == D("0.00")


@pytest.mark.parametrize(
    ("gross", "rate", "net", "vat"),
    [
        ("113.00", "0.13", "100.00", "13.00"),
        ("100.00", "0.13", "88.50", "11.50"),
        ("0.01", "0.13", "0.01", "0.00"),
        ("33900.00", "0.13", "30000.00", "3900.00"),
        ("1000.00", "0", "1000.00", "0.00"),
    ],
)
def test_a_vat_inclusive_amount_splits_exactly(gross: str, rate: str, net: str, vat: str) -> None:
    split = split_gross(D(gross), D(rate))
    assert (split.amount, split.vat) == (D(net), D(vat))


@given(
    cents=st.integers(min_value=1, max_value=10**13),
    rate=st.sampled_from(sorted(VAT_RATES)),
)
def test_a_split_always_adds_back_to_the_gross(cents: int, rate: Decimal) -> None:
    gross = D(cents) / 100
    split = split_gross(gross, rate)
    assert split.amount + split.vat == gross
    assert split.vat >= 0
    assert abs(split.vat - split.amount * rate) <= D("0.01")


@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=10**10), st.sampled_from(sorted(VAT_RATES))),
        min_size=1,
        max_size=20,
    )
)
def test_gross_is_always_net_plus_vat_to_the_cent(lines: list[tuple[int, Decimal]]) -> None:
    result = totals(line_vat(D(c) / 100, r) for c, r in lines)
    assert result.gross == result.net + result.vat
    assert result.vat.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("paid", "gross", "status"),
    [
        ("0.00", "100.00", "open"),
        ("0.01", "100.00", "partly_paid"),
        ("99.99", "100.00", "partly_paid"),
        ("100.00", "100.00", "paid"),
    ],
)
def test_the_status_follows_what_is_paid(paid: str, gross: str, status: str) -> None:
    assert status_after(D(paid), D(gross)) == status


@pytest.mark.parametrize("rate", ["0", "0.01", "0.03", "0.05", "0.06", "0.09", "0.13", "0.130"])
def test_the_prc_vat_rates_are_accepted(rate: str) -> None:
    assert is_vat_rate(D(rate))


@pytest.mark.parametrize("rate", ["0.17", "0.16", "0.10", "1", "-0.13"])
def test_other_rates_are_not(rate: str) -> None:
    assert not is_vat_rate(D(rate))


def test_line_amounts_keep_what_they_are_given() -> None:
    assert LineAmounts(D("1.00"), D("0.13"), D("0.13")).vat == D("0.13")
