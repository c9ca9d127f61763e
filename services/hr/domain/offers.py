"""Offers: within the grade's pay band approved at once, above it approved through workflow
(``hiring``, on the kit's approval saga); the candidate's answer, recorded by HR, and an
accepted offer opening onboarding."""

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.models import Department
from services.hr.db.people import (
    LIVE_OFFER,
    Application,
    Candidate,
    HiringPlan,
    JobPosting,
    Offer,
    Onboarding,
    PayBand,
)
from services.hr.domain import candidates, checks, hiring
from services.hr.domain import people_access as access
from services.hr.domain.onboarding import open_for
from services.hr.domain.people_access import Viewer
from shared.contracts.hr_people_events import (
    OfferAccepted,
    OfferApproved,
    OfferDeclined,
    OfferEvent,
    OfferMade,
    OfferRejected,
    OfferWithdrawn,
)
from shared.kit.approvals import Approval, ApprovalSaga, Backoff, StartRequest
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, ServiceUnavailable, Unprocessable, not_found
from shared.kit.outbox import record_event
from shared.kit.service_client import ServiceClient

OFFER = "offer"


def above_band(salary: Decimal, band: PayBand) -> bool:
    """An offer needs approval when its salary is above the band's maximum."""
    return salary > band.maximum


async def _event(
    session: AsyncSession, model: type[OfferEvent], offer: Offer, **extra: Any
) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type=OFFER,
        subject_id=offer.id,
        data=model(
            application_id=offer.application_id,
            candidate_id=offer.candidate_id,
            position=offer.position,
            grade=offer.grade,
            start_date=offer.start_date,
            above_band=offer.above_band,
            status=offer.status,
            **extra,
        ),
    )


async def make(
    session: AsyncSession, viewer: Viewer, application: Application, fields: dict[str, Any]
) -> Offer:
    """Draft an offer (HR) for an application at the interviewing or offer stage, moving it to
    ``offer``. Refused: no passed background check unless the plan waives it (409
    ``background_check_required``), a closed posting (409 ``job_posting_closed``), a live offer
    already (409 ``offer_exists``), an unknown grade (422 ``unknown_grade``)."""
    viewer.require_manager("offers")
    if application.stage not in ("interviewing", "offer"):
        raise Conflict(
            f"an offer is made to an application that is interviewing or at the offer stage; "
            f"this one is {application.stage}",
            code="invalid_stage_transition",
            stage=application.stage,
        )
    posting = await session.get(JobPosting, application.job_posting_id)
    assert posting is not None
    if posting.status != "open":
        raise Conflict("the job posting is closed", code="job_posting_closed")
    await checks.require_passed(session, application)
    live = await session.scalar(
        select(Offer.id).where(Offer.application_id == application.id, Offer.status.in_(LIVE_OFFER))
    )
    if live is not None:
        raise Conflict(
            f"the application already has offer {live}",
            code="offer_exists",
            existing_offer_id=str(live),
        )
    band = await session.scalar(select(PayBand).where(PayBand.grade == fields["grade"]))
    if band is None:
        raise Unprocessable(
            f"there is no pay band for grade {fields['grade']!r}", code="unknown_grade"
        )
    if fields.get("currency", band.currency) != band.currency:
        raise Unprocessable(
            f"grade {band.grade} is paid in {band.currency}", code="currency_mismatch"
        )
    plan = await session.get(HiringPlan, application.hiring_plan_id)
    assert plan is not None
    needs_approval = above_band(fields["salary"], band)
    offer = Offer(
        application_id=application.id,
        candidate_id=application.candidate_id,
        hiring_plan_id=plan.id,
        department_id=application.department_id,
        position=fields.get("position") or plan.position,
        grade=band.grade,
        salary=fields["salary"],
        currency=band.currency,
        band_maximum=band.maximum,
        above_band=needs_approval,
        start_date=fields["start_date"],
        probation_months=fields.get("probation_months", 0),
        status="pending_approval" if needs_approval else "approved",
        decided_at=None if needs_approval else utcnow(),
        created_by=viewer.principal.sub,
    )
    if needs_approval:
        OFFER_SAGA.begin(offer, OFFER_APPROVAL)
    session.add(offer)
    await session.flush()
    if application.stage == "interviewing":
        await candidates.set_stage(session, application, "offer")
    await _event(session, OfferMade, offer)
    if not needs_approval:
        await _event(session, OfferApproved, offer)
    return offer


async def get(session: AsyncSession, viewer: Viewer, offer_id: uuid.UUID) -> Offer:
    """An offer the caller may see, or 404."""
    found = await session.scalar(select(Offer).where(Offer.id == offer_id, access.offers(viewer)))
    if found is None:
        raise not_found("offer", offer_id)
    return found


def offer_query(
    viewer: Viewer, *, application_id: uuid.UUID | None, status: str | None
) -> Select[tuple[Offer]]:
    """The offers the caller may see, filtered."""
    query = select(Offer).where(access.offers(viewer))
    if application_id:
        query = query.where(Offer.application_id == application_id)
    if status:
        query = query.where(Offer.status == status)
    return query


def _require(offer: Offer, *states: str, action: str) -> None:
    if offer.status not in states:
        raise Conflict(
            f"a {offer.status.replace('_', ' ')} offer cannot be {action}",
            code="invalid_offer_transition",
            offer_status=offer.status,
        )


async def accept(
    session: AsyncSession,
    viewer: Viewer,
    offer: Offer,
    *,
    employee_number: str | None,
    note: str | None,
) -> Onboarding:
    """The candidate accepted (HR records it): the application is hired, onboarding opens, and
    the plan's postings close once every opening is filled."""
    viewer.require_manager("offers")
    _require(offer, "approved", action="accepted")
    offer.status = "accepted"
    offer.responded_at = utcnow()
    offer.response_note = note
    application = await session.get(Application, offer.application_id)
    candidate = await session.get(Candidate, offer.candidate_id)
    plan = await session.get(HiringPlan, offer.hiring_plan_id)
    department = await session.get(Department, offer.department_id)
    assert application is not None and candidate is not None and plan is not None
    await candidates.set_stage(session, application, "hired")
    await _event(session, OfferAccepted, offer)
    onboarding = await open_for(
        session,
        offer,
        candidate,
        position_id=plan.position_id,
        manager_id=department.head_employee_id if department else None,
        employee_number=employee_number,
    )
    await hiring.close_when_staffed(session, plan.id)
    return onboarding


async def decline(session: AsyncSession, viewer: Viewer, offer: Offer, reason: str) -> Offer:
    """The candidate declined (HR records it): the application is withdrawn with the reason."""
    viewer.require_manager("offers")
    _require(offer, "approved", action="declined")
    offer.status = "declined"
    offer.responded_at = utcnow()
    offer.response_note = reason
    application = await session.get(Application, offer.application_id)
    assert application is not None
    await candidates.set_stage(session, application, "withdrawn", f"declined the offer: {reason}")
    await _event(session, OfferDeclined, offer, reason=reason)
    return offer


async def withdraw(
    session: AsyncSession, workflow: ServiceClient, viewer: Viewer, offer: Offer, reason: str
) -> Offer:
    """HR takes back an offer not yet answered (its approval is withdrawn in workflow first)."""
    viewer.require_manager("offers")
    _require(offer, "pending_approval", "approved", action="withdrawn")
    pending = offer.status == "pending_approval"
    offer.status = "withdrawn"
    offer.decided_at = offer.decided_at or utcnow()
    await session.flush()
    if pending:
        await OFFER_SAGA.withdraw(session, workflow, offer, OFFER_APPROVAL)
    await _event(session, OfferWithdrawn, offer, reason=reason)
    return offer


# ---- the approval above the pay band, on the kit saga ----------------------------------------


async def _describe(session: AsyncSession, offer: Offer) -> StartRequest:
    plan = await session.get(HiringPlan, offer.hiring_plan_id)
    candidate = await session.get(Candidate, offer.candidate_id)
    if plan is None or candidate is None:
        raise ServiceUnavailable("the offer's plan or candidate is gone")
    return StartRequest(
        requester_employee_id=plan.requester_employee_id,
        title=f"录用审批（超出薪级）：{candidate.name} {offer.position}",
        summary=(
            f"{offer.grade}: {offer.salary:.2f} {offer.currency} / month, band maximum "
            f"{offer.band_maximum:.2f}; start {offer.start_date}"
        ),
        data={
            "amount": f"{offer.salary:.2f}",
            "band_maximum": f"{offer.band_maximum:.2f}",
            "grade": offer.grade,
        },
    )


async def _approved(session: AsyncSession, offer: Offer) -> None:
    offer.status = "approved"
    offer.decided_at = utcnow()
    await _event(session, OfferApproved, offer)


def _ends(status: str, reason: str) -> Any:
    async def apply(session: AsyncSession, offer: Offer) -> None:
        offer.status = status
        offer.decided_at = utcnow()
        await _event(session, OfferRejected, offer, reason=reason)

    return apply


OFFER_APPROVAL: Approval[Offer] = Approval(
    subject_type=OFFER,
    definition_key="hiring",
    instance_attr="workflow_instance_id",
    is_open=lambda offer: offer.status == "pending_approval",
    describe=_describe,
    outcomes={
        "approved": _approved,
        "rejected": _ends("rejected", "rejected in workflow"),
        "withdrawn": _ends("withdrawn", "withdrawn in workflow"),
    },
    refused=_ends("approval_refused", "workflow refused to start the approval"),
)
OFFER_SAGA = ApprovalSaga("hr", Offer, [OFFER_APPROVAL], backoff=Backoff())
