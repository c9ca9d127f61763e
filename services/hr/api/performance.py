"""``/api/v1/hr/kpi-templates``, ``/grade-bands``, ``/review-cycles``, ``/reviews``,
``/improvement-plans``."""

import uuid
from typing import Annotated, Any

from fastapi import Request, Response
from sqlalchemy import select

from services.hr.api.deps import ViewerDep
from services.hr.db.development import ImprovementPlan, KpiTemplate, Review, ReviewCycle
from services.hr.domain import performance as rules
from services.hr.domain.people_access import Viewer
from services.hr.schemas_development import (
    Assessment,
    Calibration,
    CheckInCreate,
    CheckInRead,
    CycleStatistics,
    CycleStatus,
    Grade,
    GradeBandItem,
    GradeBands,
    ImprovementPlanCreate,
    ImprovementPlanRead,
    KpiTemplateCreate,
    KpiTemplateRead,
    KpiTemplateUpdate,
    Period,
    PlanOutcome,
    PlanStatus,
    ReviewCycleCreate,
    ReviewCycleRead,
    ReviewRead,
    ReviewStatus,
)
from shared.contracts.page import Page
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.errors import Unprocessable
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.params import me_or_id_query, parse_me_or_id
from shared.kit.routing import SessionDep, service_router

router = service_router(prefix="/api/v1/hr", tags=["hr: performance"])

HR_ONLY: dict[int | str, dict[str, Any]] = {
    403: {"description": "Only HR manages this (`hr_only`)."}
}
EmployeeFilter = Annotated[str | None, me_or_id_query()]


def employee_filter(viewer: Viewer, value: str | None) -> uuid.UUID | None:
    """``me`` or an employee id (422 otherwise)."""
    if value is None or value == "":
        return None
    return parse_me_or_id(value) or viewer.employee_id or uuid.UUID(int=0)


# ---- KPI templates ----------------------------------------------------------------------------


@router.post(
    "/kpi-templates",
    status_code=201,
    response_model=KpiTemplateRead,
    summary="Define a KPI template",
    responses={
        **HR_ONLY,
        422: {"description": "Weights not summing to 100 (`kpi_weights_invalid`)."},
    },
)
async def create_kpi_template(
    payload: KpiTemplateCreate, response: Response, session: SessionDep, viewer: ViewerDep
) -> KpiTemplate:
    """A template for a department (and those below it) or a position (HR)."""
    if payload.department_id is None and payload.position is None:
        raise Unprocessable(
            "a template applies to a department or a position", code="kpi_indicators_invalid"
        )
    fields = payload.model_dump()
    fields["indicators"] = [i.model_dump(mode="json") for i in payload.indicators]
    template = await rules.create_template(session, viewer, fields)
    response.headers["Location"] = f"/api/v1/hr/kpi-templates/{template.id}"
    set_etag(response, template.version)
    return template


@router.get("/kpi-templates", response_model=Page[KpiTemplateRead], summary="List KPI templates")
async def list_kpi_templates(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("created_at", "name")],
    department_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> Page[KpiTemplateRead]:
    """Every template (templates are not personal: anyone signed in may read them)."""
    query = select(KpiTemplate)
    if department_id is not None:
        query = query.where(KpiTemplate.department_id == department_id)
    if active is not None:
        query = query.where(KpiTemplate.active.is_(active))
    return await paginate(
        session,
        query,
        params,
        sortable={"created_at": KpiTemplate.created_at, "name": KpiTemplate.name},
        id_column=KpiTemplate.id,
        default_sort="-created_at",
        to_item=KpiTemplateRead.model_validate,
    )


@router.get(
    "/kpi-templates/{template_id}", response_model=KpiTemplateRead, summary="Read a KPI template"
)
async def read_kpi_template(
    template_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> KpiTemplate:
    """One template."""
    template = await rules.get_template(session, template_id)
    set_etag(response, template.version)
    return template


@router.patch(
    "/kpi-templates/{template_id}",
    response_model=KpiTemplateRead,
    summary="Change a KPI template",
    responses={**HR_ONLY, 422: {"description": "Weights not summing to 100."}},
)
async def update_kpi_template(
    template_id: uuid.UUID,
    payload: KpiTemplateUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> KpiTemplate:
    """Change a template (HR, ``If-Match``); open reviews keep the indicators they opened with."""
    template = await rules.get_template(session, template_id)
    viewer.require_manager("KPI templates")
    check_if_match(request, template.version)
    fields = {
        key: value
        for key, value in payload.model_dump(mode="json", exclude_unset=True).items()
        if value is not None or key == "position"  # a null name, list or flag changes nothing
    }
    template = await rules.update_template(session, viewer, template, fields)
    set_etag(response, template.version)
    return template


# ---- grade bands ------------------------------------------------------------------------------


@router.get("/grade-bands", response_model=GradeBands, summary="The grade bands")
async def read_grade_bands(session: SessionDep, viewer: ViewerDep) -> GradeBands:
    """The score bands of the final grades and their performance coefficients, best first."""
    return GradeBands(bands=[GradeBandItem.model_validate(b) for b in await rules.bands(session)])


@router.put(
    "/grade-bands",
    response_model=GradeBands,
    summary="Replace the grade bands",
    responses={**HR_ONLY, 422: {"description": "Bands that overlap or leave scores uncovered."}},
)
async def replace_grade_bands(
    payload: GradeBands, session: SessionDep, viewer: ViewerDep
) -> GradeBands:
    """Replace the bands (HR). Final reviews keep the grade and coefficient they were given."""
    rows = await rules.replace_bands(session, viewer, [b.model_dump() for b in payload.bands])
    return GradeBands(bands=[GradeBandItem.model_validate(b) for b in rows])


# ---- review cycles ----------------------------------------------------------------------------


@router.post(
    "/review-cycles",
    status_code=201,
    response_model=ReviewCycleRead,
    summary="Open a review cycle",
    responses={**HR_ONLY, 422: {"description": "A department in scope without a KPI template."}},
)
async def open_review_cycle(
    payload: ReviewCycleCreate, response: Response, session: SessionDep, viewer: ViewerDep
) -> ReviewCycle:
    """Open a cycle and a review for every active employee in scope (HR)."""
    cycle = await rules.open_cycle(session, viewer, payload.model_dump())
    response.headers["Location"] = f"/api/v1/hr/review-cycles/{cycle.id}"
    set_etag(response, cycle.version)
    return cycle


@router.get("/review-cycles", response_model=Page[ReviewCycleRead], summary="List review cycles")
async def list_review_cycles(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("start_date", "created_at")],
    period: Period | None = None,
    status: CycleStatus | None = None,
) -> Page[ReviewCycleRead]:
    """Every cycle (the reviews in them are what is personal)."""
    query = select(ReviewCycle)
    if period is not None:
        query = query.where(ReviewCycle.period == period)
    if status is not None:
        query = query.where(ReviewCycle.status == status)
    return await paginate(
        session,
        query,
        params,
        sortable={"start_date": ReviewCycle.start_date, "created_at": ReviewCycle.created_at},
        id_column=ReviewCycle.id,
        default_sort="-start_date",
        to_item=ReviewCycleRead.model_validate,
    )


@router.get("/review-cycles/{cycle_id}", response_model=ReviewCycleRead, summary="Read a cycle")
async def read_review_cycle(
    cycle_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> ReviewCycle:
    """One cycle."""
    cycle = await rules.get_cycle(session, cycle_id)
    set_etag(response, cycle.version)
    return cycle


@router.post(
    "/review-cycles/{cycle_id}/close",
    response_model=ReviewCycleRead,
    summary="Close a review cycle",
    responses={**HR_ONLY, 409: {"description": "Reviews not final yet, or closed already."}},
)
async def close_review_cycle(
    cycle_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> ReviewCycle:
    """Close a cycle whose reviews are all final (HR)."""
    cycle = await rules.get_cycle(session, cycle_id)
    check_if_match(request, cycle.version)
    cycle = await rules.close_cycle(session, viewer, cycle)
    set_etag(response, cycle.version)
    return cycle


@router.get(
    "/review-cycles/{cycle_id}/statistics",
    response_model=CycleStatistics,
    summary="A cycle's statistics per department",
)
async def review_cycle_statistics(
    cycle_id: uuid.UUID,
    session: SessionDep,
    viewer: ViewerDep,
    department_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """Grade distribution, average final score and who has no final review yet, per department
    (of the reviews the caller may see)."""
    cycle = await rules.get_cycle(session, cycle_id)
    return await rules.statistics(session, viewer, cycle, department_id)


# ---- reviews ----------------------------------------------------------------------------------


@router.get("/reviews", response_model=Page[ReviewRead], summary="List reviews")
async def list_reviews(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("created_at")],
    cycle_id: uuid.UUID | None = None,
    employee_id: EmployeeFilter = None,
    department_id: uuid.UUID | None = None,
    status: ReviewStatus | None = None,
    grade: Grade | None = None,
) -> Page[ReviewRead]:
    """HR, auditors and payroll (a system client) see all; a head their departments'; a manager
    their reports'; an employee their own. Payroll reads ``?cycle_id=&employee_id=``."""
    query = rules.review_query(
        viewer,
        cycle_id=cycle_id,
        employee_id=employee_filter(viewer, employee_id),
        department_id=department_id,
        status=status,
        grade=grade,
    )
    return await paginate(
        session,
        query,
        params,
        sortable={"created_at": Review.created_at},
        id_column=Review.id,
        default_sort="created_at",
        to_item=ReviewRead.model_validate,
    )


@router.get("/reviews/{review_id}", response_model=ReviewRead, summary="Read a review")
async def read_review(
    review_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> Review:
    """One review the caller may see (404 otherwise)."""
    review = await rules.get_review(session, viewer, review_id)
    set_etag(response, review.version)
    return review


_STEP: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not the one who takes this step (`forbidden`, `hr_only`)."},
    409: {"description": "The review is not at this step (`invalid_review_transition`)."},
    422: {"description": "A score outside its scale (`score_out_of_scale`) or a missing one."},
}


@router.post(
    "/reviews/{review_id}/self-assessment",
    response_model=ReviewRead,
    summary="Submit the self-assessment",
    responses=_STEP,
)
async def self_assess(
    review_id: uuid.UUID,
    payload: Assessment,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> Review:
    """The employee scores themselves on every indicator."""
    review = await rules.get_review(session, viewer, review_id)
    check_if_match(request, review.version)
    scores = [s.model_dump() for s in payload.scores]
    review = await rules.self_assess(session, viewer, review, scores, payload.comment)
    set_etag(response, review.version)
    return review


@router.post(
    "/reviews/{review_id}/manager-review",
    response_model=ReviewRead,
    summary="Submit the department head's review",
    responses=_STEP,
)
async def manager_review(
    review_id: uuid.UUID,
    payload: Assessment,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> Review:
    """The department head (or the manager) scores every indicator after the self-assessment."""
    review = await rules.get_review(session, viewer, review_id)
    check_if_match(request, review.version)
    scores = [s.model_dump() for s in payload.scores]
    review = await rules.manager_review(session, viewer, review, scores, payload.comment)
    set_etag(response, review.version)
    return review


@router.post(
    "/reviews/{review_id}/calibrate",
    response_model=ReviewRead,
    summary="Calibrate a review's score",
    responses=_STEP,
)
async def calibrate(
    review_id: uuid.UUID,
    payload: Calibration,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> Review:
    """HR adjusts the score that counts, with the reason."""
    review = await rules.get_review(session, viewer, review_id)
    check_if_match(request, review.version)
    review = await rules.calibrate(session, viewer, review, payload.score, payload.reason)
    set_etag(response, review.version)
    return review


@router.post(
    "/reviews/{review_id}/finalize",
    response_model=ReviewRead,
    summary="Finalize a review",
    responses=_STEP,
)
async def finalize(
    review_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> Review:
    """HR fixes the final score, its grade and performance coefficient (``hr.review.finalized``)."""
    review = await rules.get_review(session, viewer, review_id)
    check_if_match(request, review.version)
    review = await rules.finalize(session, viewer, review)
    set_etag(response, review.version)
    return review


# ---- improvement plans ------------------------------------------------------------------------


async def _plan_read(session: SessionDep, plan: ImprovementPlan) -> ImprovementPlanRead:
    read = ImprovementPlanRead.model_validate(plan)
    read.check_ins = [CheckInRead.model_validate(c) for c in await rules.check_ins(session, plan)]
    return read


@router.post(
    "/improvement-plans",
    status_code=201,
    response_model=ImprovementPlanRead,
    summary="Open an improvement plan",
    responses={
        **HR_ONLY,
        409: {"description": "A plan in progress already, or a review not below target."},
    },
)
async def open_improvement_plan(
    payload: ImprovementPlanCreate, response: Response, session: SessionDep, viewer: ViewerDep
) -> ImprovementPlanRead:
    """A plan for someone below target (HR)."""
    plan = await rules.open_plan(session, viewer, payload.model_dump())
    response.headers["Location"] = f"/api/v1/hr/improvement-plans/{plan.id}"
    set_etag(response, plan.version)
    return await _plan_read(session, plan)


@router.get(
    "/improvement-plans", response_model=Page[ImprovementPlanRead], summary="List improvement plans"
)
async def list_improvement_plans(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("created_at", "review_date")],
    employee_id: EmployeeFilter = None,
    status: PlanStatus | None = None,
) -> Page[ImprovementPlanRead]:
    """HR and auditors see all; the employee, their manager and the department head theirs."""
    return await paginate(
        session,
        rules.plan_query(viewer, employee_id=employee_filter(viewer, employee_id), status=status),
        params,
        sortable={
            "created_at": ImprovementPlan.created_at,
            "review_date": ImprovementPlan.review_date,
        },
        id_column=ImprovementPlan.id,
        default_sort="-created_at",
        to_item=ImprovementPlanRead.model_validate,
    )


@router.get(
    "/improvement-plans/{plan_id}", response_model=ImprovementPlanRead, summary="Read a plan"
)
async def read_improvement_plan(
    plan_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> ImprovementPlanRead:
    """One plan with its check-ins (404 for others)."""
    plan = await rules.get_plan(session, viewer, plan_id)
    set_etag(response, plan.version)
    return await _plan_read(session, plan)


@router.post(
    "/improvement-plans/{plan_id}/check-ins",
    status_code=201,
    response_model=CheckInRead,
    summary="Record a coaching check-in",
    responses={403: {"description": "Not HR nor the coach."}, 409: {"description": "Plan ended."}},
)
async def add_check_in(
    plan_id: uuid.UUID, payload: CheckInCreate, session: SessionDep, viewer: ViewerDep
) -> Any:
    """HR, the plan's manager or the department head note a check-in."""
    plan = await rules.get_plan(session, viewer, plan_id)
    return await rules.check_in(session, viewer, plan, payload.model_dump())


@router.post(
    "/improvement-plans/{plan_id}/outcome",
    response_model=ImprovementPlanRead,
    summary="Record a plan's outcome",
    responses={**HR_ONLY, 409: {"description": "The plan ended already."}},
)
async def conclude_improvement_plan(
    plan_id: uuid.UUID,
    payload: PlanOutcome,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> ImprovementPlanRead:
    """Completed, failed, or extended to a later review date (HR)."""
    plan = await rules.get_plan(session, viewer, plan_id)
    check_if_match(request, plan.version)
    plan = await rules.conclude(
        session, viewer, plan, payload.outcome, payload.note, payload.review_date
    )
    set_etag(response, plan.version)
    return await _plan_read(session, plan)
