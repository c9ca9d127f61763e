"""HTTP routes of finance: chart of accounts, periods, journal entries.

Who may: finance staff and admins manage (clients with ``finance:write`` too); auditors read
everything (clients with ``finance:read`` too). The chart and the cash-flow items are read
by every signed-in caller (a claim form picks accounts). The journal and the periods are
finance's own: anyone else gets 404 for an entry and 403 ``finance_only`` for the lists and
periods.
"""

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from services.finance.db.ledger import Account, CashFlowItem, JournalEntry, JournalLine, Period
from services.finance.domain import accounts as account_rules
from services.finance.domain import ledger, periods
from services.finance.schemas.ledger import (
    PERIOD_PATTERN,
    AccountCategory,
    AccountCreate,
    AccountRead,
    AccountUpdate,
    CashFlowItemList,
    CashFlowItemRead,
    EntryCreate,
    EntryRead,
    EntryStatus,
    EntryUpdate,
    LineIn,
    PeriodRead,
    PeriodReopen,
    PeriodStatus,
    PeriodYear,
    PeriodYearCreate,
    ReverseRequest,
)
from shared.contracts.page import Page
from shared.contracts.principal import Principal
from shared.kit.auth import CurrentPrincipal, guarded
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.errors import Forbidden, Unprocessable, not_found
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, service_router

router = service_router(prefix="/api/v1/finance", tags=["finance: ledger"])

SERVICE = "finance"


def is_staff(principal: Principal) -> bool:
    """Finance staff, admins, and clients that may write finance."""
    if principal.kind == "client":
        return principal.can_write(SERVICE)
    return principal.has_role("finance", "admin")


def is_reader(principal: Principal) -> bool:
    """Those who read the journal: staff, auditors, clients that may read finance."""
    if principal.kind == "client":
        return principal.can_read(SERVICE)
    return is_staff(principal) or principal.has_role("auditor")


def require_staff(principal: Principal) -> None:
    if not is_staff(principal):
        raise Forbidden("only finance staff (or an admin) may do this", code="finance_only")


def require_reader(principal: Principal) -> None:
    if not is_reader(principal):
        raise Forbidden(
            "only finance staff, admins and auditors see the journal and the periods",
            code="finance_only",
        )


Staff = Annotated[Principal, Depends(guarded(require_staff))]
Reader = Annotated[Principal, Depends(guarded(require_reader))]
CodePath = Annotated[
    str, Path(pattern=account_rules.CODE_PATTERN, max_length=20, examples=["6602.02"])
]
PeriodPath = Annotated[
    str, Path(pattern=PERIOD_PATTERN, max_length=7, description="``YYYY-MM``", examples=["2026-03"])
]


def actor_of(principal: Principal) -> str:
    return principal.username or principal.client_id or principal.sub


def split_period(name: str) -> tuple[int, int]:
    year, month = name.split("-")
    return int(year), int(month)


# ---- chart of accounts ------------------------------------------------------------------


@router.get("/accounts", response_model=Page[AccountRead], summary="List accounts")
async def list_accounts(
    session: SessionDep,
    _caller: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("code", "name")],
    category: AccountCategory | None = None,
    active: bool | None = None,
    leaf: Annotated[
        bool | None, Query(description="Only leaf (postable) accounts, or not.")
    ] = None,
    parent: Annotated[
        str | None,
        Query(max_length=20, description="Only the direct sub-accounts of this account."),
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=100, description="Code prefix, or a part of the Chinese or English name."),
    ] = None,
) -> Page[AccountRead]:
    """The chart, by code (every signed-in caller may read it)."""
    query = select(Account)
    if category is not None:
        query = query.where(Account.category == category)
    if active is not None:
        query = query.where(Account.active == active)
    if leaf is not None:
        query = query.where(Account.is_leaf == leaf)
    if parent is not None:
        query = query.where(Account.parent_code == parent)
    if q and q.strip():
        text = q.strip()
        query = query.where(
            or_(
                Account.code.startswith(text, autoescape=True),
                Account.name.contains(text, autoescape=True),
                Account.name_en.ilike(f"%{_escape_like(text)}%", escape="\\"),
            )
        )
    return await paginate(
        session,
        query,
        params,
        sortable={"code": Account.code, "name": Account.name},
        id_column=Account.id,
        default_sort="code",
        to_item=AccountRead.model_validate,
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@router.get("/accounts/{code}", response_model=AccountRead, summary="Read an account")
async def read_account(
    code: CodePath, response: Response, session: SessionDep, _caller: CurrentPrincipal
) -> Account:
    """One account by code."""
    account = await account_rules.get(session, code)
    set_etag(response, account.version)
    return account


@router.post(
    "/accounts",
    status_code=201,
    response_model=AccountRead,
    summary="Add a sub-account",
    responses={201: {"model": AccountRead}},
)
async def create_account(
    payload: AccountCreate, response: Response, session: SessionDep, _staff: Staff
) -> Account:
    """A sub-account under an existing account (finance); 409 ``duplicate_account`` for a code
    in use, ``account_has_postings`` under an account that already has postings."""
    account = await account_rules.create_sub_account(
        session,
        account_rules.NewSubAccount(
            parent_code=payload.parent_code,
            code=payload.code,
            name=payload.name,
            name_en=payload.name_en,
        ),
    )
    set_etag(response, account.version)
    response.headers["Location"] = f"/api/v1/finance/accounts/{account.code}"
    return account


@router.patch("/accounts/{code}", response_model=AccountRead, summary="Change an account")
async def update_account(
    code: CodePath,
    payload: AccountUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    _staff: Staff,
) -> Account:
    """Rename, deactivate or reactivate (finance; honours If-Match)."""
    account = await account_rules.get(session, code)
    check_if_match(request, account.version)
    account = await account_rules.update(
        session, account, name=payload.name, name_en=payload.name_en, active=payload.active
    )
    set_etag(response, account.version)
    return account


@router.delete("/accounts/{code}", status_code=204, summary="Delete an account")
async def delete_account(
    code: CodePath, request: Request, session: SessionDep, _staff: Staff
) -> Response:
    """Remove an account with no postings and no sub-accounts (finance; honours If-Match);
    one with postings is deactivated instead (409 ``account_has_postings``)."""
    account = await account_rules.get(session, code)
    check_if_match(request, account.version)
    await account_rules.delete(session, account)
    return Response(status_code=204)


@router.get("/cash-flow-items", response_model=CashFlowItemList, summary="List the cash-flow items")
async def list_cash_flow_items(session: SessionDep, _caller: CurrentPrincipal) -> CashFlowItemList:
    """The direct-method items a cash line is classified under, in the statement's order."""
    items = (await session.scalars(select(CashFlowItem).order_by(CashFlowItem.sort_order))).all()
    return CashFlowItemList(items=[CashFlowItemRead.model_validate(item) for item in items])


# ---- periods ----------------------------------------------------------------------------


@router.get("/periods", response_model=Page[PeriodRead], summary="List periods")
async def list_periods(
    session: SessionDep,
    _reader: Reader,
    params: Annotated[PageParams, sorted_by("period")],
    year: Annotated[int | None, Query(ge=1900, le=9999)] = None,
    status: PeriodStatus | None = None,
) -> Page[PeriodRead]:
    """Periods, newest first unless sorted otherwise (``sort=period``)."""
    query = select(Period)
    if year is not None:
        query = query.where(Period.year == year)
    if status is not None:
        query = query.where(Period.status == status)
    return await paginate(
        session,
        query,
        params,
        sortable={"period": Period.ordinal},
        id_column=Period.id,
        default_sort="-period",
        to_item=PeriodRead.of,
    )


@router.post(
    "/periods",
    status_code=201,
    response_model=PeriodYear,
    summary="Open a year's periods",
    responses={201: {"model": PeriodYear}},
)
async def create_periods(
    payload: PeriodYearCreate, response: Response, session: SessionDep, _staff: Staff
) -> PeriodYear:
    """Make sure the twelve periods of a year exist (finance); existing ones are kept."""
    found = await periods.create_year(session, payload.year)
    response.headers["Location"] = f"/api/v1/finance/periods?year={payload.year}"
    return PeriodYear(year=payload.year, periods=[PeriodRead.of(period) for period in found])


@router.get("/periods/{period}", response_model=PeriodRead, summary="Read a period")
async def read_period(
    period: PeriodPath, response: Response, session: SessionDep, _reader: Reader
) -> PeriodRead:
    """One month (404 when it was never opened)."""
    found = await periods.get(session, *split_period(period))
    set_etag(response, found.version)
    return PeriodRead.of(found)


@router.post("/periods/{period}/close", response_model=PeriodRead, summary="Close a period")
async def close_period(
    period: PeriodPath, request: Request, response: Response, session: SessionDep, staff: Staff
) -> PeriodRead:
    """Close a month (finance; honours If-Match): refused while it has drafts (409
    ``period_has_drafts``); closing December posts the year-end carry-forward first."""
    year, month = split_period(period)
    found = await periods.get(session, year, month)
    check_if_match(request, found.version)
    closed = await periods.close(session, year, month, actor=actor_of(staff))
    set_etag(response, closed.version)
    return PeriodRead.of(closed)


@router.post("/periods/{period}/reopen", response_model=PeriodRead, summary="Reopen a period")
async def reopen_period(
    period: PeriodPath,
    payload: PeriodReopen,
    request: Request,
    response: Response,
    session: SessionDep,
    staff: Staff,
) -> PeriodRead:
    """Reopen a closed month (finance, with a reason; audited; honours If-Match)."""
    year, month = split_period(period)
    found = await periods.get(session, year, month)
    check_if_match(request, found.version)
    reopened = await periods.reopen(
        session, year, month, reason=payload.reason, actor=actor_of(staff)
    )
    set_etag(response, reopened.version)
    return PeriodRead.of(reopened)


# ---- journal entries --------------------------------------------------------------------


def _lines(lines: list[LineIn]) -> list[ledger.Line]:
    out = []
    for number, line in enumerate(lines, start=1):
        if (line.debit is None) == (line.credit is None):
            raise Unprocessable(
                f"line {number} must have exactly one of debit and credit",
                code="invalid_line",
                line=number,
            )
        out.append(
            ledger.Line(
                account=line.account,
                debit=line.debit if line.debit is not None else ledger.ZERO,
                credit=line.credit if line.credit is not None else ledger.ZERO,
                memo=line.memo,
                department_id=line.department_id,
                employee_id=line.employee_id,
                party_id=line.party_id,
                project=line.project,
                cash_flow_item=line.cash_flow_item,
            )
        )
    return out


async def _visible_entry(
    session: SessionDep, entry_id: uuid.UUID, principal: Principal, *, lock: bool = False
) -> JournalEntry:
    if not is_reader(principal):
        raise not_found("journal entry", entry_id)
    return await ledger.get_entry(session, entry_id, lock=lock)


@router.get("/journal-entries", response_model=Page[EntryRead], summary="List journal entries")
async def list_entries(
    session: SessionDep,
    _reader: Reader,
    params: Annotated[PageParams, sorted_by("entry_date", "created_at")],
    period: Annotated[
        str | None, Query(pattern=PERIOD_PATTERN, max_length=7, description="``YYYY-MM``")
    ] = None,
    status: EntryStatus | None = None,
    source: Annotated[str | None, Query(max_length=40)] = None,
    account: Annotated[
        str | None,
        Query(
            max_length=20, description="Entries with a line on this account or its sub-accounts."
        ),
    ] = None,
    date_from: Annotated[date | None, Query(description="Entries dated on or after.")] = None,
    date_to: Annotated[date | None, Query(description="Entries dated on or before.")] = None,
) -> Page[EntryRead]:
    """Entries by date (then id), with their lines."""
    query = select(JournalEntry).options(selectinload(JournalEntry.lines))
    if period is not None:
        year, month = split_period(period)
        query = query.where(JournalEntry.year == year, JournalEntry.month == month)
    if status is not None:
        query = query.where(JournalEntry.status == status)
    if source is not None:
        query = query.where(JournalEntry.source == source)
    if account is not None:
        query = query.where(
            exists().where(
                JournalLine.entry_id == JournalEntry.id,
                or_(
                    JournalLine.account_code == account,
                    JournalLine.account_code.startswith(account + ".", autoescape=True),
                ),
            )
        )
    if date_from is not None:
        query = query.where(JournalEntry.entry_date >= date_from)
    if date_to is not None:
        query = query.where(JournalEntry.entry_date <= date_to)
    return await paginate(
        session,
        query,
        params,
        sortable={
            "entry_date": JournalEntry.entry_date,
            "created_at": JournalEntry.created_at,
        },
        id_column=JournalEntry.id,
        default_sort="entry_date",
        to_item=EntryRead.of,
    )


@router.post(
    "/journal-entries",
    status_code=201,
    response_model=EntryRead,
    summary="Write a draft entry",
    responses={201: {"model": EntryRead}},
)
async def create_entry(
    payload: EntryCreate, response: Response, session: SessionDep, staff: Staff
) -> EntryRead:
    """A manual draft (finance); refused in a closed period (409 ``period_closed``)."""
    entry = await ledger.create_draft(
        session,
        entry_date=payload.entry_date,
        memo=payload.memo,
        lines=_lines(payload.lines),
        source="manual",
        source_id=None,
        actor=actor_of(staff),
    )
    set_etag(response, entry.version)
    response.headers["Location"] = f"/api/v1/finance/journal-entries/{entry.id}"
    return EntryRead.of(entry)


@router.get("/journal-entries/{entry_id}", response_model=EntryRead, summary="Read a journal entry")
async def read_entry(
    entry_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> EntryRead:
    """One entry with its lines (404 for anyone but finance, admins and auditors)."""
    entry = await _visible_entry(session, entry_id, principal)
    set_etag(response, entry.version)
    return EntryRead.of(entry)


@router.patch(
    "/journal-entries/{entry_id}", response_model=EntryRead, summary="Change a draft entry"
)
async def update_entry(
    entry_id: uuid.UUID,
    payload: EntryUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> EntryRead:
    """Change a draft (finance; honours If-Match); a posted entry is 409 ``entry_posted``."""
    entry = await _visible_entry(session, entry_id, principal)
    require_staff(principal)
    check_if_match(request, entry.version)
    entry = await ledger.update_draft(
        session,
        entry,
        entry_date=payload.entry_date,
        memo=payload.memo,
        lines=_lines(payload.lines) if payload.lines is not None else None,
    )
    set_etag(response, entry.version)
    return EntryRead.of(entry)


@router.delete("/journal-entries/{entry_id}", status_code=204, summary="Delete a draft entry")
async def delete_entry(
    entry_id: uuid.UUID, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """Remove a draft (finance; honours If-Match); a posted entry is 409 ``entry_posted``."""
    entry = await _visible_entry(session, entry_id, principal)
    require_staff(principal)
    check_if_match(request, entry.version)
    await ledger.delete_draft(session, entry)
    return Response(status_code=204)


@router.post(
    "/journal-entries/{entry_id}/post", response_model=EntryRead, summary="Post a draft entry"
)
async def post_entry(
    entry_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> EntryRead:
    """Post a draft (finance; honours If-Match): it must balance (422 ``entry_unbalanced``
    with both totals), its accounts be active leaves and its period open; it gets the
    period's next voucher number."""
    entry = await _visible_entry(session, entry_id, principal)
    require_staff(principal)
    check_if_match(request, entry.version)
    entry = await ledger.post_draft(session, entry, actor=actor_of(principal))
    set_etag(response, entry.version)
    return EntryRead.of(entry)


@router.post(
    "/journal-entries/{entry_id}/reverse",
    status_code=201,
    response_model=EntryRead,
    summary="Reverse a posted entry",
    responses={201: {"model": EntryRead}},
)
async def reverse_entry(
    entry_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    payload: ReverseRequest | None = None,
) -> EntryRead:
    """Post the mirror entry (finance; honours If-Match on the original) dated today unless
    given, and link the two; answers the reversal."""
    entry = await _visible_entry(session, entry_id, principal)
    require_staff(principal)
    check_if_match(request, entry.version)
    runtime = request.app.state.runtime
    reversal = await ledger.reverse_entry(
        session,
        entry,
        entry_date=(payload.entry_date if payload else None) or runtime.today(),
        memo=payload.memo if payload else None,
        actor=actor_of(principal),
    )
    reversal = await ledger.get_entry(session, reversal.id)
    set_etag(response, reversal.version)
    response.headers["Location"] = f"/api/v1/finance/journal-entries/{reversal.id}"
    return EntryRead.of(reversal)
