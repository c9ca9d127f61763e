"""Performance: KPI templates, grade bands, review cycles and their reviews, improvement plans.

Who sees what: HR and admins manage everything, auditors and system clients read everything; a
department head sees (and reviews) the reviews and plans of the departments they head, with
sub-departments; a manager those of their direct reports; an employee their own. Others: 404.
"""

import uuid
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.development import (
    CheckIn,
    GradeBand,
    ImprovementPlan,
    KpiTemplate,
    Review,
    ReviewCycle,
)
from services.hr.db.models import Employee
from services.hr.domain import directory, kpi
from services.hr.domain.people_access import Viewer
from shared.contracts import hr_development_events as ev
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Forbidden, Unprocessable, not_found
from shared.kit.outbox import record_event

MONEYLESS: Final = Decimal("0.01")

# ---- visibility -------------------------------------------------------------------------------


def _reports(viewer: Viewer) -> Any:
    return select(Employee.id).where(Employee.manager_id == viewer.employee_id)


def _people_rule(viewer: Viewer, employee: Any, department: Any) -> ColumnElement[bool]:
    if viewer.reads_all:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if viewer.headed:
        conditions.append(department.in_(viewer.headed))
    if viewer.employee_id is not None:
        conditions.append(employee == viewer.employee_id)
        conditions.append(employee.in_(_reports(viewer)))
    return or_(*conditions) if conditions else false()


def reviews_visible(viewer: Viewer) -> ColumnElement[bool]:
    """Reviews the caller may see."""
    return _people_rule(viewer, Review.employee_id, Review.department_id)


def plans_visible(viewer: Viewer) -> ColumnElement[bool]:
    """Improvement plans the caller may see: the employee, their manager, the head, HR."""
    rule = _people_rule(viewer, ImprovementPlan.employee_id, ImprovementPlan.department_id)
    if viewer.employee_id is not None and not viewer.reads_all:
        rule = or_(rule, ImprovementPlan.manager_id == viewer.employee_id)
    return rule


async def _supervises(session: AsyncSession, viewer: Viewer, review: Review) -> bool:
    """Whether the caller heads the review's department or manages the employee."""
    if viewer.employee_id is None or viewer.employee_id == review.employee_id:
        return False
    if viewer.heads(review.department_id):
        return True
    employee = await session.get(Employee, review.employee_id)
    return employee is not None and employee.manager_id == viewer.employee_id


# ---- KPI templates ----------------------------------------------------------------------------


def _template_event(template: KpiTemplate, model: type[ev.KpiTemplateEvent]) -> Any:
    return model(
        name=template.name,
        department_id=template.department_id,
        position=template.position,
        indicator_count=len(template.indicators),
    )


async def create_template(
    session: AsyncSession, viewer: Viewer, fields: dict[str, Any]
) -> KpiTemplate:
    """A KPI template (HR); weights that do not sum to 100 are 422 ``kpi_weights_invalid``."""
    viewer.require_manager("KPI templates")
    kpi.check_weights(fields["indicators"])
    template = KpiTemplate(**fields, created_by=viewer.principal.sub)
    session.add(template)
    await session.flush()
    await record_event(
        session,
        "hr.kpi_template.created",
        subject_type="kpi_template",
        subject_id=template.id,
        data=_template_event(template, ev.KpiTemplateCreated),
    )
    return template


async def get_template(session: AsyncSession, template_id: uuid.UUID) -> KpiTemplate:
    template = await session.get(KpiTemplate, template_id)
    if template is None:
        raise not_found("KPI template", template_id)
    return template


async def update_template(
    session: AsyncSession, viewer: Viewer, template: KpiTemplate, fields: dict[str, Any]
) -> KpiTemplate:
    """Change a template (HR); reviews already opened keep their own copy of the indicators."""
    viewer.require_manager("KPI templates")
    if "indicators" in fields:
        kpi.check_weights(fields["indicators"])
    for key, value in fields.items():
        setattr(template, key, value)
    if template.department_id is None and template.position is None:
        raise Unprocessable(
            "a template applies to a department or a position", code="kpi_indicators_invalid"
        )
    await session.flush()
    await record_event(
        session,
        "hr.kpi_template.updated",
        subject_type="kpi_template",
        subject_id=template.id,
        data=_template_event(template, ev.KpiTemplateUpdated),
    )
    return template


# ---- grade bands ------------------------------------------------------------------------------


async def bands(session: AsyncSession) -> list[GradeBand]:
    """The grade bands, best first."""
    return list(
        (await session.scalars(select(GradeBand).order_by(GradeBand.min_score.desc()))).all()
    )


async def replace_bands(
    session: AsyncSession, viewer: Viewer, given: list[dict[str, Any]]
) -> list[GradeBand]:
    """Replace the grade bands (HR). Reviews already final keep their grade."""
    viewer.require_manager("grade bands")
    kpi.check_bands(given)
    current = {band.grade: band for band in await bands(session)}
    for item in given:
        band = current.pop(item["grade"], None)
        if band is None:
            session.add(GradeBand(**item))
        else:
            band.min_score = item["min_score"]
            band.coefficient = item["coefficient"]
            band.below_target = item["below_target"]
    for band in current.values():
        await session.delete(band)
    await session.flush()
    await record_event(
        session,
        "hr.grade_bands.updated",
        subject_type="grade_bands",
        subject_id="grade_bands",
        data=ev.GradeBandsUpdated(grades=[b["grade"] for b in given]),
    )
    return await bands(session)


# ---- review cycles ----------------------------------------------------------------------------


def _cycle_event(cycle: ReviewCycle, model: type[ev.ReviewCycleEvent], count: int) -> Any:
    return model(
        name=cycle.name,
        period=cycle.period,
        start_date=cycle.start_date,
        end_date=cycle.end_date,
        department_id=cycle.department_id,
        status=cycle.status,
        review_count=count,
    )


async def _template_for(
    session: AsyncSession, tree: dict[uuid.UUID, Any], department_id: uuid.UUID
) -> KpiTemplate | None:
    """The active template of the department, or of the nearest department above it."""
    templates = (
        await session.scalars(
            select(KpiTemplate).where(
                KpiTemplate.active.is_(True), KpiTemplate.department_id.is_not(None)
            )
        )
    ).all()
    by_department = {t.department_id: t for t in templates}
    current: uuid.UUID | None = department_id
    seen: set[uuid.UUID] = set()
    while current is not None and current not in seen:
        seen.add(current)
        if current in by_department:
            return by_department[current]
        node = tree.get(current)
        current = node.parent_id if node is not None else None
    return None


async def open_cycle(session: AsyncSession, viewer: Viewer, fields: dict[str, Any]) -> ReviewCycle:
    """Open a cycle (HR) and a review for every active employee in scope (the department and
    those below it, or everyone). An employee whose department has no KPI template (nor one
    above it) is 422 ``kpi_template_missing``: a review needs indicators."""
    viewer.require_manager("review cycles")
    if fields["end_date"] < fields["start_date"]:
        raise Unprocessable("the cycle ends before it starts", code="dates_out_of_order")
    tree = await directory.departments(session)
    scope = fields.get("department_id")
    people = select(Employee).where(Employee.status == "active")
    if scope is not None:
        if scope not in tree:
            raise Unprocessable(f"department {scope} is unknown to hr", code="unknown_department")
        people = people.where(Employee.department_id.in_(directory.subtree(tree, scope)))
    employees = (await session.scalars(people.order_by(Employee.employee_number))).all()
    cycle = ReviewCycle(**fields, status="open", created_by=viewer.principal.sub)
    session.add(cycle)
    await session.flush()
    uncovered: list[str] = []
    for employee in employees:
        template = await _template_for(session, tree, employee.department_id)
        if template is None:
            uncovered.append(str(employee.department_id))
            continue
        session.add(
            Review(
                cycle_id=cycle.id,
                employee_id=employee.id,
                department_id=employee.department_id,
                template_id=template.id,
                indicators=list(template.indicators),
                status="self_assessment",
            )
        )
    if uncovered:
        raise Unprocessable(
            "some departments in scope have no KPI template (nor one above them)",
            code="kpi_template_missing",
            department_ids=sorted(set(uncovered)),
        )
    await session.flush()
    await record_event(
        session,
        "hr.review_cycle.opened",
        subject_type="review_cycle",
        subject_id=cycle.id,
        data=_cycle_event(cycle, ev.ReviewCycleOpened, len(employees)),
    )
    return cycle


async def get_cycle(session: AsyncSession, cycle_id: uuid.UUID) -> ReviewCycle:
    cycle = await session.get(ReviewCycle, cycle_id)
    if cycle is None:
        raise not_found("review cycle", cycle_id)
    return cycle


async def close_cycle(session: AsyncSession, viewer: Viewer, cycle: ReviewCycle) -> ReviewCycle:
    """Close a cycle (HR) once every review in it is final (409 ``reviews_pending``)."""
    viewer.require_manager("review cycles")
    if cycle.status != "open":
        raise Conflict("the cycle is closed already", code="review_cycle_closed")
    reviews = (await session.scalars(select(Review).where(Review.cycle_id == cycle.id))).all()
    pending = [str(r.id) for r in reviews if r.status != "finalized"]
    if pending:
        raise Conflict(
            f"{len(pending)} review(s) of the cycle are not final",
            code="reviews_pending",
            pending_review_ids=pending[:50],
        )
    cycle.status = "closed"
    cycle.closed_at = utcnow()
    await session.flush()
    await record_event(
        session,
        "hr.review_cycle.closed",
        subject_type="review_cycle",
        subject_id=cycle.id,
        data=_cycle_event(cycle, ev.ReviewCycleClosed, len(reviews)),
    )
    return cycle


async def statistics(
    session: AsyncSession, viewer: Viewer, cycle: ReviewCycle, department_id: uuid.UUID | None
) -> dict[str, Any]:
    """Per department of the cycle: grade distribution, averages, whose review is not final yet,
    and the active people in scope with no review in the cycle (hired after it opened)."""
    query = select(Review).where(Review.cycle_id == cycle.id, reviews_visible(viewer))
    if department_id is not None:
        query = query.where(Review.department_id == department_id)
    reviews = (await session.scalars(query)).all()
    grades = [b.grade for b in await bands(session)]
    groups: dict[uuid.UUID, list[Review]] = {}
    for review in reviews:
        groups.setdefault(review.department_id, []).append(review)
    # active people in the cycle's scope with no review in it (they joined after it opened)
    missing = select(Employee).where(
        Employee.status == "active",
        Employee.id.not_in(select(Review.employee_id).where(Review.cycle_id == cycle.id)),
        _people_rule(viewer, Employee.id, Employee.department_id),
    )
    if cycle.department_id is not None:
        tree = await directory.departments(session)
        missing = missing.where(
            Employee.department_id.in_(directory.subtree(tree, cycle.department_id))
        )
    if department_id is not None:
        missing = missing.where(Employee.department_id == department_id)
    without: dict[uuid.UUID, list[uuid.UUID]] = {}
    for employee in (await session.scalars(missing)).all():
        without.setdefault(employee.department_id, []).append(employee.id)
        groups.setdefault(employee.department_id, [])
    departments = []
    for dept, members in sorted(groups.items(), key=lambda item: str(item[0])):
        final = [r for r in members if r.status == "finalized"]
        scored = [r.final_score for r in final if r.final_score is not None]
        distribution = Counter(r.grade for r in final)
        departments.append(
            {
                "department_id": dept,
                "reviews": len(members),
                "finalized": len(final),
                "average_score": (
                    (sum(scored, Decimal(0)) / len(scored)).quantize(MONEYLESS) if scored else None
                ),
                "grade_distribution": {g: distribution.get(g, 0) for g in grades},
                "not_finalized": sorted(
                    (
                        {"employee_id": r.employee_id, "status": r.status}
                        for r in members
                        if r.status != "finalized"
                    ),
                    key=lambda item: str(item["employee_id"]),
                ),
                "without_review": sorted(without.get(dept, []), key=str),
            }
        )
    return {"cycle_id": cycle.id, "departments": departments}


# ---- reviews ----------------------------------------------------------------------------------


def review_query(
    viewer: Viewer,
    *,
    cycle_id: uuid.UUID | None,
    employee_id: uuid.UUID | None,
    department_id: uuid.UUID | None,
    status: str | None,
    grade: str | None,
) -> Select[Any]:
    query = select(Review).where(reviews_visible(viewer))
    if cycle_id is not None:
        query = query.where(Review.cycle_id == cycle_id)
    if employee_id is not None:
        query = query.where(Review.employee_id == employee_id)
    if department_id is not None:
        query = query.where(Review.department_id == department_id)
    if status is not None:
        query = query.where(Review.status == status)
    if grade is not None:
        query = query.where(Review.grade == grade)
    return query


async def get_review(session: AsyncSession, viewer: Viewer, review_id: uuid.UUID) -> Review:
    review = await session.scalar(
        select(Review).where(Review.id == review_id, reviews_visible(viewer))
    )
    if review is None:
        raise not_found("review", review_id)
    return review


def _review_event(review: Review, model: type[ev.ReviewEvent], **extra: Any) -> Any:
    return model(
        cycle_id=review.cycle_id,
        employee_id=review.employee_id,
        department_id=review.department_id,
        status=review.status,
        **extra,
    )


def _require_status(review: Review, *allowed: str) -> None:
    if review.status not in allowed:
        raise Conflict(
            f"a review in status {review.status!r} cannot take this step",
            code="invalid_review_transition",
            review_status=review.status,
        )


async def self_assess(
    session: AsyncSession,
    viewer: Viewer,
    review: Review,
    scores: list[dict[str, Any]],
    comment: str,
) -> Review:
    """The employee's own assessment (only them), before the head's review."""
    if viewer.employee_id != review.employee_id:
        raise Forbidden("only the reviewed employee assesses themselves", code="forbidden")
    _require_status(review, "self_assessment")
    review.self_score = kpi.weighted_score(review.indicators, scores)
    review.self_scores = _plain(scores)
    review.self_comment = comment
    review.status = "manager_review"
    await session.flush()
    await record_event(
        session,
        "hr.review.self_assessed",
        subject_type="review",
        subject_id=review.id,
        data=_review_event(review, ev.ReviewSelfAssessed),
    )
    return review


def _plain(scores: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"indicator": s["indicator"], "value": str(s["value"])} for s in scores]


async def manager_review(
    session: AsyncSession,
    viewer: Viewer,
    review: Review,
    scores: list[dict[str, Any]],
    comment: str,
) -> Review:
    """The department head's (or manager's) scores, after the self-assessment; may be redone
    until HR finalizes."""
    if not await _supervises(session, viewer, review):
        raise Forbidden(
            "only the employee's department head or manager reviews them", code="forbidden"
        )
    _require_status(review, "manager_review", "reviewed")
    review.score = kpi.weighted_score(review.indicators, scores)
    review.manager_scores = _plain(scores)
    review.manager_comment = comment
    review.reviewer_id = viewer.employee_id
    review.status = "reviewed"
    await session.flush()
    await record_event(
        session,
        "hr.review.reviewed",
        subject_type="review",
        subject_id=review.id,
        data=_review_event(review, ev.ReviewReviewed, score=review.score),
    )
    return review


async def calibrate(
    session: AsyncSession, viewer: Viewer, review: Review, score: Decimal, reason: str
) -> Review:
    """HR's calibration: the score that counts, with the reason."""
    viewer.require_manager("calibration")
    _require_status(review, "reviewed")
    assert review.score is not None
    if not Decimal(0) <= score <= kpi.ACHIEVEMENT_CAP:
        raise Unprocessable(
            f"a calibrated score is between 0 and {kpi.ACHIEVEMENT_CAP}",
            code="score_out_of_scale",
        )
    review.calibrated_score = score
    review.calibration_reason = reason
    await session.flush()
    await record_event(
        session,
        "hr.review.calibrated",
        subject_type="review",
        subject_id=review.id,
        data=_review_event(
            review, ev.ReviewCalibrated, score=review.score, calibrated_score=score, reason=reason
        ),
    )
    return review


async def finalize(session: AsyncSession, viewer: Viewer, review: Review) -> Review:
    """HR fixes the final score (calibrated, else the head's), its grade and coefficient."""
    viewer.require_manager("final grades")
    _require_status(review, "reviewed")
    cycle = await session.get(ReviewCycle, review.cycle_id)
    if cycle is not None and cycle.status != "open":
        raise Conflict("the cycle is closed", code="review_cycle_closed")
    final = review.calibrated_score if review.calibrated_score is not None else review.score
    assert final is not None
    band_rows = [
        {
            "grade": b.grade,
            "min_score": b.min_score,
            "coefficient": b.coefficient,
            "below_target": b.below_target,
        }
        for b in await bands(session)
    ]
    if not band_rows:
        raise Conflict("HR has not configured the grade bands", code="grade_bands_missing")
    grade, coefficient, below = kpi.grade_of(band_rows, final)
    review.final_score = final
    review.grade = grade
    review.coefficient = coefficient
    review.below_target = below
    review.status = "finalized"
    review.finalized_at = utcnow()
    await session.flush()
    await record_event(
        session,
        "hr.review.finalized",
        subject_type="review",
        subject_id=review.id,
        data=_review_event(
            review,
            ev.ReviewFinalized,
            final_score=final,
            grade=grade,
            coefficient=coefficient,
            below_target=below,
        ),
    )
    return review


# ---- improvement plans ------------------------------------------------------------------------


def _plan_event(plan: ImprovementPlan, model: type[ev.ImprovementPlanEvent], **extra: Any) -> Any:
    return model(
        employee_id=plan.employee_id,
        review_id=plan.review_id,
        review_date=plan.review_date,
        status=plan.status,
        **extra,
    )


async def open_plan(
    session: AsyncSession, viewer: Viewer, fields: dict[str, Any]
) -> ImprovementPlan:
    """An improvement plan (HR) for an employee; from a review, that review must be final and
    below target (409 ``not_below_target``). One open plan per employee (409)."""
    viewer.require_manager("improvement plans")
    employee = await session.get(Employee, fields["employee_id"])
    if employee is None or employee.status == "left":
        raise Unprocessable(
            f"employee {fields['employee_id']} is unknown to hr or has left",
            code="unknown_employee",
        )
    if fields["review_date"] < fields["start_date"]:
        raise Unprocessable("the review date is before the start", code="dates_out_of_order")
    review_id = fields.get("review_id")
    if review_id is not None:
        review = await session.get(Review, review_id)
        if review is None or review.employee_id != employee.id:
            raise Unprocessable("the review is not one of this employee's", code="validation_error")
        if review.status != "finalized" or not review.below_target:
            raise Conflict(
                "an improvement plan follows a final review below target",
                code="not_below_target",
            )
    existing = await session.scalar(
        select(ImprovementPlan.id).where(
            ImprovementPlan.employee_id == employee.id,
            ImprovementPlan.status.in_(("open", "extended")),
        )
    )
    if existing is not None:
        raise Conflict(
            "this employee already has an improvement plan in progress",
            code="improvement_plan_exists",
            existing_plan_id=str(existing),
        )
    manager = fields.pop("manager_id", None) or employee.manager_id
    plan = ImprovementPlan(
        **fields,
        department_id=employee.department_id,
        manager_id=manager,
        status="open",
        created_by=viewer.principal.sub,
    )
    session.add(plan)
    try:
        await session.flush()
    except IntegrityError:  # pragma: no cover - the checks above hold it
        raise
    await record_event(
        session,
        "hr.improvement_plan.opened",
        subject_type="improvement_plan",
        subject_id=plan.id,
        data=_plan_event(plan, ev.ImprovementPlanOpened),
    )
    return plan


async def get_plan(session: AsyncSession, viewer: Viewer, plan_id: uuid.UUID) -> ImprovementPlan:
    plan = await session.scalar(
        select(ImprovementPlan).where(ImprovementPlan.id == plan_id, plans_visible(viewer))
    )
    if plan is None:
        raise not_found("improvement plan", plan_id)
    return plan


def _coaches(viewer: Viewer, plan: ImprovementPlan) -> bool:
    return viewer.manages or (
        viewer.employee_id is not None
        and viewer.employee_id != plan.employee_id
        and (viewer.employee_id == plan.manager_id or viewer.heads(plan.department_id))
    )


async def check_in(
    session: AsyncSession, viewer: Viewer, plan: ImprovementPlan, fields: dict[str, Any]
) -> CheckIn:
    """A coaching check-in (HR, the plan's manager or the department head)."""
    if not _coaches(viewer, plan):
        raise Forbidden("only HR or the employee's manager records check-ins", code="forbidden")
    if plan.status not in ("open", "extended"):
        raise Conflict(f"the plan is {plan.status}", code="improvement_plan_closed")
    entry = CheckIn(plan_id=plan.id, **fields, created_by=viewer.principal.sub)
    session.add(entry)
    await session.flush()
    await record_event(
        session,
        "hr.improvement_plan.checked_in",
        subject_type="improvement_plan",
        subject_id=plan.id,
        data=_plan_event(
            plan, ev.ImprovementPlanCheckedIn, held_on=entry.held_on, progress=entry.progress
        ),
    )
    return entry


async def check_ins(session: AsyncSession, plan: ImprovementPlan) -> list[CheckIn]:
    return list(
        (
            await session.scalars(
                select(CheckIn).where(CheckIn.plan_id == plan.id).order_by(CheckIn.held_on)
            )
        ).all()
    )


async def conclude(
    session: AsyncSession,
    viewer: Viewer,
    plan: ImprovementPlan,
    outcome: str,
    note: str,
    new_review_date: date | None,
) -> ImprovementPlan:
    """HR records the outcome: completed, failed, or extended to a later review date."""
    viewer.require_manager("improvement plan outcomes")
    if plan.status not in ("open", "extended"):
        raise Conflict(f"the plan is {plan.status}", code="improvement_plan_closed")
    if outcome == "extended":
        if new_review_date is None or new_review_date <= plan.review_date:
            raise Unprocessable(
                "extending a plan needs a review_date after the current one",
                code="validation_error",
            )
        plan.review_date = new_review_date
    elif new_review_date is not None:
        raise Unprocessable("only an extension sets a new review date", code="validation_error")
    plan.status = outcome
    plan.outcome_note = note
    plan.decided_at = utcnow()
    await session.flush()
    await record_event(
        session,
        "hr.improvement_plan.concluded",
        subject_type="improvement_plan",
        subject_id=plan.id,
        data=_plan_event(plan, ev.ImprovementPlanConcluded),
    )
    return plan


def plan_query(viewer: Viewer, *, employee_id: uuid.UUID | None, status: str | None) -> Select[Any]:
    query = select(ImprovementPlan).where(plans_visible(viewer))
    if employee_id is not None:
        query = query.where(ImprovementPlan.employee_id == employee_id)
    if status is not None:
        query = query.where(ImprovementPlan.status == status)
    return query
