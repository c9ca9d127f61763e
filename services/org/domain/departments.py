"""Departments: a tree without cycles, archived only when empty, with heads and charters."""

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.org.db.models import Department, Employee
from services.org.schemas import DepartmentCreate, DepartmentRead, DepartmentUpdate
from shared.kit.errors import Conflict, Unprocessable, not_found
from shared.kit.outbox import record_event

CURRENT_STATUSES = ("onboarding", "active", "on_leave")


async def get(session: AsyncSession, department_id: uuid.UUID) -> Department:
    """A department by id, or 404."""
    department = await session.get(Department, department_id)
    if department is None:
        raise not_found("department", department_id)
    return department


async def by_code(session: AsyncSession, code: str) -> Department | None:
    """A department by its code."""
    return await session.scalar(select(Department).where(Department.code == code))


async def all_departments(session: AsyncSession) -> dict[uuid.UUID, Department]:
    """Every department by id (the tree is small: tens, not thousands)."""
    return {d.id: d for d in (await session.scalars(select(Department))).all()}


def subtree_ids(departments: dict[uuid.UUID, Department], root: uuid.UUID) -> set[uuid.UUID]:
    """``root`` and every department below it."""
    children: dict[uuid.UUID | None, list[uuid.UUID]] = {}
    for department in departments.values():
        children.setdefault(department.parent_id, []).append(department.id)
    found, stack = set(), [root]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, []))
    return found


def ancestors(
    departments: dict[uuid.UUID, Department], start: uuid.UUID | None
) -> Iterable[Department]:
    """``start`` and its parents up to the root."""
    seen: set[uuid.UUID] = set()
    while start is not None and start not in seen and start in departments:
        seen.add(start)
        yield departments[start]
        start = departments[start].parent_id


async def _check_parent(
    session: AsyncSession, department_id: uuid.UUID | None, parent_id: uuid.UUID
) -> None:
    parent = await session.get(Department, parent_id)
    if parent is None:
        raise Unprocessable(f"parent department {parent_id} does not exist", code="unknown_parent")
    if parent.status != "active":
        raise Conflict("the parent department is archived", code="department_archived")
    if department_id is None:
        return
    departments = await all_departments(session)
    if any(d.id == department_id for d in ancestors(departments, parent_id)):
        raise Conflict(
            "a department cannot be placed under itself or its own sub-department",
            code="department_cycle",
        )


async def _check_head(session: AsyncSession, head_id: uuid.UUID) -> None:
    head = await session.get(Employee, head_id)
    if head is None or head.status == "left":
        raise Unprocessable(
            f"employee {head_id} does not exist or has left", code="unknown_employee"
        )


async def _refuse_second_root(session: AsyncSession) -> None:
    root = await session.scalar(select(Department.code).where(Department.parent_id.is_(None)))
    if root is not None:
        raise Conflict(
            f"the company has one root department ({root}); give the department a parent",
            code="second_root",
        )


async def create(session: AsyncSession, payload: DepartmentCreate) -> Department:
    """A new department; 409 for a duplicate code or a second root."""
    if await by_code(session, payload.code):
        raise Conflict(f"a department with code {payload.code!r} exists", code="duplicate_code")
    if payload.parent_id:
        await _check_parent(session, None, payload.parent_id)
    else:
        await _refuse_second_root(session)
    if payload.head_employee_id:
        await _check_head(session, payload.head_employee_id)
    department = Department(**payload.model_dump())
    session.add(department)
    await session.flush()
    await record_department_event(session, "org.department.created", department)
    return department


async def active_member_count(session: AsyncSession, department_id: uuid.UUID) -> int:
    """Employees of the department who have not left."""
    count = await session.scalar(
        select(func.count()).where(
            Employee.department_id == department_id, Employee.status.in_(CURRENT_STATUSES)
        )
    )
    return int(count or 0)


async def update(
    session: AsyncSession, department: Department, payload: DepartmentUpdate
) -> Department:
    """Apply changes; refuses cycles, duplicate codes and archiving a department with members."""
    changes = payload.model_dump(exclude_unset=True)
    if "code" in changes and changes["code"] != department.code:
        if changes["code"] is None:
            raise Unprocessable("code may not be null")
        if await by_code(session, changes["code"]):
            raise Conflict(
                f"a department with code {changes['code']!r} exists", code="duplicate_code"
            )
    if changes.get("parent_id") is not None:
        await _check_parent(session, department.id, changes["parent_id"])
    elif "parent_id" in changes and department.parent_id is not None:
        await _refuse_second_root(session)
    if changes.get("head_employee_id") is not None:
        await _check_head(session, changes["head_employee_id"])
    if changes.get("status") == "archived" and department.status != "archived":
        members = await active_member_count(session, department.id)
        if members:
            raise Conflict(
                f"the department still has {members} active member(s); move them first",
                code="department_has_members",
            )
        children = await session.scalar(
            select(func.count()).where(
                Department.parent_id == department.id, Department.status == "active"
            )
        )
        if children:
            raise Conflict(
                "the department has active sub-departments", code="department_has_children"
            )
    for field in ("name", "code", "charter", "charter_en", "status"):
        if changes.get(field) is None:
            changes.pop(field, None)
    # Only what really changes is announced; a change that changes nothing emits no event.
    changed = sorted(
        field for field, value in changes.items() if getattr(department, field) != value
    )
    for field in changed:
        setattr(department, field, changes[field])
    await session.flush()
    if changed:
        await record_department_event(
            session, "org.department.updated", department, changed=changed
        )
    return department


async def record_department_event(
    session: AsyncSession, event_type: str, department: Department, **extra: object
) -> None:
    """Publish a department event carrying the department (without its charter)."""
    data = DepartmentRead.model_validate(department).model_dump(
        mode="json", exclude={"charter", "charter_en"}
    )
    await record_event(
        session,
        event_type,
        subject_type="department",
        subject_id=department.id,
        data={**data, **extra},
    )
