"""Definitions: versioned — a change makes a new revision; running instances keep theirs."""

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.workflow.db.models import Definition
from services.workflow.schemas import DefinitionBody, DefinitionCreate
from shared.kit.errors import Conflict, NotFound


async def current(session: AsyncSession, key: str) -> Definition:
    """The current revision of a definition, or 404."""
    definition = await session.scalar(
        select(Definition).where(Definition.key == key, Definition.is_current.is_(True))
    )
    if definition is None:
        raise NotFound(f"definition {key!r} does not exist", code="not_found")
    return definition


def _body(payload: DefinitionBody) -> dict[str, Any]:
    data = payload.model_dump(mode="json", exclude_none=False)
    data["steps"] = [{k: v for k, v in step.items() if v is not None} for step in data["steps"]]
    data.pop("key", None)
    return data


async def create(
    session: AsyncSession, payload: DefinitionCreate, created_by: str, builtin: bool = False
) -> Definition:
    """Revision 1 of a new definition; 409 when the key exists."""
    exists = await session.scalar(
        select(Definition.id).where(Definition.key == payload.key).limit(1)
    )
    if exists:
        raise Conflict(
            f"a definition with key {payload.key!r} exists; change it with PUT",
            code="duplicate_definition",
        )
    definition = Definition(
        key=payload.key,
        revision=1,
        is_current=True,
        builtin=builtin,
        created_by=created_by,
        **_body(payload),
    )
    session.add(definition)
    await session.flush()
    return definition


async def revise(
    session: AsyncSession, key: str, payload: DefinitionBody, created_by: str
) -> Definition:
    """A new current revision; instances already running finish on the revision they started with."""
    previous = await current(session, key)
    last = await session.scalar(select(func.max(Definition.revision)).where(Definition.key == key))
    await session.execute(
        update(Definition)
        .where(Definition.key == key, Definition.is_current.is_(True))
        .values(is_current=False)
    )
    definition = Definition(
        key=key,
        revision=int(last or 0) + 1,
        is_current=True,
        builtin=previous.builtin,
        created_by=created_by,
        **_body(payload),
    )
    session.add(definition)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"definition {key!r} was changed at the same moment; read it again",
            code="concurrent_revision",
        ) from exc
    return definition
