"""Pure rules of performance scoring: KPI weights, indicator scores, grade bands.

Every indicator scores on 0-100 (achievement percentages may reach 120, so over-achievement
counts but is capped); a review's score is the weighted sum of its indicators' scores.
"""

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from shared.kit.errors import Unprocessable

HUNDRED: Final = Decimal(100)
ACHIEVEMENT_CAP: Final = Decimal(120)
CENT: Final = Decimal("0.01")


def check_weights(indicators: Sequence[Mapping[str, Any]]) -> None:
    """422 ``kpi_weights_invalid`` unless the weights sum to exactly 100; 422
    ``kpi_indicators_invalid`` for duplicate names or a numeric scale without its maximum."""
    total = sum((Decimal(str(i["weight"])) for i in indicators), Decimal(0))
    if total != HUNDRED:
        raise Unprocessable(
            f"the indicators' weights sum to {total}, not 100",
            code="kpi_weights_invalid",
            weight_total=str(total),
        )
    names = [i["name"] for i in indicators]
    if len(set(names)) != len(names):
        raise Unprocessable("two indicators share a name", code="kpi_indicators_invalid")
    for indicator in indicators:
        if indicator["method"] == "numeric_scale" and not indicator.get("scale_max"):
            raise Unprocessable(
                f"indicator {indicator['name']!r} scores on a numeric scale but has no scale_max",
                code="kpi_indicators_invalid",
            )


def indicator_score(indicator: Mapping[str, Any], value: Decimal) -> Decimal:
    """One indicator's score on 0-100 (0-120 for achievement), or 422 ``score_out_of_scale``."""
    method = indicator["method"]
    name = indicator["name"]
    if method == "numeric_scale":
        top = Decimal(str(indicator["scale_max"]))
        low, high = Decimal(0), top
        scored = value / top * HUNDRED if low <= value <= high else None
    elif method == "achievement_percentage":
        low, high = Decimal(0), Decimal(200)
        scored = min(value, ACHIEVEMENT_CAP) if low <= value <= high else None
    else:  # pass_fail
        low, high = Decimal(0), Decimal(1)
        scored = value * HUNDRED if value in (Decimal(0), Decimal(1)) else None
    if scored is None:
        raise Unprocessable(
            f"indicator {name!r}: {value} is outside its scale {low}–{high}",
            code="score_out_of_scale",
            indicator=name,
            minimum=str(low),
            maximum=str(high),
        )
    return scored


def weighted_score(
    indicators: Sequence[Mapping[str, Any]], scores: Iterable[Mapping[str, Any]]
) -> Decimal:
    """The weighted score of a full set of indicator values (each indicator exactly once)."""
    given: dict[str, Decimal] = {}
    for item in scores:
        if item["indicator"] in given:
            raise Unprocessable(
                f"indicator {item['indicator']!r} is scored twice", code="review_scores_invalid"
            )
        given[item["indicator"]] = Decimal(str(item["value"]))
    expected = {i["name"] for i in indicators}
    if set(given) != expected:
        missing = sorted(expected - set(given))
        unknown = sorted(set(given) - expected)
        raise Unprocessable(
            "score every indicator of the review once, and only those",
            code="review_scores_invalid",
            missing=missing,
            unknown=unknown,
        )
    total = Decimal(0)
    for indicator in indicators:
        weight = Decimal(str(indicator["weight"]))
        total += indicator_score(indicator, given[indicator["name"]]) * weight / HUNDRED
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def check_bands(bands: Sequence[Mapping[str, Any]]) -> None:
    """422 ``grade_bands_invalid`` unless grades are distinct, one band starts at 0, and a
    better grade needs a strictly higher score."""
    grades = [b["grade"] for b in bands]
    floors = [Decimal(str(b["min_score"])) for b in bands]
    if len(set(grades)) != len(grades):
        raise Unprocessable("two bands share a grade", code="grade_bands_invalid")
    if len(set(floors)) != len(floors):
        raise Unprocessable("two bands start at the same score", code="grade_bands_invalid")
    if Decimal(0) not in floors:
        raise Unprocessable("one band must start at score 0", code="grade_bands_invalid")


def grade_of(bands: Sequence[Mapping[str, Any]], score: Decimal) -> tuple[str, Decimal, bool]:
    """The band a score falls in: the one with the highest ``min_score`` not above it."""
    fitting = [b for b in bands if Decimal(str(b["min_score"])) <= score]
    best = max(fitting, key=lambda b: Decimal(str(b["min_score"])))
    return best["grade"], Decimal(str(best["coefficient"])), bool(best["below_target"])
