"""The fleet: vehicles, their maintenance log, and which are due for maintenance."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.vehicles import Vehicle, VehicleMaintenance
from services.logistics.domain.vehicle_rules import check_odometer, maintenance_due
from shared.contracts.logistics_meeting_events import (
    VehicleEvent,
    VehicleMaintained,
    VehicleRegistered,
    VehicleUpdated,
)
from shared.contracts.principal import Principal
from shared.kit.errors import Conflict, not_found
from shared.kit.outbox import record_event


async def event(
    session: AsyncSession, model: type[VehicleEvent], vehicle: Vehicle, **extra: Any
) -> None:
    """Record a vehicle's event."""
    await record_event(
        session,
        model.event_type,
        subject_type="vehicle",
        subject_id=vehicle.id,
        data=model(
            plate=vehicle.plate,
            seats=vehicle.seats,
            status=vehicle.status,
            odometer_km=vehicle.odometer_km,
            next_maintenance_date=vehicle.next_maintenance_date,
            next_maintenance_km=vehicle.next_maintenance_km,
            **extra,
        ),
    )


def normalize_plate(plate: str) -> str:
    """Plates compare without spaces or dots and in capitals (京A·12345 = 京a12345)."""
    return "".join(ch for ch in plate.upper() if ch not in " ·.-")


async def _flush_unique(session: AsyncSession, plate: str) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(f"a vehicle with plate {plate} exists", code="plate_taken") from exc


async def register(session: AsyncSession, fields: dict[str, Any]) -> Vehicle:
    """Add a vehicle (409 ``plate_taken`` for a plate already in the fleet)."""
    fields = {**fields, "plate": normalize_plate(fields["plate"])}
    if await session.scalar(select(Vehicle.id).where(Vehicle.plate == fields["plate"])):
        raise Conflict(f"a vehicle with plate {fields['plate']} exists", code="plate_taken")
    vehicle = Vehicle(**fields)
    session.add(vehicle)
    await _flush_unique(session, vehicle.plate)
    await event(session, VehicleRegistered, vehicle)
    return vehicle


async def get(session: AsyncSession, vehicle_id: uuid.UUID, *, lock: bool = False) -> Vehicle:
    """A vehicle, or 404 (the fleet is visible to every caller)."""
    query = select(Vehicle).where(Vehicle.id == vehicle_id)
    if lock:
        query = query.with_for_update()
    vehicle = await session.scalar(query)
    if vehicle is None:
        raise not_found("vehicle", vehicle_id)
    return vehicle


async def update(session: AsyncSession, vehicle: Vehicle, changes: dict[str, Any]) -> Vehicle:
    """Change a vehicle's details, status or next maintenance."""
    if changes.get("plate") is not None:
        changes["plate"] = normalize_plate(changes["plate"])
        if changes["plate"] != vehicle.plate and await session.scalar(
            select(Vehicle.id).where(Vehicle.plate == changes["plate"])
        ):
            raise Conflict(f"a vehicle with plate {changes['plate']} exists", code="plate_taken")
    for key, value in changes.items():
        if value is not None or key.startswith("next_maintenance"):
            setattr(vehicle, key, value)
    await _flush_unique(session, vehicle.plate)
    await event(session, VehicleUpdated, vehicle)
    return vehicle


async def log_maintenance(
    session: AsyncSession, principal: Principal, vehicle: Vehicle, fields: dict[str, Any]
) -> VehicleMaintenance:
    """Log a maintenance: the odometer moves on (never back) and the next one is due as given."""
    check_odometer(vehicle.odometer_km, fields["odometer_km"])
    record = VehicleMaintenance(vehicle_id=vehicle.id, created_by=principal.sub, **fields)
    session.add(record)
    vehicle.odometer_km = fields["odometer_km"]
    vehicle.next_maintenance_date = fields.get("next_due_date")
    vehicle.next_maintenance_km = fields.get("next_due_km")
    if vehicle.status == "maintenance":
        vehicle.status = "available"
    await session.flush()
    await event(session, VehicleMaintained, vehicle, maintenance_id=record.id)
    return record


async def due_for_maintenance(
    session: AsyncSession, today: date, within_days: int, within_km: int
) -> list[tuple[Vehicle, list[str]]]:
    """Vehicles in service whose next maintenance is due by date or odometer, soonest first."""
    rows = await session.scalars(
        select(Vehicle)
        .where(
            Vehicle.status != "retired",
            or_(
                Vehicle.next_maintenance_date.is_not(None), Vehicle.next_maintenance_km.is_not(None)
            ),
        )
        .order_by(Vehicle.plate)
    )
    found = []
    for vehicle in rows.all():
        reasons = maintenance_due(
            today=today,
            odometer_km=vehicle.odometer_km,
            next_date=vehicle.next_maintenance_date,
            next_km=vehicle.next_maintenance_km,
            within_days=within_days,
            within_km=within_km,
        )
        if reasons:
            found.append((vehicle, reasons))
    return found
