"""HTTP routes of logistics: the fleet, vehicle requests and their dispatch, trips, maintenance."""

import uuid
from typing import Annotated, Any

from fastapi import Query, Request, Response
from sqlalchemy import select

from services.logistics.db.vehicles import (
    Dispatch,
    Trip,
    Vehicle,
    VehicleMaintenance,
    VehicleRequest,
)
from services.logistics.domain import vehicle_requests as request_rules
from services.logistics.domain import vehicle_trips as trip_rules
from services.logistics.domain import vehicles as vehicle_rules
from services.logistics.domain.meeting_access import require_staff, resolve_person
from services.logistics.schemas.vehicles import (
    DispatchCreate,
    DispatchRead,
    MaintenanceCreate,
    MaintenanceRead,
    RequestStatus,
    TripComplete,
    TripRead,
    TripStart,
    TripStatus,
    VehicleCreate,
    VehicleDue,
    VehicleRead,
    VehicleRequestCreate,
    VehicleRequestRead,
    VehicleStatus,
    VehicleUpdate,
)
from shared.contracts.page import Page
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.errors import Forbidden, not_found
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.params import me_or_id_query
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/logistics", tags=["logistics: vehicles"])
STAFF_403: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not logistics staff (`logistics_only`)."}
}


# ---- the fleet --------------------------------------------------------------------------


@router.post(
    "/vehicles",
    status_code=201,
    response_model=VehicleRead,
    summary="Add a vehicle",
    responses={**STAFF_403, 409: {"description": "The plate is in the fleet (`plate_taken`)."}},
)
async def create_vehicle(
    payload: VehicleCreate, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> Vehicle:
    """A vehicle joins the fleet (logistics); plates compare without spaces and dots."""
    require_staff(principal, "manage the fleet")
    vehicle = await vehicle_rules.register(session, payload.model_dump())
    set_etag(response, vehicle.version)
    response.headers["Location"] = f"/api/v1/logistics/vehicles/{vehicle.id}"
    return vehicle


@router.get("/vehicles", response_model=Page[VehicleRead], summary="List vehicles")
async def list_vehicles(
    session: SessionDep,
    _principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("plate", "created_at")],
    status: VehicleStatus | None = None,
    min_seats: Annotated[int | None, Query(ge=1, le=100)] = None,
) -> Page[VehicleRead]:
    """The fleet (everyone may look), by plate."""
    query = select(Vehicle)
    if status:
        query = query.where(Vehicle.status == status)
    if min_seats:
        query = query.where(Vehicle.seats >= min_seats)
    return await paginate(
        session,
        query,
        params,
        sortable={"plate": Vehicle.plate, "created_at": Vehicle.created_at},
        id_column=Vehicle.id,
        default_sort="plate",
        to_item=VehicleRead.model_validate,
    )


@router.get(
    "/vehicles/due-for-maintenance",
    response_model=list[VehicleDue],
    summary="Vehicles due for maintenance",
    responses={403: {"description": "Neither logistics nor an auditor (`logistics_only`)."}},
)
async def vehicles_due(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    within_days: Annotated[int, Query(ge=0, le=366, description="Due by date within.")] = 14,
    within_km: Annotated[int, Query(ge=0, le=100000, description="Due by odometer within.")] = 500,
) -> list[VehicleDue]:
    """Vehicles in service whose next maintenance date is within ``within_days`` (or past) or
    whose odometer is within ``within_km`` of (or past) the next maintenance reading."""
    if not principal.has_role("logistics", "admin", "auditor"):
        raise Forbidden("only logistics staff plan maintenance", code="logistics_only")
    found = await vehicle_rules.due_for_maintenance(
        session, runtime_of(request).today(), within_days, within_km
    )
    return [
        VehicleDue(vehicle=VehicleRead.model_validate(v), reasons=reasons) for v, reasons in found
    ]


@router.get("/vehicles/{vehicle_id:uuid}", response_model=VehicleRead, summary="Read a vehicle")
async def read_vehicle(
    vehicle_id: uuid.UUID, response: Response, session: SessionDep, _principal: CurrentPrincipal
) -> Vehicle:
    """One vehicle."""
    vehicle = await vehicle_rules.get(session, vehicle_id)
    set_etag(response, vehicle.version)
    return vehicle


@router.patch(
    "/vehicles/{vehicle_id:uuid}",
    response_model=VehicleRead,
    summary="Change a vehicle",
    responses={**STAFF_403, 409: {"description": "The plate is in the fleet (`plate_taken`)."}},
)
async def update_vehicle(
    vehicle_id: uuid.UUID,
    payload: VehicleUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> Vehicle:
    """Change a vehicle's details, status or next maintenance (logistics; honours If-Match)."""
    vehicle = await vehicle_rules.get(session, vehicle_id)
    require_staff(principal, "manage the fleet")
    check_if_match(request, vehicle.version)
    vehicle = await vehicle_rules.update(session, vehicle, payload.model_dump(exclude_unset=True))
    set_etag(response, vehicle.version)
    return vehicle


@router.post(
    "/vehicles/{vehicle_id}/maintenance",
    status_code=201,
    response_model=MaintenanceRead,
    summary="Log a maintenance",
    responses={
        **STAFF_403,
        422: {"description": "An odometer lower than the last (`odometer_decreased`)."},
    },
)
async def log_maintenance(
    vehicle_id: uuid.UUID,
    payload: MaintenanceCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> VehicleMaintenance:
    """Log a maintenance (logistics): the odometer moves on and the next one is due as given."""
    vehicle = await vehicle_rules.get(session, vehicle_id)
    require_staff(principal, "log maintenance")
    return await vehicle_rules.log_maintenance(session, principal, vehicle, payload.model_dump())


@router.get(
    "/vehicles/{vehicle_id}/maintenance",
    response_model=Page[MaintenanceRead],
    summary="A vehicle's maintenance log",
)
async def list_maintenance(
    vehicle_id: uuid.UUID,
    session: SessionDep,
    _principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at")],
) -> Page[MaintenanceRead]:
    """A vehicle's maintenance, newest first."""
    vehicle = await vehicle_rules.get(session, vehicle_id)
    return await paginate(
        session,
        select(VehicleMaintenance).where(VehicleMaintenance.vehicle_id == vehicle.id),
        params,
        sortable={"created_at": VehicleMaintenance.created_at},
        id_column=VehicleMaintenance.id,
        default_sort="-created_at",
        to_item=MaintenanceRead.model_validate,
    )


# ---- requests and dispatch --------------------------------------------------------------


@router.post(
    "/vehicle-requests",
    status_code=201,
    response_model=VehicleRequestRead,
    summary="Ask for a vehicle",
    responses={
        403: {"description": "Asking for someone else without being logistics."},
        422: {"description": "Times in the past or out of order."},
    },
)
async def create_vehicle_request(
    payload: VehicleRequestCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> VehicleRequest:
    """File a request; its ``vehicle_request`` approval starts in workflow once it is recorded
    (``workflow_instance_id`` stays null until workflow confirmed it; logistics retries)."""
    runtime = runtime_of(request)
    made = await request_rules.submit(session, principal, runtime.now(), payload.model_dump())
    await request_rules.SAGA.commit_and_start(runtime, session, runtime.service_client, made)
    set_etag(response, made.version)
    response.headers["Location"] = f"/api/v1/logistics/vehicle-requests/{made.id}"
    return made


@router.get(
    "/vehicle-requests", response_model=Page[VehicleRequestRead], summary="List vehicle requests"
)
async def list_vehicle_requests(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at", "starts_at")],
    status: RequestStatus | None = None,
    employee: Annotated[str | None, me_or_id_query()] = None,
) -> Page[VehicleRequestRead]:
    """One's own requests (everyone's for logistics and auditors), newest first."""
    query = request_rules.visibility(principal)
    if status:
        query = query.where(VehicleRequest.status == status)
    person = resolve_person(principal, employee)
    if person:
        query = query.where(VehicleRequest.employee_id == person)
    return await paginate(
        session,
        query,
        params,
        sortable={"created_at": VehicleRequest.created_at, "starts_at": VehicleRequest.starts_at},
        id_column=VehicleRequest.id,
        default_sort="-created_at",
        to_item=VehicleRequestRead.model_validate,
    )


@router.get(
    "/vehicle-requests/{request_id}",
    response_model=VehicleRequestRead,
    summary="Read a vehicle request",
)
async def read_vehicle_request(
    request_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> VehicleRequest:
    """One request the caller may see (404 otherwise)."""
    found = await request_rules.get_visible(session, principal, request_id)
    set_etag(response, found.version)
    return found


@router.post(
    "/vehicle-requests/{request_id}/cancel",
    response_model=VehicleRequestRead,
    summary="Cancel a vehicle request",
    responses={
        403: {"description": "Neither the requester nor logistics (`logistics_only`)."},
        409: {"description": "Decided by workflow meanwhile, over, or on its trip."},
    },
)
async def cancel_vehicle_request(
    request_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> VehicleRequest:
    """Cancel (honours If-Match): a pending request's approval is withdrawn; a dispatched one
    frees its vehicle and driver."""
    found = await request_rules.get_visible(session, principal, request_id)
    check_if_match(request, found.version)
    found = await request_rules.cancel(
        session, runtime_of(request).service_client, principal, found
    )
    set_etag(response, found.version)
    return found


@router.post(
    "/vehicle-requests/{request_id}/dispatch",
    status_code=201,
    response_model=DispatchRead,
    summary="Dispatch a vehicle and a driver",
    responses={
        **STAFF_403,
        409: {
            "description": "Not approved, or the vehicle (`vehicle_booked`) or driver "
            "(`driver_booked`) is already dispatched then."
        },
        422: {"description": "The vehicle is out of service or too small."},
    },
)
async def dispatch_vehicle_request(
    request_id: uuid.UUID,
    payload: DispatchCreate,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> Dispatch:
    """Assign a vehicle and a driver to an approved request for its times (logistics)."""
    found = await request_rules.get_visible(session, principal, request_id)
    require_staff(principal, "dispatch vehicles")
    made = await request_rules.dispatch(
        session,
        principal,
        found,
        vehicle_id=payload.vehicle_id,
        driver_employee_id=payload.driver_employee_id,
    )
    set_etag(response, made.version)
    return made


@router.get(
    "/vehicle-requests/{request_id}/dispatch",
    response_model=DispatchRead,
    summary="Read a request's dispatch",
)
async def read_dispatch(
    request_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> Dispatch:
    """The vehicle and driver assigned to a request (404 when none is)."""
    found = await request_rules.get_visible(session, principal, request_id)
    made = await request_rules.active_dispatch(session, found.id)
    if made is None:
        raise not_found("dispatch of vehicle request", request_id)
    return made


# ---- trips ------------------------------------------------------------------------------


@router.post(
    "/trips",
    status_code=201,
    response_model=TripRead,
    summary="Start a trip",
    responses={
        **STAFF_403,
        409: {"description": "Not dispatched, or the vehicle is already out (`trip_open`)."},
        422: {"description": "An odometer lower than the vehicle's last (`odometer_decreased`)."},
    },
)
async def start_trip(
    payload: TripStart,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> TripRead:
    """A vehicle leaves with its odometer reading (logistics)."""
    require_staff(principal, "record trips")
    trip = await trip_rules.start(
        session, principal, runtime_of(request).now(), **payload.model_dump()
    )
    set_etag(response, trip.version)
    response.headers["Location"] = f"/api/v1/logistics/trips/{trip.id}"
    return TripRead.of(trip)


@router.post(
    "/trips/{trip_id}/complete",
    response_model=TripRead,
    summary="Complete a trip",
    responses={
        **STAFF_403,
        409: {"description": "Already completed (`trip_completed`)."},
        422: {"description": "An odometer lower than when it left (`odometer_decreased`)."},
    },
)
async def complete_trip(
    trip_id: uuid.UUID,
    payload: TripComplete,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> TripRead:
    """The vehicle is back: odometer, fuel and tolls (logistics; honours If-Match)."""
    trip = await trip_rules.get_visible(session, principal, trip_id)
    require_staff(principal, "record trips")
    check_if_match(request, trip.version)
    trip = await trip_rules.complete(session, trip, runtime_of(request).now(), payload.model_dump())
    set_etag(response, trip.version)
    return TripRead.of(trip)


@router.get("/trips", response_model=Page[TripRead], summary="List trips")
async def list_trips(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("started_at")],
    vehicle_id: uuid.UUID | None = None,
    status: TripStatus | None = None,
) -> Page[TripRead]:
    """Trips (all for logistics and auditors; those one drove or asked for), newest first."""
    query = trip_rules.visibility(principal)
    if vehicle_id:
        query = query.where(Trip.vehicle_id == vehicle_id)
    if status:
        query = query.where(Trip.status == status)
    return await paginate(
        session,
        query,
        params,
        sortable={"started_at": Trip.started_at},
        id_column=Trip.id,
        default_sort="-started_at",
        to_item=TripRead.of,
    )


@router.get("/trips/{trip_id}", response_model=TripRead, summary="Read a trip")
async def read_trip(
    trip_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> TripRead:
    """One trip the caller may see (404 otherwise)."""
    trip = await trip_rules.get_visible(session, principal, trip_id)
    set_etag(response, trip.version)
    return TripRead.of(trip)
