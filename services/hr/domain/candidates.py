"""Candidates (one per e-mail address and phone number) and their applications to postings,
moving through the pipeline's stages in order."""

import uuid
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.people import Application, Candidate, JobPosting
from services.hr.domain import checks
from services.hr.domain import people_access as access
from services.hr.domain.people_access import Viewer
from services.hr.domain.people_rules import StageError, check_move, email_key, phone_key
from shared.contracts.hr_people_events import (
    ApplicationAdvanced,
    ApplicationEvent,
    ApplicationHired,
    ApplicationRejected,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    CandidateRegistered,
    CandidateUpdated,
)
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Unprocessable, not_found
from shared.kit.outbox import record_event

APPLICATION = "application"


async def duplicate_of(
    session: AsyncSession, email: str | None, phone: str | None, *, besides: uuid.UUID | None = None
) -> Candidate | None:
    """The candidate already holding this e-mail address or phone number (normalised)."""
    keys = []
    if email is not None:
        keys.append(Candidate.email_key == email_key(email))
    phone_value = phone_key(phone)
    if phone_value is not None:
        keys.append(Candidate.phone_key == phone_value)
    if not keys:
        return None
    query = select(Candidate).where(or_(*keys))
    if besides is not None:
        query = query.where(Candidate.id != besides)
    return await session.scalar(query.limit(1))


def _duplicate(existing: Candidate) -> Conflict:
    return Conflict(
        f"candidate {existing.id} already has this e-mail address or phone number",
        code="duplicate_candidate",
        existing_candidate_id=str(existing.id),
    )


async def register(session: AsyncSession, viewer: Viewer, fields: dict[str, Any]) -> Candidate:
    """Record a candidate (HR); the same e-mail or phone as another is 409
    ``duplicate_candidate`` naming the existing one (``existing_candidate_id``)."""
    viewer.require_manager("candidates")
    existing = await duplicate_of(session, fields["email"], fields.get("phone"))
    if existing is not None:
        raise _duplicate(existing)
    candidate = Candidate(
        **fields,
        email_key=email_key(fields["email"]),
        phone_key=phone_key(fields.get("phone")),
        created_by=viewer.principal.sub,
    )
    session.add(candidate)
    await session.flush()
    await record_event(
        session,
        CandidateRegistered.event_type,
        subject_type="candidate",
        subject_id=candidate.id,
        data=CandidateRegistered(source_channel=candidate.source_channel),
    )
    return candidate


async def update(
    session: AsyncSession, viewer: Viewer, candidate: Candidate, fields: dict[str, Any]
) -> Candidate:
    """Change a candidate's details (HR); a change onto another's contact is 409."""
    viewer.require_manager("candidates")
    existing = await duplicate_of(
        session, fields.get("email"), fields.get("phone"), besides=candidate.id
    )
    if existing is not None:
        raise _duplicate(existing)
    for name, value in fields.items():
        setattr(candidate, name, value)
    if "email" in fields:
        candidate.email_key = email_key(candidate.email)
    if "phone" in fields:
        candidate.phone_key = phone_key(candidate.phone)
    await session.flush()
    await record_event(
        session,
        CandidateUpdated.event_type,
        subject_type="candidate",
        subject_id=candidate.id,
        data=CandidateUpdated(fields=sorted(fields), source_channel=candidate.source_channel),
    )
    return candidate


async def get(session: AsyncSession, viewer: Viewer, candidate_id: uuid.UUID) -> Candidate:
    """A candidate the caller may see, or 404."""
    found = await session.scalar(
        select(Candidate).where(Candidate.id == candidate_id, access.candidates(viewer))
    )
    if found is None:
        raise not_found("candidate", candidate_id)
    return found


def candidate_query(
    viewer: Viewer, *, email: str | None, phone: str | None, source_channel: str | None
) -> Select[tuple[Candidate]]:
    """The candidates the caller may see; ``email`` and ``phone`` match normalised."""
    query = select(Candidate).where(access.candidates(viewer))
    if email:
        query = query.where(Candidate.email_key == email_key(email))
    if phone:
        query = query.where(Candidate.phone_key == phone_key(phone))
    if source_channel:
        query = query.where(Candidate.source_channel == source_channel)
    return query


# ---- applications ------------------------------------------------------------------------


async def _event(
    session: AsyncSession,
    model: type[ApplicationEvent],
    application: Application,
    **extra: Any,
) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type=APPLICATION,
        subject_id=application.id,
        data=model(
            candidate_id=application.candidate_id,
            job_posting_id=application.job_posting_id,
            department_id=application.department_id,
            stage=application.stage,
            **extra,
        ),
    )


async def apply(
    session: AsyncSession, viewer: Viewer, candidate_id: uuid.UUID, posting_id: uuid.UUID
) -> Application:
    """A candidate applies to an open posting (HR records it): stage ``applied``. A closed
    posting is 409 ``job_posting_closed``; applying twice to one posting is 409."""
    viewer.require_manager("applications")
    candidate = await session.get(Candidate, candidate_id)
    if candidate is None:
        raise Unprocessable(f"candidate {candidate_id} does not exist", code="unknown_candidate")
    posting = await session.get(JobPosting, posting_id)
    if posting is None:
        raise Unprocessable(f"job posting {posting_id} does not exist", code="unknown_job_posting")
    if posting.status != "open":
        raise Conflict("the job posting is closed", code="job_posting_closed")
    already = await session.scalar(
        select(Application.id).where(
            Application.candidate_id == candidate_id, Application.job_posting_id == posting_id
        )
    )
    if already is not None:
        raise Conflict(
            f"the candidate already applied to this posting (application {already})",
            code="duplicate_application",
            existing_application_id=str(already),
        )
    application = Application(
        candidate_id=candidate_id,
        job_posting_id=posting_id,
        hiring_plan_id=posting.hiring_plan_id,
        department_id=posting.department_id,
        stage="applied",
        stage_changed_at=utcnow(),
        created_by=viewer.principal.sub,
    )
    session.add(application)
    await session.flush()
    await _event(session, ApplicationSubmitted, application)
    return application


async def get_application(
    session: AsyncSession, viewer: Viewer, application_id: uuid.UUID
) -> Application:
    """An application the caller may see, or 404."""
    found = await session.scalar(
        select(Application).where(Application.id == application_id, access.applications(viewer))
    )
    if found is None:
        raise not_found("application", application_id)
    return found


def application_query(
    viewer: Viewer,
    *,
    candidate_id: uuid.UUID | None,
    job_posting_id: uuid.UUID | None,
    hiring_plan_id: uuid.UUID | None,
    stage: str | None,
) -> Select[tuple[Application]]:
    """The applications the caller may see, filtered."""
    query = select(Application).where(access.applications(viewer))
    if candidate_id:
        query = query.where(Application.candidate_id == candidate_id)
    if job_posting_id:
        query = query.where(Application.job_posting_id == job_posting_id)
    if hiring_plan_id:
        query = query.where(Application.hiring_plan_id == hiring_plan_id)
    if stage:
        query = query.where(Application.stage == stage)
    return query


async def move(
    session: AsyncSession,
    viewer: Viewer,
    application: Application,
    stage: str,
    reason: str | None,
) -> Application:
    """Move to the next stage, or reject/withdraw with a reason (HR). A move that skips the
    pipeline's order, or leaves a closed application, is 409 ``invalid_stage_transition``."""
    viewer.require_manager("stage changes")
    try:
        check_move(application.stage, stage)
    except StageError as exc:
        raise Conflict(str(exc), code="invalid_stage_transition", stage=application.stage) from exc
    if stage in ("rejected", "withdrawn") and not reason:
        raise Unprocessable(f"say why the application is {stage}", code="reason_required")
    if stage == "offer":
        await checks.require_passed(session, application)
    await set_stage(session, application, stage, reason)
    return application


async def set_stage(
    session: AsyncSession, application: Application, stage: str, reason: str | None = None
) -> None:
    """Record the stage change and its event (the rules are the caller's)."""
    before = application.stage
    application.stage = stage
    application.stage_changed_at = utcnow()
    if stage in ("rejected", "withdrawn"):
        application.closed_reason = reason
    await session.flush()
    if stage == "rejected":
        await _event(
            session, ApplicationRejected, application, from_stage=before, reason=reason or ""
        )
    elif stage == "withdrawn":
        await _event(
            session, ApplicationWithdrawn, application, from_stage=before, reason=reason or ""
        )
    elif stage == "hired":
        await _event(session, ApplicationHired, application, from_stage=before)
    else:
        await _event(session, ApplicationAdvanced, application, from_stage=before)
