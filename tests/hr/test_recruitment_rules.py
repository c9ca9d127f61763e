"""The pure rules of recruitment and contracts, at their boundaries: the pipeline's order, how
contacts are compared, probation limits (Art. 19), the third fixed-term contract (Art. 14) and
when expiry alerts are due."""

from datetime import date

import pytest

from services.hr.domain.people_rules import (
    STAGES,
    StageError,
    add_months,
    alerts_due,
    check_move,
    email_key,
    fixed_term_sequence,
    longest_probation,
    open_ended_required_next,
    phone_key,
    probation_allowed,
    whole_months,
)

ALL = (*STAGES, "rejected", "withdrawn")


@pytest.mark.parametrize("current", ALL)
@pytest.mark.parametrize("wanted", ALL)
def test_only_the_next_stage_or_an_ending_is_allowed(current: str, wanted: str) -> None:
    allowed = current in STAGES[:-1] and (
        wanted in ("rejected", "withdrawn")
        or (wanted in STAGES[1:-1] and STAGES.index(wanted) == STAGES.index(current) + 1)
    )
    if allowed:
        check_move(current, wanted)
    else:
        with pytest.raises(StageError):
            check_move(current, wanted)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("13800001234", "13800001234"),
        ("+86 138-0000-1234", "13800001234"),
        ("0086 138 0000 1234", "13800001234"),
        ("8613800001234", "13800001234"),
        ("(010) 1234-5678", "01012345678"),
        ("+1 415 555 0100", "14155550100"),
        ("---", None),
        (None, None),
    ],
)
def test_phone_numbers_compare_by_digits_without_chinas_country_code(
    raw: str | None, key: str | None
) -> None:
    assert phone_key(raw) == key


def test_email_addresses_compare_trimmed_and_lower_cased() -> None:
    assert email_key("  Zhou.Jie@Example.COM ") == "zhou.jie@example.com"


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2025, 1, 1), date(2025, 3, 30), 0),  # under three months
        (date(2025, 1, 1), date(2025, 3, 31), 1),  # three months exactly
        (date(2025, 1, 1), date(2025, 12, 30), 1),
        (date(2025, 1, 1), date(2025, 12, 31), 2),  # one year
        (date(2025, 1, 1), date(2027, 12, 30), 2),
        (date(2025, 1, 1), date(2027, 12, 31), 6),  # three years
        (date(2025, 1, 1), None, 6),  # open-ended
    ],
)
def test_the_longest_probation_follows_the_term(start: date, end: date | None, months: int) -> None:
    assert longest_probation(start, end) == months


def test_a_probation_ends_before_its_limit_and_within_the_contract() -> None:
    start, end = date(2025, 1, 1), date(2025, 12, 31)  # two months allowed
    assert probation_allowed(start, end, None)
    assert probation_allowed(start, end, date(2025, 2, 28))
    assert not probation_allowed(start, end, date(2025, 3, 1))
    assert not probation_allowed(start, end, date(2024, 12, 31))
    assert not probation_allowed(date(2025, 1, 1), date(2025, 2, 28), date(2025, 1, 2))


def test_months_are_counted_to_the_day_after_the_end() -> None:
    assert whole_months(date(2025, 1, 15), date(2025, 2, 13)) == 0
    assert whole_months(date(2025, 1, 15), date(2025, 2, 14)) == 1
    assert whole_months(date(2025, 1, 31), date(2025, 2, 27)) == 1  # to the month's last day
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)


@pytest.mark.parametrize(
    ("kind", "previous_kind", "previous", "sequence"),
    [
        ("fixed_term", None, 0, 1),
        ("fixed_term", "fixed_term", 1, 2),
        ("fixed_term", "fixed_term", 2, 3),
        ("fixed_term", "open_ended", 0, 1),
        ("fixed_term", "internship", 0, 1),
        ("open_ended", "fixed_term", 2, 0),
        ("part_time", "fixed_term", 1, 0),
    ],
)
def test_fixed_term_contracts_in_a_row_are_counted(
    kind: str, previous_kind: str | None, previous: int, sequence: int
) -> None:
    assert fixed_term_sequence(kind, previous_kind, previous) == sequence


def test_after_two_fixed_terms_the_next_must_be_open_ended() -> None:
    assert [open_ended_required_next(n) for n in range(4)] == [False, False, True, True]


@pytest.mark.parametrize(
    ("left", "sent", "expected"),
    [
        (61, set(), (None, [])),
        (60, set(), (60, [])),
        (31, {60}, (None, [])),
        (30, {60}, (30, [])),
        (30, set(), (30, [60])),  # seen late: the nearer alert only
        (5, {60, 30}, (None, [])),
        (0, {60}, (30, [])),
        (-1, set(), (None, [])),  # ended already
    ],
)
def test_alerts_are_due_60_and_30_days_before_the_end(
    left: int, sent: set[int], expected: tuple[int | None, list[int]]
) -> None:
    end = date(2025, 12, 31)
    today = date.fromordinal(end.toordinal() - left)
    assert alerts_due(end, today, sent) == expected
