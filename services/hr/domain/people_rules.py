"""Pure rules of recruitment and labour contracts (no database, no clock): the pipeline's order,
how contact details are compared, probation limits, the third fixed-term contract, and when a
contract's expiry alerts are due."""

import calendar
import re
from datetime import date, timedelta

STAGES = ("applied", "screening", "shortlisted", "interviewing", "offer", "hired")
ENDINGS = ("rejected", "withdrawn")
ALERT_DAYS = (60, 30)  # expiry alerts, days before a contract's end, most distant first


class StageError(ValueError):
    """A stage change the pipeline does not allow."""


def next_stage(current: str) -> str | None:
    """The stage after ``current`` (None after ``hired`` or once closed)."""
    if current not in STAGES or current == STAGES[-1]:
        return None
    return STAGES[STAGES.index(current) + 1]


def check_move(current: str, wanted: str) -> None:
    """Allow only the next stage, or ``rejected``/``withdrawn`` from any open stage; ``hired``
    is reached by an accepted offer only. Raises :class:`StageError`."""
    if current in (*ENDINGS, "hired"):
        raise StageError(f"the application is already {current}")
    if wanted in ENDINGS:
        return
    if wanted == "hired":
        raise StageError("an application is hired when its candidate accepts an offer")
    expected = next_stage(current)
    if wanted != expected:
        raise StageError(
            f"an application moves from {current} to {expected} "
            f"(or is rejected or withdrawn), not to {wanted}"
        )


def email_key(email: str) -> str:
    """An e-mail address as compared for duplicates: trimmed and lower-cased."""
    return email.strip().lower()


def phone_key(phone: str | None) -> str | None:
    """A phone number as compared for duplicates: its digits, without China's country code
    (``+86 138-0000-0000``, ``0086 13800000000`` and ``13800000000`` are one number);
    None when it holds no digit."""
    if phone is None:
        return None
    digits = re.sub(r"\D", "", phone)
    if phone.strip().startswith("+") and digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    elif digits.startswith("0086") and len(digits) == 15:
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        digits = digits[2:]
    return digits or None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months(start: date, end: date) -> int:
    """Whole months from ``start`` to the day after ``end`` (a contract's term)."""
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if add_months(start, months) > after:
        months -= 1
    return months


def longest_probation(start: date, end: date | None) -> int:
    """The longest probation in months a contract may set (Labour Contract Law Art. 19): none
    under three months, one under a year, two under three years, six beyond that or open-ended."""
    if end is None:
        return 6
    months = whole_months(start, end)
    if months < 3:
        return 0
    if months < 12:
        return 1
    if months < 36:
        return 2
    return 6


def probation_allowed(start: date, end: date | None, probation_end: date | None) -> bool:
    """Whether a probation ending on ``probation_end`` is within the statutory limit."""
    if probation_end is None:
        return True
    if probation_end < start or (end is not None and probation_end > end):
        return False
    limit = longest_probation(start, end)
    return limit > 0 and probation_end < add_months(start, limit)


def fixed_term_sequence(kind: str, previous_kind: str | None, previous_sequence: int) -> int:
    """How many fixed-term contracts in a row a contract is (0 for any other kind)."""
    if kind != "fixed_term":
        return 0
    return previous_sequence + 1 if previous_kind == "fixed_term" else 1


def open_ended_required_next(sequence: int) -> bool:
    """After two fixed-term contracts in a row the next must be open-ended (Art. 14 (3))."""
    return sequence >= 2


def alerts_due(end: date, today: date, sent: set[int]) -> tuple[int | None, list[int]]:
    """The alert to send now and those to mark skipped, for a contract ending on ``end``.

    Only the most urgent threshold reached is sent: a contract first seen 20 days before its end
    gets the 30-day alert, and the 60-day one is skipped rather than sent late as well.
    """
    left = (end - today).days
    if left < 0:
        return None, []
    reached = [days for days in ALERT_DAYS if left <= days and days not in sent]
    if not reached:
        return None, []
    send = min(reached)
    return send, [days for days in reached if days != send]
