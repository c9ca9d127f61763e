"""Pure rules of invoices: exact totals, the statuses payments move them through, VAT rates."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# The VAT rates of the PRC (general 13 %, 9 %, 6 %; small-scale 3 % and its 1 % relief; 5 % for
# some property services; 0 % for exports).
VAT_RATES: frozenset[Decimal] = frozenset(
    Decimal(rate) for rate in ("0", "0.01", "0.03", "0.05", "0.06", "0.09", "0.13")
)


@dataclass(frozen=True)
class LineAmounts:
    """A line's net amount, VAT rate and the VAT it carries."""

    amount: Decimal
    vat_rate: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    """An invoice's net, VAT and gross amounts; ``gross == net + vat`` exactly."""

    net: Decimal
    vat: Decimal
    gross: Decimal


def cents(value: Decimal) -> Decimal:
    """``value`` rounded half up to the cent (the rounding of Chinese VAT invoices)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def is_vat_rate(rate: Decimal) -> bool:
    """Whether ``rate`` is one of the PRC's VAT rates."""
    return rate in VAT_RATES


def line_vat(amount: Decimal, vat_rate: Decimal) -> LineAmounts:
    """The VAT of one line: its net amount times the rate, rounded to the cent."""
    return LineAmounts(amount=amount, vat_rate=vat_rate, vat=cents(amount * vat_rate))


def totals(lines: Iterable[LineAmounts]) -> Totals:
    """An invoice's totals: the sum of the lines' net amounts and of their (rounded) VAT."""
    held = list(lines)
    net = sum((line.amount for line in held), ZERO)
    vat = sum((line.vat for line in held), ZERO)
    return Totals(net=net, vat=vat, gross=net + vat)


def split_gross(gross: Decimal, vat_rate: Decimal) -> LineAmounts:
    """A VAT-inclusive amount (含税价, as contracts state them) as net plus VAT: the net is
    ``gross / (1 + rate)`` to the cent and the VAT the rest, so the two add up exactly."""
    net = cents(gross / (1 + vat_rate))
    return LineAmounts(amount=net, vat_rate=vat_rate, vat=gross - net)


def status_after(paid: Decimal, gross: Decimal) -> str:
    """The status of an issued invoice once ``paid`` of its ``gross`` is settled."""
    if paid <= 0:
        return "open"
    if paid < gross:
        return "partly_paid"
    return "paid"
