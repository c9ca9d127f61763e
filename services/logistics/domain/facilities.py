"""Spaces and the facilities in them, and the area's policy."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.facilities import Facility, FacilityPolicy, Space
from services.logistics.schemas.facilities import (
    FacilityCreate,
    FacilityPolicyUpdate,
    FacilityUpdate,
    SpaceCreate,
    SpaceUpdate,
)
from shared.contracts.logistics_events import (
    FacilityCreated,
    FacilityPolicyUpdated,
    FacilityUpdated,
    SpaceCreated,
    SpaceUpdated,
)
from shared.kit.errors import Conflict, Unprocessable, not_found
from shared.kit.outbox import record_event

DEFAULT_AUTO_CLOSE_DAYS = 7


def under_warranty(warranty_until: date | None, today: date) -> bool:
    """A facility is under warranty up to and including its last day."""
    return warranty_until is not None and today <= warranty_until


async def policy(session: AsyncSession) -> FacilityPolicy:
    """The area's policy (seeded; created with the defaults if someone removed it)."""
    found = await session.scalar(select(FacilityPolicy).limit(1))
    if found is None:
        found = FacilityPolicy(repair_auto_close_days=DEFAULT_AUTO_CLOSE_DAYS)
        session.add(found)
        await session.flush()
    return found


async def update_policy(
    session: AsyncSession, current: FacilityPolicy, payload: FacilityPolicyUpdate
) -> FacilityPolicy:
    """Change the days a resolved repair waits for its confirmation."""
    current.repair_auto_close_days = payload.repair_auto_close_days
    await session.flush()
    await record_event(
        session,
        "logistics.facility_policy.updated",
        subject_type="facility_policy",
        subject_id=current.id,
        data=FacilityPolicyUpdated(repair_auto_close_days=current.repair_auto_close_days),
    )
    return current


# ---- spaces --------------------------------------------------------------------------------


def _space_data(space: Space) -> dict[str, Any]:
    return {
        "building": space.building,
        "floor": space.floor,
        "room": space.room,
        "kind": space.kind,
        "active": space.active,
    }


async def space(session: AsyncSession, space_id: uuid.UUID) -> Space:
    """A space, or 404."""
    found = await session.get(Space, space_id)
    if found is None:
        raise not_found("space", space_id)
    return found


async def named_space(session: AsyncSession, space_id: uuid.UUID) -> Space:
    """A space named in a body (422 ``unknown_space``)."""
    found = await session.get(Space, space_id)
    if found is None:
        raise Unprocessable(f"there is no space {space_id}", code="unknown_space")
    return found


async def create_space(session: AsyncSession, payload: SpaceCreate) -> Space:
    """A new space (409 ``duplicate_space`` for a building, floor and room already known)."""
    taken = await session.scalar(
        select(Space.id).where(
            Space.building == payload.building,
            Space.floor == payload.floor,
            Space.room == payload.room,
        )
    )
    if taken:
        raise Conflict(
            f"{payload.building} {payload.floor} {payload.room} exists already",
            code="duplicate_space",
        )
    found = Space(**payload.model_dump())
    session.add(found)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("this space was just added", code="duplicate_space") from exc
    await record_event(
        session,
        "logistics.space.created",
        subject_type="space",
        subject_id=found.id,
        data=SpaceCreated(**_space_data(found)),
    )
    return found


async def update_space(session: AsyncSession, found: Space, payload: SpaceUpdate) -> Space:
    """Rename, re-kind or (de)activate a space."""
    for field, value in payload.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(found, field, value)
    await session.flush()
    await record_event(
        session,
        "logistics.space.updated",
        subject_type="space",
        subject_id=found.id,
        data=SpaceUpdated(**_space_data(found)),
    )
    return found


def space_query(
    *, building: str | None, kind: str | None, active: bool | None
) -> Select[tuple[Space]]:
    """Spaces, filtered."""
    query = select(Space)
    if building:
        query = query.where(Space.building == building)
    if kind:
        query = query.where(Space.kind == kind)
    if active is not None:
        query = query.where(Space.active == active)
    return query


# ---- facilities ----------------------------------------------------------------------------


def _facility_data(item: Facility) -> dict[str, Any]:
    return {
        "asset_tag": item.asset_tag,
        "name": item.name,
        "category": item.category,
        "status": item.status,
        "space_id": item.space_id,
        "warranty_until": item.warranty_until,
    }


async def facility(session: AsyncSession, facility_id: uuid.UUID) -> Facility:
    """A facility, or 404."""
    found = await session.get(Facility, facility_id)
    if found is None:
        raise not_found("facility", facility_id)
    return found


async def named_facility(session: AsyncSession, facility_id: uuid.UUID) -> Facility:
    """A facility named in a body (422 ``unknown_facility``)."""
    found = await session.get(Facility, facility_id)
    if found is None:
        raise Unprocessable(f"there is no facility {facility_id}", code="unknown_facility")
    return found


def _check_dates(purchased_on: date | None, warranty_until: date | None) -> None:
    if purchased_on and warranty_until and warranty_until < purchased_on:
        raise Unprocessable(
            "the warranty ends before the facility was bought", code="warranty_before_purchase"
        )


async def create_facility(session: AsyncSession, payload: FacilityCreate, actor: str) -> Facility:
    """Register a facility (409 ``duplicate_asset_tag``)."""
    if payload.space_id:
        await named_space(session, payload.space_id)
    _check_dates(payload.purchased_on, payload.warranty_until)
    if await session.scalar(select(Facility.id).where(Facility.asset_tag == payload.asset_tag)):
        raise Conflict(f"asset tag {payload.asset_tag} is in use", code="duplicate_asset_tag")
    item = Facility(**payload.model_dump(), created_by=actor)
    session.add(item)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"asset tag {payload.asset_tag} is in use", code="duplicate_asset_tag"
        ) from exc
    await record_event(
        session,
        "logistics.facility.created",
        subject_type="facility",
        subject_id=item.id,
        data=FacilityCreated(**_facility_data(item)),
    )
    return item


async def update_facility(
    session: AsyncSession, item: Facility, payload: FacilityUpdate
) -> Facility:
    """Move a facility, change its status, warranty or note."""
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("space_id"):
        await named_space(session, changes["space_id"])
    for field in ("name", "category", "status", "note"):
        if field in changes and changes[field] is None:
            del changes[field]  # required fields: null leaves them as they are
    _check_dates(
        changes.get("purchased_on", item.purchased_on),
        changes.get("warranty_until", item.warranty_until),
    )
    for field, value in changes.items():
        setattr(item, field, value)
    await session.flush()
    await record_event(
        session,
        "logistics.facility.updated",
        subject_type="facility",
        subject_id=item.id,
        data=FacilityUpdated(**_facility_data(item)),
    )
    return item


def facility_query(
    *,
    space_id: uuid.UUID | None,
    category: str | None,
    status: str | None,
    warranty_ends_before: date | None,
) -> Select[tuple[Facility]]:
    """Facilities, filtered (``warranty_ends_before``: warranties ending before that date)."""
    query = select(Facility)
    if space_id:
        query = query.where(Facility.space_id == space_id)
    if category:
        query = query.where(Facility.category == category)
    if status:
        query = query.where(Facility.status == status)
    if warranty_ends_before:
        query = query.where(Facility.warranty_until < warranty_ends_before)
    return query
