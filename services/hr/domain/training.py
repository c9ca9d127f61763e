"""Training: the year's plan (which positions need which courses), courses and their sessions,
enrolments to completion and their effectiveness evaluation, and each employee's record.

A session never takes more people than its capacity: enrolling locks the session's row
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite has a single writer), checks the count, and
raises it in the same statement that the database's check constraint ``enrolled <= capacity``
guards — two enrolments racing for the last seat leave one (409 ``session_full``).
"""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, false, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.development import Course, CourseSession, Enrolment, TrainingPlan
from services.hr.db.models import Employee
from services.hr.domain.people_access import Viewer
from shared.contracts import hr_development_events as ev
from shared.kit.errors import Conflict, Forbidden, Unprocessable, not_found
from shared.kit.outbox import record_event

CENT: Final = Decimal("0.01")

# ---- visibility -------------------------------------------------------------------------------


def people_visible(viewer: Viewer, employee: Any) -> ColumnElement[bool]:
    """Whose training the caller sees: everyone's (HR, auditors), their own, their reports' and
    their departments' people's."""
    if viewer.reads_all:
        return true()
    if viewer.employee_id is None:
        return false()
    mine = select(Employee.id).where(
        or_(Employee.manager_id == viewer.employee_id, Employee.department_id.in_(viewer.headed))
    )
    return or_(employee == viewer.employee_id, employee.in_(mine))


async def supervises(session: AsyncSession, viewer: Viewer, employee_id: uuid.UUID) -> bool:
    """Whether the caller manages the employee or heads their department."""
    if viewer.employee_id is None or viewer.employee_id == employee_id:
        return False
    employee = await session.get(Employee, employee_id)
    if employee is None:
        return False
    return employee.manager_id == viewer.employee_id or viewer.heads(employee.department_id)


# ---- courses and sessions ---------------------------------------------------------------------


async def create_course(session: AsyncSession, viewer: Viewer, fields: dict[str, Any]) -> Course:
    """A course in the catalogue (HR); a code already used is 409 ``course_code_taken``."""
    viewer.require_manager("courses")
    if await session.scalar(select(Course.id).where(Course.code == fields["code"])) is not None:
        raise Conflict(f"course code {fields['code']!r} is taken", code="course_code_taken")
    course = Course(**fields, created_by=viewer.principal.sub)
    session.add(course)
    await session.flush()
    await record_event(
        session,
        "hr.course.created",
        subject_type="course",
        subject_id=course.id,
        data=ev.CourseCreated(code=course.code, title=course.title, kind=course.kind),
    )
    return course


async def get_course(session: AsyncSession, course_id: uuid.UUID) -> Course:
    course = await session.get(Course, course_id)
    if course is None:
        raise not_found("course", course_id)
    return course


async def schedule(session: AsyncSession, viewer: Viewer, fields: dict[str, Any]) -> CourseSession:
    """A session of a course (HR)."""
    viewer.require_manager("course sessions")
    course = await session.get(Course, fields["course_id"])
    if course is None:
        raise Unprocessable(f"course {fields['course_id']} does not exist", code="unknown_course")
    if fields["ends_on"] < fields["starts_on"]:
        raise Unprocessable("the session ends before it starts", code="dates_out_of_order")
    item = CourseSession(**fields, enrolled=0, status="scheduled")
    session.add(item)
    await session.flush()
    await record_event(
        session,
        "hr.course_session.scheduled",
        subject_type="course_session",
        subject_id=item.id,
        data=ev.CourseSessionScheduled(
            course_id=item.course_id,
            starts_on=item.starts_on,
            capacity=item.capacity,
            enrolled=0,
            status=item.status,
        ),
    )
    return item


async def get_session(session: AsyncSession, session_id: uuid.UUID) -> CourseSession:
    item = await session.get(CourseSession, session_id)
    if item is None:
        raise not_found("course session", session_id)
    return item


# ---- enrolments -------------------------------------------------------------------------------


def _enrolment_event(item: Enrolment, model: type[ev.EnrolmentEvent]) -> Any:
    return model(
        session_id=item.session_id,
        course_id=item.course_id,
        employee_id=item.employee_id,
        status=item.status,
    )


async def _record(session: AsyncSession, item: Enrolment, model: type[ev.EnrolmentEvent]) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type="enrolment",
        subject_id=item.id,
        data=_enrolment_event(item, model),
    )


def _full(item: CourseSession) -> Conflict:
    return Conflict(
        f"the session's {item.capacity} seats are taken",
        code="session_full",
        capacity=item.capacity,
    )


async def enrol(
    session: AsyncSession, viewer: Viewer, session_id: uuid.UUID, employee_id: uuid.UUID | None
) -> Enrolment:
    """Take a seat: HR for anyone, an employee for themselves where the course allows
    self-service. Past capacity is 409 ``session_full``; twice is 409 ``already_enrolled``."""
    target = employee_id or viewer.employee_id
    if target is None:
        raise Unprocessable("name the employee to enrol", code="no_employee")
    course_session = await session.scalar(
        select(CourseSession).where(CourseSession.id == session_id).with_for_update()
    )
    if course_session is None:
        raise Unprocessable(f"session {session_id} does not exist", code="unknown_course_session")
    course = await session.get(Course, course_session.course_id)
    assert course is not None
    if not viewer.manages:
        if target != viewer.employee_id:
            raise Forbidden("only HR enrols other people", code="hr_only")
        if not course.self_service:
            raise Forbidden(
                "this course takes enrolments from HR only", code="self_service_not_allowed"
            )
    employee = await session.get(Employee, target)
    if employee is None or employee.status == "left":
        raise Unprocessable(
            f"employee {target} is unknown to hr or has left", code="unknown_employee"
        )
    if course_session.status != "scheduled":
        raise Conflict(f"the session is {course_session.status}", code="session_closed")
    taken = await session.scalar(
        select(Enrolment.id).where(
            Enrolment.session_id == session_id,
            Enrolment.employee_id == target,
            Enrolment.status != "cancelled",
        )
    )
    if taken is not None:
        raise Conflict(
            "already enrolled in this session",
            code="already_enrolled",
            existing_enrolment_id=str(taken),
        )
    if course_session.enrolled >= course_session.capacity:
        raise _full(course_session)
    try:
        async with session.begin_nested():
            raised = await session.execute(
                update(CourseSession)
                .where(
                    CourseSession.id == session_id,
                    CourseSession.enrolled < CourseSession.capacity,
                )
                .values(enrolled=CourseSession.enrolled + 1, version=CourseSession.version + 1)
                .execution_options(synchronize_session=False)
            )
            if getattr(raised, "rowcount", 1) != 1:
                raise _full(course_session)
    except IntegrityError as exc:
        raise _full(course_session) from exc
    cancelled = await session.scalar(
        select(Enrolment).where(
            Enrolment.session_id == session_id,
            Enrolment.employee_id == target,
            Enrolment.status == "cancelled",
        )
    )
    if cancelled is not None:  # re-enrolling takes the old row back
        item = cancelled
        item.status = "enrolled"
    else:
        item = Enrolment(
            session_id=session_id,
            course_id=course.id,
            employee_id=target,
            status="enrolled",
            created_by=viewer.principal.sub,
        )
        session.add(item)
    await session.flush()
    await session.refresh(course_session)
    await _record(session, item, ev.EnrolmentCreated)
    return item


def enrolment_query(
    viewer: Viewer,
    *,
    session_id: uuid.UUID | None,
    employee_id: uuid.UUID | None,
    course_id: uuid.UUID | None,
    status: str | None,
) -> Select[Any]:
    query = select(Enrolment).where(people_visible(viewer, Enrolment.employee_id))
    if session_id is not None:
        query = query.where(Enrolment.session_id == session_id)
    if employee_id is not None:
        query = query.where(Enrolment.employee_id == employee_id)
    if course_id is not None:
        query = query.where(Enrolment.course_id == course_id)
    if status is not None:
        query = query.where(Enrolment.status == status)
    return query


async def get_enrolment(
    session: AsyncSession, viewer: Viewer, enrolment_id: uuid.UUID
) -> Enrolment:
    item = await session.scalar(
        select(Enrolment).where(
            Enrolment.id == enrolment_id, people_visible(viewer, Enrolment.employee_id)
        )
    )
    if item is None:
        raise not_found("enrolment", enrolment_id)
    return item


def _require(item: Enrolment, *allowed: str) -> None:
    if item.status not in allowed:
        raise Conflict(
            f"an enrolment that is {item.status} cannot take this step",
            code="invalid_enrolment_transition",
            enrolment_status=item.status,
        )


async def cancel(session: AsyncSession, viewer: Viewer, item: Enrolment) -> Enrolment:
    """Give the seat back: HR, or the employee themselves before the session."""
    if not viewer.manages and viewer.employee_id != item.employee_id:
        raise Forbidden("only HR or the participant cancels an enrolment", code="forbidden")
    _require(item, "enrolled")
    await session.execute(
        update(CourseSession)
        .where(CourseSession.id == item.session_id)
        .values(enrolled=CourseSession.enrolled - 1, version=CourseSession.version + 1)
        .execution_options(synchronize_session=False)
    )
    item.status = "cancelled"
    await session.flush()
    await _record(session, item, ev.EnrolmentCancelled)
    return item


async def attendance(
    session: AsyncSession, viewer: Viewer, item: Enrolment, attended: str
) -> Enrolment:
    """HR records attendance: attended or no-show."""
    viewer.require_manager("attendance")
    _require(item, "enrolled", "attended", "no_show")
    item.status = attended
    await session.flush()
    await _record(session, item, ev.EnrolmentAttended)
    return item


async def complete(
    session: AsyncSession, viewer: Viewer, item: Enrolment, completed_on: date
) -> Enrolment:
    """HR records the completion of someone who attended."""
    viewer.require_manager("completions")
    _require(item, "attended")
    item.status = "completed"
    item.completed_on = completed_on
    await session.flush()
    await _record(session, item, ev.EnrolmentCompleted)
    return item


async def evaluate(
    session: AsyncSession, viewer: Viewer, item: Enrolment, rating: int, text: str
) -> Enrolment:
    """The effectiveness evaluation of a completed course: the participant rates it, their
    manager (or department head) assesses what it changed; each once."""
    _require(item, "completed")
    if viewer.employee_id is not None and viewer.employee_id == item.employee_id:
        if item.participant_rating is not None:
            raise Conflict("the participant has rated this course", code="evaluation_recorded")
        item.participant_rating = rating
        item.participant_feedback = text
    elif await supervises(session, viewer, item.employee_id):
        if item.manager_rating is not None:
            raise Conflict("the manager has assessed this course", code="evaluation_recorded")
        item.manager_rating = rating
        item.manager_assessment = text
    else:
        raise Forbidden(
            "only the participant and their manager evaluate a course", code="forbidden"
        )
    await session.flush()
    await _record(session, item, ev.EnrolmentEvaluated)
    return item


async def record_of(
    session: AsyncSession, viewer: Viewer, employee_id: uuid.UUID
) -> dict[str, Any]:
    """An employee's training: every enrolment with its course, and the hours completed."""
    employee = await session.scalar(
        select(Employee).where(Employee.id == employee_id, people_visible(viewer, Employee.id))
    )
    if employee is None:
        raise not_found("employee", employee_id)
    rows = (
        await session.execute(
            select(Enrolment, Course, CourseSession)
            .join(Course, Course.id == Enrolment.course_id)
            .join(CourseSession, CourseSession.id == Enrolment.session_id)
            .where(Enrolment.employee_id == employee_id, Enrolment.status != "cancelled")
            .order_by(CourseSession.starts_on, Enrolment.id)
        )
    ).all()
    entries = []
    hours = Decimal(0)
    for enrolment, course, course_session in rows:
        if enrolment.status == "completed":
            hours += course.hours
        entries.append(
            {
                "enrolment_id": enrolment.id,
                "course_id": course.id,
                "course_code": course.code,
                "course_title": course.title,
                "kind": course.kind,
                "hours": course.hours,
                "session_id": course_session.id,
                "starts_on": course_session.starts_on,
                "status": enrolment.status,
                "completed_on": enrolment.completed_on,
                "participant_rating": enrolment.participant_rating,
                "manager_rating": enrolment.manager_rating,
            }
        )
    return {
        "employee_id": employee_id,
        "completed_courses": sum(1 for e in entries if e["status"] == "completed"),
        "completed_hours": hours,
        "entries": entries,
    }


# ---- training plans ---------------------------------------------------------------------------


async def _check_needs(session: AsyncSession, needs: list[dict[str, Any]]) -> None:
    ids = {need["course_id"] for need in needs}
    known = set((await session.scalars(select(Course.id).where(Course.id.in_(ids)))).all())
    unknown = sorted(str(i) for i in ids - known)
    if unknown:
        raise Unprocessable(
            "the plan names courses that do not exist", code="unknown_course", course_ids=unknown
        )


async def record_plan(
    session: AsyncSession, viewer: Viewer, fields: dict[str, Any], plan: TrainingPlan | None = None
) -> TrainingPlan:
    """A year's plan (HR; one per year, 409 ``training_plan_exists``), or a change to it."""
    viewer.require_manager("training plans")
    if "needs" in fields:
        await _check_needs(session, fields["needs"])
        fields["needs"] = [
            {**need, "course_id": str(need["course_id"])} for need in fields["needs"]
        ]
    if plan is None:
        if (
            await session.scalar(select(TrainingPlan.id).where(TrainingPlan.year == fields["year"]))
            is not None
        ):
            raise Conflict(
                f"{fields['year']} has a training plan already", code="training_plan_exists"
            )
        plan = TrainingPlan(**fields, created_by=viewer.principal.sub)
        session.add(plan)
    else:
        for key, value in fields.items():
            setattr(plan, key, value)
    await session.flush()
    await record_event(
        session,
        "hr.training_plan.recorded",
        subject_type="training_plan",
        subject_id=plan.id,
        data=ev.TrainingPlanRecorded(year=plan.year, need_count=len(plan.needs)),
    )
    return plan


async def get_plan(session: AsyncSession, plan_id: uuid.UUID) -> TrainingPlan:
    plan = await session.get(TrainingPlan, plan_id)
    if plan is None:
        raise not_found("training plan", plan_id)
    return plan


async def estimated_cost(session: AsyncSession, plan: TrainingPlan) -> Decimal:
    """Headcount times each needed course's cost per participant."""
    ids = [uuid.UUID(str(need["course_id"])) for need in plan.needs]
    costs = {
        c.id: c.cost_per_participant
        for c in (await session.scalars(select(Course).where(Course.id.in_(ids)))).all()
    }
    total = sum(
        (
            costs.get(uuid.UUID(str(n["course_id"])), Decimal(0)) * int(n["headcount"])
            for n in plan.needs
        ),
        Decimal(0),
    )
    return total.quantize(CENT)


async def update_course(
    session: AsyncSession, viewer: Viewer, course: Course, fields: dict[str, Any]
) -> Course:
    """Change a course's description, provider, hours, cost or self-service (HR)."""
    viewer.require_manager("courses")
    for key, value in fields.items():
        setattr(course, key, value)
    await session.flush()
    return course


async def update_session(
    session: AsyncSession, viewer: Viewer, item: CourseSession, fields: dict[str, Any]
) -> CourseSession:
    """Change a scheduled session (HR): place, trainer, dates, capacity — never below the seats
    taken (409 ``capacity_below_enrolled``) — or its status: ``cancelled`` gives every seat back
    (the enrolments are cancelled), ``completed`` closes it to new enrolments."""
    viewer.require_manager("course sessions")
    if item.status != "scheduled":
        raise Conflict(f"the session is {item.status}", code="session_closed")
    await session.refresh(item, with_for_update=True)
    capacity = fields.get("capacity")
    if capacity is not None and capacity < item.enrolled:
        raise Conflict(
            f"{item.enrolled} seats are taken: the capacity cannot go below that",
            code="capacity_below_enrolled",
            enrolled=item.enrolled,
        )
    status = fields.pop("status", None)
    for key, value in fields.items():
        setattr(item, key, value)
    if item.ends_on < item.starts_on:
        raise Unprocessable("the session ends before it starts", code="dates_out_of_order")
    if status == "cancelled":
        live = (
            await session.scalars(
                select(Enrolment).where(
                    Enrolment.session_id == item.id, Enrolment.status == "enrolled"
                )
            )
        ).all()
        for enrolment in live:
            enrolment.status = "cancelled"
            await session.flush()
            await _record(session, enrolment, ev.EnrolmentCancelled)
        item.enrolled = 0
    if status is not None:
        item.status = status
    await session.flush()
    return item
