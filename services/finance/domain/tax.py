"""Tax registrations, the filing calendar, and filings: filed, paid (the payment posts its entry),
extended; the due-soon notices the sweep sends.

The dates and statuses are the pure functions of ``tax_calendar``; this module reads and
writes the records.
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.tax import (
    FilingFrequency,
    FilingKind,
    Tax,
    TaxFiling,
    TaxpayerKind,
    TaxRegistration,
)
from services.finance.domain import accounts
from services.finance.domain.ledger import Line, post_entry
from services.finance.domain.tax_calendar import (
    FilingStatus,
    filing_status,
    is_working_day,
    needs_notice,
    periods_of,
    status_condition,
)
from shared.contracts.finance_tax_events import TaxFilingExtended, TaxFilingFiled, TaxFilingPaid
from shared.kit.errors import Conflict, Unprocessable, not_found
from shared.kit.outbox import record_event

TAX_NAMES: dict[Tax, tuple[str, str]] = {
    "vat": ("增值税", "VAT"),
    "cit": ("企业所得税", "corporate income tax"),
    "iit_withheld": ("个人所得税（代扣代缴）", "individual income tax withheld"),
    "city_construction": ("城市维护建设税", "city maintenance and construction tax"),
    "education_surcharge": ("教育费附加", "education surcharge"),
    "local_education_surcharge": ("地方教育附加", "local education surcharge"),
}
DEFAULT_PAYABLE: dict[Tax, str] = {
    "vat": "2221.01.03",
    "cit": "2221.02",
    "iit_withheld": "2221.03",
    "city_construction": "2221.04",
    "education_surcharge": "2221.05",
    "local_education_surcharge": "2221.06",
}
"""The 2221 sub-account a tax's payment debits (2221.01.03 已交税金 for VAT), unless the
registration names another."""
TAX_PAYMENTS = "tax_payments"
"""The cash-flow item of a tax payment: 支付的各项税费."""
PAYMENT_SOURCE = "tax_payment"
NOTICE_DAYS_BEFORE = 5
NOTICE_KIND = "tax_filing_due"
SUBJECT_TYPE = "tax_filing"


# ---- registrations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationFields:
    """What finance says of a registration."""

    rate: Decimal | None
    taxpayer_kind: TaxpayerKind | None
    filing_frequency: FilingFrequency
    payable_account: str
    effective_from: date
    effective_to: date | None
    note: str


def registration_problems(tax: Tax, fields: RegistrationFields) -> list[str]:
    """What is wrong with a registration of ``tax`` (empty when nothing)."""
    problems = []
    if tax == "vat" and fields.taxpayer_kind is None:
        problems.append("a VAT registration names the taxpayer kind (general or small_scale)")
    if tax != "vat" and fields.taxpayer_kind is not None:
        problems.append("only a VAT registration has a taxpayer kind")
    if tax != "iit_withheld" and fields.rate is None:
        problems.append(f"a {tax} registration has a rate")
    if tax == "cit" and fields.filing_frequency != "quarterly":
        problems.append("corporate income tax is prepaid quarterly")
    if fields.effective_to is not None and fields.effective_to < fields.effective_from:
        problems.append("effective_to is before effective_from")
    if accounts.is_cash_account(fields.payable_account):
        problems.append("the payable account is a tax liability (2221…), not a cash account")
    return problems


def listed_registrations(tax: Tax | None) -> Select[tuple[TaxRegistration]]:
    """Registrations (of ``tax``) for a page."""
    query = select(TaxRegistration)
    if tax is not None:
        query = query.where(TaxRegistration.tax == tax)
    return query


async def get_registration(session: AsyncSession, registration_id: uuid.UUID) -> TaxRegistration:
    """A registration by id (404 otherwise)."""
    found = await session.get(TaxRegistration, registration_id)
    if found is None:
        raise not_found("tax registration", registration_id)
    return found


async def _check(
    session: AsyncSession, tax: Tax, fields: RegistrationFields, itself: uuid.UUID | None
) -> None:
    problems = registration_problems(tax, fields)
    if problems:
        raise Unprocessable("; ".join(problems), code="invalid_tax_registration")
    await accounts.postable(session, [fields.payable_account])
    query = select(TaxRegistration).where(
        TaxRegistration.tax == tax,
        or_(
            TaxRegistration.effective_to.is_(None),
            TaxRegistration.effective_to >= fields.effective_from,
        ),
    )
    if fields.effective_to is not None:
        query = query.where(TaxRegistration.effective_from <= fields.effective_to)
    if itself is not None:
        query = query.where(TaxRegistration.id != itself)
    other = await session.scalar(query.limit(1))
    if other is not None:
        raise Conflict(
            f"{tax} is registered from {other.effective_from} "
            f"to {other.effective_to or 'no end'} already; end that registration first",
            code="tax_registration_overlap",
            registration_id=str(other.id),
        )


def _apply(registration: TaxRegistration, fields: RegistrationFields) -> None:
    registration.rate = fields.rate
    registration.taxpayer_kind = fields.taxpayer_kind
    registration.filing_frequency = fields.filing_frequency
    registration.payable_account = fields.payable_account
    registration.effective_from = fields.effective_from
    registration.effective_to = fields.effective_to
    registration.note = fields.note


async def register(
    session: AsyncSession, tax: Tax, fields: RegistrationFields, *, actor: str | None
) -> TaxRegistration:
    """Register a tax from a date (409 when another registration of it covers part of the range)."""
    await _check(session, tax, fields, None)
    registration = TaxRegistration(tax=tax, created_by=actor)
    _apply(registration, fields)
    session.add(registration)
    await session.flush()
    return registration


async def change_registration(
    session: AsyncSession, registration: TaxRegistration, fields: RegistrationFields
) -> TaxRegistration:
    """Change a registration's rate, kind, frequency, account, dates or note. Filings already
    in the calendar keep their periods; generate the calendar again for new ones."""
    await _check(session, registration.tax, fields, registration.id)
    _apply(registration, fields)
    await session.flush()
    return registration


# ---- the calendar ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarResult:
    """What generating a year's calendar did."""

    year: int
    created: int
    moved: int
    filings: int


async def generate_calendar(
    session: AsyncSession, year: int, working: Callable[[date], bool] = is_working_day
) -> CalendarResult:
    """Make sure the year's filings exist for every tax registered during it (safe to repeat).

    A period belongs to the registration of its tax effective during it that started last.
    The statutory due date of a filing already there is brought up to date (the holiday data
    may have grown); its due date moves with it unless finance extended it (then it only moves
    when the statutory date passes it).
    """
    registrations = (await session.scalars(select(TaxRegistration))).all()
    existing = {
        (filing.tax, filing.kind, filing.period_start): filing
        for filing in (await session.scalars(select(TaxFiling).where(TaxFiling.year == year))).all()
    }
    wanted: dict[tuple[Tax, FilingKind, date], tuple[TaxRegistration, date, date]] = {}
    for registration in registrations:
        for period in periods_of(registration.tax, registration.filing_frequency, year, working):
            if not _covers(registration, period.start, period.end):
                continue
            key = (registration.tax, period.kind, period.start)
            held = wanted.get(key)
            if held is None or held[0].effective_from < registration.effective_from:
                wanted[key] = (registration, period.end, period.statutory_due)
    created = moved = 0
    for (tax, kind, start), (registration, end, statutory) in sorted(
        wanted.items(), key=lambda item: (item[0][2], item[0][0], item[0][1])
    ):
        filing = existing.get((tax, kind, start))
        if filing is None:
            session.add(
                TaxFiling(
                    registration_id=registration.id,
                    tax=tax,
                    kind=kind,
                    year=year,
                    period_start=start,
                    period_end=end,
                    statutory_due_date=statutory,
                    due_date=statutory,
                )
            )
            created += 1
        elif filing.statutory_due_date != statutory and filing.state != "paid":
            if filing.extension_reason is None or filing.due_date < statutory:
                filing.due_date = statutory
            filing.statutory_due_date = statutory
            moved += 1
    await session.flush()
    return CalendarResult(year, created, moved, len(set(existing) | set(wanted)))


def _covers(registration: TaxRegistration, start: date, end: date) -> bool:
    return registration.effective_from <= end and (
        registration.effective_to is None or registration.effective_to >= start
    )


# ---- filings ---------------------------------------------------------------------------------


def status_of(filing: TaxFiling, today: date) -> FilingStatus:
    """What the filing shows today."""
    return filing_status(
        state=filing.state,
        amount=filing.amount,
        period_end=filing.period_end,
        due_date=filing.due_date,
        today=today,
    )


def listed_filings(
    *,
    today: date,
    status: FilingStatus | None,
    tax: Tax | None,
    year: int | None,
    due_from: date | None,
    due_to: date | None,
) -> Select[tuple[TaxFiling]]:
    """Filings matching the filters (for a page); ``status`` as it is today."""
    query = select(TaxFiling)
    if status is not None:
        query = query.where(status_condition(status, today))
    if tax is not None:
        query = query.where(TaxFiling.tax == tax)
    if year is not None:
        query = query.where(TaxFiling.year == year)
    if due_from is not None:
        query = query.where(TaxFiling.due_date >= due_from)
    if due_to is not None:
        query = query.where(TaxFiling.due_date <= due_to)
    return query


async def get_filing(session: AsyncSession, filing_id: uuid.UUID) -> TaxFiling:
    """A filing by id (404 otherwise)."""
    found = await session.get(TaxFiling, filing_id)
    if found is None:
        raise not_found("tax filing", filing_id)
    return found


def period_label(filing: TaxFiling) -> str:
    """``2026-03``, ``2026-Q1`` or ``2026``."""
    if filing.kind == "monthly":
        return f"{filing.period_start:%Y-%m}"
    if filing.kind == "cit_annual":
        return f"{filing.period_start.year}"
    return f"{filing.period_start.year}-Q{(filing.period_start.month - 1) // 3 + 1}"


def _not_paid(filing: TaxFiling) -> None:
    if filing.state == "paid":
        raise Conflict(
            f"the {filing.tax} filing of {period_label(filing)} is paid already",
            code="tax_filing_already_paid",
        )


def _base(filing: TaxFiling) -> dict[str, Any]:
    return {
        "filing_id": filing.id,
        "tax": filing.tax,
        "kind": filing.kind,
        "period_start": filing.period_start,
        "period_end": filing.period_end,
        "due_date": filing.due_date,
    }


async def file_return(
    session: AsyncSession,
    filing: TaxFiling,
    *,
    filed_on: date,
    tax_base: Decimal,
    amount: Decimal,
    reference: str,
    actor: str | None,
    today: date,
) -> TaxFiling:
    """Record the return filed for the period (again, to correct it, until it is paid)."""
    _not_paid(filing)
    if today <= filing.period_end:
        raise Conflict(
            f"the period {period_label(filing)} runs until {filing.period_end}; "
            "its return is filed after it ends",
            code="tax_period_not_ended",
        )
    if not filing.period_end < filed_on <= today:
        raise Unprocessable(
            f"filed_on is after the period ({filing.period_end}) and not after today ({today})",
            code="invalid_tax_date",
        )
    filing.state = "filed"
    filing.filed_on, filing.tax_base, filing.amount = filed_on, tax_base, amount
    filing.reference, filing.filed_by = reference, actor
    await session.flush()
    await record_event(
        session,
        "finance.tax_filing.filed",
        subject_type=SUBJECT_TYPE,
        subject_id=filing.id,
        data=TaxFilingFiled(
            **_base(filing),
            filed_on=filed_on,
            tax_base=tax_base,
            amount=amount,
            reference=reference,
        ),
    )
    return filing


async def pay(
    session: AsyncSession,
    filing: TaxFiling,
    *,
    paid_on: date,
    amount: Decimal,
    bank_account: str,
    reference: str | None,
    actor: str | None,
    today: date,
) -> TaxFiling:
    """Record the payment of a filed return and post it: Dr the tax's 2221 account / Cr the bank,
    with the cash-flow item 支付的各项税费 (the ledger's refusals, such as a closed period, stand)."""
    _not_paid(filing)
    if filing.state != "filed" or filing.amount is None or filing.filed_on is None:
        raise Conflict(
            f"the {filing.tax} return of {period_label(filing)} is not filed yet; file it first",
            code="tax_filing_not_filed",
        )
    if filing.amount == 0:
        raise Conflict("the return was filed with nothing to pay", code="tax_nothing_to_pay")
    if amount != filing.amount:
        raise Unprocessable(
            f"the return says {filing.amount}; the payment is {amount}",
            code="invalid_tax_payment",
        )
    if not accounts.is_cash_account(bank_account):
        raise Unprocessable(
            f"{bank_account} is not a cash account (1001, 1002, 1012 or their sub-accounts)",
            code="invalid_tax_payment",
        )
    if not filing.filed_on <= paid_on <= today:
        raise Unprocessable(
            f"paid_on is on or after the filing ({filing.filed_on}) and not after today ({today})",
            code="invalid_tax_date",
        )
    registration = await get_registration(session, filing.registration_id)
    zh, en = TAX_NAMES[filing.tax]
    memo = f"缴纳{zh} {period_label(filing)} ({en})"
    entry = await post_entry(
        session,
        entry_date=paid_on,
        memo=memo,
        lines=[
            Line(registration.payable_account, debit=amount, memo=memo),
            Line(bank_account, credit=amount, memo=memo, cash_flow_item=TAX_PAYMENTS),
        ],
        source=PAYMENT_SOURCE,
        source_id=str(filing.id),
        actor=actor,
    )
    filing.state = "paid"
    filing.paid_on, filing.payment_reference = paid_on, reference
    filing.entry_id, filing.paid_by = entry.id, actor
    await session.flush()
    await record_event(
        session,
        "finance.tax_filing.paid",
        subject_type=SUBJECT_TYPE,
        subject_id=filing.id,
        data=TaxFilingPaid(**_base(filing), paid_on=paid_on, amount=amount, entry_id=entry.id),
    )
    return filing


async def extend(
    session: AsyncSession, filing: TaxFiling, *, due_date: date, reason: str
) -> TaxFiling:
    """Move the due date for an extension the tax authority announced (never before the
    statutory date; audited with its reason)."""
    _not_paid(filing)
    if due_date < filing.statutory_due_date:
        raise Unprocessable(
            f"an extension moves the due date on from {filing.statutory_due_date}, not before it",
            code="invalid_tax_date",
        )
    previous = filing.due_date
    filing.due_date = due_date
    filing.extension_reason = reason
    await session.flush()
    await record_event(
        session,
        "finance.tax_filing.extended",
        subject_type=SUBJECT_TYPE,
        subject_id=filing.id,
        data=TaxFilingExtended(**_base(filing), previous_due_date=previous, reason=reason),
    )
    return filing


# ---- due-soon notices ------------------------------------------------------------------------


async def due_soon(
    session: AsyncSession, today: date, days_before: int = NOTICE_DAYS_BEFORE
) -> list[TaxFiling]:
    """Filings owed a due-soon notice today, soonest first."""
    rows = await session.scalars(
        select(TaxFiling)
        .where(
            TaxFiling.state != "paid",
            TaxFiling.due_date >= today,
            TaxFiling.due_date <= today + timedelta(days=days_before),
        )
        .order_by(TaxFiling.due_date, TaxFiling.id)
    )
    return [
        filing
        for filing in rows.all()
        if needs_notice(
            state=filing.state,
            amount=filing.amount,
            due_date=filing.due_date,
            notified_due_date=filing.notified_due_date,
            today=today,
            days_before=days_before,
        )
    ]


def notice(filing: TaxFiling) -> dict[str, Any]:
    """The inbox notice of a filing due soon, for finance staff; its key names the due date, so
    a retry delivers it once and an extension earns a new one. The text names dates, not days
    left, so a retry on another day sends the same notice."""
    zh, en = TAX_NAMES[filing.tax]
    period = period_label(filing)
    due = filing.due_date.isoformat()
    return {
        "idempotency_key": f"finance-tax-due:{filing.id}:{due}",
        "recipients": {"roles": ["finance"]},
        "kind": NOTICE_KIND,
        "title": {
            "zh": f"{zh}（{period}）须于 {due} 前申报缴纳",
            "en": f"{en} for {period} due by {due}",
        },
        "body": {
            "zh": f"{period} 的{zh}申报及缴款截止日为 {due}。",
            "en": f"The {en} return for {period} is to be filed and paid by {due}.",
        },
        "link": {
            "service": "finance",
            "type": SUBJECT_TYPE,
            "id": str(filing.id),
            "url": f"/api/v1/finance/tax-filings/{filing.id}",
        },
    }


async def mark_notified(session: AsyncSession, filing_id: uuid.UUID, due_date: date) -> None:
    """Remember the notice of this due date was delivered (bookkeeping: not a change of the
    filing, so neither its version nor its audit trail moves)."""
    await session.execute(
        update(TaxFiling)
        .where(TaxFiling.id == filing_id, TaxFiling.due_date == due_date)
        .values(notified_due_date=due_date)
        .execution_options(synchronize_session=False)
    )


def years_to_plan(today: date) -> Sequence[int]:
    """The years whose calendar the sweep keeps: this one, and the next from December on."""
    return (today.year, today.year + 1) if today.month == 12 else (today.year,)
