"""HTTP routes of finance: posting rules, consumed facts and posting exceptions.

``/posting-rules`` (finance edits them, If-Match; their history is the audit log),
``/posting-fact-types``, ``/posting-facts`` (every fact received, as it arrived) and
``/posting-exceptions`` (what could not be posted: retry or dismiss).
"""

import uuid
from typing import Annotated, Any

from fastapi import Query, Request, Response
from sqlalchemy import func, select

from services.finance.db.posting import (
    ConsumedFact,
    ExceptionStatus,
    FactStatus,
    PostingException,
    PostingRule,
)
from services.finance.domain import posting, posting_rules
from services.finance.domain.posting_access import FinanceReader, FinanceStaff
from services.finance.schemas.posting import (
    ComponentName,
    ExceptionDismiss,
    ExceptionRetryAll,
    ExceptionRetryResult,
    FactType,
    FactTypeRead,
    PostingExceptionRead,
    PostingFactRead,
    PostingRuleCreate,
    PostingRuleRead,
    PostingRuleUpdate,
    RuleChange,
)
from shared.contracts.events import contract_for
from shared.contracts.page import Page
from shared.contracts.posting_facts import FACT_TYPES
from shared.kit import audit
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/finance", tags=["finance: posting"])

Responses = dict[int | str, dict[str, Any]]
STAFF_ONLY: Responses = {403: {"description": "Not finance staff or an admin (`finance_only`)."}}
READERS_ONLY: Responses = {
    403: {"description": "Not finance staff, an admin or the auditor (`finance_only`)."}
}
RULE_INVALID: Responses = {
    422: {
        "description": "An account that does not exist, is not a leaf or is inactive "
        "(`unknown_account`, `account_not_postable`), the same account on both sides, a "
        "cash-flow item missing on a cash side or given without one (`posting_rule_invalid`), "
        "an unknown cash-flow item (`invalid_cash_flow_item`)."
    }
}


def _created_fields(payload: PostingRuleCreate) -> posting_rules.RuleFields:
    return posting_rules.RuleFields(
        debit_account=payload.debit_account,
        credit_account=payload.credit_account,
        dimensions=payload.dimensions,
        cash_flow_item=payload.cash_flow_item,
        description=payload.description,
        active=payload.active,
    )


def _updated_fields(payload: PostingRuleUpdate, rule: PostingRule) -> posting_rules.RuleFields:
    # A null for a field that cannot be cleared never gets here: the kit's body check refuses
    # it, since the document does not let it be null (shared/contracts/omittable.py).
    sent = payload.model_dump(exclude_unset=True)
    current = {
        "debit_account": rule.debit_account,
        "credit_account": rule.credit_account,
        "dimensions": rule.dimensions,
        "cash_flow_item": rule.cash_flow_item,
        "description": rule.description,
        "active": rule.active,
    }
    return posting_rules.RuleFields(**{**current, **sent})


@router.get(
    "/posting-rules",
    response_model=Page[PostingRuleRead],
    summary="List posting rules",
    responses=READERS_ONLY,
)
async def list_posting_rules(
    session: SessionDep,
    _reader: FinanceReader,
    params: Annotated[PageParams, sorted_by("fact_type", "created_at")],
    fact_type: Annotated[FactType | None, Query()] = None,
    component: Annotated[ComponentName | None, Query()] = None,
    active: bool | None = None,
) -> Page[PostingRuleRead]:
    """The rule table, by fact type and component (filters optional)."""
    return await paginate(
        session,
        posting_rules.listed(fact_type=fact_type, component=component, active=active),
        params,
        sortable={"fact_type": PostingRule.fact_type, "created_at": PostingRule.created_at},
        id_column=PostingRule.id,
        default_sort="fact_type",
        to_item=PostingRuleRead.model_validate,
    )


@router.post(
    "/posting-rules",
    status_code=201,
    response_model=PostingRuleRead,
    summary="Add a posting rule",
    responses={
        **STAFF_ONLY,
        409: {
            "description": "The fact type, component and category have a rule (`posting_rule_exists`)."
        },
        **RULE_INVALID,
    },
)
async def create_posting_rule(
    payload: PostingRuleCreate, response: Response, session: SessionDep, staff: FinanceStaff
) -> PostingRule:
    """A rule for (fact type, component[, category]): the debit and credit accounts (active
    leaves), the dimensions kept, and the cash-flow item of a cash side. Parked facts it now
    maps are posted by retrying their exceptions."""
    rule = await posting_rules.create(
        session,
        fact_type=payload.fact_type,
        component=payload.component,
        category=payload.category,
        fields=_created_fields(payload),
        actor=staff.sub,
    )
    response.headers["Location"] = f"/api/v1/finance/posting-rules/{rule.id}"
    set_etag(response, rule.version)
    return rule


@router.get(
    "/posting-rules/{rule_id}",
    response_model=PostingRuleRead,
    summary="Read a posting rule",
    responses=READERS_ONLY,
)
async def read_posting_rule(
    rule_id: uuid.UUID, response: Response, session: SessionDep, _reader: FinanceReader
) -> PostingRule:
    """One rule (404 when there is none)."""
    rule = await posting_rules.get(session, rule_id)
    set_etag(response, rule.version)
    return rule


@router.patch(
    "/posting-rules/{rule_id}",
    response_model=PostingRuleRead,
    summary="Change a posting rule",
    responses={**STAFF_ONLY, **RULE_INVALID},
)
async def update_posting_rule(
    rule_id: uuid.UUID,
    payload: PostingRuleUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    _staff: FinanceStaff,
) -> PostingRule:
    """Change the accounts, dimensions, cash-flow item, description or active flag (honours
    If-Match). Facts already posted keep their entries; the change is in the rule's history."""
    rule = await posting_rules.get(session, rule_id)
    check_if_match(request, rule.version)
    rule = await posting_rules.update(session, rule, _updated_fields(payload, rule))
    set_etag(response, rule.version)
    return rule


@router.get(
    "/posting-rules/{rule_id}/history",
    response_model=list[RuleChange],
    summary="A posting rule's history",
    responses=READERS_ONLY,
)
async def posting_rule_history(
    rule_id: uuid.UUID, request: Request, session: SessionDep, _reader: FinanceReader
) -> list[RuleChange]:
    """Every change of the rule, oldest first: who, when, and each field's old and new value."""
    await posting_rules.get(session, rule_id)
    rows = await audit.history(
        session, runtime_of(request).tables, PostingRule.__tablename__, rule_id
    )
    return [
        RuleChange(
            action=row["action"],
            actor=row["actor"],
            occurred_at=row["occurred_at"],
            changes=row["changes"],
        )
        for row in rows
    ]


@router.get(
    "/posting-fact-types",
    response_model=list[FactTypeRead],
    summary="Fact types finance posts",
    responses=READERS_ONLY,
)
async def list_fact_types(session: SessionDep, _reader: FinanceReader) -> list[FactTypeRead]:
    """Every fact type finance consumes (a registered ``PostingFact`` contract) or has rules
    for, with its contract and how many active rules it has."""
    counts: dict[str, int] = {
        fact_type: count
        for fact_type, count in (
            await session.execute(
                select(PostingRule.fact_type, func.count())
                .where(PostingRule.active)
                .group_by(PostingRule.fact_type)
            )
        ).all()
    }
    consumed = set(posting.fact_types())
    answer = []
    for fact_type in sorted(consumed | set(counts) | set(FACT_TYPES)):
        contract = contract_for(fact_type).__name__ if fact_type in consumed else None
        answer.append(
            FactTypeRead(
                fact_type=fact_type,
                contract=contract,
                description=FACT_TYPES.get(fact_type),
                rules=int(counts.get(fact_type, 0)),
            )
        )
    return answer


@router.get(
    "/posting-facts",
    response_model=Page[PostingFactRead],
    summary="List consumed facts",
    responses=READERS_ONLY,
)
async def list_posting_facts(
    session: SessionDep,
    _reader: FinanceReader,
    params: Annotated[PageParams, sorted_by("received_at")],
    fact_type: Annotated[FactType | None, Query()] = None,
    source_id: Annotated[str | None, Query(max_length=100)] = None,
    status: FactStatus | None = None,
) -> Page[PostingFactRead]:
    """Every fact received, newest first, as it arrived, with the entry it made."""
    return await paginate(
        session,
        posting.listed_facts(fact_type=fact_type, source_id=source_id, status=status),
        params,
        sortable={"received_at": ConsumedFact.received_at},
        id_column=ConsumedFact.id,
        default_sort="-received_at",
        to_item=PostingFactRead.model_validate,
    )


@router.get(
    "/posting-facts/{fact_id}",
    response_model=PostingFactRead,
    summary="Read a consumed fact",
    responses=READERS_ONLY,
)
async def read_posting_fact(
    fact_id: uuid.UUID, session: SessionDep, _reader: FinanceReader
) -> ConsumedFact:
    """One fact (the ``source_id`` of its journal entry is this id)."""
    return await posting.get_fact(session, fact_id)


def _exception_read(exception: PostingException, fact: dict[str, Any]) -> PostingExceptionRead:
    return PostingExceptionRead.model_validate(
        {
            **{
                name: getattr(exception, name)
                for name in PostingExceptionRead.model_fields
                if name != "fact"
            },
            "fact": fact,
        }
    )


async def _read(session: SessionDep, exception: PostingException) -> PostingExceptionRead:
    record = await posting.get_fact(session, exception.fact_id)
    return _exception_read(exception, record.data)


@router.get(
    "/posting-exceptions",
    response_model=Page[PostingExceptionRead],
    summary="List posting exceptions",
    responses=READERS_ONLY,
)
async def list_posting_exceptions(
    session: SessionDep,
    _reader: FinanceReader,
    params: Annotated[PageParams, sorted_by("created_at")],
    status: ExceptionStatus | None = None,
    fact_type: Annotated[FactType | None, Query()] = None,
) -> Page[PostingExceptionRead]:
    """Facts that could not be posted (``status=open``: those waiting for finance), newest
    first, each with its reason and the whole fact."""
    query = posting.listed_exceptions(status=status, fact_type=fact_type)
    query = query.join(ConsumedFact, ConsumedFact.id == PostingException.fact_id).add_columns(
        ConsumedFact.data
    )
    return await paginate(
        session,
        query,
        params,
        sortable={"created_at": PostingException.created_at},
        id_column=PostingException.id,
        default_sort="-created_at",
        to_item=lambda row: _exception_read(row[0], row[1]),
        scalars=False,
    )


@router.get(
    "/posting-exceptions/{exception_id:uuid}",
    response_model=PostingExceptionRead,
    summary="Read a posting exception",
    responses=READERS_ONLY,
)
async def read_posting_exception(
    exception_id: uuid.UUID, response: Response, session: SessionDep, _reader: FinanceReader
) -> PostingExceptionRead:
    """One exception, with the whole fact."""
    exception = await posting.get_exception(session, exception_id)
    set_etag(response, exception.version)
    return await _read(session, exception)


@router.post(
    "/posting-exceptions/{exception_id}/retry",
    response_model=PostingExceptionRead,
    summary="Retry a parked fact",
    responses={
        **STAFF_ONLY,
        409: {
            "description": "Already posted or dismissed (`posting_exception_closed`); still no "
            "rule, or a fact that does not keep its contract (`posting_exception_unresolved`); "
            "the period is closed (`period_closed`). Nothing changes."
        },
        422: {
            "description": "The ledger refuses the entry (an inactive account…); nothing changes."
        },
    },
)
async def retry_posting_exception(
    exception_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    staff: FinanceStaff,
) -> PostingExceptionRead:
    """Post the parked fact now, by the rules as they are (after a rule was added or the period
    reopened); the exception becomes ``posted`` with its entry. Honours If-Match."""
    exception = await posting.get_exception(session, exception_id)
    check_if_match(request, exception.version)
    exception = await posting.retry(session, exception, actor=staff.sub)
    set_etag(response, exception.version)
    return await _read(session, exception)


@router.post(
    "/posting-exceptions/{exception_id}/dismiss",
    response_model=PostingExceptionRead,
    summary="Dismiss a parked fact",
    responses={
        **STAFF_ONLY,
        409: {"description": "Already posted or dismissed (`posting_exception_closed`)."},
    },
)
async def dismiss_posting_exception(
    exception_id: uuid.UUID,
    payload: ExceptionDismiss,
    request: Request,
    response: Response,
    session: SessionDep,
    staff: FinanceStaff,
) -> PostingExceptionRead:
    """Close the exception without posting, with the reason (audited). Honours If-Match."""
    exception = await posting.get_exception(session, exception_id)
    check_if_match(request, exception.version)
    exception = await posting.dismiss(session, exception, reason=payload.reason, actor=staff.sub)
    set_etag(response, exception.version)
    return await _read(session, exception)


@router.post(
    "/posting-exceptions/retry-all",
    response_model=ExceptionRetryResult,
    summary="Retry the open exceptions",
    responses=STAFF_ONLY,
)
async def retry_open_exceptions(
    payload: ExceptionRetryAll, session: SessionDep, staff: FinanceStaff
) -> ExceptionRetryResult:
    """Retry the open exceptions (of one fact type), oldest first, each on its own: those that
    can be posted are, the others stay open with their reason brought up to date."""
    posted, still = await posting.retry_open(
        session, fact_type=payload.fact_type, actor=staff.sub, limit=payload.limit
    )
    return ExceptionRetryResult(
        attempted=len(posted) + len(still),
        posted=[e.id for e in posted],
        still_open=[e.id for e in still],
    )
