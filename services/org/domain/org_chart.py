"""The org chart: the department tree with heads and head counts."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.org.db.models import Department, Employee
from services.org.domain.departments import CURRENT_STATUSES
from services.org.schemas import EmployeeBrief, OrgChartNode


async def build(session: AsyncSession, include_archived: bool = False) -> list[OrgChartNode]:
    """The forest of departments (usually one tree), each with its head and counts."""
    query = select(Department)
    if not include_archived:
        query = query.where(Department.status == "active")
    departments = (await session.scalars(query.order_by(Department.code))).all()
    counts = dict(
        (
            await session.execute(
                select(Employee.department_id, func.count())
                .where(Employee.status.in_(CURRENT_STATUSES))
                .group_by(Employee.department_id)
            )
        )
        .tuples()
        .all()
    )
    head_ids = {d.head_employee_id for d in departments if d.head_employee_id}
    heads = (
        {
            e.id: e
            for e in (
                await session.scalars(select(Employee).where(Employee.id.in_(head_ids)))
            ).all()
        }
        if head_ids
        else {}
    )
    known = {d.id for d in departments}
    children: dict[uuid.UUID | None, list[Department]] = {}
    for department in departments:
        parent = department.parent_id if department.parent_id in known else None
        children.setdefault(parent, []).append(department)

    def node(department: Department) -> OrgChartNode:
        kids = [node(child) for child in children.get(department.id, [])]
        own = int(counts.get(department.id, 0))
        head = heads.get(department.head_employee_id) if department.head_employee_id else None
        return OrgChartNode(
            id=department.id,
            code=department.code,
            name=department.name,
            name_en=department.name_en,
            head=EmployeeBrief.model_validate(head) if head else None,
            head_count=own,
            total_head_count=own + sum(kid.total_head_count for kid in kids),
            children=kids,
        )

    return [node(root) for root in children.get(None, [])]
