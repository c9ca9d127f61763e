"""hr's projection of org: employees and departments, applied from org's event feed."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.models import Department, Employee
from services.hr.domain import allocation
from shared.contracts.events import EventEnvelope
from shared.contracts.org_events import DepartmentRecord, EmployeeRecord
from shared.contracts.principal import Principal
from shared.kit.db import utcnow

ORG_EVENTS = {
    "org.employee.created",
    "org.employee.updated",
    "org.employee.left",
    "org.department.created",
    "org.department.updated",
}


async def apply_org_event(session: AsyncSession, event: EventEnvelope) -> None:
    """Upsert the employee or department an org event describes (events carry the full record)."""
    payload = event.payload
    if isinstance(payload, EmployeeRecord):
        employee = await session.get(Employee, payload.id)
        hired = employee is None
        if employee is None:
            employee = Employee(id=payload.id)
            session.add(employee)
        employee.employee_number = payload.employee_number
        employee.name = payload.name
        employee.department_id = payload.department_id
        employee.manager_id = payload.manager_id
        employee.status = payload.status
        employee.employment_type = payload.employment_type
        employee.hire_date = payload.hire_date
        employee.work_start_date = payload.work_start_date
        employee.leave_date = payload.leave_date
        employee.synced_at = utcnow()
        await session.flush()
        # leave follows the people: a hire gets its balances at once, a leaver is settled
        if hired:
            await allocation.on_hire(session, employee, event.occurred_at.date())
        if employee.status == "left":
            await allocation.on_leaving(session, employee)
    elif isinstance(payload, DepartmentRecord):
        department = await session.get(Department, payload.id)
        if department is None:
            department = Department(id=payload.id)
            session.add(department)
        department.code = payload.code
        department.name = payload.name
        department.parent_id = payload.parent_id
        department.head_employee_id = payload.head_employee_id
        department.synced_at = utcnow()
    await session.flush()


async def departments(session: AsyncSession) -> dict[uuid.UUID, Department]:
    """Every department by id."""
    return {d.id: d for d in (await session.scalars(select(Department))).all()}


def subtree(tree: dict[uuid.UUID, Department], root: uuid.UUID) -> set[uuid.UUID]:
    """``root`` and every department below it."""
    found, changed = {root}, True
    while changed:
        changed = False
        for department in tree.values():
            if department.parent_id in found and department.id not in found:
                found.add(department.id)
                changed = True
    return found


async def people_of(session: AsyncSession, principal: Principal) -> set[uuid.UUID] | None:
    """Whose leave the caller may see: None for everyone (HR, admin, auditor), else themself,
    their direct reports and everyone in the departments they head (with sub-departments)."""
    if principal.has_role("hr", "admin", "auditor") or principal.kind == "client":
        return None
    me = principal.employee_id
    if me is None:
        return set()
    people = {me}
    people |= set(
        (await session.scalars(select(Employee.id).where(Employee.manager_id == me))).all()
    )
    tree = await departments(session)
    headed = [d.id for d in tree.values() if d.head_employee_id == me]
    if headed:
        scope: set[uuid.UUID] = set()
        for department_id in headed:
            scope |= subtree(tree, department_id)
        people |= set(
            (
                await session.scalars(select(Employee.id).where(Employee.department_id.in_(scope)))
            ).all()
        )
    return people


async def leave_request_scope(session: AsyncSession, principal: Principal) -> set[uuid.UUID] | None:
    """Whose leave *requests* the caller may read: as :func:`people_of`, and the general manager
    (role ``gm``) reads everyone's — the GM approves the longest leaves of anyone in workflow,
    and which ones reach the GM is workflow's condition, not hr's. Reading only: balances,
    cancelling and filing for others stay as for anyone else."""
    if principal.has_role("gm"):
        return None
    return await people_of(session, principal)
