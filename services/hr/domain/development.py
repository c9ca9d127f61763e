"""Individual development plans: an employee's goals for a year, agreed with their manager (or
HR), and the reviews of their progress. Seen by the employee, their manager and head, HR and
auditors."""

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.development import DevelopmentPlan, DevelopmentReview
from services.hr.db.models import Employee
from services.hr.domain import training
from services.hr.domain.people_access import Viewer
from shared.contracts import hr_development_events as ev
from shared.kit.errors import Conflict, Forbidden, Unprocessable, not_found
from shared.kit.outbox import record_event


async def _event(
    session: AsyncSession, model: type[ev.DevelopmentPlanEvent], plan: DevelopmentPlan
) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type="development_plan",
        subject_id=plan.id,
        data=model(
            employee_id=plan.employee_id,
            year=plan.year,
            status=plan.status,
            goal_count=len(plan.goals),
        ),
    )


async def _may_coach(session: AsyncSession, viewer: Viewer, employee_id: uuid.UUID) -> None:
    if not viewer.manages and not await training.supervises(session, viewer, employee_id):
        raise Forbidden(
            "only HR, or the employee's manager or department head, does this", code="forbidden"
        )


def _goals(goals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**goal, "due": goal["due"].isoformat() if goal.get("due") else None} for goal in goals]


async def create(session: AsyncSession, viewer: Viewer, fields: dict[str, Any]) -> DevelopmentPlan:
    """A plan for a year (HR, the manager or the head); one per employee and year (409)."""
    employee = await session.get(Employee, fields["employee_id"])
    if employee is None or employee.status == "left":
        raise Unprocessable(
            f"employee {fields['employee_id']} is unknown to hr or has left",
            code="unknown_employee",
        )
    await _may_coach(session, viewer, employee.id)
    taken = await session.scalar(
        select(DevelopmentPlan.id).where(
            DevelopmentPlan.employee_id == employee.id, DevelopmentPlan.year == fields["year"]
        )
    )
    if taken is not None:
        raise Conflict(
            f"this employee has a development plan for {fields['year']}",
            code="development_plan_exists",
            existing_plan_id=str(taken),
        )
    plan = DevelopmentPlan(
        employee_id=employee.id,
        department_id=employee.department_id,
        year=fields["year"],
        goals=_goals(fields["goals"]),
        status="active",
        created_by=viewer.principal.sub,
    )
    session.add(plan)
    await session.flush()
    await _event(session, ev.DevelopmentPlanCreated, plan)
    return plan


def query(viewer: Viewer, *, employee_id: uuid.UUID | None, year: int | None) -> Select[Any]:
    found = select(DevelopmentPlan).where(
        training.people_visible(viewer, DevelopmentPlan.employee_id)
    )
    if employee_id is not None:
        found = found.where(DevelopmentPlan.employee_id == employee_id)
    if year is not None:
        found = found.where(DevelopmentPlan.year == year)
    return found


async def get(session: AsyncSession, viewer: Viewer, plan_id: uuid.UUID) -> DevelopmentPlan:
    plan = await session.scalar(
        select(DevelopmentPlan).where(
            DevelopmentPlan.id == plan_id,
            training.people_visible(viewer, DevelopmentPlan.employee_id),
        )
    )
    if plan is None:
        raise not_found("development plan", plan_id)
    return plan


async def reviews(session: AsyncSession, plan: DevelopmentPlan) -> list[DevelopmentReview]:
    return list(
        (
            await session.scalars(
                select(DevelopmentReview)
                .where(DevelopmentReview.plan_id == plan.id)
                .order_by(DevelopmentReview.reviewed_on, DevelopmentReview.id)
            )
        ).all()
    )


async def review(
    session: AsyncSession, viewer: Viewer, plan: DevelopmentPlan, fields: dict[str, Any]
) -> DevelopmentReview:
    """A progress review (HR, the manager or the head), optionally updating the goals' status;
    ``close`` ends the plan."""
    await _may_coach(session, viewer, plan.employee_id)
    if plan.status != "active":
        raise Conflict("the plan is closed", code="development_plan_closed")
    entry = DevelopmentReview(
        plan_id=plan.id,
        reviewed_on=fields["reviewed_on"],
        notes=fields["notes"],
        created_by=viewer.principal.sub,
    )
    session.add(entry)
    if fields.get("goals") is not None:
        plan.goals = _goals(fields["goals"])
    if fields.get("close"):
        plan.status = "closed"
    await session.flush()
    await _event(session, ev.DevelopmentPlanReviewed, plan)
    return entry
