"""The pure scoring rules: weights, each scoring method's scale at its edges, grade bands."""

from decimal import Decimal
from typing import Any

import pytest

from services.hr.domain import kpi
from shared.kit.errors import Unprocessable

NUMERIC = {"name": "q", "weight": 30, "method": "numeric_scale", "scale_max": 5}
PERCENT = {"name": "d", "weight": 50, "method": "achievement_percentage"}
PASS = {"name": "c", "weight": 20, "method": "pass_fail"}
BANDS: list[dict[str, Any]] = [
    {"grade": "S", "min_score": "95", "coefficient": "1.5", "below_target": False},
    {"grade": "A", "min_score": "85", "coefficient": "1.2", "below_target": False},
    {"grade": "B", "min_score": "70", "coefficient": "1.0", "below_target": False},
    {"grade": "C", "min_score": "60", "coefficient": "0.8", "below_target": True},
    {"grade": "D", "min_score": "0", "coefficient": "0.5", "below_target": True},
]


@pytest.mark.parametrize(
    ("weights", "ok"),
    [
        ([50, 30, 20], True),
        ([50, 30, 19], False),
        ([50, 30, 21], False),
        (["33.34", "33.33", "33.33"], True),
    ],
)
def test_weights_must_sum_to_exactly_100(weights: list[Any], ok: bool) -> None:
    indicators = [
        {"name": str(i), "weight": w, "method": "pass_fail"} for i, w in enumerate(weights)
    ]
    if ok:
        kpi.check_weights(indicators)
    else:
        with pytest.raises(Unprocessable) as caught:
            kpi.check_weights(indicators)
        assert caught.value.code == "kpi_weights_invalid"


def test_a_numeric_scale_needs_its_maximum_and_names_are_unique() -> None:
    with pytest.raises(Unprocessable, match="scale_max"):
        kpi.check_weights([{"name": "q", "weight": 100, "method": "numeric_scale"}])
    with pytest.raises(Unprocessable, match="share a name"):
        kpi.check_weights([{**PASS, "weight": 50}, {**PASS, "weight": 50}])


@pytest.mark.parametrize(
    ("indicator", "value", "expected"),
    [
        (NUMERIC, "0", "0"),
        (NUMERIC, "5", "100"),
        (NUMERIC, "4", "80"),
        (NUMERIC, "5.01", None),
        (NUMERIC, "-0.01", None),
        (PERCENT, "0", "0"),
        (PERCENT, "120", "120"),
        (PERCENT, "150", "120"),
        (PERCENT, "200", "120"),
        (PERCENT, "200.01", None),
        (PASS, "1", "100"),
        (PASS, "0", "0"),
        (PASS, "0.5", None),
        (PASS, "2", None),
    ],
)
def test_each_method_scores_on_its_scale(
    indicator: dict[str, Any], value: str, expected: str | None
) -> None:
    if expected is None:
        with pytest.raises(Unprocessable) as caught:
            kpi.indicator_score(indicator, Decimal(value))
        assert caught.value.code == "score_out_of_scale"
    else:
        assert kpi.indicator_score(indicator, Decimal(value)) == Decimal(expected)


def test_weighted_score_sums_the_weighted_indicators() -> None:
    given = [
        {"indicator": "d", "value": "90"},
        {"indicator": "q", "value": "4"},
        {"indicator": "c", "value": "1"},
    ]
    # 90*0.5 + 80*0.3 + 100*0.2
    assert kpi.weighted_score([PERCENT, NUMERIC, PASS], given) == Decimal("89.00")


def test_every_indicator_is_scored_once() -> None:
    with pytest.raises(Unprocessable) as caught:
        kpi.weighted_score([PERCENT, NUMERIC], [{"indicator": "d", "value": "90"}])
    assert caught.value.code == "review_scores_invalid"
    with pytest.raises(Unprocessable):
        kpi.weighted_score(
            [PERCENT], [{"indicator": "d", "value": "90"}, {"indicator": "d", "value": "80"}]
        )


@pytest.mark.parametrize(
    ("score", "grade", "coefficient", "below"),
    [
        ("120", "S", "1.5", False),
        ("95", "S", "1.5", False),
        ("94.99", "A", "1.2", False),
        ("85", "A", "1.2", False),
        ("70", "B", "1.0", False),
        ("69.99", "C", "0.8", True),
        ("60", "C", "0.8", True),
        ("59.99", "D", "0.5", True),
        ("0", "D", "0.5", True),
    ],
)
def test_grades_follow_the_bands_at_their_edges(
    score: str, grade: str, coefficient: str, below: bool
) -> None:
    assert kpi.grade_of(BANDS, Decimal(score)) == (grade, Decimal(coefficient), below)


def test_bands_must_start_at_zero_and_not_repeat() -> None:
    kpi.check_bands(BANDS)
    with pytest.raises(Unprocessable):
        kpi.check_bands(BANDS[:-1])
    with pytest.raises(Unprocessable):
        kpi.check_bands([*BANDS, {**BANDS[0], "min_score": "99"}])
    with pytest.raises(Unprocessable):
        kpi.check_bands([*BANDS[:-1], {**BANDS[-1], "grade": "C"}])
