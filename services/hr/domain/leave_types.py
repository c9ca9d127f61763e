"""Leave types: reading them and HR's changes (rename, paid, document required, retired)."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.models import LeaveType
from shared.kit.errors import not_found


async def all_types(session: AsyncSession) -> list[LeaveType]:
    """Every leave type, by code."""
    return list((await session.scalars(select(LeaveType).order_by(LeaveType.code))).all())


async def by_code(session: AsyncSession, code: str) -> LeaveType:
    """A leave type by code, retired ones included (404 otherwise)."""
    kind = await session.scalar(select(LeaveType).where(LeaveType.code == code))
    if kind is None:
        raise not_found("leave type", code)
    return kind


async def change(session: AsyncSession, kind: LeaveType, changes: Mapping[str, Any]) -> LeaveType:
    """Apply HR's changes (the fields given, none of them null) to a leave type."""
    for name, value in changes.items():
        if value is not None:
            setattr(kind, name, value)
    await session.flush()
    return kind
