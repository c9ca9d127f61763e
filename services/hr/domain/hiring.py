"""Hiring plans (approved through workflow's ``hiring`` definition on the kit's approval saga)
and the job postings that publish an approved plan's openings."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.models import Department, Employee
from services.hr.db.people import Application, HiringPlan, JobPosting
from services.hr.domain.people_access import Viewer, plans
from shared.contracts.hr_people_events import (
    HiringPlanApproved,
    HiringPlanCancelled,
    HiringPlanRejected,
    HiringPlanSubmitted,
    JobPostingClosed,
    JobPostingOpened,
)
from shared.kit.approvals import Approval, ApprovalSaga, Backoff, StartRequest
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Forbidden, ServiceUnavailable, Unprocessable, not_found
from shared.kit.outbox import record_event
from shared.kit.service_client import ServiceClient

PLAN = "hiring_plan"
POSTING = "job_posting"
DEFAULT_ROUNDS: list[dict[str, Any]] = [
    {"name": "部门负责人面试 Department head", "kind": "department_head"},
    {"name": "人力资源面试 HR", "kind": "hr"},
]


def _plan_data(plan: HiringPlan) -> dict[str, Any]:
    return {
        "department_id": plan.department_id,
        "position": plan.position,
        "headcount": plan.headcount,
        "status": plan.status,
    }


async def _plan_event(session: AsyncSession, payload: Any, plan: HiringPlan) -> None:
    await record_event(
        session, payload.event_type, subject_type=PLAN, subject_id=plan.id, data=payload
    )


async def create_plan(session: AsyncSession, viewer: Viewer, fields: dict[str, Any]) -> HiringPlan:
    """Record a plan (HR for any department, a head for a department they head) awaiting its
    ``hiring`` approval, started once committed."""
    department_id: uuid.UUID = fields["department_id"]
    department = await session.get(Department, department_id)
    if department is None:
        raise Unprocessable(
            f"department {department_id} is unknown to hr", code="unknown_department"
        )
    if not viewer.manages and not viewer.heads(department_id):
        raise Forbidden(
            "only HR or the department's head asks to hire for a department", code="forbidden"
        )
    requester = viewer.employee_id or department.head_employee_id
    if requester is None or await session.get(Employee, requester) is None:
        raise Unprocessable(
            "the plan needs a requester known to hr: an account linked to an employee, "
            "or a department with a head",
            code="no_employee",
        )
    plan = HiringPlan(
        **{**fields, "rounds": fields.get("rounds") or DEFAULT_ROUNDS},
        requester_employee_id=requester,
        status="pending",
        created_by=viewer.principal.sub,
    )
    PLAN_SAGA.begin(plan, PLAN_APPROVAL)
    session.add(plan)
    await session.flush()
    await _plan_event(session, HiringPlanSubmitted(**_plan_data(plan)), plan)
    return plan


async def get_plan(session: AsyncSession, viewer: Viewer, plan_id: uuid.UUID) -> HiringPlan:
    """A plan the caller may see, or 404."""
    plan = await session.scalar(select(HiringPlan).where(HiringPlan.id == plan_id, plans(viewer)))
    if plan is None:
        raise not_found("hiring plan", plan_id)
    return plan


def plan_query(
    viewer: Viewer, *, department_id: uuid.UUID | None, status: str | None
) -> Select[tuple[HiringPlan]]:
    """The plans the caller may see, filtered."""
    query = select(HiringPlan).where(plans(viewer))
    if department_id:
        query = query.where(HiringPlan.department_id == department_id)
    if status:
        query = query.where(HiringPlan.status == status)
    return query


async def cancel_plan(
    session: AsyncSession, workflow: ServiceClient, viewer: Viewer, plan: HiringPlan, reason: str
) -> HiringPlan:
    """Withdraw a pending plan (its approval is withdrawn in workflow first) or close an
    approved one (its open postings close too)."""
    if not viewer.manages and viewer.employee_id != plan.requester_employee_id:
        raise Forbidden("only HR or the plan's requester cancels it", code="hr_only")
    if plan.status == "pending":
        plan.status = "cancelled"
        plan.decided_at = utcnow()
        await session.flush()
        await PLAN_SAGA.withdraw(session, workflow, plan, PLAN_APPROVAL)
    elif plan.status == "approved":
        plan.status = "closed"
        for posting in await _open_postings(session, plan.id):
            await _close_posting(session, posting, reason)
    else:
        raise Conflict(
            f"a {plan.status.replace('_', ' ')} hiring plan cannot be cancelled",
            code="invalid_hiring_plan_transition",
        )
    await _plan_event(session, HiringPlanCancelled(**_plan_data(plan), reason=reason), plan)
    await session.flush()
    return plan


# ---- postings -----------------------------------------------------------------------------


async def open_posting(
    session: AsyncSession, viewer: Viewer, plan: HiringPlan, fields: dict[str, Any]
) -> JobPosting:
    """Publish an approved plan's opening (HR)."""
    viewer.require_manager("postings")
    if plan.status != "approved":
        raise Conflict(
            f"only an approved hiring plan is posted; this one is {plan.status}",
            code="hiring_plan_not_approved",
        )
    posting = JobPosting(
        hiring_plan_id=plan.id,
        department_id=plan.department_id,
        title=fields.get("title") or plan.position,
        description=fields.get("description") or plan.requirements,
        channels=fields.get("channels") or plan.channels,
        status="open",
        created_by=viewer.principal.sub,
    )
    session.add(posting)
    await session.flush()
    await record_event(
        session,
        JobPostingOpened.event_type,
        subject_type=POSTING,
        subject_id=posting.id,
        data=JobPostingOpened(hiring_plan_id=plan.id, title=posting.title, status="open"),
    )
    return posting


async def get_posting(session: AsyncSession, posting_id: uuid.UUID) -> JobPosting:
    """A posting (every signed-in person may read the published openings)."""
    posting = await session.get(JobPosting, posting_id)
    if posting is None:
        raise not_found("job posting", posting_id)
    return posting


def posting_query(
    *, status: str | None, hiring_plan_id: uuid.UUID | None, department_id: uuid.UUID | None
) -> Select[tuple[JobPosting]]:
    """Postings, filtered."""
    query = select(JobPosting)
    if status:
        query = query.where(JobPosting.status == status)
    if hiring_plan_id:
        query = query.where(JobPosting.hiring_plan_id == hiring_plan_id)
    if department_id:
        query = query.where(JobPosting.department_id == department_id)
    return query


async def close_posting(
    session: AsyncSession, viewer: Viewer, posting: JobPosting, reason: str
) -> JobPosting:
    """Stop taking applications (HR); closing a closed posting is 409."""
    viewer.require_manager("postings")
    if posting.status != "open":
        raise Conflict("the job posting is already closed", code="job_posting_closed")
    await _close_posting(session, posting, reason)
    return posting


async def _close_posting(session: AsyncSession, posting: JobPosting, reason: str) -> None:
    posting.status = "closed"
    posting.closed_at = utcnow()
    await session.flush()
    await record_event(
        session,
        JobPostingClosed.event_type,
        subject_type=POSTING,
        subject_id=posting.id,
        data=JobPostingClosed(
            hiring_plan_id=posting.hiring_plan_id,
            title=posting.title,
            status="closed",
            reason=reason,
        ),
    )


async def _open_postings(session: AsyncSession, plan_id: uuid.UUID) -> Sequence[JobPosting]:
    return (
        await session.scalars(
            select(JobPosting).where(
                JobPosting.hiring_plan_id == plan_id, JobPosting.status == "open"
            )
        )
    ).all()


async def close_when_staffed(session: AsyncSession, plan_id: uuid.UUID) -> None:
    """Once as many candidates are hired as the plan asked for, its postings and the plan close."""
    plan = await session.get(HiringPlan, plan_id)
    assert plan is not None
    hired = await session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.hiring_plan_id == plan_id, Application.stage == "hired")
    )
    if (hired or 0) < plan.headcount or plan.status != "approved":
        return
    for posting in await _open_postings(session, plan_id):
        await _close_posting(session, posting, "every opening is filled")
    plan.status = "closed"
    await _plan_event(
        session, HiringPlanCancelled(**_plan_data(plan), reason="every opening is filled"), plan
    )


# ---- the approval, on the kit saga ---------------------------------------------------------


async def _describe(session: AsyncSession, plan: HiringPlan) -> StartRequest:
    department = await session.get(Department, plan.department_id)
    if department is None:
        raise ServiceUnavailable("the plan's department is unknown to hr")
    return StartRequest(
        requester_employee_id=plan.requester_employee_id,
        title=f"招聘计划：{department.name} {plan.position} × {plan.headcount}",
        summary=plan.reason,
        data={"headcount": plan.headcount, "position": plan.position},
    )


async def _approved(session: AsyncSession, plan: HiringPlan) -> None:
    plan.status = "approved"
    plan.decided_at = utcnow()
    await _plan_event(session, HiringPlanApproved(**_plan_data(plan)), plan)


async def _ended(session: AsyncSession, plan: HiringPlan, status: str, reason: str) -> None:
    plan.status = status
    plan.decided_at = utcnow()
    await _plan_event(session, HiringPlanRejected(**_plan_data(plan), reason=reason), plan)


async def _rejected(session: AsyncSession, plan: HiringPlan) -> None:
    await _ended(session, plan, "rejected", "rejected in workflow")


async def _withdrawn(session: AsyncSession, plan: HiringPlan) -> None:
    await _ended(session, plan, "cancelled", "withdrawn in workflow")


async def _refused(session: AsyncSession, plan: HiringPlan) -> None:
    await _ended(session, plan, "approval_refused", "workflow refused to start the approval")


PLAN_APPROVAL: Approval[HiringPlan] = Approval(
    subject_type=PLAN,
    definition_key="hiring",
    instance_attr="workflow_instance_id",
    is_open=lambda plan: plan.status == "pending",
    describe=_describe,
    outcomes={"approved": _approved, "rejected": _rejected, "withdrawn": _withdrawn},
    refused=_refused,
)
PLAN_SAGA = ApprovalSaga("hr", HiringPlan, [PLAN_APPROVAL], backoff=Backoff())
