"""The travel-standard check of a reimbursement: pure functions, no database.

Each receipt line is checked against the standard in force on the line's date for the
traveller's grade and the trip's city tier:

- ``hotel``: at most ``hotel_cap_per_night * nights`` (``nights`` is required);
- ``meals``: the day's meal receipts together at most the ``per_diem``;
- ``transport``: a class no higher than the standard's ``transport_class``
  (economy < premium < business < first);
- ``local_transport`` and ``other``: no cap;
- every line: dated within the trip, and a standard in force on that date.

A line that breaks a rule is *flagged* (``within_standard`` false, with its findings); a
flagged line needs a justification, and the approval shows the check.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

Category = Literal["hotel", "transport", "meals", "local_transport", "other"]
TransportClass = Literal["economy", "premium", "business", "first"]
CityTier = Literal["tier1", "tier2", "tier3", "abroad"]
Finding = Literal[
    "outside_trip", "no_standard", "nights_missing", "over_hotel_cap", "over_per_diem",
    "class_missing", "over_transport_class",
]  # fmt: skip

CLASS_RANK: dict[str, int] = {"economy": 0, "premium": 1, "business": 2, "first": 3}
CATEGORIES: tuple[str, ...] = ("hotel", "transport", "meals", "local_transport", "other")


@dataclass(frozen=True)
class Standard:
    """The caps of one grade in one city tier, as in force on a date."""

    hotel_cap_per_night: Decimal
    per_diem: Decimal
    transport_class: str


@dataclass(frozen=True)
class Receipt:
    """One line of a reimbursement, as the traveller filed it."""

    category: str
    amount: Decimal
    spent_on: date
    nights: int | None = None
    transport_class: str | None = None


@dataclass(frozen=True)
class LineCheck:
    """What the check found for one line: ``allowed`` is the cap that applied (hotel: the
    nights' cap; meals: the day's per diem), ``findings`` why it is over, if it is."""

    within_standard: bool
    allowed: Decimal | None
    findings: tuple[str, ...]


def check_receipts(
    receipts: Sequence[Receipt],
    *,
    trip_start: date,
    trip_end: date,
    standard_on: Callable[[date], Standard | None],
) -> list[LineCheck]:
    """Check every line (in order) against the standard in force on its date."""
    meals_by_day: dict[date, Decimal] = defaultdict(Decimal)
    for receipt in receipts:
        if receipt.category == "meals":
            meals_by_day[receipt.spent_on] += receipt.amount
    checks = []
    for receipt in receipts:
        findings: list[str] = []
        allowed: Decimal | None = None
        if not trip_start <= receipt.spent_on <= trip_end:
            findings.append("outside_trip")
        standard = standard_on(receipt.spent_on)
        if standard is None:
            findings.append("no_standard")
        elif receipt.category == "hotel":
            if not receipt.nights:
                findings.append("nights_missing")
            else:
                allowed = standard.hotel_cap_per_night * receipt.nights
                if receipt.amount > allowed:
                    findings.append("over_hotel_cap")
        elif receipt.category == "meals":
            allowed = standard.per_diem
            if meals_by_day[receipt.spent_on] > standard.per_diem:
                findings.append("over_per_diem")
        elif receipt.category == "transport":
            if receipt.transport_class is None:
                findings.append("class_missing")
            elif CLASS_RANK[receipt.transport_class] > CLASS_RANK[standard.transport_class]:
                findings.append("over_transport_class")
        checks.append(LineCheck(not findings, allowed, tuple(findings)))
    return checks


def trip_days(start: date, end: date) -> int:
    """Calendar days of a trip, both ends counted."""
    return (end - start).days + 1
