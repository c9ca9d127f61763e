"""The pure rules of supplies and repairs, at their boundaries."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from services.logistics.db.supplies import RequisitionLine
from services.logistics.domain.purchases import line_amount, needs_approval, status_after_receipt
from services.logistics.domain.repairs import auto_close_due, may_become
from services.logistics.domain.requisitions import chosen_quantities, overdue
from services.logistics.domain.stocktakes import variance, variance_value
from services.logistics.schemas.supplies import LineQuantity
from shared.kit.errors import Unprocessable

NOW = datetime(2026, 3, 11, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("total", "threshold", "expected"),
    [("4999.99", "5000.00", False), ("5000.00", "5000.00", False), ("5000.01", "5000.00", True)],
)
def test_workflow_approves_purchases_above_the_threshold(
    total: str, threshold: str, expected: bool
) -> None:
    assert needs_approval(Decimal(total), Decimal(threshold)) is expected


def test_a_line_costs_its_quantity_at_its_price_to_the_cent() -> None:
    assert line_amount(3, Decimal("0.33")) == Decimal("0.99")
    assert line_amount(200, Decimal("2.30")) == Decimal("460.00")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([(10, 10)], "received"),
        ([(10, 9)], "partially_received"),
        ([(10, 10), (5, 0)], "partially_received"),
        ([(10, 10), (5, 5)], "received"),
    ],
)
def test_a_purchase_is_received_when_every_line_has_arrived(
    lines: list[tuple[int, int]], expected: str
) -> None:
    assert status_after_receipt(lines) == expected


def _line(reserved: int, picked: int = 0) -> RequisitionLine:
    return RequisitionLine(
        id=uuid.uuid4(),
        line_no=1,
        supply_id=uuid.uuid4(),
        quantity=10,
        reserved=reserved,
        picked=picked,
    )


def test_a_pick_takes_every_reservation_unless_told_otherwise() -> None:
    a, b = _line(4), _line(2)
    assert chosen_quantities([a, b], None, "reserved") == {a.id: 4, b.id: 2}
    assert chosen_quantities([a, b], [LineQuantity(line_id=a.id, quantity=4)], "reserved") == {
        a.id: 4,
        b.id: 0,
    }


@pytest.mark.parametrize(
    ("entries", "code"),
    [
        ("too_many", "quantity_too_large"),
        ("unknown", "unknown_line"),
        ("twice", "duplicate_line"),
    ],
)
def test_a_pick_or_collection_names_known_lines_within_their_limit(entries: str, code: str) -> None:
    line = _line(4, picked=3)
    given = {
        "too_many": [LineQuantity(line_id=line.id, quantity=4)],
        "unknown": [LineQuantity(line_id=uuid.uuid4(), quantity=1)],
        "twice": [LineQuantity(line_id=line.id, quantity=1)] * 2,
    }[entries]
    with pytest.raises(Unprocessable) as refused:
        chosen_quantities([line], given, "picked")
    assert refused.value.code == code


def test_a_requisition_is_overdue_from_its_deadline_on() -> None:
    assert overdue(NOW, NOW) is True
    assert overdue(NOW, NOW - timedelta(seconds=1)) is False
    assert overdue(None, NOW) is False


@pytest.mark.parametrize(
    ("current", "wanted", "expected"),
    [
        ("filed", "assigned", True),
        ("assigned", "assigned", True),  # reassigned before work starts
        ("in_progress", "assigned", False),
        ("filed", "in_progress", False),
        ("assigned", "in_progress", True),
        ("in_progress", "resolved", True),
        ("assigned", "resolved", False),
        ("resolved", "confirmed", True),
        ("resolved", "closed", True),
        ("confirmed", "closed", False),
        ("in_progress", "cancelled", True),
        ("resolved", "cancelled", False),
        ("cancelled", "assigned", False),
    ],
)
def test_the_life_of_a_repair(current: str, wanted: str, expected: bool) -> None:
    assert may_become(current, wanted) is expected


def test_an_unconfirmed_repair_closes_after_exactly_the_days() -> None:
    assert auto_close_due(NOW, 7, NOW + timedelta(days=7)) is True
    assert auto_close_due(NOW, 7, NOW + timedelta(days=7, seconds=-1)) is False
    assert auto_close_due(None, 7, NOW) is False


def test_variances_and_their_value() -> None:
    assert variance(10, None) is None
    assert variance(10, 8) == -2
    assert variance_value(10, 8, Decimal("2.50")) == Decimal("-5.00")
    assert variance_value(10, 10, Decimal("2.50")) == Decimal("0.00")
