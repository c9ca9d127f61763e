"""``/api/v1/hr/interviews`` (with scorecards), ``/background-checks`` and ``/offers``."""

import uuid
from collections.abc import Sequence
from typing import Annotated

from fastapi import Request, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.api.deps import ViewerDep, WorkflowClient
from services.hr.api.onboarding import onboarding_read
from services.hr.db.people import BackgroundCheck, Interview, Offer, Scorecard
from services.hr.domain import candidates as candidate_rules
from services.hr.domain import checks as check_rules
from services.hr.domain import interviews as interview_rules
from services.hr.domain import offers as offer_rules
from services.hr.domain import onboarding as onboarding_rules
from services.hr.domain.interviews import ScorecardView
from services.hr.people_schemas import (
    BackgroundCheckCreate,
    BackgroundCheckRead,
    InterviewCreate,
    InterviewRead,
    InterviewStatus,
    OfferAccept,
    OfferCreate,
    OfferRead,
    OfferStatus,
    OnboardingRead,
    Reason,
    Score,
    ScorecardDraft,
    ScorecardRead,
    ScorecardSubmit,
)
from shared.contracts.page import Page
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/hr", tags=["hr: recruitment"])


async def interview_reads(
    session: AsyncSession, interviews: Sequence[Interview]
) -> list[InterviewRead]:
    """Rounds with their interviewers (one query for all)."""
    rows = (
        await session.execute(
            select(Scorecard.interview_id, Scorecard.interviewer_id)
            .where(Scorecard.interview_id.in_([i.id for i in interviews]))
            .order_by(Scorecard.created_at, Scorecard.id)
        )
    ).all()
    by_interview: dict[uuid.UUID, list[uuid.UUID]] = {}
    for interview_id, interviewer_id in rows:
        by_interview.setdefault(interview_id, []).append(interviewer_id)
    return [
        InterviewRead(
            id=i.id,
            application_id=i.application_id,
            round=i.round,
            kind=i.kind,
            scheduled_at=i.scheduled_at,
            duration_minutes=i.duration_minutes,
            location=i.location,
            status=i.status,
            interviewer_ids=by_interview.get(i.id, []),
            created_at=i.created_at,
            updated_at=i.updated_at,
            version=i.version,
        )
        for i in interviews
    ]


def scorecard_read(view: ScorecardView) -> ScorecardRead:
    """A scorecard as the caller may see it."""
    card, visible = view.scorecard, view.scores is not None
    return ScorecardRead(
        id=card.id,
        interview_id=card.interview_id,
        interviewer_id=card.interviewer_id,
        submitted=card.submitted_at is not None,
        submitted_at=card.submitted_at,
        visible=visible,
        scores=[Score(criterion=s.criterion, score=s.score, comment=s.comment) for s in view.scores]
        if view.scores is not None
        else None,
        recommendation=card.recommendation if visible else None,
        comments=card.comments if visible else None,
        version=card.version,
    )


# ---- interviews ------------------------------------------------------------------------------


@router.post(
    "/interviews",
    status_code=201,
    response_model=InterviewRead,
    summary="Schedule an interview round",
    responses={409: {"description": "The application is not interviewing, or the round is taken."}},
)
async def create_interview(
    payload: InterviewCreate, response: Response, session: SessionDep, viewer: ViewerDep
) -> InterviewRead:
    """Schedule one of the plan's rounds for an application at stage ``interviewing``, with its
    interviewers (HR); each interviewer gets a scorecard to fill."""
    application = await candidate_rules.get_application(session, viewer, payload.application_id)
    interview = await interview_rules.schedule(
        session,
        viewer,
        application,
        round_name=payload.round,
        scheduled_at=payload.scheduled_at,
        duration_minutes=payload.duration_minutes,
        location=payload.location,
        interviewer_ids=payload.interviewer_ids,
    )
    response.headers["Location"] = f"/api/v1/hr/interviews/{interview.id}"
    set_etag(response, interview.version)
    return (await interview_reads(session, [interview]))[0]


@router.get("/interviews", response_model=Page[InterviewRead], summary="List interviews")
async def list_interviews(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("scheduled_at", "created_at")],
    application_id: uuid.UUID | None = None,
    interviewer_id: uuid.UUID | None = None,
    status: InterviewStatus | None = None,
) -> Page[InterviewRead]:
    """HR sees every round; a department head their departments'; an interviewer those they
    sit on."""
    page = await paginate(
        session,
        interview_rules.interview_query(
            viewer, application_id=application_id, interviewer_id=interviewer_id, status=status
        ),
        params,
        sortable={"scheduled_at": Interview.scheduled_at, "created_at": Interview.created_at},
        id_column=Interview.id,
        default_sort="scheduled_at",
        to_item=lambda interview: interview,
    )
    return Page[InterviewRead](
        items=await interview_reads(session, page.items),
        next_cursor=page.next_cursor,
        total=page.total,
    )


@router.get("/interviews/{interview_id}", response_model=InterviewRead, summary="Read an interview")
async def read_interview(
    interview_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> InterviewRead:
    """One round the caller may see (404 otherwise)."""
    interview = await interview_rules.get(session, viewer, interview_id)
    set_etag(response, interview.version)
    return (await interview_reads(session, [interview]))[0]


@router.post(
    "/interviews/{interview_id}/cancel",
    response_model=InterviewRead,
    summary="Cancel an interview round",
)
async def cancel_interview(
    interview_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> InterviewRead:
    """Call a scheduled round off (HR)."""
    interview = await interview_rules.get(session, viewer, interview_id)
    check_if_match(request, interview.version)
    interview = await interview_rules.cancel(session, viewer, interview)
    set_etag(response, interview.version)
    return (await interview_reads(session, [interview]))[0]


@router.get(
    "/interviews/{interview_id}/scorecards",
    response_model=list[ScorecardRead],
    summary="Scorecards of a round",
)
async def list_scorecards(
    interview_id: uuid.UUID, session: SessionDep, viewer: ViewerDep
) -> list[ScorecardRead]:
    """Every interviewer's scorecard; the contents of one the caller may not see yet are null
    (another interviewer's before the caller submitted their own, or anyone's draft)."""
    interview = await interview_rules.get(session, viewer, interview_id)
    return [scorecard_read(v) for v in await interview_rules.scorecards(session, viewer, interview)]


@router.patch(
    "/interviews/{interview_id}/scorecards/me",
    response_model=ScorecardRead,
    summary="Save my scorecard",
)
async def save_my_scorecard(
    interview_id: uuid.UUID,
    payload: ScorecardDraft,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> ScorecardRead:
    """Save the caller's scorecard as a draft (scores 1 to 5; outside is 422); a submitted one is
    409 ``scorecard_submitted``. 404 for someone who is not an interviewer of the round."""
    interview = await interview_rules.get(session, viewer, interview_id)
    card = await interview_rules.my_scorecard(session, viewer, interview)
    check_if_match(request, card.version)
    view = await interview_rules.save(
        session, interview, card, payload.model_dump(exclude_unset=True), submit=False
    )
    set_etag(response, card.version)
    return scorecard_read(view)


@router.post(
    "/interviews/{interview_id}/scorecards/me/submit",
    response_model=ScorecardRead,
    summary="Submit my scorecard",
)
async def submit_my_scorecard(
    interview_id: uuid.UUID,
    payload: ScorecardSubmit,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> ScorecardRead:
    """Submit the caller's scorecard for good; once every interviewer has, the round is
    ``completed``."""
    interview = await interview_rules.get(session, viewer, interview_id)
    card = await interview_rules.my_scorecard(session, viewer, interview)
    check_if_match(request, card.version)
    view = await interview_rules.save(session, interview, card, payload.model_dump(), submit=True)
    set_etag(response, card.version)
    return scorecard_read(view)


# ---- background checks -----------------------------------------------------------------------


@router.post(
    "/applications/{application_id}/background-checks",
    status_code=201,
    response_model=BackgroundCheckRead,
    summary="Record a background check",
)
async def create_background_check(
    application_id: uuid.UUID,
    payload: BackgroundCheckCreate,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> BackgroundCheck:
    """Record who checked, the result, when, and notes (HR); the latest check counts."""
    application = await candidate_rules.get_application(session, viewer, application_id)
    check = await check_rules.record(session, viewer, application, **payload.model_dump())
    response.headers["Location"] = f"/api/v1/hr/applications/{application_id}/background-checks"
    return check


@router.get(
    "/applications/{application_id}/background-checks",
    response_model=Page[BackgroundCheckRead],
    summary="Background checks of an application",
)
async def list_background_checks(
    application_id: uuid.UUID,
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("created_at")],
) -> Page[BackgroundCheckRead]:
    """HR, auditors and the department's head; newest first."""
    await candidate_rules.get_application(session, viewer, application_id)
    return await paginate(
        session,
        check_rules.check_query(viewer, application_id),
        params,
        sortable={"created_at": BackgroundCheck.created_at},
        id_column=BackgroundCheck.id,
        default_sort="-created_at",
        to_item=BackgroundCheckRead.model_validate,
    )


# ---- offers ----------------------------------------------------------------------------------


@router.post(
    "/offers",
    status_code=201,
    response_model=OfferRead,
    summary="Make an offer",
    responses={
        409: {
            "description": "No passed background check (`background_check_required`), a closed "
            "posting, or a live offer already."
        }
    },
)
async def create_offer(
    payload: OfferCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
    workflow: WorkflowClient,
) -> Offer:
    """Draft an offer (HR): within the grade's pay band it is ``approved`` at once; above it
    ``pending_approval`` until workflow (``hiring``) decides."""
    application = await candidate_rules.get_application(session, viewer, payload.application_id)
    offer = await offer_rules.make(session, viewer, application, payload.model_dump())
    await offer_rules.OFFER_SAGA.commit_and_start(runtime_of(request), session, workflow, offer)
    response.headers["Location"] = f"/api/v1/hr/offers/{offer.id}"
    set_etag(response, offer.version)
    return offer


@router.get("/offers", response_model=Page[OfferRead], summary="List offers")
async def list_offers(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("created_at")],
    application_id: uuid.UUID | None = None,
    status: OfferStatus | None = None,
) -> Page[OfferRead]:
    """HR, auditors and the department's head."""
    return await paginate(
        session,
        offer_rules.offer_query(viewer, application_id=application_id, status=status),
        params,
        sortable={"created_at": Offer.created_at},
        id_column=Offer.id,
        default_sort="-created_at",
        to_item=OfferRead.model_validate,
    )


@router.get("/offers/{offer_id}", response_model=OfferRead, summary="Read an offer")
async def read_offer(
    offer_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> Offer:
    """One offer the caller may see (404 otherwise)."""
    offer = await offer_rules.get(session, viewer, offer_id)
    set_etag(response, offer.version)
    return offer


@router.post(
    "/offers/{offer_id}/accept",
    response_model=OnboardingRead,
    summary="Record that the candidate accepted",
)
async def accept_offer(
    offer_id: uuid.UUID,
    payload: OfferAccept,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> OnboardingRead:
    """The candidate accepted an approved offer (HR records it): the application is hired and
    onboarding opens; the employee is created in org once this is committed (retried until org
    answers — ``employee_id`` is null until then)."""
    offer = await offer_rules.get(session, viewer, offer_id)
    check_if_match(request, offer.version)
    onboarding = await offer_rules.accept(
        session, viewer, offer, employee_number=payload.employee_number, note=payload.note
    )
    runtime = runtime_of(request)
    await runtime.commit(session)
    await onboarding_rules.sync(session, runtime.service_client, onboarding)
    response.headers["Location"] = f"/api/v1/hr/onboardings/{onboarding.id}"
    set_etag(response, onboarding.version)
    return onboarding_read(onboarding)


@router.post(
    "/offers/{offer_id}/decline",
    response_model=OfferRead,
    summary="Record that the candidate declined",
)
async def decline_offer(
    offer_id: uuid.UUID,
    payload: Reason,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> Offer:
    """The candidate declined (HR records it); the application is withdrawn."""
    offer = await offer_rules.get(session, viewer, offer_id)
    check_if_match(request, offer.version)
    offer = await offer_rules.decline(session, viewer, offer, payload.reason)
    set_etag(response, offer.version)
    return offer


@router.post("/offers/{offer_id}/withdraw", response_model=OfferRead, summary="Withdraw an offer")
async def withdraw_offer(
    offer_id: uuid.UUID,
    payload: Reason,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
    workflow: WorkflowClient,
) -> Offer:
    """HR takes back an offer the candidate has not answered (its approval is withdrawn first;
    409 ``approval_already_completed`` when workflow has just decided)."""
    offer = await offer_rules.get(session, viewer, offer_id)
    check_if_match(request, offer.version)
    offer = await offer_rules.withdraw(session, workflow, viewer, offer, payload.reason)
    set_etag(response, offer.version)
    return offer
