"""``/api/v1/hr/pay-bands``, ``/hiring-plans``, ``/job-postings``, ``/candidates`` and
``/applications``."""

import uuid
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Path, Query, Request, Response

from services.hr.api.deps import ViewerDep, WorkflowClient
from services.hr.db.people import Application, Candidate, HiringPlan, JobPosting, PayBand
from services.hr.domain import candidates as candidate_rules
from services.hr.domain import hiring as hiring_rules
from services.hr.domain import pay_bands as pay_band_rules
from services.hr.people_schemas import (
    ApplicationCreate,
    ApplicationRead,
    CandidateCreate,
    CandidateRead,
    CandidateUpdate,
    HiringPlanCreate,
    HiringPlanRead,
    JobPostingCreate,
    JobPostingRead,
    PayBandRead,
    PayBandUpdate,
    PlanStatus,
    PostingStatus,
    Reason,
    SourceChannel,
    Stage,
    StageChange,
)
from shared.contracts.page import Page
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.errors import Unprocessable
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/hr", tags=["hr: recruitment"])

CONFLICT_STAGE: dict[int | str, dict[str, Any]] = {
    409: {"description": "A stage change that skips the pipeline's order."}
}


# ---- pay bands -------------------------------------------------------------------------------


@router.get("/pay-bands", response_model=list[PayBandRead], summary="Pay bands")
async def list_pay_bands(session: SessionDep, viewer: ViewerDep) -> Sequence[PayBand]:
    """Every grade's monthly salary range (HR, admins, auditors; empty for anyone else)."""
    return await pay_band_rules.visible(session, viewer)


@router.patch("/pay-bands/{grade}", response_model=PayBandRead, summary="Change a pay band")
async def update_pay_band(
    grade: Annotated[str, Path(max_length=20)],
    payload: PayBandUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> PayBand:
    """New bounds of a grade's band (HR; honours If-Match); a minimum above the maximum is 422."""
    band = await pay_band_rules.get(session, viewer, grade)
    check_if_match(request, band.version)
    band = await pay_band_rules.update(
        session,
        viewer,
        band,
        name=payload.name,
        minimum=payload.minimum,
        maximum=payload.maximum,
    )
    set_etag(response, band.version)
    return band


# ---- hiring plans ----------------------------------------------------------------------------


@router.post(
    "/hiring-plans",
    status_code=201,
    response_model=HiringPlanRead,
    summary="Ask to hire",
    responses={403: {"description": "Neither HR nor the department's head."}},
)
async def create_hiring_plan(
    payload: HiringPlanCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
    workflow: WorkflowClient,
) -> HiringPlan:
    """Record a plan (HR, or the head of the department) and start its ``hiring`` approval in
    workflow; ``workflow_instance_id`` stays null until workflow confirms (hr retries)."""
    plan = await hiring_rules.create_plan(session, viewer, payload.model_dump())
    await hiring_rules.PLAN_SAGA.commit_and_start(runtime_of(request), session, workflow, plan)
    response.headers["Location"] = f"/api/v1/hr/hiring-plans/{plan.id}"
    set_etag(response, plan.version)
    return plan


@router.get("/hiring-plans", response_model=Page[HiringPlanRead], summary="List hiring plans")
async def list_hiring_plans(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("created_at")],
    department_id: uuid.UUID | None = None,
    status: PlanStatus | None = None,
) -> Page[HiringPlanRead]:
    """HR, admins and auditors see every plan; a department head their departments'."""
    return await paginate(
        session,
        hiring_rules.plan_query(viewer, department_id=department_id, status=status),
        params,
        sortable={"created_at": HiringPlan.created_at},
        id_column=HiringPlan.id,
        default_sort="-created_at",
        to_item=HiringPlanRead.model_validate,
    )


@router.get("/hiring-plans/{plan_id}", response_model=HiringPlanRead, summary="Read a hiring plan")
async def read_hiring_plan(
    plan_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> HiringPlan:
    """One plan the caller may see (404 otherwise)."""
    plan = await hiring_rules.get_plan(session, viewer, plan_id)
    set_etag(response, plan.version)
    return plan


@router.post(
    "/hiring-plans/{plan_id}/cancel",
    response_model=HiringPlanRead,
    summary="Withdraw or close a hiring plan",
)
async def cancel_hiring_plan(
    plan_id: uuid.UUID,
    payload: Reason,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
    workflow: WorkflowClient,
) -> HiringPlan:
    """A pending plan is withdrawn (its approval too; 409 ``approval_already_completed`` when
    workflow has just decided); an approved one is closed with its postings."""
    plan = await hiring_rules.get_plan(session, viewer, plan_id)
    check_if_match(request, plan.version)
    plan = await hiring_rules.cancel_plan(session, workflow, viewer, plan, payload.reason)
    set_etag(response, plan.version)
    return plan


# ---- postings --------------------------------------------------------------------------------


@router.post(
    "/job-postings",
    status_code=201,
    response_model=JobPostingRead,
    summary="Post an opening",
    responses={409: {"description": "The plan is not approved (`hiring_plan_not_approved`)."}},
)
async def create_job_posting(
    payload: JobPostingCreate, response: Response, session: SessionDep, viewer: ViewerDep
) -> JobPosting:
    """Publish an approved plan's opening (HR)."""
    viewer.require_manager("postings")
    plan = await session.get(HiringPlan, payload.hiring_plan_id)
    if plan is None:
        raise Unprocessable(
            f"hiring plan {payload.hiring_plan_id} does not exist", code="unknown_hiring_plan"
        )
    posting = await hiring_rules.open_posting(
        session, viewer, plan, payload.model_dump(exclude_none=True)
    )
    response.headers["Location"] = f"/api/v1/hr/job-postings/{posting.id}"
    set_etag(response, posting.version)
    return posting


@router.get("/job-postings", response_model=Page[JobPostingRead], summary="List job postings")
async def list_job_postings(
    session: SessionDep,
    _principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at")],
    status: PostingStatus | None = None,
    hiring_plan_id: uuid.UUID | None = None,
    department_id: uuid.UUID | None = None,
) -> Page[JobPostingRead]:
    """The published openings (every signed-in person reads them: internal candidates too)."""
    return await paginate(
        session,
        hiring_rules.posting_query(
            status=status, hiring_plan_id=hiring_plan_id, department_id=department_id
        ),
        params,
        sortable={"created_at": JobPosting.created_at},
        id_column=JobPosting.id,
        default_sort="-created_at",
        to_item=JobPostingRead.model_validate,
    )


@router.get(
    "/job-postings/{posting_id}", response_model=JobPostingRead, summary="Read a job posting"
)
async def read_job_posting(
    posting_id: uuid.UUID, response: Response, session: SessionDep, _principal: CurrentPrincipal
) -> JobPosting:
    """One posting."""
    posting = await hiring_rules.get_posting(session, posting_id)
    set_etag(response, posting.version)
    return posting


@router.post(
    "/job-postings/{posting_id}/close",
    response_model=JobPostingRead,
    summary="Close a job posting",
)
async def close_job_posting(
    posting_id: uuid.UUID,
    payload: Reason,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> JobPosting:
    """Stop taking applications (HR); a closed posting is 409 ``job_posting_closed``."""
    posting = await hiring_rules.get_posting(session, posting_id)
    check_if_match(request, posting.version)
    posting = await hiring_rules.close_posting(session, viewer, posting, payload.reason)
    set_etag(response, posting.version)
    return posting


# ---- candidates ------------------------------------------------------------------------------


@router.post(
    "/candidates",
    status_code=201,
    response_model=CandidateRead,
    summary="Register a candidate",
    responses={
        409: {
            "description": "The e-mail address or phone belongs to a candidate already "
            "(`duplicate_candidate`, with `existing_candidate_id`)."
        }
    },
)
async def create_candidate(
    payload: CandidateCreate, response: Response, session: SessionDep, viewer: ViewerDep
) -> Candidate:
    """Record a candidate (HR)."""
    candidate = await candidate_rules.register(session, viewer, payload.model_dump())
    response.headers["Location"] = f"/api/v1/hr/candidates/{candidate.id}"
    set_etag(response, candidate.version)
    return candidate


@router.get("/candidates", response_model=Page[CandidateRead], summary="List candidates")
async def list_candidates(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("created_at", "name")],
    email: Annotated[str | None, Query(max_length=254)] = None,
    phone: Annotated[str | None, Query(max_length=40)] = None,
    source_channel: SourceChannel | None = None,
) -> Page[CandidateRead]:
    """HR sees every candidate; a department head those who applied to their departments; an
    interviewer those they interview. ``email`` and ``phone`` find a candidate as duplicates
    are found (normalised)."""
    return await paginate(
        session,
        candidate_rules.candidate_query(
            viewer, email=email, phone=phone, source_channel=source_channel
        ),
        params,
        sortable={"created_at": Candidate.created_at, "name": Candidate.name},
        id_column=Candidate.id,
        default_sort="-created_at",
        to_item=CandidateRead.model_validate,
    )


@router.get("/candidates/{candidate_id}", response_model=CandidateRead, summary="Read a candidate")
async def read_candidate(
    candidate_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> Candidate:
    """One candidate the caller may see (404 otherwise)."""
    candidate = await candidate_rules.get(session, viewer, candidate_id)
    set_etag(response, candidate.version)
    return candidate


@router.patch(
    "/candidates/{candidate_id}", response_model=CandidateRead, summary="Change a candidate"
)
async def update_candidate(
    candidate_id: uuid.UUID,
    payload: CandidateUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> Candidate:
    """Change a candidate's details (HR; honours If-Match); another candidate's e-mail or phone
    is 409 ``duplicate_candidate``."""
    candidate = await candidate_rules.get(session, viewer, candidate_id)
    check_if_match(request, candidate.version)
    candidate = await candidate_rules.update(
        session, viewer, candidate, payload.model_dump(exclude_unset=True)
    )
    set_etag(response, candidate.version)
    return candidate


# ---- applications ----------------------------------------------------------------------------


@router.post(
    "/applications",
    status_code=201,
    response_model=ApplicationRead,
    summary="Apply to a posting",
    responses={409: {"description": "The posting is closed, or the candidate applied already."}},
)
async def create_application(
    payload: ApplicationCreate, response: Response, session: SessionDep, viewer: ViewerDep
) -> Application:
    """Record a candidate's application to an open posting (HR): stage ``applied``."""
    application = await candidate_rules.apply(
        session, viewer, payload.candidate_id, payload.job_posting_id
    )
    response.headers["Location"] = f"/api/v1/hr/applications/{application.id}"
    set_etag(response, application.version)
    return application


@router.get("/applications", response_model=Page[ApplicationRead], summary="List applications")
async def list_applications(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("created_at", "stage_changed_at")],
    candidate_id: uuid.UUID | None = None,
    job_posting_id: uuid.UUID | None = None,
    hiring_plan_id: uuid.UUID | None = None,
    stage: Stage | None = None,
) -> Page[ApplicationRead]:
    """The applications the caller may see (as candidates), filtered."""
    return await paginate(
        session,
        candidate_rules.application_query(
            viewer,
            candidate_id=candidate_id,
            job_posting_id=job_posting_id,
            hiring_plan_id=hiring_plan_id,
            stage=stage,
        ),
        params,
        sortable={
            "created_at": Application.created_at,
            "stage_changed_at": Application.stage_changed_at,
        },
        id_column=Application.id,
        default_sort="-created_at",
        to_item=ApplicationRead.model_validate,
    )


@router.get(
    "/applications/{application_id}", response_model=ApplicationRead, summary="Read an application"
)
async def read_application(
    application_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> Application:
    """One application the caller may see (404 otherwise)."""
    application = await candidate_rules.get_application(session, viewer, application_id)
    set_etag(response, application.version)
    return application


@router.post(
    "/applications/{application_id}/stage",
    response_model=ApplicationRead,
    summary="Move an application",
    responses=CONFLICT_STAGE,
)
async def move_application(
    application_id: uuid.UUID,
    payload: StageChange,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> Application:
    """To the next stage (applied → screening → shortlisted → interviewing → offer), or
    ``rejected``/``withdrawn`` with a reason at any point (HR). Skipping a stage is 409
    ``invalid_stage_transition``; ``offer`` needs a passed background check unless the plan
    waives it (409 ``background_check_required``); ``hired`` comes with an accepted offer."""
    application = await candidate_rules.get_application(session, viewer, application_id)
    check_if_match(request, application.version)
    application = await candidate_rules.move(
        session, viewer, application, payload.stage, payload.reason
    )
    set_etag(response, application.version)
    return application
