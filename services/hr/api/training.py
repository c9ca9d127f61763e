"""``/api/v1/hr/training-plans``, ``/courses``, ``/course-sessions``, ``/enrolments``,
``/employees/{id}/training-record``, ``/development-plans`` and ``/career-moves``."""

import uuid
from typing import Annotated, Any

from fastapi import Query, Request, Response
from sqlalchemy import select

from services.hr.api.deps import ViewerDep, WorkflowClient
from services.hr.api.performance import EmployeeFilter, employee_filter
from services.hr.db.development import (
    CareerMove,
    Course,
    CourseSession,
    DevelopmentPlan,
    Enrolment,
    TrainingPlan,
)
from services.hr.domain import development, promotions
from services.hr.domain import training as rules
from services.hr.schemas_development import (
    AttendanceRecord,
    CareerMoveCreate,
    CareerMoveRead,
    CompletionRecord,
    CourseCreate,
    CourseKind,
    CourseRead,
    CourseSessionCreate,
    CourseSessionRead,
    CourseSessionUpdate,
    CourseUpdate,
    DevelopmentPlanCreate,
    DevelopmentPlanRead,
    DevelopmentReviewCreate,
    DevelopmentReviewRead,
    EnrolmentCreate,
    EnrolmentRead,
    EnrolmentStatus,
    Evaluation,
    MoveStatus,
    TrainingPlanCreate,
    TrainingPlanRead,
    TrainingPlanUpdate,
    TrainingRecord,
)
from shared.contracts.page import Page
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/hr", tags=["hr: training"])

HR_ONLY: dict[int | str, dict[str, Any]] = {403: {"description": "Only HR (`hr_only`)."}}


# ---- training plans ---------------------------------------------------------------------------


async def _plan_read(session: SessionDep, plan: TrainingPlan) -> TrainingPlanRead:
    read = TrainingPlanRead.model_validate(plan)
    read.estimated_cost = await rules.estimated_cost(session, plan)
    return read


@router.post(
    "/training-plans",
    status_code=201,
    response_model=TrainingPlanRead,
    summary="Record a year's training plan",
    responses={**HR_ONLY, 409: {"description": "The year has a plan (`training_plan_exists`)."}},
)
async def create_training_plan(
    payload: TrainingPlanCreate, response: Response, session: SessionDep, viewer: ViewerDep
) -> TrainingPlanRead:
    """Which positions need which courses, for how many people, and the budget (HR)."""
    plan = await rules.record_plan(session, viewer, payload.model_dump())
    response.headers["Location"] = f"/api/v1/hr/training-plans/{plan.id}"
    set_etag(response, plan.version)
    return await _plan_read(session, plan)


@router.get("/training-plans", response_model=Page[TrainingPlanRead], summary="List plans")
async def list_training_plans(
    session: SessionDep, viewer: ViewerDep, params: Annotated[PageParams, sorted_by("year")]
) -> Page[TrainingPlanRead]:
    """Every year's plan (plans name positions, not people)."""
    return await paginate(
        session,
        select(TrainingPlan),
        params,
        sortable={"year": TrainingPlan.year},
        id_column=TrainingPlan.id,
        default_sort="-year",
        to_item=TrainingPlanRead.model_validate,
    )


@router.get("/training-plans/{plan_id}", response_model=TrainingPlanRead, summary="Read a plan")
async def read_training_plan(
    plan_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> TrainingPlanRead:
    """One plan with its estimated cost."""
    plan = await rules.get_plan(session, plan_id)
    set_etag(response, plan.version)
    return await _plan_read(session, plan)


@router.patch(
    "/training-plans/{plan_id}",
    response_model=TrainingPlanRead,
    summary="Change a plan",
    responses=HR_ONLY,
)
async def update_training_plan(
    plan_id: uuid.UUID,
    payload: TrainingPlanUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> TrainingPlanRead:
    """Change the needs, name or budget (HR, ``If-Match``)."""
    plan = await rules.get_plan(session, plan_id)
    viewer.require_manager("training plans")
    check_if_match(request, plan.version)
    fields = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    plan = await rules.record_plan(session, viewer, fields, plan)
    set_etag(response, plan.version)
    return await _plan_read(session, plan)


# ---- courses and sessions ---------------------------------------------------------------------


@router.post(
    "/courses",
    status_code=201,
    response_model=CourseRead,
    summary="Add a course",
    responses={**HR_ONLY, 409: {"description": "The code is taken (`course_code_taken`)."}},
)
async def create_course(
    payload: CourseCreate, response: Response, session: SessionDep, viewer: ViewerDep
) -> Course:
    """A course: internal, by an external expert, or an external seminar (HR)."""
    course = await rules.create_course(session, viewer, payload.model_dump())
    response.headers["Location"] = f"/api/v1/hr/courses/{course.id}"
    set_etag(response, course.version)
    return course


@router.get("/courses", response_model=Page[CourseRead], summary="List courses")
async def list_courses(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("code", "created_at")],
    kind: CourseKind | None = None,
    self_service: bool | None = None,
) -> Page[CourseRead]:
    """The catalogue (anyone signed in)."""
    query = select(Course)
    if kind is not None:
        query = query.where(Course.kind == kind)
    if self_service is not None:
        query = query.where(Course.self_service.is_(self_service))
    return await paginate(
        session,
        query,
        params,
        sortable={"code": Course.code, "created_at": Course.created_at},
        id_column=Course.id,
        default_sort="code",
        to_item=CourseRead.model_validate,
    )


@router.get("/courses/{course_id}", response_model=CourseRead, summary="Read a course")
async def read_course(
    course_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> Course:
    """One course."""
    course = await rules.get_course(session, course_id)
    set_etag(response, course.version)
    return course


@router.patch(
    "/courses/{course_id}",
    response_model=CourseRead,
    summary="Change a course",
    responses=HR_ONLY,
)
async def update_course(
    course_id: uuid.UUID,
    payload: CourseUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> Course:
    """Title, provider, hours, cost, self-service, description (HR, ``If-Match``)."""
    course = await rules.get_course(session, course_id)
    viewer.require_manager("courses")
    check_if_match(request, course.version)
    fields = payload.model_dump(exclude_unset=True)
    fields = {k: v for k, v in fields.items() if v is not None or k == "provider"}
    course = await rules.update_course(session, viewer, course, fields)
    set_etag(response, course.version)
    return course


@router.post(
    "/course-sessions",
    status_code=201,
    response_model=CourseSessionRead,
    summary="Schedule a session",
    responses=HR_ONLY,
)
async def schedule_session(
    payload: CourseSessionCreate, response: Response, session: SessionDep, viewer: ViewerDep
) -> CourseSession:
    """A session of a course with its capacity (HR)."""
    item = await rules.schedule(session, viewer, payload.model_dump())
    response.headers["Location"] = f"/api/v1/hr/course-sessions/{item.id}"
    set_etag(response, item.version)
    return item


@router.get("/course-sessions", response_model=Page[CourseSessionRead], summary="List sessions")
async def list_sessions(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("starts_on")],
    course_id: uuid.UUID | None = None,
) -> Page[CourseSessionRead]:
    """Sessions, soonest first (anyone signed in)."""
    query = select(CourseSession)
    if course_id is not None:
        query = query.where(CourseSession.course_id == course_id)
    return await paginate(
        session,
        query,
        params,
        sortable={"starts_on": CourseSession.starts_on},
        id_column=CourseSession.id,
        default_sort="starts_on",
        to_item=CourseSessionRead.model_validate,
    )


@router.get(
    "/course-sessions/{session_id}", response_model=CourseSessionRead, summary="Read a session"
)
async def read_session(
    session_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> CourseSession:
    """One session with its seats taken."""
    item = await rules.get_session(session, session_id)
    set_etag(response, item.version)
    return item


@router.patch(
    "/course-sessions/{session_id}",
    response_model=CourseSessionRead,
    summary="Change or cancel a session",
    responses={
        **HR_ONLY,
        409: {"description": "Capacity below the seats taken, or the session is closed."},
    },
)
async def update_session(
    session_id: uuid.UUID,
    payload: CourseSessionUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> CourseSession:
    """Place, trainer, dates, capacity (never below the seats taken) or the status (HR,
    ``If-Match``)."""
    item = await rules.get_session(session, session_id)
    viewer.require_manager("course sessions")
    check_if_match(request, item.version)
    fields = payload.model_dump(exclude_unset=True)
    fields = {k: v for k, v in fields.items() if v is not None or k == "trainer"}
    item = await rules.update_session(session, viewer, item, fields)
    set_etag(response, item.version)
    return item


# ---- enrolments -------------------------------------------------------------------------------


@router.post(
    "/enrolments",
    status_code=201,
    response_model=EnrolmentRead,
    summary="Enrol in a session",
    responses={
        403: {"description": "Enrolling someone else, or a course without self-service."},
        409: {"description": "The session is full (`session_full`) or already enrolled."},
    },
)
async def enrol(
    payload: EnrolmentCreate, response: Response, session: SessionDep, viewer: ViewerDep
) -> Enrolment:
    """HR enrols anyone; an employee themselves where the course allows self-service."""
    item = await rules.enrol(session, viewer, payload.session_id, payload.employee_id)
    response.headers["Location"] = f"/api/v1/hr/enrolments/{item.id}"
    set_etag(response, item.version)
    return item


@router.get("/enrolments", response_model=Page[EnrolmentRead], summary="List enrolments")
async def list_enrolments(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("created_at")],
    session_id: uuid.UUID | None = None,
    course_id: uuid.UUID | None = None,
    employee_id: EmployeeFilter = None,
    status: EnrolmentStatus | None = None,
) -> Page[EnrolmentRead]:
    """HR and auditors see all; a manager or head their people's; an employee their own."""
    return await paginate(
        session,
        rules.enrolment_query(
            viewer,
            session_id=session_id,
            employee_id=employee_filter(viewer, employee_id),
            course_id=course_id,
            status=status,
        ),
        params,
        sortable={"created_at": Enrolment.created_at},
        id_column=Enrolment.id,
        default_sort="created_at",
        to_item=EnrolmentRead.model_validate,
    )


@router.get("/enrolments/{enrolment_id}", response_model=EnrolmentRead, summary="Read one")
async def read_enrolment(
    enrolment_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> Enrolment:
    """One enrolment the caller may see."""
    item = await rules.get_enrolment(session, viewer, enrolment_id)
    set_etag(response, item.version)
    return item


_STEP: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not the one who takes this step."},
    409: {"description": "Not at this step (`invalid_enrolment_transition`)."},
}


@router.post(
    "/enrolments/{enrolment_id}/cancel",
    response_model=EnrolmentRead,
    summary="Cancel an enrolment",
    responses=_STEP,
)
async def cancel_enrolment(
    enrolment_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> Enrolment:
    """HR or the participant gives the seat back."""
    item = await rules.get_enrolment(session, viewer, enrolment_id)
    check_if_match(request, item.version)
    item = await rules.cancel(session, viewer, item)
    set_etag(response, item.version)
    return item


@router.post(
    "/enrolments/{enrolment_id}/attendance",
    response_model=EnrolmentRead,
    summary="Record attendance",
    responses=_STEP,
)
async def record_attendance(
    enrolment_id: uuid.UUID,
    payload: AttendanceRecord,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> Enrolment:
    """Attended or no-show (HR)."""
    item = await rules.get_enrolment(session, viewer, enrolment_id)
    check_if_match(request, item.version)
    item = await rules.attendance(session, viewer, item, payload.attendance)
    set_etag(response, item.version)
    return item


@router.post(
    "/enrolments/{enrolment_id}/completion",
    response_model=EnrolmentRead,
    summary="Record completion",
    responses=_STEP,
)
async def record_completion(
    enrolment_id: uuid.UUID,
    payload: CompletionRecord,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> Enrolment:
    """The participant completed the course (HR; after attendance)."""
    item = await rules.get_enrolment(session, viewer, enrolment_id)
    check_if_match(request, item.version)
    item = await rules.complete(session, viewer, item, payload.completed_on)
    set_etag(response, item.version)
    return item


@router.post(
    "/enrolments/{enrolment_id}/evaluation",
    response_model=EnrolmentRead,
    summary="Evaluate a completed course",
    responses={**_STEP, 409: {"description": "Not completed, or evaluated already."}},
)
async def evaluate_enrolment(
    enrolment_id: uuid.UUID,
    payload: Evaluation,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> Enrolment:
    """The participant's rating, or (from their manager or head) the assessment of its effect."""
    item = await rules.get_enrolment(session, viewer, enrolment_id)
    check_if_match(request, item.version)
    item = await rules.evaluate(session, viewer, item, payload.rating, payload.comment)
    set_etag(response, item.version)
    return item


@router.get(
    "/employees/{employee_id}/training-record",
    response_model=TrainingRecord,
    summary="An employee's training record",
)
async def training_record(
    employee_id: uuid.UUID, session: SessionDep, viewer: ViewerDep
) -> dict[str, Any]:
    """The employee, their manager and head, HR and auditors (404 for others)."""
    return await rules.record_of(session, viewer, employee_id)


# ---- individual development plans ---------------------------------------------------------------


async def _idp_read(session: SessionDep, plan: DevelopmentPlan) -> DevelopmentPlanRead:
    read = DevelopmentPlanRead.model_validate(plan)
    read.reviews = [
        DevelopmentReviewRead.model_validate(r) for r in await development.reviews(session, plan)
    ]
    return read


@router.post(
    "/development-plans",
    status_code=201,
    response_model=DevelopmentPlanRead,
    summary="Agree a development plan",
    responses={
        403: {"description": "Not HR, nor the employee's manager or head."},
        409: {"description": "A plan for that year exists (`development_plan_exists`)."},
    },
)
async def create_development_plan(
    payload: DevelopmentPlanCreate, response: Response, session: SessionDep, viewer: ViewerDep
) -> DevelopmentPlanRead:
    """Goals for a year (HR, the manager or the department head)."""
    plan = await development.create(session, viewer, payload.model_dump())
    response.headers["Location"] = f"/api/v1/hr/development-plans/{plan.id}"
    set_etag(response, plan.version)
    return await _idp_read(session, plan)


@router.get("/development-plans", response_model=Page[DevelopmentPlanRead], summary="List plans")
async def list_development_plans(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("year", "created_at")],
    employee_id: EmployeeFilter = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Page[DevelopmentPlanRead]:
    """The plans of the people the caller may see."""
    return await paginate(
        session,
        development.query(viewer, employee_id=employee_filter(viewer, employee_id), year=year),
        params,
        sortable={"year": DevelopmentPlan.year, "created_at": DevelopmentPlan.created_at},
        id_column=DevelopmentPlan.id,
        default_sort="-year",
        to_item=DevelopmentPlanRead.model_validate,
    )


@router.get(
    "/development-plans/{plan_id}", response_model=DevelopmentPlanRead, summary="Read a plan"
)
async def read_development_plan(
    plan_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> DevelopmentPlanRead:
    """One plan with its reviews."""
    plan = await development.get(session, viewer, plan_id)
    set_etag(response, plan.version)
    return await _idp_read(session, plan)


@router.post(
    "/development-plans/{plan_id}/reviews",
    status_code=201,
    response_model=DevelopmentReviewRead,
    summary="Review a development plan",
    responses={
        403: {"description": "Not HR, nor the employee's manager or head."},
        409: {"description": "The plan is closed (`development_plan_closed`)."},
    },
)
async def review_development_plan(
    plan_id: uuid.UUID, payload: DevelopmentReviewCreate, session: SessionDep, viewer: ViewerDep
) -> Any:
    """Progress notes, the goals' status, and optionally the plan's end."""
    plan = await development.get(session, viewer, plan_id)
    fields = payload.model_dump()
    if payload.goals is not None:
        fields["goals"] = [g.model_dump() for g in payload.goals]
    return await development.review(session, viewer, plan, fields)


# ---- promotions and rotations ---------------------------------------------------------------------


@router.post(
    "/career-moves",
    status_code=201,
    response_model=CareerMoveRead,
    summary="Propose a promotion or rotation",
    responses={
        403: {"description": "Not HR, nor the employee's manager or head."},
        409: {"description": "A move of the employee is in progress."},
    },
)
async def propose_career_move(
    payload: CareerMoveCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
    workflow: WorkflowClient,
) -> CareerMove:
    """Record it and start its approval in workflow (``general_request``); once approved, hr
    applies it to org (retried until org answers)."""
    move = await promotions.propose(session, viewer, payload.model_dump())
    await promotions.MOVE_SAGA.commit_and_start(runtime_of(request), session, workflow, move)
    response.headers["Location"] = f"/api/v1/hr/career-moves/{move.id}"
    set_etag(response, move.version)
    return move


@router.get("/career-moves", response_model=Page[CareerMoveRead], summary="List moves")
async def list_career_moves(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("created_at", "effective_date")],
    employee_id: EmployeeFilter = None,
    status: MoveStatus | None = None,
) -> Page[CareerMoveRead]:
    """The moves of the people the caller may see."""
    return await paginate(
        session,
        promotions.move_query(
            viewer, employee_id=employee_filter(viewer, employee_id), status=status
        ),
        params,
        sortable={"created_at": CareerMove.created_at, "effective_date": CareerMove.effective_date},
        id_column=CareerMove.id,
        default_sort="-created_at",
        to_item=CareerMoveRead.model_validate,
    )


@router.get("/career-moves/{move_id}", response_model=CareerMoveRead, summary="Read a move")
async def read_career_move(
    move_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> CareerMove:
    """One move the caller may see."""
    move = await promotions.get(session, viewer, move_id)
    set_etag(response, move.version)
    return move


@router.post(
    "/career-moves/{move_id}/cancel",
    response_model=CareerMoveRead,
    summary="Withdraw a pending move",
    responses={**HR_ONLY, 409: {"description": "Not pending (`invalid_move_transition`)."}},
)
async def cancel_career_move(
    move_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
    workflow: WorkflowClient,
) -> CareerMove:
    """HR withdraws it; its approval is withdrawn in workflow."""
    move = await promotions.get(session, viewer, move_id)
    check_if_match(request, move.version)
    move = await promotions.cancel(session, viewer, workflow, move)
    set_etag(response, move.version)
    return move
