"""Interview rounds (as the hiring plan lists them) with their interviewers, and a scorecard per
interviewer that the other interviewers only see once they have submitted their own."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.models import Employee
from services.hr.db.people import Application, HiringPlan, Interview, Scorecard, ScorecardScore
from services.hr.domain import people_access as access
from services.hr.domain.people_access import Viewer
from shared.contracts.hr_people_events import (
    InterviewCancelled,
    InterviewCompleted,
    InterviewEvent,
    InterviewScheduled,
    ScorecardSubmitted,
)
from shared.kit.db import touch, utcnow
from shared.kit.errors import Conflict, Unprocessable, not_found
from shared.kit.outbox import record_event


async def interviewers_of(session: AsyncSession, interview_id: uuid.UUID) -> list[uuid.UUID]:
    """The interviewers of a round, in the order they were named."""
    return list(
        (
            await session.scalars(
                select(Scorecard.interviewer_id)
                .where(Scorecard.interview_id == interview_id)
                .order_by(Scorecard.created_at, Scorecard.id)
            )
        ).all()
    )


async def _event(session: AsyncSession, model: type[InterviewEvent], interview: Interview) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type="interview",
        subject_id=interview.id,
        data=model(
            application_id=interview.application_id,
            round=interview.round,
            kind=interview.kind,
            status=interview.status,
            interviewer_ids=await interviewers_of(session, interview.id),
        ),
    )


async def schedule(
    session: AsyncSession,
    viewer: Viewer,
    application: Application,
    *,
    round_name: str,
    scheduled_at: datetime,
    duration_minutes: int,
    location: str,
    interviewer_ids: Sequence[uuid.UUID],
) -> Interview:
    """Schedule one of the plan's rounds for an application at stage ``interviewing`` (HR)."""
    viewer.require_manager("interview scheduling")
    if application.stage != "interviewing":
        raise Conflict(
            f"interviews are scheduled for applications at the interviewing stage; "
            f"this one is {application.stage}",
            code="invalid_stage_transition",
            stage=application.stage,
        )
    plan = await session.get(HiringPlan, application.hiring_plan_id)
    assert plan is not None
    planned = {r["name"]: r["kind"] for r in plan.rounds}
    if round_name not in planned:
        raise Unprocessable(
            f"the hiring plan has no round {round_name!r}; its rounds: {', '.join(planned)}",
            code="unknown_interview_round",
        )
    known = set(
        (await session.scalars(select(Employee.id).where(Employee.id.in_(interviewer_ids)))).all()
    )
    missing = [str(i) for i in interviewer_ids if i not in known]
    if missing:
        raise Unprocessable(
            f"interviewers unknown to hr: {', '.join(missing)}", code="unknown_employee"
        )
    taken = await session.scalar(
        select(Interview.id).where(
            Interview.application_id == application.id, Interview.round == round_name
        )
    )
    if taken is not None:
        raise Conflict(
            f"round {round_name!r} is already scheduled (interview {taken})",
            code="interview_round_exists",
            existing_interview_id=str(taken),
        )
    interview = Interview(
        application_id=application.id,
        round=round_name,
        kind=planned[round_name],
        scheduled_at=scheduled_at,
        duration_minutes=duration_minutes,
        location=location,
        status="scheduled",
        created_by=viewer.principal.sub,
    )
    session.add(interview)
    await session.flush()
    for interviewer in dict.fromkeys(interviewer_ids):
        session.add(Scorecard(interview_id=interview.id, interviewer_id=interviewer))
    await session.flush()
    await _event(session, InterviewScheduled, interview)
    return interview


async def get(session: AsyncSession, viewer: Viewer, interview_id: uuid.UUID) -> Interview:
    """A round the caller may see, or 404."""
    found = await session.scalar(
        select(Interview).where(Interview.id == interview_id, access.interviews(viewer))
    )
    if found is None:
        raise not_found("interview", interview_id)
    return found


def interview_query(
    viewer: Viewer,
    *,
    application_id: uuid.UUID | None,
    interviewer_id: uuid.UUID | None,
    status: str | None,
) -> Select[tuple[Interview]]:
    """The rounds the caller may see, filtered."""
    query = select(Interview).where(access.interviews(viewer))
    if application_id:
        query = query.where(Interview.application_id == application_id)
    if interviewer_id:
        query = query.where(
            Interview.id.in_(
                select(Scorecard.interview_id).where(Scorecard.interviewer_id == interviewer_id)
            )
        )
    if status:
        query = query.where(Interview.status == status)
    return query


async def cancel(session: AsyncSession, viewer: Viewer, interview: Interview) -> Interview:
    """Call a scheduled round off (HR)."""
    viewer.require_manager("interview scheduling")
    if interview.status != "scheduled":
        raise Conflict(f"the interview is already {interview.status}", code="interview_closed")
    interview.status = "cancelled"
    await session.flush()
    await _event(session, InterviewCancelled, interview)
    return interview


# ---- scorecards --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScorecardView:
    """A scorecard as one caller may see it: the scores only when the rule allows."""

    scorecard: Scorecard
    scores: list[ScorecardScore] | None  # None: hidden from this caller


async def scorecards(
    session: AsyncSession, viewer: Viewer, interview: Interview
) -> list[ScorecardView]:
    """The round's scorecards: an author always sees their own; a submitted one is seen by HR,
    auditors, the department's head and the other interviewers who submitted theirs; a draft by
    its author only."""
    cards = (
        await session.scalars(
            select(Scorecard)
            .where(Scorecard.interview_id == interview.id)
            .order_by(Scorecard.created_at, Scorecard.id)
        )
    ).all()
    mine = next((c for c in cards if c.interviewer_id == viewer.employee_id), None)
    views = []
    for card in cards:
        visible = card is mine or (
            card.submitted_at is not None and (mine is None or mine.submitted_at is not None)
        )
        views.append(ScorecardView(card, await _scores(session, card) if visible else None))
    return views


async def _scores(session: AsyncSession, card: Scorecard) -> list[ScorecardScore]:
    return list(
        (
            await session.scalars(
                select(ScorecardScore)
                .where(ScorecardScore.scorecard_id == card.id)
                .order_by(ScorecardScore.criterion)
            )
        ).all()
    )


async def my_scorecard(session: AsyncSession, viewer: Viewer, interview: Interview) -> Scorecard:
    """The caller's own scorecard of the round (404 when they are not its interviewer)."""
    card = await session.scalar(
        select(Scorecard).where(
            Scorecard.interview_id == interview.id,
            Scorecard.interviewer_id == viewer.employee_id,
        )
    )
    if card is None:
        raise not_found("scorecard of yours on interview", interview.id)
    return card


async def save(
    session: AsyncSession,
    interview: Interview,
    card: Scorecard,
    fields: dict[str, Any],
    *,
    submit: bool,
) -> ScorecardView:
    """Write the caller's scorecard (a draft, or submitted for good); a submitted scorecard
    or a cancelled round is 409 ``scorecard_submitted``/``interview_closed``."""
    if card.submitted_at is not None:
        raise Conflict("this scorecard is submitted and final", code="scorecard_submitted")
    if interview.status == "cancelled":
        raise Conflict("the interview was cancelled", code="interview_closed")
    if "scores" in fields and fields["scores"] is not None:
        await session.execute(delete(ScorecardScore).where(ScorecardScore.scorecard_id == card.id))
        for item in fields["scores"]:
            session.add(ScorecardScore(scorecard_id=card.id, **item))
    if fields.get("recommendation") is not None:
        card.recommendation = fields["recommendation"]
    if fields.get("comments") is not None:
        card.comments = fields["comments"]
    touch(card)  # the scores are the card's content: its version moves
    await session.flush()
    scores = await _scores(session, card)
    if submit:
        if not scores or card.recommendation is None:
            raise Unprocessable(
                "a submitted scorecard scores at least one criterion and recommends",
                code="scorecard_incomplete",
            )
        card.submitted_at = utcnow()
        await session.flush()
        await record_event(
            session,
            ScorecardSubmitted.event_type,
            subject_type="scorecard",
            subject_id=card.id,
            data=ScorecardSubmitted(
                interview_id=interview.id,
                interviewer_id=card.interviewer_id,
                recommendation=card.recommendation,
            ),
        )
        pending = await session.scalar(
            select(Scorecard.id).where(
                Scorecard.interview_id == interview.id, Scorecard.submitted_at.is_(None)
            )
        )
        if pending is None and interview.status == "scheduled":
            interview.status = "completed"
            await session.flush()
            await _event(session, InterviewCompleted, interview)
    return ScorecardView(card, scores)
