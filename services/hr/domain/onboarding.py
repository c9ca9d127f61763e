"""Onboarding: the checklist an accepted offer opens, and the employee hr creates in org.

org is asked through its API (``POST /api/v1/org/employees``, status ``onboarding``) with an
``Idempotency-Key`` derived from the offer, after the acceptance is committed and then by a sweep
until org answers, so org being down delays the new employee but never makes two: the same key
replays org's first answer, and the employee number (unique in org, also derived from the offer)
finds the employee should the key ever have been forgotten. When the checklist is complete the
employee becomes ``active`` (``PATCH``), again retried until org answers.
"""

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.people import Candidate, Offer, Onboarding
from services.hr.domain import people_access as access
from services.hr.domain.people_access import Viewer
from shared.contracts.hr_people_events import (
    EmployeeOnboarded,
    OnboardingEmployeeCreated,
    OnboardingEvent,
    OnboardingOpened,
    OnboardingProgressed,
)
from shared.kit.approvals import Backoff
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, ServiceUnavailable, not_found
from shared.kit.outbox import record_event
from shared.kit.runtime import ServiceRuntime
from shared.kit.service_client import ServiceClient

log = logging.getLogger("officina.hr.onboarding")

EMPLOYEES: Final = "/api/v1/org/employees"
# the checklist: item → the column recording when it was done
CHECKLIST: Final = {
    "labour_contract_signed": "contract_signed_at",
    "orientation_training": "orientation_at",
    "equipment_issued": "equipment_at",
    "accounts_created": "accounts_at",
}
# org's answers that say nothing certain: ask again later
RETRYABLE: Final = frozenset({401, 408, 429})
RETRYABLE_CODES: Final = frozenset({"idempotency_request_in_flight"})
BACKOFF = Backoff(first=timedelta(seconds=10), longest=timedelta(minutes=30))


def done_items(onboarding: Onboarding) -> list[str]:
    """The checklist items done so far."""
    return [item for item, column in CHECKLIST.items() if getattr(onboarding, column)]


def idempotency_key(onboarding: Onboarding) -> str:
    """The key of org's create, the same for every attempt of one offer's onboarding."""
    return f"hr-onboarding:{onboarding.offer_id}"


def employee_number_for(offer_id: uuid.UUID) -> str:
    """The employee number a new hire gets unless HR names one: derived from the offer."""
    return f"N{offer_id.hex[-10:].upper()}"


async def _event(
    session: AsyncSession, model: type[OnboardingEvent], onboarding: Onboarding
) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type="onboarding",
        subject_id=onboarding.id,
        data=model(
            offer_id=onboarding.offer_id,
            candidate_id=onboarding.candidate_id,
            department_id=onboarding.department_id,
            employee_id=onboarding.employee_id,
            start_date=onboarding.start_date,
            status=onboarding.status,
            checklist_done=done_items(onboarding),
        ),
    )


async def open_for(
    session: AsyncSession,
    offer: Offer,
    candidate: Candidate,
    *,
    position_id: uuid.UUID | None,
    manager_id: uuid.UUID | None,
    employee_number: str | None,
) -> Onboarding:
    """Open the checklist of an accepted offer; org is asked once this is committed."""
    onboarding = Onboarding(
        offer_id=offer.id,
        candidate_id=candidate.id,
        department_id=offer.department_id,
        manager_id=manager_id,
        position_id=position_id,
        name=candidate.name,
        email=candidate.email,
        phone=candidate.phone,
        employee_number=employee_number or employee_number_for(offer.id),
        employment_type="full_time",
        start_date=offer.start_date,
        org_status="none",
        status="open",
        org_retry_at=utcnow() + BACKOFF.first,  # the request's own attempt comes first
    )
    session.add(onboarding)
    await session.flush()
    await _event(session, OnboardingOpened, onboarding)
    return onboarding


async def get(session: AsyncSession, viewer: Viewer, onboarding_id: uuid.UUID) -> Onboarding:
    """An onboarding the caller may see, or 404."""
    found = await session.scalar(
        select(Onboarding).where(Onboarding.id == onboarding_id, access.onboardings(viewer))
    )
    if found is None:
        raise not_found("onboarding", onboarding_id)
    return found


def onboarding_query(viewer: Viewer, *, status: str | None) -> Select[tuple[Onboarding]]:
    """The onboardings the caller may see."""
    query = select(Onboarding).where(access.onboardings(viewer))
    if status:
        query = query.where(Onboarding.status == status)
    return query


async def tick(
    session: AsyncSession, viewer: Viewer, onboarding: Onboarding, items: dict[str, bool]
) -> Onboarding:
    """Mark checklist items done or not done (HR); a completed onboarding keeps its checklist."""
    viewer.require_manager("onboarding")
    if onboarding.status == "completed":
        raise Conflict("the onboarding is completed", code="onboarding_completed")
    changed = False
    for item, done in items.items():
        column = CHECKLIST[item]
        if bool(getattr(onboarding, column)) != done:
            setattr(onboarding, column, utcnow() if done else None)
            changed = True
    if changed:
        await _after_change(session, onboarding)
    return onboarding


async def contract_signed(session: AsyncSession, employee_id: uuid.UUID) -> None:
    """A labour contract was signed for an employee: their open onboarding's item is done."""
    onboarding = await session.scalar(
        select(Onboarding).where(Onboarding.employee_id == employee_id, Onboarding.status == "open")
    )
    if onboarding is not None and onboarding.contract_signed_at is None:
        onboarding.contract_signed_at = utcnow()
        await _after_change(session, onboarding)


async def _after_change(session: AsyncSession, onboarding: Onboarding) -> None:
    if len(done_items(onboarding)) == len(CHECKLIST) and onboarding.org_status != "active":
        onboarding.org_retry_at = utcnow()  # activation in org is due now
    await session.flush()
    await _event(session, OnboardingProgressed, onboarding)


# ---- talking to org ----------------------------------------------------------------------


def _create_body(onboarding: Onboarding) -> dict[str, Any]:
    return {
        "employee_number": onboarding.employee_number,
        "name": onboarding.name,
        "email": onboarding.email,
        "phone": onboarding.phone,
        "department_id": str(onboarding.department_id),
        "position_id": str(onboarding.position_id) if onboarding.position_id else None,
        "manager_id": str(onboarding.manager_id) if onboarding.manager_id else None,
        "employment_type": onboarding.employment_type,
        "status": "onboarding",
        "hire_date": onboarding.start_date.isoformat(),
    }


class _Retry(Exception):
    """org's answer says nothing certain: ask again after the back-off."""


class _Refused(Exception):
    """org refused for good: HR has to look (the error is kept on the onboarding)."""


async def _create(org: ServiceClient, onboarding: Onboarding) -> uuid.UUID:
    """The employee's id in org, created now or found again."""
    try:
        response = await org.request(
            "POST",
            EMPLOYEES,
            json=_create_body(onboarding),
            headers={"Idempotency-Key": idempotency_key(onboarding)},
        )
    except ServiceUnavailable as exc:
        raise _Retry(str(exc.detail)) from exc
    if response.status_code in (200, 201):
        return _the_new_hire(response.json(), onboarding)
    code = _code(response)
    if response.status_code == 409 and code == "duplicate_employee_number":
        found = await _by_number(org, onboarding)
        if found is not None:
            return found
    if response.status_code >= 500 or response.status_code in RETRYABLE or code in RETRYABLE_CODES:
        raise _Retry(f"org answered {response.status_code} {code or ''}".strip())
    raise _Refused(f"org answered {response.status_code}: {response.text[:400]}")


def _the_new_hire(answer: Any, onboarding: Onboarding) -> uuid.UUID:
    """The id in org's answer to the create, once the answer is seen to be about this hire.

    An answer about anyone else (another number or e-mail address) is never taken: binding
    the onboarding to the wrong person would make them active, give them the contract and
    never create the new hire. It is logged and asked again under the same key.
    """
    if (
        isinstance(answer, dict)
        and answer.get("employee_number") == onboarding.employee_number
        and str(answer.get("email", "")).lower() == onboarding.email.lower()
        and answer.get("id")
    ):
        return uuid.UUID(str(answer["id"]))
    about = answer.get("employee_number") if isinstance(answer, dict) else None
    log.error(
        "onboarding %s: org's answer to the create is about another employee (%r, id %s)",
        onboarding.id,
        about,
        answer.get("id") if isinstance(answer, dict) else None,
    )
    raise _Retry(f"org answered about another employee ({about!r}), not this new hire")


async def _by_number(org: ServiceClient, onboarding: Onboarding) -> uuid.UUID | None:
    """The employee org already holds under this onboarding's number and e-mail address."""
    try:
        page = await org.get_json(EMPLOYEES, params={"q": onboarding.employee_number, "limit": 10})
    except ServiceUnavailable as exc:
        raise _Retry(str(exc.detail)) from exc
    for item in (page or {}).get("items", []):
        if (
            item.get("employee_number") == onboarding.employee_number
            and str(item.get("email", "")).lower() == onboarding.email.lower()
        ):
            return uuid.UUID(item["id"])
    return None


async def _activate(org: ServiceClient, employee_id: uuid.UUID) -> None:
    try:
        response = await org.request(
            "PATCH", f"{EMPLOYEES}/{employee_id}", json={"status": "active"}
        )
    except ServiceUnavailable as exc:
        raise _Retry(str(exc.detail)) from exc
    if response.status_code == 200:
        about = response.json().get("id")
        if about != str(employee_id):
            log.error(
                "org's answer to activating %s is about another employee (%s)", employee_id, about
            )
            raise _Retry(f"org answered about another employee ({about}), not this new hire")
        return
    if response.status_code >= 500 or response.status_code in RETRYABLE:
        raise _Retry(f"org answered {response.status_code}")
    raise _Refused(f"org answered {response.status_code}: {response.text[:400]}")


def _code(response: Any) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return str(body.get("code")) if isinstance(body, dict) and body.get("code") else None


async def _lock(session: AsyncSession, onboarding: Onboarding) -> None:
    """Read the onboarding again, locked until the transaction ends (see the approval saga)."""
    if session.bind.dialect.name != "postgresql":
        await session.execute(
            update(Onboarding)
            .where(Onboarding.id == onboarding.id)
            .values(org_attempts=Onboarding.org_attempts)
            .execution_options(synchronize_session=False)
        )
    await session.refresh(onboarding, with_for_update=True)


async def sync(session: AsyncSession, org: ServiceClient, onboarding: Onboarding) -> bool:
    """Bring org up to date with the (committed) onboarding: create the employee, or make them
    active once the checklist is complete. org is called holding no lock; the answer is recorded
    under one. Returns True when org was brought up to date."""
    wanted_create = onboarding.employee_id is None
    wanted_activate = (
        not wanted_create
        and onboarding.org_status == "onboarding"
        and len(done_items(onboarding)) == len(CHECKLIST)
    )
    if not wanted_create and not wanted_activate:
        if onboarding.org_retry_at is not None:
            await _lock(session, onboarding)
            onboarding.org_retry_at = None
            await session.flush()
        return False
    outcome: uuid.UUID | _Retry | _Refused | None
    try:
        employee_id = onboarding.employee_id
        if wanted_create:
            outcome = await _create(org, onboarding)
        else:
            assert employee_id is not None
            await _activate(org, employee_id)
            outcome = None
    except (_Retry, _Refused) as exc:
        outcome = exc
    await _lock(session, onboarding)
    if isinstance(outcome, _Retry):
        onboarding.org_attempts += 1
        onboarding.org_error = str(outcome)[:500]
        onboarding.org_retry_at = utcnow() + BACKOFF.after(onboarding.org_attempts)
        log.warning("onboarding %s: org not updated (%s); retrying", onboarding.id, outcome)
    elif isinstance(outcome, _Refused):
        onboarding.org_error = str(outcome)[:500]
        onboarding.org_retry_at = None
        log.error("onboarding %s: org refused (%s)", onboarding.id, outcome)
    elif isinstance(outcome, uuid.UUID):
        if onboarding.employee_id is None:
            onboarding.employee_id = outcome
            onboarding.org_status = "onboarding"
            onboarding.org_error = None
            onboarding.org_attempts = 0
            complete = len(done_items(onboarding)) == len(CHECKLIST)
            onboarding.org_retry_at = utcnow() if complete else None
            await session.flush()
            await _event(session, OnboardingEmployeeCreated, onboarding)
    elif onboarding.org_status == "onboarding":
        onboarding.org_status = "active"
        onboarding.status = "completed"
        onboarding.completed_at = utcnow()
        onboarding.org_error = None
        onboarding.org_retry_at = None
        await session.flush()
        await _event(session, EmployeeOnboarded, onboarding)
    await session.flush()
    return not isinstance(outcome, (_Retry, _Refused))


async def sweep(
    runtime: ServiceRuntime, org: ServiceClient, *, now: datetime | None = None, limit: int = 100
) -> int:
    """Bring org up to date for every onboarding whose retry time has come; returns how many."""
    due = now or utcnow()
    async with runtime.sessionmaker() as session:
        waiting = (
            await session.scalars(
                select(Onboarding.id)
                .where(Onboarding.org_retry_at <= due)
                .order_by(Onboarding.org_retry_at)
                .limit(limit)
            )
        ).all()
    done = 0
    for onboarding_id in waiting:
        async with runtime.transaction() as session:
            onboarding = await session.get(Onboarding, onboarding_id)
            if onboarding is not None and await sync(session, org, onboarding):
                done += 1
    return done
