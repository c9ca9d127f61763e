"""Stocktakes: a count sheet of one pick-up point frozen at a moment (the levels then), counts
entered against it, the variances posted as adjustments with a reason, and a variance report.

A variance is ``counted - expected`` against the frozen level, so movements made while counting
do not show as variances; posting applies each variance to the level as it is now.
"""

import uuid
from decimal import Decimal

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.supplies import StockLevel, Stocktake, StocktakeLine, Supply
from services.logistics.domain import stock
from services.logistics.domain import supplies as catalogue
from services.logistics.domain.stock import Change
from services.logistics.schemas.supplies import (
    CountEntry,
    StocktakeCreate,
    VarianceLine,
    VarianceReport,
)
from shared.contracts.logistics_events import (
    StocktakeCancelled,
    StocktakeCounted,
    StocktakePosted,
    StocktakeStarted,
)
from shared.contracts.principal import Principal
from shared.kit.db import touch, utcnow
from shared.kit.errors import Conflict, Unprocessable, not_found
from shared.kit.outbox import record_event

CENT = Decimal("0.01")


def variance(expected: int, counted: int | None) -> int | None:
    """What the count found beyond (positive) or short of (negative) the frozen level."""
    return None if counted is None else counted - expected


def variance_value(expected: int, counted: int | None, unit_cost: Decimal) -> Decimal | None:
    """A variance valued at the SKU's unit cost."""
    found = variance(expected, counted)
    return None if found is None else (unit_cost * found).quantize(CENT)


async def lines_of(session: AsyncSession, stocktake_id: uuid.UUID) -> list[StocktakeLine]:
    """A count sheet's lines."""
    return list(
        (
            await session.scalars(
                select(StocktakeLine)
                .where(StocktakeLine.stocktake_id == stocktake_id)
                .order_by(StocktakeLine.supply_id)
            )
        ).all()
    )


async def _event(session: AsyncSession, event_type: str, take: Stocktake) -> None:
    lines = await lines_of(session, take.id)
    data: dict[str, object] = {
        "pickup_point_id": take.pickup_point_id,
        "status": take.status,
        "frozen_at": take.frozen_at,
        "lines": len(lines),
        "variance_lines": sum(1 for x in lines if variance(x.expected, x.counted)),
    }
    if event_type == "logistics.stocktake.counted":
        data["counted_lines"] = sum(1 for x in lines if x.counted is not None)
    model = {
        "logistics.stocktake.started": StocktakeStarted,
        "logistics.stocktake.counted": StocktakeCounted,
        "logistics.stocktake.posted": StocktakePosted,
        "logistics.stocktake.cancelled": StocktakeCancelled,
    }[event_type]
    await record_event(
        session, event_type, subject_type="stocktake", subject_id=take.id, data=model(**data)
    )


async def start(session: AsyncSession, principal: Principal, payload: StocktakeCreate) -> Stocktake:
    """Freeze a count sheet: every SKU the pick-up point holds or is home to, at its level now.
    One count at a time per pick-up point (409 ``stocktake_in_progress``)."""
    await catalogue.usable_pickup_point(session, payload.pickup_point_id)
    busy = await session.scalar(
        select(Stocktake.id).where(
            Stocktake.pickup_point_id == payload.pickup_point_id, Stocktake.status == "counting"
        )
    )
    if busy:
        raise Conflict(
            f"stocktake {busy} is still counting this pick-up point",
            code="stocktake_in_progress",
            stocktake_id=str(busy),
        )
    take = Stocktake(
        pickup_point_id=payload.pickup_point_id,
        status="counting",
        frozen_at=utcnow(),
        note=payload.note,
        created_by=principal.sub,
    )
    session.add(take)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "another stocktake of this pick-up point began at the same moment",
            code="stocktake_in_progress",
        ) from exc
    rows = (
        await session.execute(
            select(Supply, StockLevel.on_hand)
            .outerjoin(
                StockLevel,
                (StockLevel.supply_id == Supply.id)
                & (StockLevel.pickup_point_id == payload.pickup_point_id),
            )
            .where(
                or_(
                    StockLevel.id.is_not(None),
                    (Supply.pickup_point_id == payload.pickup_point_id) & Supply.active.is_(True),
                )
            )
        )
    ).all()
    for item, on_hand in rows:
        session.add(
            StocktakeLine(
                stocktake_id=take.id,
                supply_id=item.id,
                expected=int(on_hand or 0),
                unit_cost=item.unit_cost,
            )
        )
    await session.flush()
    await _event(session, "logistics.stocktake.started", take)
    return take


async def get(session: AsyncSession, stocktake_id: uuid.UUID) -> Stocktake:
    """A stocktake, or 404."""
    found = await session.get(Stocktake, stocktake_id)
    if found is None:
        raise not_found("stocktake", stocktake_id)
    return found


def query(*, pickup_point_id: uuid.UUID | None, status: str | None) -> Select[tuple[Stocktake]]:
    """Stocktakes, filtered."""
    found = select(Stocktake)
    if pickup_point_id:
        found = found.where(Stocktake.pickup_point_id == pickup_point_id)
    if status:
        found = found.where(Stocktake.status == status)
    return found


def _require_counting(take: Stocktake) -> None:
    if take.status != "counting":
        raise Conflict(
            f"the stocktake is {take.status}, no longer counting",
            code="stocktake_not_counting",
        )


async def enter_counts(
    session: AsyncSession, take: Stocktake, counts: list[CountEntry]
) -> Stocktake:
    """Record counts (a later count of the same SKU replaces the earlier one)."""
    _require_counting(take)
    lines = {line.supply_id: line for line in await lines_of(session, take.id)}
    for entry in counts:
        line = lines.get(entry.supply_id)
        if line is None:
            raise Unprocessable(
                f"supply {entry.supply_id} is not on this count sheet", code="unknown_line"
            )
        line.counted = entry.counted
    touch(take)  # the sheet changed: a new version
    await session.flush()
    await _event(session, "logistics.stocktake.counted", take)
    return take


async def post(
    session: AsyncSession, principal: Principal, take: Stocktake, reason: str
) -> Stocktake:
    """Post every variance as an adjustment with ``reason`` (every line must be counted: 422
    ``counts_missing``); 409 ``insufficient_stock`` if a shortage exceeds what is left now."""
    await stock.lock_record(session, take)
    _require_counting(take)
    lines = await lines_of(session, take.id)
    missing = [line for line in lines if line.counted is None]
    if missing:
        raise Unprocessable(
            f"{len(missing)} SKU(s) of the sheet are not counted yet",
            code="counts_missing",
            uncounted=[str(line.supply_id) for line in missing],
        )
    for line in lines:
        found = variance(line.expected, line.counted)
        if not found:
            continue
        item = await catalogue.supply(session, line.supply_id)
        movement = await stock.move(
            session,
            item,
            take.pickup_point_id,
            kind="adjustment",
            change=Change(on_hand=found),
            cause_type="stocktake",
            cause_id=take.id,
            reason=reason,
            actor=principal.sub,
        )
        line.movement_id = movement.id
    take.status = "posted"
    take.posted_at = utcnow()
    take.reason = reason
    await session.flush()
    await _event(session, "logistics.stocktake.posted", take)
    return take


async def cancel(session: AsyncSession, take: Stocktake) -> Stocktake:
    """Abandon a count; stock is untouched."""
    _require_counting(take)
    take.status = "cancelled"
    await session.flush()
    await _event(session, "logistics.stocktake.cancelled", take)
    return take


async def report(session: AsyncSession, take: Stocktake) -> VarianceReport:
    """Per SKU: frozen, counted, variance and its value; shortage, surplus and net totals."""
    lines = await lines_of(session, take.id)
    items = {
        item.id: item
        for item in (
            await session.scalars(select(Supply).where(Supply.id.in_([x.supply_id for x in lines])))
        ).all()
    }
    rows = []
    shortage = surplus = Decimal("0.00")
    for line in sorted(lines, key=lambda x: items[x.supply_id].sku):
        value = variance_value(line.expected, line.counted, line.unit_cost)
        if value is not None and value < 0:
            shortage += value
        elif value is not None:
            surplus += value
        rows.append(
            VarianceLine(
                supply_id=line.supply_id,
                sku=items[line.supply_id].sku,
                name=items[line.supply_id].name,
                expected=line.expected,
                counted=line.counted,
                variance=variance(line.expected, line.counted),
                unit_cost=line.unit_cost,
                value=value,
            )
        )
    return VarianceReport(
        stocktake_id=take.id,
        pickup_point_id=take.pickup_point_id,
        status=take.status,
        frozen_at=take.frozen_at,
        lines=rows,
        uncounted=sum(1 for x in lines if x.counted is None),
        shortage_value=shortage,
        surplus_value=surplus,
        net_value=shortage + surplus,
    )
