"""finance's copy of org: departments (with their heads) and employees (with their department).

Applied from org's event feed (``org.department.*``, ``org.employee.*``, each carrying the full
record) by the ``org-directory`` consumer (``background/directory.py``), exactly as hr keeps its
own copy. Other finance areas ask it who belongs where and who heads what.
"""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.directory import Department, Employee
from shared.contracts.events import EventEnvelope
from shared.contracts.org_events import DepartmentRecord, EmployeeRecord
from shared.kit.db import utcnow

ORG_EVENTS = frozenset(
    {
        "org.employee.created",
        "org.employee.updated",
        "org.employee.left",
        "org.department.created",
        "org.department.updated",
    }
)


async def apply_org_event(session: AsyncSession, event: EventEnvelope) -> None:
    """Upsert the employee or department an org event describes (events carry the full record)."""
    payload = event.payload
    if isinstance(payload, EmployeeRecord):
        employee = await session.get(Employee, payload.id)
        if employee is None:
            employee = Employee(id=payload.id)
            session.add(employee)
        employee.employee_number = payload.employee_number
        employee.name = payload.name
        employee.department_id = payload.department_id
        employee.manager_id = payload.manager_id
        employee.status = payload.status
        employee.synced_at = utcnow()
        await session.flush()
        home = await session.get(Department, payload.department_id)
        if home is not None and payload.status != "left":
            from services.finance.domain.budget_plans import demo_claims

            await demo_claims(session, home, payload.id)  # only where a demo budget is
    elif isinstance(payload, DepartmentRecord):
        department = await session.get(Department, payload.id)
        if department is None:
            department = Department(id=payload.id)
            session.add(department)
        department.code = payload.code
        department.name = payload.name
        department.parent_id = payload.parent_id
        department.head_employee_id = payload.head_employee_id
        department.status = payload.status
        department.synced_at = utcnow()
        await session.flush()
        # the demo budgets planned for this department's code, if any (seed/budgets.py);
        # nothing for a department without plans
        from services.finance.domain.budget_plans import realise_plans

        await realise_plans(session, department)
    await session.flush()


async def department_of(session: AsyncSession, employee_id: uuid.UUID) -> uuid.UUID | None:
    """The department an employee belongs to (None for someone finance has not heard of)."""
    found: uuid.UUID | None = await session.scalar(
        select(Employee.department_id).where(Employee.id == employee_id)
    )
    return found


async def departments_headed_by(session: AsyncSession, employee_id: uuid.UUID) -> set[uuid.UUID]:
    """The departments the employee heads, with every department below them."""
    tree = {d.id: d for d in (await session.scalars(select(Department))).all()}
    headed = {d.id for d in tree.values() if d.head_employee_id == employee_id}
    found, changed = set(headed), bool(headed)
    while changed:
        changed = False
        for department in tree.values():
            if department.parent_id in found and department.id not in found:
                found.add(department.id)
                changed = True
    return found


async def employee(session: AsyncSession, employee_id: uuid.UUID) -> Employee | None:
    """The employee, if finance has heard of them."""
    return await session.get(Employee, employee_id)


async def department(session: AsyncSession, department_id: uuid.UUID) -> Department | None:
    """The department, if finance has heard of it."""
    return await session.get(Department, department_id)
