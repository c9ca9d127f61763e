"""Trips: a vehicle out (odometer) and back (odometer, fuel, tolls); the odometer only grows."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.vehicles import Dispatch, Trip, VehicleRequest
from services.logistics.domain import vehicles
from services.logistics.domain.meeting_access import reads_all
from services.logistics.domain.vehicle_rules import check_odometer
from shared.contracts.logistics_meeting_events import TripCompleted, TripEvent, TripStarted
from shared.contracts.principal import Principal
from shared.contracts.problem import ValidationIssue
from shared.kit.errors import Conflict, Unprocessable, not_found
from shared.kit.outbox import record_event


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


async def _event(session: AsyncSession, model: type[TripEvent], trip: Trip) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type="trip",
        subject_id=trip.id,
        data=model(
            vehicle_id=trip.vehicle_id,
            request_id=trip.request_id,
            odometer_out=trip.odometer_out,
            odometer_in=trip.odometer_in,
            fuel_cost=_money(trip.fuel_cost),
            tolls=_money(trip.tolls),
            status=trip.status,
        ),
    )


async def trip_of(session: AsyncSession, request_id: uuid.UUID) -> Trip | None:
    """The trip made for a request, if it started."""
    found: Trip | None = await session.scalar(select(Trip).where(Trip.request_id == request_id))
    return found


async def start(
    session: AsyncSession,
    principal: Principal,
    now: datetime,
    *,
    request_id: uuid.UUID | None,
    vehicle_id: uuid.UUID | None,
    driver_employee_id: uuid.UUID | None,
    odometer_out: int,
    notes: str,
) -> Trip:
    """A vehicle leaves: for a dispatched request (its vehicle and driver), or on its own
    (``vehicle_id``). A reading lower than the vehicle's last is 422 ``odometer_decreased``;
    a vehicle already out is 409 ``trip_open``."""
    dispatch = None
    if request_id is not None:
        request = await session.get(VehicleRequest, request_id)
        if request is None:
            raise Unprocessable(f"there is no vehicle request {request_id}", code="unknown_request")
        dispatch = await session.scalar(
            select(Dispatch).where(Dispatch.request_id == request_id, Dispatch.status == "active")
        )
        if request.status != "dispatched" or dispatch is None:
            raise Conflict("the request has not been dispatched", code="request_not_dispatched")
        if await trip_of(session, request_id) is not None:
            raise Conflict("the trip of this request has started", code="trip_open")
        vehicle_id, driver_employee_id = dispatch.vehicle_id, dispatch.driver_employee_id
    if vehicle_id is None:
        raise Unprocessable(
            "name a dispatched request or a vehicle",
            code="validation_error",
            errors=[
                ValidationIssue(
                    loc=["body"],
                    msg="Value error, name a dispatched request or a vehicle",
                    type="value_error",
                )
            ],
        )
    vehicle = await vehicles.get(
        session, vehicle_id, lock=session.bind.dialect.name == "postgresql"
    )
    check_odometer(vehicle.odometer_km, odometer_out)
    trip = Trip(
        vehicle_id=vehicle.id,
        request_id=request_id,
        dispatch_id=dispatch.id if dispatch else None,
        driver_employee_id=driver_employee_id,
        odometer_out=odometer_out,
        started_at=now,
        status="open",
        notes=notes,
        created_by=principal.sub,
    )
    session.add(trip)
    vehicle.odometer_km = odometer_out
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("the vehicle is already out on a trip", code="trip_open") from exc
    await _event(session, TripStarted, trip)
    return trip


async def complete(
    session: AsyncSession, trip: Trip, now: datetime, fields: dict[str, Any]
) -> Trip:
    """The vehicle is back: its odometer (not lower than when it left, nor than the vehicle's
    last reading), fuel and tolls; the request and its dispatch are done."""
    if trip.status != "open":
        raise Conflict("the trip is already completed", code="trip_completed")
    vehicle = await vehicles.get(
        session, trip.vehicle_id, lock=session.bind.dialect.name == "postgresql"
    )
    check_odometer(trip.odometer_out, fields["odometer_in"], "reading in")
    check_odometer(vehicle.odometer_km, fields["odometer_in"], "reading in")
    trip.odometer_in = fields["odometer_in"]
    trip.fuel_cost = fields.get("fuel_cost")
    trip.tolls = fields.get("tolls")
    trip.currency = fields.get("currency") or trip.currency
    trip.ended_at = now
    trip.status = "completed"
    vehicle.odometer_km = fields["odometer_in"]
    if trip.dispatch_id is not None:
        dispatch = await session.get(Dispatch, trip.dispatch_id)
        if dispatch is not None:
            dispatch.status = "completed"
    if trip.request_id is not None:
        request = await session.get(VehicleRequest, trip.request_id)
        if request is not None and request.status == "dispatched":
            request.status = "completed"
    await session.flush()
    await _event(session, TripCompleted, trip)
    return trip


def visibility(principal: Principal) -> Select[tuple[Trip]]:
    """Trips the caller may see: all for logistics and auditors; those one drove or asked for."""
    query = select(Trip)
    if reads_all(principal):
        return query
    me = principal.employee_id
    if me is None:
        return query.where(Trip.id.is_(None))
    mine = select(VehicleRequest.id).where(VehicleRequest.employee_id == me)
    return query.where(or_(Trip.driver_employee_id == me, Trip.request_id.in_(mine)))


async def get_visible(session: AsyncSession, principal: Principal, trip_id: uuid.UUID) -> Trip:
    """A trip the caller may see, or 404."""
    trip = await session.scalar(visibility(principal).where(Trip.id == trip_id))
    if trip is None:
        raise not_found("trip", trip_id)
    return trip
