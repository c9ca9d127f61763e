"""Employees: the directory, reporting lines without cycles, leaving, and the manager chain."""

import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import RowMapping, Select, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.org.db.models import Department, Employee, Position
from services.org.domain import departments as department_rules
from services.org.domain import names
from services.org.schemas import EmployeeBrief, EmployeeCreate, EmployeeLeave, EmployeeUpdate
from shared.kit.errors import Conflict, Unprocessable, not_found
from shared.kit.outbox import record_event

MAX_CHAIN = 20


async def get(session: AsyncSession, employee_id: uuid.UUID) -> Employee:
    """An employee by id, or 404."""
    employee = await session.get(Employee, employee_id)
    if employee is None:
        raise not_found("employee", employee_id)
    return employee


_EMPLOYEES = Employee.__table__
# Rows of the employees table, for answering reads without building ORM objects.
EMPLOYEE_ROWS: Select[Any] = select(_EMPLOYEES)
# Built once: SQLAlchemy memoizes a statement's cache key, so reads skip compiling it again.
_BY_ID = EMPLOYEE_ROWS.where(_EMPLOYEES.c.id == bindparam("employee_id"))


async def read(session: AsyncSession, employee_id: uuid.UUID) -> RowMapping:
    """An employee's row by id, for answering a read without building an ORM object; or 404."""
    connection = await session.connection()
    row = (await connection.execute(_BY_ID, {"employee_id": employee_id})).mappings().first()
    if row is None:
        raise not_found("employee", employee_id)
    return row


async def _check_unique(
    session: AsyncSession, number: str | None, email: str | None, own_id: uuid.UUID | None
) -> None:
    if number is not None:
        other = await session.scalar(select(Employee.id).where(Employee.employee_number == number))
        if other and other != own_id:
            raise Conflict(f"employee number {number!r} is taken", code="duplicate_employee_number")
    if email is not None:
        other = await session.scalar(select(Employee.id).where(Employee.email == email.lower()))
        if other and other != own_id:
            raise Conflict(f"the email {email!r} is taken", code="duplicate_email")


async def _check_department(session: AsyncSession, department_id: uuid.UUID) -> None:
    department = await session.get(Department, department_id)
    if department is None:
        raise Unprocessable(f"department {department_id} does not exist", code="unknown_department")
    if department.status != "active":
        raise Conflict("the department is archived", code="department_archived")


async def _check_position(session: AsyncSession, position_id: uuid.UUID) -> None:
    if await session.get(Position, position_id) is None:
        raise Unprocessable(f"position {position_id} does not exist", code="unknown_position")


async def _check_manager(
    session: AsyncSession, employee_id: uuid.UUID | None, manager_id: uuid.UUID
) -> None:
    manager = await session.get(Employee, manager_id)
    if manager is None:
        raise Unprocessable(f"manager {manager_id} does not exist", code="unknown_manager")
    if manager.status == "left":
        raise Conflict("the manager has left the company", code="manager_left")
    if employee_id is None:
        return
    current: uuid.UUID | None = manager_id
    for _ in range(10_000):
        if current is None:
            return
        if current == employee_id:
            raise Conflict(
                "this manager would make the reporting line a cycle", code="manager_cycle"
            )
        current = await session.scalar(select(Employee.manager_id).where(Employee.id == current))
    raise Conflict("the reporting line is too deep", code="manager_cycle")


async def create(session: AsyncSession, payload: EmployeeCreate) -> Employee:
    """A new employee; 409 for a duplicate number or email or an archived department."""
    email = payload.email.lower()
    await _check_unique(session, payload.employee_number, email, None)
    await _check_department(session, payload.department_id)
    if payload.position_id:
        await _check_position(session, payload.position_id)
    if payload.manager_id:
        await _check_manager(session, None, payload.manager_id)
    employee = Employee(**{**payload.model_dump(), "email": email})
    session.add(employee)
    await session.flush()
    await record_created_event(session, employee)
    return employee


async def record_created_event(session: AsyncSession, employee: Employee) -> None:
    """Publish ``org.employee.created`` for a new employee."""
    await record_event(
        session,
        "org.employee.created",
        subject_type="employee",
        subject_id=employee.id,
        data=event_data(employee),
    )


async def update(session: AsyncSession, employee: Employee, payload: EmployeeUpdate) -> Employee:
    """Apply HR's changes; refuses duplicates, cycles and changes to someone who has left."""
    if employee.status == "left":
        raise Conflict(
            "the employee has left; their record is kept as history", code="employee_left"
        )
    changes = payload.model_dump(exclude_unset=True)
    for required in (
        "name",
        "email",
        "department_id",
        "employment_type",
        "is_management",
        "status",
        "hire_date",
    ):
        if required in changes and changes[required] is None:
            raise Unprocessable(f"{required} may not be null", code="validation_error")
    if "email" in changes:
        changes["email"] = changes["email"].lower()
    await _check_unique(session, None, changes.get("email"), employee.id)
    if "department_id" in changes and changes["department_id"] != employee.department_id:
        await _check_department(session, changes["department_id"])
    if changes.get("position_id"):
        await _check_position(session, changes["position_id"])
    if changes.get("manager_id"):
        await _check_manager(session, employee.id, changes["manager_id"])
    changed = sorted(field for field, value in changes.items() if getattr(employee, field) != value)
    for field in changed:
        setattr(employee, field, changes[field])
    await session.flush()
    if changed:
        await record_event(
            session,
            "org.employee.updated",
            subject_type="employee",
            subject_id=employee.id,
            data={
                **event_data(employee),
                "changed": [c for c in changed if c not in ("id_number", "birth_date")],
            },
        )
    return employee


async def leave(session: AsyncSession, employee: Employee, payload: EmployeeLeave) -> Employee:
    """Record that the employee left: status ``left`` and the leave date; the record stays."""
    if employee.status == "left":
        raise Conflict("the employee has already left", code="employee_left")
    if payload.leave_date < employee.hire_date:
        raise Unprocessable("the leave date is before the hire date", code="leave_before_hire")
    employee.status = "left"
    employee.leave_date = payload.leave_date
    await session.flush()
    await record_event(
        session,
        "org.employee.left",
        subject_type="employee",
        subject_id=employee.id,
        data={**event_data(employee), "reason": payload.reason},
    )
    return employee


def event_data(employee: Employee) -> dict[str, Any]:
    """What org events say about an employee (no personal data)."""
    data = EmployeeBrief.model_validate(employee).model_dump(mode="json")
    data.update(
        employment_type=employee.employment_type,
        is_management=employee.is_management,
        hire_date=employee.hire_date.isoformat(),
        leave_date=employee.leave_date.isoformat() if employee.leave_date else None,
        work_start_date=employee.work_start_date.isoformat() if employee.work_start_date else None,
    )
    return data


@dataclass(frozen=True)
class EmployeeFilters:
    """Filters of the employee list."""

    department_id: uuid.UUID | None = None
    include_subtree: bool = False
    status: str | None = None
    employment_type: str | None = None
    manager_id: uuid.UUID | None = None
    q: str | None = None


async def list_query(session: AsyncSession, filters: EmployeeFilters) -> Select[Any]:
    """The filtered directory query, as table rows (pagination is applied by the caller)."""
    query = EMPLOYEE_ROWS
    if filters.department_id is not None:
        if filters.include_subtree:
            departments = await department_rules.all_departments(session)
            ids = department_rules.subtree_ids(departments, filters.department_id)
            query = query.where(Employee.department_id.in_(ids))
        else:
            query = query.where(Employee.department_id == filters.department_id)
    if filters.status:
        query = query.where(Employee.status == filters.status)
    if filters.employment_type:
        query = query.where(Employee.employment_type == filters.employment_type)
    if filters.manager_id:
        query = query.where(Employee.manager_id == filters.manager_id)
    if filters.q:
        query = query.where(name_matches(Employee, filters.q))
    return query


def name_matches(model: Any, q: str) -> Any:
    """Who ``q`` finds by name: the name itself, its pinyin or its initials (全角 or 半角
    alike), and for employees their number or email."""
    term = q.strip()
    folded = names.normalize(term)
    compact = names.search_term(term)
    conditions = [
        model.name.contains(term, autoescape=True),
        model.name.contains(unicodedata.normalize("NFKC", term), autoescape=True),
    ]
    if compact:
        conditions += [
            model.name_pinyin.contains(compact, autoescape=True),
            model.name_initials.startswith(compact, autoescape=True),
        ]
    if model is Employee:
        conditions += [
            Employee.employee_number == term,
            Employee.employee_number == unicodedata.normalize("NFKC", term),
            Employee.email.contains(folded, autoescape=True),
        ]
    return or_(*conditions)


@dataclass(frozen=True)
class Link:
    """One step up the chain of managers."""

    employee: Employee
    source: str  # "manager" | "department_head"
    department_id: uuid.UUID | None


def manager_chain(
    employee: Employee,
    levels: int,
    lookup: Callable[[uuid.UUID], Employee | None],
    departments: dict[uuid.UUID, Department],
) -> list[Link]:
    """Up to ``levels`` people above ``employee``.

    Each step follows the reporting line (``manager_id``); where it is not set, or points at
    someone who has left, it falls back to the head of the person's department, and where
    that is the person themself (or nobody), to the head of the department above, and so on
    up the tree. Nobody appears twice, so a data error can never loop.
    """
    chain: list[Link] = []
    seen = {employee.id}
    current = employee
    while len(chain) < min(levels, MAX_CHAIN):
        step: Link | None = None
        manager = lookup(current.manager_id) if current.manager_id else None
        if manager is not None and manager.status != "left" and manager.id not in seen:
            step = Link(manager, "manager", None)
        else:
            for department in department_rules.ancestors(departments, current.department_id):
                head_id = department.head_employee_id
                if head_id is None or head_id in seen:
                    continue
                head = lookup(head_id)
                if head is not None and head.status != "left":
                    step = Link(head, "department_head", department.id)
                    break
        if step is None:
            break
        chain.append(step)
        seen.add(step.employee.id)
        current = step.employee
    return chain


async def managers_of(session: AsyncSession, employee: Employee, levels: int) -> list[Link]:
    """The chain of managers of ``employee``, loading people as the walk needs them."""
    departments = await department_rules.all_departments(session)
    cache: dict[uuid.UUID, Employee | None] = {employee.id: employee}
    # The walk needs at most ``levels`` people plus heads; load them in small rounds.
    pending = {employee.manager_id, *(d.head_employee_id for d in departments.values())} - {None}
    if pending:
        rows = (await session.scalars(select(Employee).where(Employee.id.in_(pending)))).all()
        cache.update({row.id: row for row in rows})
    missing: set[uuid.UUID] = set()

    def lookup(employee_id: uuid.UUID) -> Employee | None:
        if employee_id not in cache:
            missing.add(employee_id)
            return None
        return cache[employee_id]

    while True:
        missing.clear()
        chain = manager_chain(employee, levels, lookup, departments)
        if not missing:
            return chain
        rows = (await session.scalars(select(Employee).where(Employee.id.in_(missing)))).all()
        cache.update({employee_id: None for employee_id in missing})
        cache.update({row.id: row for row in rows})
