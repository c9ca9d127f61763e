"""The catalogue, pick-up points, the policy, stock levels and movements made by hand."""

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.supplies import (
    PickupPoint,
    StockLevel,
    StockMovement,
    Supply,
    SupplyPolicy,
)
from services.logistics.domain import stock
from services.logistics.domain.stock import Change
from services.logistics.schemas.supplies import (
    LowStockSupply,
    PickupPointCreate,
    PickupPointUpdate,
    StockMovementCreate,
    SupplyCreate,
    SupplyPolicyUpdate,
    SupplyUpdate,
)
from shared.contracts.logistics_events import (
    PickupPointCreated,
    PickupPointUpdated,
    SupplyCreated,
    SupplyPolicyUpdated,
    SupplyUpdated,
)
from shared.contracts.principal import Principal
from shared.kit.errors import Conflict, NotFound, Unprocessable, not_found
from shared.kit.outbox import record_event

DEFAULT_THRESHOLD = Decimal("5000.00")
DEFAULT_COLLECTION_DAYS = 7


# ---- policy --------------------------------------------------------------------------------


async def policy(session: AsyncSession) -> SupplyPolicy:
    """The area's policy (seeded; created with the defaults if someone removed it)."""
    found = await session.scalar(select(SupplyPolicy).limit(1))
    if found is None:
        found = SupplyPolicy(
            purchase_approval_threshold=DEFAULT_THRESHOLD, collection_days=DEFAULT_COLLECTION_DAYS
        )
        session.add(found)
        await session.flush()
    return found


async def update_policy(
    session: AsyncSession, current: SupplyPolicy, payload: SupplyPolicyUpdate
) -> SupplyPolicy:
    """Change the threshold or the collection days."""
    for field, value in payload.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(current, field, value)
    await session.flush()
    await record_event(
        session,
        "logistics.supply_policy.updated",
        subject_type="supply_policy",
        subject_id=current.id,
        data=SupplyPolicyUpdated(
            purchase_approval_threshold=current.purchase_approval_threshold,
            collection_days=current.collection_days,
        ),
    )
    return current


# ---- pick-up points ------------------------------------------------------------------------


async def pickup_point(session: AsyncSession, pickup_point_id: uuid.UUID) -> PickupPoint:
    """A pick-up point, or 404."""
    found = await session.get(PickupPoint, pickup_point_id)
    if found is None:
        raise not_found("pick-up point", pickup_point_id)
    return found


async def usable_pickup_point(session: AsyncSession, pickup_point_id: uuid.UUID) -> PickupPoint:
    """An active pick-up point named in a body (422 ``unknown_pickup_point`` otherwise)."""
    found = await session.get(PickupPoint, pickup_point_id)
    if found is None or not found.active:
        raise Unprocessable(
            f"there is no active pick-up point {pickup_point_id}", code="unknown_pickup_point"
        )
    return found


def _pickup_data(point: PickupPoint) -> dict[str, Any]:
    return {"code": point.code, "name": point.name, "active": point.active}


async def create_pickup_point(session: AsyncSession, payload: PickupPointCreate) -> PickupPoint:
    """A new pick-up point (409 ``duplicate_pickup_point`` for a code in use)."""
    if await session.scalar(select(PickupPoint.id).where(PickupPoint.code == payload.code)):
        raise Conflict(
            f"pick-up point {payload.code} exists already", code="duplicate_pickup_point"
        )
    point = PickupPoint(**payload.model_dump())
    session.add(point)
    await session.flush()
    await record_event(
        session,
        "logistics.pickup_point.created",
        subject_type="pickup_point",
        subject_id=point.id,
        data=PickupPointCreated(**_pickup_data(point)),
    )
    return point


async def update_pickup_point(
    session: AsyncSession, point: PickupPoint, payload: PickupPointUpdate
) -> PickupPoint:
    """Rename, move or (de)activate a pick-up point."""
    for field, value in payload.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(point, field, value)
    await session.flush()
    await record_event(
        session,
        "logistics.pickup_point.updated",
        subject_type="pickup_point",
        subject_id=point.id,
        data=PickupPointUpdated(**_pickup_data(point)),
    )
    return point


# ---- the catalogue -------------------------------------------------------------------------


async def supply(session: AsyncSession, supply_id: uuid.UUID) -> Supply:
    """A SKU, or 404."""
    found = await session.get(Supply, supply_id)
    if found is None:
        raise not_found("supply", supply_id)
    return found


async def named_supply(session: AsyncSession, supply_id: uuid.UUID) -> Supply:
    """A SKU named in a body (422 ``unknown_supply`` when there is none)."""
    found = await session.get(Supply, supply_id)
    if found is None:
        raise Unprocessable(f"there is no supply {supply_id}", code="unknown_supply")
    return found


def _supply_data(item: Supply) -> dict[str, Any]:
    return {
        "sku": item.sku,
        "name": item.name,
        "unit": item.unit,
        "category": item.category,
        "reorder_point": item.reorder_point,
        "pickup_point_id": item.pickup_point_id,
        "active": item.active,
    }


async def create_supply(session: AsyncSession, payload: SupplyCreate, actor: str) -> Supply:
    """A new SKU with an empty level at its pick-up point (409 ``duplicate_sku``)."""
    await usable_pickup_point(session, payload.pickup_point_id)
    if await session.scalar(select(Supply.id).where(Supply.sku == payload.sku)):
        raise Conflict(f"SKU {payload.sku} exists already", code="duplicate_sku")
    item = Supply(**payload.model_dump(), created_by=actor)
    session.add(item)
    try:
        await session.flush()
    except IntegrityError as exc:  # the same SKU created at the same moment
        raise Conflict(f"SKU {payload.sku} exists already", code="duplicate_sku") from exc
    await stock.ensure_level(session, item.id, item.pickup_point_id)
    await record_event(
        session,
        "logistics.supply.created",
        subject_type="supply",
        subject_id=item.id,
        data=SupplyCreated(**_supply_data(item)),
    )
    return item


async def update_supply(session: AsyncSession, item: Supply, payload: SupplyUpdate) -> Supply:
    """Change a catalogue entry; a new home pick-up point gets its (empty) level."""
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    if "pickup_point_id" in changes:
        await usable_pickup_point(session, changes["pickup_point_id"])
    for field, value in changes.items():
        setattr(item, field, value)
    await session.flush()
    await stock.ensure_level(session, item.id, item.pickup_point_id)
    await record_event(
        session,
        "logistics.supply.updated",
        subject_type="supply",
        subject_id=item.id,
        data=SupplyUpdated(**_supply_data(item)),
    )
    return item


def totals() -> Select[Any]:
    """Per SKU: stock on hand and reserved over every pick-up point."""
    return select(
        StockLevel.supply_id,
        func.coalesce(func.sum(StockLevel.on_hand), 0).label("on_hand"),
        func.coalesce(func.sum(StockLevel.reserved), 0).label("reserved"),
    ).group_by(StockLevel.supply_id)


async def stock_of(
    session: AsyncSession, supply_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, int]]:
    """(on hand, reserved) of each SKU, over every pick-up point."""
    if not supply_ids:
        return {}
    rows = (await session.execute(totals().where(StockLevel.supply_id.in_(supply_ids)))).all()
    return {row.supply_id: (int(row.on_hand), int(row.reserved)) for row in rows}


def supply_query(
    *,
    category: str | None,
    active: bool | None,
    pickup_point_id: uuid.UUID | None,
    q: str | None,
) -> Select[tuple[Supply]]:
    """The catalogue, filtered."""
    query = select(Supply)
    if category:
        query = query.where(Supply.category == category)
    if active is not None:
        query = query.where(Supply.active == active)
    if pickup_point_id:
        query = query.where(Supply.pickup_point_id == pickup_point_id)
    if q:
        like = f"%{q}%"
        query = query.where(Supply.name.ilike(like) | Supply.sku.ilike(like))
    return query


async def levels(session: AsyncSession, supply_id: uuid.UUID) -> list[StockLevel]:
    """A SKU's level at every pick-up point that has one."""
    return list(
        (
            await session.scalars(
                select(StockLevel)
                .where(StockLevel.supply_id == supply_id)
                .order_by(StockLevel.pickup_point_id)
            )
        ).all()
    )


async def low_stock(
    session: AsyncSession, pickup_point_id: uuid.UUID | None
) -> list[LowStockSupply]:
    """Active SKUs whose available stock (on hand less reserved; at one pick-up point, or over
    all of them) is at or below the reorder point, the furthest below first."""
    sums = totals()
    if pickup_point_id is not None:
        sums = sums.where(StockLevel.pickup_point_id == pickup_point_id)
    held = sums.subquery()
    on_hand = func.coalesce(held.c.on_hand, 0)
    reserved = func.coalesce(held.c.reserved, 0)
    rows = (
        await session.execute(
            select(Supply, on_hand, reserved)
            .outerjoin(held, held.c.supply_id == Supply.id)
            .where(Supply.active.is_(True), on_hand - reserved <= Supply.reorder_point)
            .order_by((Supply.reorder_point - (on_hand - reserved)).desc(), Supply.sku)
        )
    ).all()
    return [
        LowStockSupply(
            supply_id=item.id,
            sku=item.sku,
            name=item.name,
            unit=item.unit,
            reorder_point=item.reorder_point,
            on_hand=int(have),
            reserved=int(kept),
            available=int(have) - int(kept),
            shortfall=item.reorder_point - (int(have) - int(kept)),
        )
        for item, have, kept in rows
    ]


# ---- movements by hand ---------------------------------------------------------------------


async def record_manual_movement(
    session: AsyncSession, principal: Principal, payload: StockMovementCreate
) -> list[StockMovement]:
    """A receipt, issue, adjustment or transfer by logistics staff; 409 ``insufficient_stock``
    for one that would take more than is free, 422 for a body that does not fit its kind."""
    item = await named_supply(session, payload.supply_id)
    where = payload.pickup_point_id or item.pickup_point_id
    await usable_pickup_point(session, where)
    reason = payload.reason
    actor = principal.sub
    if payload.kind == "adjustment":
        if payload.delta is None or payload.delta == 0 or payload.quantity is not None:
            raise Unprocessable(
                "an adjustment gives a non-zero delta (and no quantity)",
                code="invalid_movement",
            )
        if not reason.strip():
            raise Unprocessable("an adjustment needs a reason", code="reason_required")
        return [
            await stock.move(
                session,
                item,
                where,
                kind="adjustment",
                change=Change(on_hand=payload.delta),
                cause_type="manual",
                cause_id=None,
                reason=reason,
                actor=actor,
            )
        ]
    if payload.quantity is None or payload.delta is not None:
        raise Unprocessable(
            f"a {payload.kind} gives a quantity (and no delta)", code="invalid_movement"
        )
    quantity = payload.quantity
    if payload.kind != "transfer" and payload.to_pickup_point_id is not None:
        raise Unprocessable("only a transfer has a destination", code="invalid_movement")
    if payload.kind == "receipt":
        return [
            await stock.move(
                session,
                item,
                where,
                kind="receipt",
                change=Change(on_hand=quantity),
                cause_type="manual",
                cause_id=None,
                reason=reason,
                actor=actor,
            )
        ]
    if payload.kind == "issue":
        if not item.active:
            raise Unprocessable(f"{item.sku} is not active", code="inactive_supply")
        return [
            await stock.move(
                session,
                item,
                where,
                kind="issue",
                change=Change(on_hand=-quantity, from_free_stock=True),
                cause_type="manual",
                cause_id=None,
                reason=reason,
                actor=actor,
            )
        ]
    target = payload.to_pickup_point_id
    if target is None or target == where:
        raise Unprocessable(
            "a transfer names another pick-up point to move to", code="invalid_movement"
        )
    await usable_pickup_point(session, target)
    return await transfer(session, item, where, target, quantity, reason, actor)


async def transfer(
    session: AsyncSession,
    item: Supply,
    source: uuid.UUID,
    target: uuid.UUID,
    quantity: int,
    reason: str,
    actor: str,
) -> list[StockMovement]:
    """Move free stock between pick-up points: out of one and into the other, one transaction.

    The two levels are locked in a fixed order (by id), so two opposite transfers cannot
    deadlock; the source is checked when its turn comes."""
    cause = uuid.uuid4()
    out_change = Change(on_hand=-quantity, from_free_stock=True)
    in_change = Change(on_hand=quantity)
    await stock.ensure_level(session, item.id, target)
    # lock both rows in a fixed order, then move
    for point in sorted((source, target)):
        await stock.apply(session, item.id, point, Change())
    out = await stock.move(
        session,
        item,
        source,
        kind="transfer_out",
        change=out_change,
        cause_type="transfer",
        cause_id=cause,
        reason=reason,
        actor=actor,
    )
    into = await stock.move(
        session,
        item,
        target,
        kind="transfer_in",
        change=in_change,
        cause_type="transfer",
        cause_id=cause,
        reason=reason,
        actor=actor,
    )
    return [out, into]


def movement_query(
    *,
    supply_id: uuid.UUID | None,
    pickup_point_id: uuid.UUID | None,
    kind: str | None,
    cause_type: str | None,
    cause_id: uuid.UUID | None,
) -> Select[tuple[StockMovement]]:
    """The ledger, filtered."""
    query = select(StockMovement)
    if supply_id:
        query = query.where(StockMovement.supply_id == supply_id)
    if pickup_point_id:
        query = query.where(StockMovement.pickup_point_id == pickup_point_id)
    if kind:
        query = query.where(StockMovement.kind == kind)
    if cause_type:
        query = query.where(StockMovement.cause_type == cause_type)
    if cause_id:
        query = query.where(StockMovement.cause_id == cause_id)
    return query


async def movement(session: AsyncSession, movement_id: uuid.UUID) -> StockMovement:
    """One ledger line, or 404."""
    found = await session.get(StockMovement, movement_id)
    if found is None:
        raise NotFound(f"stock movement {movement_id} does not exist")
    return found
