"""Posting business facts: once per (fact type, source id), by the rule table; what cannot be
posted is parked as a posting exception, never dropped and never blocking the facts after it.

The entry of a fact is one debit and one credit line per component with a positive amount, on
the accounts of the component's rule, with the dimensions the rule keeps and the rule's
cash-flow item on its cash line. The entry's ``source`` is ``posting_fact`` and its
``source_id`` the consumed fact's id (``GET /posting-facts/{id}``).
"""

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Select, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.ledger import JournalEntry
from services.finance.db.posting import ConsumedFact, ExceptionStatus, PostingException
from services.finance.domain import accounts
from services.finance.domain.employee_payables import record_payables
from services.finance.domain.ledger import Line, post_entry
from services.finance.domain.posting_rules import RuleKey, RuleSpec, active_rules, choose_rule
from shared.contracts.events import (
    EventEnvelope,
    UnknownEventType,
    contract_for,
    event_contracts,
)
from shared.contracts.finance_tax_events import PostingExceptionParked, PostingExceptionResolved
from shared.contracts.posting_facts import PostingFact
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, DomainError, not_found
from shared.kit.outbox import record_event

log = logging.getLogger("officina.finance.posting")

SOURCE = "posting_fact"
"""The journal entries' source (their ``source_id`` is the consumed fact's id)."""
NO_RULE = "no_posting_rule"
ZERO = Decimal("0")
INVALID_FACT = "invalid_fact"


# ---- which facts: every registered contract that is a PostingFact --------------------------


def fact_types(service: str | None = None) -> tuple[str, ...]:
    """The event types whose contract subclasses :class:`PostingFact` (of ``service``, if given)."""
    return tuple(
        event_type
        for event_type, model in event_contracts().items()
        if issubclass(model, PostingFact)
        and (service is None or event_type.startswith(f"{service}."))
    )


def fact_contract(fact_type: str) -> type[PostingFact] | None:
    """The PostingFact model of ``fact_type``; None when it has no contract or another kind."""
    try:
        model = contract_for(fact_type)
    except UnknownEventType:
        return None
    return model if issubclass(model, PostingFact) else None


# ---- the entry a fact makes: pure ------------------------------------------------------------


@dataclass(frozen=True)
class Unmapped:
    """Components that have no active rule: (component, category)."""

    missing: tuple[RuleKey, ...]

    def reason(self, fact_type: str) -> str:
        """In words, for the exception."""
        names = ", ".join(
            f"{component}" + (f" (category {category})" if category else "")
            for component, category in self.missing
        )
        return f"no active posting rule of {fact_type} for: {names}"


def entry_lines(fact: PostingFact, rules: Mapping[RuleKey, RuleSpec]) -> list[Line] | Unmapped:
    """The lines of the fact's entry by ``rules``, or the components no rule maps."""
    lines: list[Line] = []
    missing: list[RuleKey] = []
    for component in fact.components:
        if component.amount == 0:
            continue
        rule = choose_rule(rules, component.component, component.category)
        if rule is None:
            key = (component.component, component.category)
            if key not in missing:
                missing.append(key)
            continue
        keep = rule.dimensions
        memo = component.description or component.component
        for account, debit, credit in (
            (rule.debit_account, component.amount, ZERO),
            (rule.credit_account, ZERO, component.amount),
        ):
            lines.append(
                Line(
                    account=account,
                    debit=debit,
                    credit=credit,
                    memo=memo,
                    department_id=component.department_id if "department" in keep else None,
                    employee_id=component.employee_id if "employee" in keep else None,
                    party_id=component.party_id if "party" in keep else None,
                    project=component.project if "project" in keep else None,
                    cash_flow_item=rule.cash_flow_item
                    if accounts.is_cash_account(account)
                    else None,
                )
            )
    return Unmapped(tuple(missing)) if missing else lines


# ---- posting ---------------------------------------------------------------------------------


async def find_fact(session: AsyncSession, fact_type: str, source_id: str) -> ConsumedFact | None:
    """The fact already received under (fact type, source id)."""
    return await session.scalar(
        select(ConsumedFact).where(
            ConsumedFact.fact_type == fact_type, ConsumedFact.source_id == source_id
        )
    )


async def _post(
    session: AsyncSession,
    fact_type: str,
    fact: PostingFact,
    record: ConsumedFact,
    actor: str | None,
) -> JournalEntry | tuple[str, str]:
    """Post the fact's entry, or say why not: (reason code, reason). Nothing is written when it
    is refused (the ledger's work runs in a savepoint)."""
    built = entry_lines(fact, await active_rules(session, fact_type))
    if isinstance(built, Unmapped):
        return NO_RULE, built.reason(fact_type)
    try:
        async with session.begin_nested():
            return await post_entry(
                session,
                entry_date=fact.occurred_on,
                memo=fact.memo,
                lines=built,
                source=SOURCE,
                source_id=str(record.id),
                actor=actor,
            )
    except DomainError as refusal:
        return refusal.code, f"the ledger refused the entry: {refusal.detail}"
    except (IntegrityError, DataError) as refusal:  # a value the database cannot hold
        return "database_refused", f"the database refused the entry: {refusal.orig}"


async def post_fact(
    session: AsyncSession,
    fact_type: str,
    fact: PostingFact,
    *,
    actor: str | None,
    event_id: uuid.UUID | None = None,
    data: Mapping[str, Any] | None = None,
) -> JournalEntry | None:
    """Turn one fact into a posted entry by the rule table, once per (fact_type, source_id);
    None when it was parked in posting-exceptions (no rule, or the entry was refused).

    A fact delivered again changes nothing: the entry it made (or None) is answered. The
    unique key (fact type, source id) holds this in the database too: a concurrent second
    delivery fails its transaction and, retried, finds the first. ``data`` is the fact as it
    arrived (kept as is; by default the fact's own JSON).
    """
    existing = await find_fact(session, fact_type, fact.source_id)
    if existing is not None:
        if existing.entry_id is None:
            return None
        return await session.get(JournalEntry, existing.entry_id)
    record = ConsumedFact(
        fact_type=fact_type,
        source_id=fact.source_id,
        occurred_on=fact.occurred_on,
        data=dict(data) if data is not None else fact.model_dump(mode="json"),
        event_id=event_id,
        status="parked",
        received_at=utcnow(),
    )
    session.add(record)
    await session.flush()  # the unique key first (and, on SQLite, the transaction is begun)
    outcome = await _post(session, fact_type, fact, record, actor)
    if isinstance(outcome, JournalEntry):
        record.status, record.entry_id, record.posted_at = "posted", outcome.id, utcnow()
        await session.flush()
        await record_payables(session, fact_type, fact, outcome)  # what it owes employees
        return outcome
    await _park(session, record, *outcome)
    return None


async def park_invalid(
    session: AsyncSession,
    fact_type: str,
    data: Mapping[str, Any],
    reason: str,
    *,
    event_id: uuid.UUID | None = None,
) -> None:
    """Park a fact whose data does not keep its contract (nothing can be posted from it yet);
    its key is its ``source_id`` when it has a readable one, else the event's id."""
    raw = data.get("source_id")
    source_id = raw if isinstance(raw, str) and 0 < len(raw) <= 100 else f"event:{event_id}"
    if await find_fact(session, fact_type, source_id) is not None:
        return
    record = ConsumedFact(
        fact_type=fact_type,
        source_id=source_id,
        data=dict(data),
        event_id=event_id,
        status="parked",
        received_at=utcnow(),
    )
    session.add(record)
    await session.flush()
    await _park(session, record, INVALID_FACT, reason[:2000])


async def _park(session: AsyncSession, record: ConsumedFact, code: str, reason: str) -> None:
    exception = PostingException(
        fact_id=record.id,
        fact_type=record.fact_type,
        source_id=record.source_id,
        reason_code=code,
        reason=reason[:2000],
    )
    session.add(exception)
    await session.flush()
    log.warning("parked %s %s: %s", record.fact_type, record.source_id, reason)
    await record_event(
        session,
        "finance.posting_exception.parked",
        subject_type="posting_exception",
        subject_id=exception.id,
        data=PostingExceptionParked(
            exception_id=exception.id,
            fact_type=record.fact_type,
            source_id=record.source_id,
            reason_code=code,
            reason=exception.reason,
        ),
    )


# ---- the consumer's handler ------------------------------------------------------------------


async def apply_fact_event(session: AsyncSession, event: EventEnvelope) -> None:
    """Post an event of another service's feed when its contract is a PostingFact; ignore the
    rest. A fact that does not keep its contract is parked, so it never blocks the feed."""
    model = fact_contract(event.type)
    if model is None:
        return
    try:
        fact = model.model_validate(event.data)
    except ValidationError as exc:
        await park_invalid(
            session,
            event.type,
            event.data,
            f"the fact does not keep its contract {model.__name__}: {exc}",
            event_id=event.id,
        )
        return
    await post_fact(session, event.type, fact, actor=None, event_id=event.id, data=event.data)


# ---- exceptions: read, retry, dismiss ------------------------------------------------------


def listed_exceptions(
    *, status: ExceptionStatus | None, fact_type: str | None
) -> Select[tuple[PostingException]]:
    """Exceptions matching the filters (for a page)."""
    query = select(PostingException)
    if status is not None:
        query = query.where(PostingException.status == status)
    if fact_type is not None:
        query = query.where(PostingException.fact_type == fact_type)
    return query


def listed_facts(
    *, fact_type: str | None, source_id: str | None, status: str | None
) -> Select[tuple[ConsumedFact]]:
    """Consumed facts matching the filters (for a page)."""
    query = select(ConsumedFact)
    if fact_type is not None:
        query = query.where(ConsumedFact.fact_type == fact_type)
    if source_id is not None:
        query = query.where(ConsumedFact.source_id == source_id)
    if status is not None:
        query = query.where(ConsumedFact.status == status)
    return query


async def get_exception(session: AsyncSession, exception_id: uuid.UUID) -> PostingException:
    """An exception by id (404 otherwise)."""
    exception = await session.get(PostingException, exception_id)
    if exception is None:
        raise not_found("posting exception", exception_id)
    return exception


async def get_fact(session: AsyncSession, fact_id: uuid.UUID) -> ConsumedFact:
    """A consumed fact by id (404 otherwise)."""
    record = await session.get(ConsumedFact, fact_id)
    if record is None:
        raise not_found("posting fact", fact_id)
    return record


def _open(exception: PostingException) -> None:
    if exception.status != "open":
        raise Conflict(
            f"posting exception {exception.id} is {exception.status} already",
            code="posting_exception_closed",
        )


def _parse(record: ConsumedFact) -> PostingFact:
    model = fact_contract(record.fact_type)
    if model is None:
        raise Conflict(
            f"{record.fact_type} has no PostingFact contract (any more); dismiss the exception",
            code="posting_exception_unresolved",
            reason_code=INVALID_FACT,
        )
    try:
        return model.model_validate(record.data)
    except ValidationError as exc:
        raise Conflict(
            f"the fact still does not keep its contract {model.__name__}: {exc}",
            code="posting_exception_unresolved",
            reason_code=INVALID_FACT,
        ) from exc


async def retry(
    session: AsyncSession, exception: PostingException, *, actor: str | None
) -> PostingException:
    """Post a parked fact now (after its rules were added or its period reopened).

    Still not postable: 409 ``posting_exception_unresolved`` (no rule, or a fact that does not
    keep its contract) or the ledger's own refusal (``period_closed``…), and nothing changes.
    """
    _open(exception)
    exception.attempts += 1
    await _post_parked(session, exception, actor=actor)
    return exception


async def _post_parked(
    session: AsyncSession, exception: PostingException, *, actor: str | None
) -> None:
    record = await get_fact(session, exception.fact_id)
    fact = _parse(record)
    built = entry_lines(fact, await active_rules(session, record.fact_type))
    if isinstance(built, Unmapped):
        raise Conflict(
            built.reason(record.fact_type), code="posting_exception_unresolved", reason_code=NO_RULE
        )
    entry = await post_entry(
        session,
        entry_date=fact.occurred_on,
        memo=fact.memo,
        lines=built,
        source=SOURCE,
        source_id=str(record.id),
        actor=actor,
    )
    record.status, record.entry_id, record.posted_at = "posted", entry.id, utcnow()
    await record_payables(session, record.fact_type, fact, entry)  # what it owes employees
    await _resolve(session, exception, "posted", actor=actor, entry_id=entry.id, note=None)


async def retry_open(
    session: AsyncSession, *, fact_type: str | None, actor: str | None, limit: int
) -> tuple[list[PostingException], list[PostingException]]:
    """Retry up to ``limit`` open exceptions (oldest first, of ``fact_type`` if given), each in
    its own savepoint; returns those posted and those still open, whose reason is brought up
    to date."""
    query = listed_exceptions(status="open", fact_type=fact_type)
    query = query.order_by(PostingException.created_at, PostingException.id).limit(limit)
    posted: list[PostingException] = []
    still: list[PostingException] = []
    for exception in (await session.scalars(query)).all():
        exception.attempts += 1
        await (
            session.flush()
        )  # written before the savepoint (on SQLite this begins the transaction)
        try:
            async with session.begin_nested():
                await _post_parked(session, exception, actor=actor)
            posted.append(exception)
        except DomainError as refusal:
            exception.reason_code = str(refusal.extra.get("reason_code", refusal.code))
            exception.reason = refusal.detail[:2000]
            still.append(exception)
    await session.flush()
    return posted, still


async def dismiss(
    session: AsyncSession, exception: PostingException, *, reason: str, actor: str | None
) -> PostingException:
    """Close an exception without posting (the fact was wrong, or posted by hand), with a reason."""
    _open(exception)
    record = await get_fact(session, exception.fact_id)
    record.status = "dismissed"
    await _resolve(session, exception, "dismissed", actor=actor, entry_id=None, note=reason)
    return exception


async def _resolve(
    session: AsyncSession,
    exception: PostingException,
    status: ExceptionStatus,
    *,
    actor: str | None,
    entry_id: uuid.UUID | None,
    note: str | None,
) -> None:
    exception.status = status
    exception.entry_id = entry_id
    exception.resolution_note = note
    exception.resolved_at = utcnow()
    exception.resolved_by = actor
    await session.flush()
    await record_event(
        session,
        "finance.posting_exception.resolved",
        subject_type="posting_exception",
        subject_id=exception.id,
        data=PostingExceptionResolved(
            exception_id=exception.id,
            fact_type=exception.fact_type,
            source_id=exception.source_id,
            resolution="posted" if status == "posted" else "dismissed",
            entry_id=entry_id,
            note=note,
        ),
    )


def event_types_to_follow() -> dict[str, set[str]]:
    """The fact types to read, by publishing service (finance's own are not consumed)."""
    by_service: dict[str, set[str]] = {}
    for event_type in fact_types():
        service = event_type.split(".", 1)[0]
        if service != "finance":
            by_service.setdefault(service, set()).add(event_type)
    return by_service
