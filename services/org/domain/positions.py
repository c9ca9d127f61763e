"""Positions: a title and grade in a department."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.org.db.models import Department, Employee, Position
from services.org.schemas import PositionCreate, PositionUpdate
from shared.kit.errors import Conflict, Unprocessable, not_found


async def get(session: AsyncSession, position_id: uuid.UUID) -> Position:
    """A position by id, or 404."""
    position = await session.get(Position, position_id)
    if position is None:
        raise not_found("position", position_id)
    return position


async def _check(
    session: AsyncSession, department_id: uuid.UUID, title: str, own_id: uuid.UUID | None
) -> None:
    department = await session.get(Department, department_id)
    if department is None:
        raise Unprocessable(f"department {department_id} does not exist", code="unknown_department")
    if department.status != "active":
        raise Conflict("the department is archived", code="department_archived")
    other = await session.scalar(
        select(Position.id).where(Position.department_id == department_id, Position.title == title)
    )
    if other and other != own_id:
        raise Conflict(
            f"the department already has a position {title!r}", code="duplicate_position"
        )


async def create(session: AsyncSession, payload: PositionCreate) -> Position:
    """A new position; titles are unique within a department."""
    await _check(session, payload.department_id, payload.title, None)
    position = Position(**payload.model_dump())
    session.add(position)
    await session.flush()
    return position


async def update(session: AsyncSession, position: Position, payload: PositionUpdate) -> Position:
    """Change a position."""
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    department_id = changes.get("department_id", position.department_id)
    title = changes.get("title", position.title)
    if department_id != position.department_id or title != position.title:
        await _check(session, department_id, title, position.id)
    for field, value in changes.items():
        setattr(position, field, value)
    await session.flush()
    return position


async def delete(session: AsyncSession, position: Position) -> None:
    """Remove a position nobody holds."""
    holders = await session.scalar(select(func.count()).where(Employee.position_id == position.id))
    if holders:
        raise Conflict(f"{holders} employee(s) hold this position", code="position_in_use")
    await session.delete(position)
    await session.flush()
