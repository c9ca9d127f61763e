"""The months a statement covers: a month, a quarter, a year or a range of whole months, from
exactly one of the query schemes (pure; refusals are 422 ``statement_period_invalid``)."""

from dataclasses import dataclass
from datetime import date

from shared.kit.errors import Unprocessable


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, the grain of the balances."""

    year: int
    month: int

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def of_index(cls, index: int) -> "Month":
        return cls(index // 12, index % 12 + 1)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def last_day(self) -> date:
        following = Month.of_index(self.index + 1)
        return date.fromordinal(following.first_day().toordinal() - 1)

    def shifted(self, months: int) -> "Month":
        return Month.of_index(self.index + months)


@dataclass(frozen=True)
class MonthRange:
    """Whole months from ``first`` to ``last`` (both included)."""

    first: Month
    last: Month

    @property
    def start(self) -> date:
        return self.first.first_day()

    @property
    def end(self) -> date:
        return self.last.last_day()

    def prior_year(self) -> "MonthRange":
        """The same months a year earlier (the comparative column)."""
        return MonthRange(self.first.shifted(-12), self.last.shifted(-12))

    def contains(self, year: int, month: int) -> bool:
        return self.first.index <= Month(year, month).index <= self.last.index


MIN_YEAR, MAX_YEAR = 1900, 9998


def _year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Unprocessable(
            f"year must be between {MIN_YEAR} and {MAX_YEAR}", code="statement_period_invalid"
        )
    return year


def resolve_range(
    *,
    year: int | None = None,
    month: int | None = None,
    quarter: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> MonthRange:
    """The months a statement covers, from exactly one of the parameter schemes.

    ``year`` alone: the year; ``year`` + ``month``: one month; ``year`` + ``quarter``: three
    months; ``from`` + ``to``: whole months from the first day of one month to the last day of
    another. Anything else is refused (422 ``statement_period_invalid``).
    """
    by_dates = start is not None or end is not None
    if by_dates:
        if year is not None or month is not None or quarter is not None:
            raise Unprocessable(
                "give either from and to, or year (with month or quarter), not both",
                code="statement_period_invalid",
            )
        if start is None or end is None:
            raise Unprocessable(
                "a date range needs both from and to", code="statement_period_invalid"
            )
        if start.day != 1:
            raise Unprocessable(
                "from must be the first day of a month (statements are built from monthly "
                "balances)",
                code="statement_period_invalid",
            )
        if end != Month(end.year, end.month).last_day():
            raise Unprocessable(
                "to must be the last day of a month (statements are built from monthly balances)",
                code="statement_period_invalid",
            )
        if end < start:
            raise Unprocessable("to is before from", code="statement_period_invalid")
        _year(start.year)
        _year(end.year)
        return MonthRange(Month(start.year, start.month), Month(end.year, end.month))
    if year is None:
        raise Unprocessable(
            "say which period: ?year=, ?year=&month=, ?year=&quarter= or ?from=&to=",
            code="statement_period_invalid",
        )
    _year(year)
    if month is not None and quarter is not None:
        raise Unprocessable("give month or quarter, not both", code="statement_period_invalid")
    if month is not None:
        if not 1 <= month <= 12:
            raise Unprocessable("month must be 1 to 12", code="statement_period_invalid")
        return MonthRange(Month(year, month), Month(year, month))
    if quarter is not None:
        if not 1 <= quarter <= 4:
            raise Unprocessable("quarter must be 1 to 4", code="statement_period_invalid")
        return MonthRange(Month(year, quarter * 3 - 2), Month(year, quarter * 3))
    return MonthRange(Month(year, 1), Month(year, 12))
