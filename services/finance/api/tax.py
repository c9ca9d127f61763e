"""HTTP routes of finance: tax registrations, the filing calendar and filings.

``/tax-registrations`` (the taxes the company is registered for, rates as data),
``/tax-filings`` (the calendar: ``POST /tax-filings/calendar`` generates a year, safe to
repeat; filings are filed, paid — the payment posts its entry — and extended).
"""

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import Query, Request, Response

from services.finance.db.tax import Tax, TaxFiling, TaxRegistration
from services.finance.domain import tax
from services.finance.domain.posting_access import FinanceReader, FinanceStaff
from services.finance.domain.tax_calendar import FilingStatus
from services.finance.schemas.tax import (
    FilingExtend,
    FilingFile,
    FilingPay,
    TaxCalendarCreate,
    TaxCalendarRead,
    TaxFilingRead,
    TaxRegistrationCreate,
    TaxRegistrationRead,
    TaxRegistrationUpdate,
)
from shared.contracts.page import Page
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/finance", tags=["finance: tax"])

Responses = dict[int | str, dict[str, Any]]
STAFF_ONLY: Responses = {403: {"description": "Not finance staff or an admin (`finance_only`)."}}
READERS_ONLY: Responses = {
    403: {"description": "Not finance staff, an admin or the auditor (`finance_only`)."}
}
REGISTRATION_REFUSED: Responses = {
    409: {"description": "Another registration of the tax covers part of the dates "
          "(`tax_registration_overlap`)."},
    422: {"description": "A rate or taxpayer kind missing or out of place, CIT not quarterly, "
          "dates in the wrong order, a cash payable account (`invalid_tax_registration`); an "
          "account that does not exist or is not an active leaf (`unknown_account`, "
          "`account_not_postable`)."},
}  # fmt: skip


def _filing_read(filing: TaxFiling, today: date) -> TaxFilingRead:
    fields = {
        name: getattr(filing, name) for name in TaxFilingRead.model_fields if name != "status"
    }
    return TaxFilingRead.model_validate({**fields, "status": tax.status_of(filing, today)})


def _created_fields(payload: TaxRegistrationCreate) -> tax.RegistrationFields:
    frequency = payload.filing_frequency or ("quarterly" if payload.tax == "cit" else "monthly")
    return tax.RegistrationFields(
        rate=payload.rate,
        taxpayer_kind=payload.taxpayer_kind,
        filing_frequency=frequency,
        payable_account=payload.payable_account or tax.DEFAULT_PAYABLE[payload.tax],
        effective_from=payload.effective_from,
        effective_to=payload.effective_to,
        note=payload.note,
    )


def _updated_fields(
    payload: TaxRegistrationUpdate, registration: TaxRegistration
) -> tax.RegistrationFields:
    # A null for a field that cannot be cleared never gets here: the kit's body check refuses
    # it, since the document does not let it be null (shared/contracts/omittable.py).
    sent = payload.model_dump(exclude_unset=True)
    current = {
        name: getattr(registration, name)
        for name in (
            "rate",
            "taxpayer_kind",
            "filing_frequency",
            "payable_account",
            "effective_from",
            "effective_to",
            "note",
        )
    }
    return tax.RegistrationFields(**{**current, **sent})


# ---- registrations ---------------------------------------------------------------------------


@router.get(
    "/tax-registrations",
    response_model=Page[TaxRegistrationRead],
    summary="List tax registrations",
    responses=READERS_ONLY,
)
async def list_tax_registrations(
    session: SessionDep,
    _reader: FinanceReader,
    params: Annotated[PageParams, sorted_by("effective_from")],
    tax_kind: Annotated[Tax | None, Query(alias="tax", description="Only this tax.")] = None,
) -> Page[TaxRegistrationRead]:
    """The taxes the company is registered for, with their rates and dates."""
    return await paginate(
        session,
        tax.listed_registrations(tax_kind),
        params,
        sortable={"effective_from": TaxRegistration.effective_from},
        id_column=TaxRegistration.id,
        default_sort="effective_from",
        to_item=TaxRegistrationRead.model_validate,
    )


@router.post(
    "/tax-registrations",
    status_code=201,
    response_model=TaxRegistrationRead,
    summary="Register a tax",
    responses={**STAFF_ONLY, **REGISTRATION_REFUSED},
)
async def create_tax_registration(
    payload: TaxRegistrationCreate, response: Response, session: SessionDep, staff: FinanceStaff
) -> TaxRegistration:
    """Register a tax from a date, with its rate (VAT: and the taxpayer kind). A rate change is
    a new registration from the day it applies, the old one ended the day before."""
    registration = await tax.register(
        session, payload.tax, _created_fields(payload), actor=staff.sub
    )
    response.headers["Location"] = f"/api/v1/finance/tax-registrations/{registration.id}"
    set_etag(response, registration.version)
    return registration


@router.get(
    "/tax-registrations/{registration_id}",
    response_model=TaxRegistrationRead,
    summary="Read a tax registration",
    responses=READERS_ONLY,
)
async def read_tax_registration(
    registration_id: uuid.UUID, response: Response, session: SessionDep, _reader: FinanceReader
) -> TaxRegistration:
    """One registration."""
    registration = await tax.get_registration(session, registration_id)
    set_etag(response, registration.version)
    return registration


@router.patch(
    "/tax-registrations/{registration_id}",
    response_model=TaxRegistrationRead,
    summary="Change a tax registration",
    responses={**STAFF_ONLY, **REGISTRATION_REFUSED},
)
async def update_tax_registration(
    registration_id: uuid.UUID,
    payload: TaxRegistrationUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    _staff: FinanceStaff,
) -> TaxRegistration:
    """Change the rate, kind, frequency, payable account, dates or note (honours If-Match;
    audited)."""
    registration = await tax.get_registration(session, registration_id)
    check_if_match(request, registration.version)
    registration = await tax.change_registration(
        session, registration, _updated_fields(payload, registration)
    )
    set_etag(response, registration.version)
    return registration


# ---- the calendar and filings ----------------------------------------------------------------


@router.post(
    "/tax-filings/calendar",
    response_model=TaxCalendarRead,
    summary="Generate a year's filing calendar",
    responses=STAFF_ONLY,
)
async def generate_tax_calendar(
    payload: TaxCalendarCreate, session: SessionDep, _staff: FinanceStaff
) -> TaxCalendarRead:
    """Make sure the year's filings exist for every registered tax, with their statutory due
    dates moved to the next working day (safe to repeat: existing filings are kept, their
    statutory dates brought up to date). The service also keeps the current year's calendar
    by itself."""
    result = await tax.generate_calendar(session, payload.year)
    return TaxCalendarRead(
        year=result.year, created=result.created, moved=result.moved, filings=result.filings
    )


@router.get(
    "/tax-filings",
    response_model=Page[TaxFilingRead],
    summary="List tax filings",
    responses=READERS_ONLY,
)
async def list_tax_filings(
    request: Request,
    session: SessionDep,
    _reader: FinanceReader,
    params: Annotated[PageParams, sorted_by("due_date", "period_start")],
    status: Annotated[FilingStatus | None, Query(description="As it is today.")] = None,
    tax_kind: Annotated[Tax | None, Query(alias="tax", description="Only this tax.")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="The periods' year.")] = None,
    due_from: date | None = None,
    due_to: date | None = None,
) -> Page[TaxFilingRead]:
    """The calendar, soonest due first: ``status=overdue`` for what is late, ``status=due`` for
    what can be filed now, ``status=upcoming`` for periods still running."""
    today = runtime_of(request).today()
    return await paginate(
        session,
        tax.listed_filings(
            today=today, status=status, tax=tax_kind, year=year, due_from=due_from, due_to=due_to
        ),
        params,
        sortable={"due_date": TaxFiling.due_date, "period_start": TaxFiling.period_start},
        id_column=TaxFiling.id,
        default_sort="due_date",
        to_item=lambda filing: _filing_read(filing, today),
    )


@router.get(
    "/tax-filings/{filing_id:uuid}",
    response_model=TaxFilingRead,
    summary="Read a tax filing",
    responses=READERS_ONLY,
)
async def read_tax_filing(
    filing_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    _reader: FinanceReader,
) -> TaxFilingRead:
    """One filing, with its status today."""
    filing = await tax.get_filing(session, filing_id)
    set_etag(response, filing.version)
    return _filing_read(filing, runtime_of(request).today())


@router.post(
    "/tax-filings/{filing_id}/file",
    response_model=TaxFilingRead,
    summary="Record a filed return",
    responses={
        **STAFF_ONLY,
        409: {"description": "Paid already (`tax_filing_already_paid`); the period has not "
              "ended (`tax_period_not_ended`)."},
        422: {"description": "filed_on in the future or within the period (`invalid_tax_date`)."},
    },
)  # fmt: skip
async def file_tax_return(
    filing_id: uuid.UUID,
    payload: FilingFile,
    request: Request,
    response: Response,
    session: SessionDep,
    staff: FinanceStaff,
) -> TaxFilingRead:
    """Record the return filed with the tax authority: tax base, tax due, reference. Filing
    again corrects it until it is paid (honours If-Match)."""
    filing = await tax.get_filing(session, filing_id)
    check_if_match(request, filing.version)
    today = runtime_of(request).today()
    filing = await tax.file_return(
        session,
        filing,
        filed_on=payload.filed_on,
        tax_base=payload.tax_base,
        amount=payload.amount,
        reference=payload.reference,
        actor=staff.sub,
        today=today,
    )
    set_etag(response, filing.version)
    return _filing_read(filing, today)


@router.post(
    "/tax-filings/{filing_id}/pay",
    response_model=TaxFilingRead,
    summary="Record a tax payment",
    responses={
        **STAFF_ONLY,
        409: {"description": "Not filed (`tax_filing_not_filed`), paid already "
              "(`tax_filing_already_paid`), nothing to pay (`tax_nothing_to_pay`), or the "
              "payment's period is closed (`period_closed`)."},
        422: {"description": "Another amount than the return's, or not a cash account "
              "(`invalid_tax_payment`); paid_on before the filing or in the future "
              "(`invalid_tax_date`); an account the ledger refuses."},
    },
)  # fmt: skip
async def pay_tax(
    filing_id: uuid.UUID,
    payload: FilingPay,
    request: Request,
    response: Response,
    session: SessionDep,
    staff: FinanceStaff,
) -> TaxFilingRead:
    """Record the payment of the return and post it: Dr the tax's 2221 account / Cr the bank
    account, cash-flow item 支付的各项税费 (honours If-Match)."""
    filing = await tax.get_filing(session, filing_id)
    check_if_match(request, filing.version)
    today = runtime_of(request).today()
    filing = await tax.pay(
        session,
        filing,
        paid_on=payload.paid_on,
        amount=payload.amount,
        bank_account=payload.bank_account,
        reference=payload.payment_reference,
        actor=staff.sub,
        today=today,
    )
    set_etag(response, filing.version)
    return _filing_read(filing, today)


@router.post(
    "/tax-filings/{filing_id}/extend",
    response_model=TaxFilingRead,
    summary="Move a due date (extension)",
    responses={
        **STAFF_ONLY,
        409: {"description": "Paid already (`tax_filing_already_paid`)."},
        422: {"description": "A date before the statutory due date (`invalid_tax_date`)."},
    },
)
async def extend_tax_filing(
    filing_id: uuid.UUID,
    payload: FilingExtend,
    request: Request,
    response: Response,
    session: SessionDep,
    _staff: FinanceStaff,
) -> TaxFilingRead:
    """Move the due date for an extension the tax authority announced, with the reason
    (audited; honours If-Match). A notice names the new date before it falls due."""
    filing = await tax.get_filing(session, filing_id)
    check_if_match(request, filing.version)
    filing = await tax.extend(session, filing, due_date=payload.due_date, reason=payload.reason)
    set_etag(response, filing.version)
    return _filing_read(filing, runtime_of(request).today())
