"""The stock ledger: the one writer of stock levels.

Every change of a level is one guarded ``UPDATE … WHERE <the level stays legal> RETURNING`` on
its row: the database takes the row's lock (PostgreSQL) or the write lock (SQLite), checks the
guard against the current value, and returns the new balance, so concurrent issues are
serialized by the database itself and none can take stock another one took. A movement of
``on_hand`` also writes its ledger line (numbered per level, with the balance after it) and its
event in the same transaction. The ``CHECK (on_hand >= 0)`` on the row holds even if this code
were wrong.

Reservations (``reserved``) are not movements: they do not change what is on the shelf, only
what may be issued to others (``available = on_hand - reserved``).
"""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.supplies import StockLevel, StockMovement, Supply
from services.logistics.domain.supplies_kinds import CauseType, MovementKind
from shared.contracts.ids import new_id
from shared.contracts.logistics_events import StockMovementRecorded
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, PreconditionFailed
from shared.kit.outbox import record_event


@dataclass(frozen=True)
class Change:
    """What one write does to a level: ``on_hand`` and ``reserved`` deltas, and whether it takes
    from the free stock (so what is left must stay ``>= reserved``)."""

    on_hand: int = 0
    reserved: int = 0
    from_free_stock: bool = False


def allowed(on_hand: int, reserved: int, change: Change) -> bool:
    """The rule the guarded UPDATE applies, as a pure function: a level never goes below zero,
    a reservation never below zero, and taking from free stock never eats into what others
    have reserved."""
    after_on_hand = on_hand + change.on_hand
    after_reserved = reserved + change.reserved
    if after_on_hand < 0 or after_reserved < 0:
        return False
    return not change.from_free_stock or after_on_hand - after_reserved >= 0


def _guard(change: Change) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    if change.on_hand < 0:
        conditions.append(StockLevel.on_hand + change.on_hand >= 0)
    if change.reserved < 0:
        conditions.append(StockLevel.reserved + change.reserved >= 0)
    if change.from_free_stock:
        conditions.append(
            StockLevel.on_hand + change.on_hand - (StockLevel.reserved + change.reserved) >= 0
        )
    return and_(*conditions) if conditions else true()


async def lock_record(session: AsyncSession, record: Any) -> None:
    """Take a versioned record's row lock before touching stock on its behalf: every writer takes
    its record first and the levels after, so a collection and the expiry sweep (say) cannot
    deadlock. 412 ``precondition_failed`` when the record changed since it was read."""
    model = type(record)
    if session.bind.dialect.name != "postgresql":  # SQLite: take the write lock first
        await session.execute(
            update(model)
            .where(model.id == record.id)
            .values(version=model.version)
            .execution_options(synchronize_session=False)
        )
    current = await session.scalar(
        select(model.version).where(model.id == record.id).with_for_update()
    )
    if current != record.version:
        raise PreconditionFailed(
            "the record changed while this request ran; read it again",
            code="precondition_failed",
        )


async def ensure_level(
    session: AsyncSession, supply_id: uuid.UUID, pickup_point_id: uuid.UUID
) -> None:
    """Create the (empty) level of a SKU at a pick-up point if there is none; safe under races."""
    values = {
        "id": new_id(),
        "supply_id": supply_id,
        "pickup_point_id": pickup_point_id,
        "on_hand": 0,
        "reserved": 0,
        "movements": 0,
    }
    dialect = session.bind.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(StockLevel)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["supply_id", "pickup_point_id"])
    )


async def apply(
    session: AsyncSession, supply_id: uuid.UUID, pickup_point_id: uuid.UUID, change: Change
) -> tuple[int, int, int]:
    """Change a level under the database's guard; returns (on_hand, reserved, movements) after.

    Raises 409 ``insufficient_stock`` (nothing changed) when the change would break the rule.
    """
    counted = 1 if change.on_hand else 0
    row = (
        await session.execute(
            update(StockLevel)
            .where(
                StockLevel.supply_id == supply_id,
                StockLevel.pickup_point_id == pickup_point_id,
                _guard(change),
            )
            .values(
                on_hand=StockLevel.on_hand + change.on_hand,
                reserved=StockLevel.reserved + change.reserved,
                movements=StockLevel.movements + counted,
            )
            .returning(StockLevel.on_hand, StockLevel.reserved, StockLevel.movements)
            .execution_options(synchronize_session=False)
        )
    ).first()
    if row is None:
        level = (
            await session.execute(
                select(StockLevel.on_hand, StockLevel.reserved).where(
                    StockLevel.supply_id == supply_id,
                    StockLevel.pickup_point_id == pickup_point_id,
                )
            )
        ).first()
        on_hand, reserved = (level[0], level[1]) if level else (0, 0)
        wanted = -change.on_hand if change.on_hand < 0 else -change.reserved
        raise Conflict(
            f"not enough stock: {on_hand} on hand, {reserved} reserved, {max(wanted, 0)} wanted",
            code="insufficient_stock",
            supply_id=str(supply_id),
            pickup_point_id=str(pickup_point_id),
            on_hand=on_hand,
            reserved=reserved,
            available=max(on_hand - reserved, 0),
        )
    return int(row[0]), int(row[1]), int(row[2])


async def move(
    session: AsyncSession,
    supply: Supply,
    pickup_point_id: uuid.UUID,
    *,
    kind: MovementKind,
    change: Change,
    cause_type: CauseType,
    cause_id: uuid.UUID | None,
    reason: str,
    actor: str | None,
) -> StockMovement:
    """Record a movement of ``on_hand`` (and any reservation it settles): the level, its ledger
    line and the event, all in the caller's transaction. 409 ``insufficient_stock`` otherwise."""
    if change.on_hand > 0:
        await ensure_level(session, supply.id, pickup_point_id)
    on_hand, _reserved, line_no = await apply(session, supply.id, pickup_point_id, change)
    movement = StockMovement(
        supply_id=supply.id,
        pickup_point_id=pickup_point_id,
        line_no=line_no,
        kind=kind,
        quantity=change.on_hand,
        balance_after=on_hand,
        cause_type=cause_type,
        cause_id=cause_id,
        reason=reason,
        created_by=actor,
        created_at=utcnow(),
    )
    session.add(movement)
    await record_event(
        session,
        "logistics.stock_movement.recorded",
        subject_type="stock_movement",
        subject_id=movement.id,
        data=StockMovementRecorded(
            supply_id=supply.id,
            sku=supply.sku,
            pickup_point_id=pickup_point_id,
            line_no=line_no,
            kind=kind,
            quantity=change.on_hand,
            balance_after=on_hand,
            cause_type=cause_type,
            cause_id=cause_id,
            reason=reason,
        ),
    )
    return movement


async def reserve(
    session: AsyncSession, supply_id: uuid.UUID, pickup_point_id: uuid.UUID, wanted: int
) -> int:
    """Reserve up to ``wanted`` of the free stock; returns how many were reserved (maybe 0)."""
    if wanted <= 0:
        return 0
    await ensure_level(session, supply_id, pickup_point_id)
    # Lock the row first (a no-op update), then read what is free, then reserve exactly that:
    # the read happens under the lock, so the reservation cannot fail or overshoot.
    on_hand, reserved, _ = await apply(session, supply_id, pickup_point_id, Change())
    take = min(wanted, max(on_hand - reserved, 0))
    if take:
        await apply(
            session, supply_id, pickup_point_id, Change(reserved=take, from_free_stock=True)
        )
    return take


async def release(
    session: AsyncSession, supply_id: uuid.UUID, pickup_point_id: uuid.UUID, quantity: int
) -> None:
    """Give a reservation back to the free stock."""
    if quantity > 0:
        await apply(session, supply_id, pickup_point_id, Change(reserved=-quantity))
