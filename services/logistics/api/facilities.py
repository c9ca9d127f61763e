"""HTTP routes of logistics: spaces, facilities, maintenance schedules, work orders and repairs."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.api.supplies import IF_MATCH_412, Today, read_with
from services.logistics.db.facilities import (
    Facility,
    FacilityPolicy,
    MaintenanceSchedule,
    RepairRequest,
    Space,
    WorkOrder,
)
from services.logistics.domain import facilities as place_rules
from services.logistics.domain import maintenance as maintenance_rules
from services.logistics.domain import repairs as repair_rules
from services.logistics.domain.facilities_kinds import (
    FacilityCategory,
    FacilityStatus,
    RepairStatus,
    SpaceKind,
    Urgency,
    WorkOrderStatus,
)
from services.logistics.domain.supplies_access import reads_all, require_reader, require_staff
from services.logistics.schemas.facilities import (
    FacilityCreate,
    FacilityPolicyRead,
    FacilityPolicyUpdate,
    FacilityRead,
    FacilityUpdate,
    PartRead,
    RepairAssign,
    RepairCancel,
    RepairCreate,
    RepairRead,
    RepairResolve,
    ScheduleCreate,
    ScheduleRead,
    ScheduleUpdate,
    SpaceCreate,
    SpaceRead,
    SpaceUpdate,
    SweepResult,
    WorkOrderCreate,
    WorkOrderNote,
    WorkOrderRead,
    WorkOrderStart,
)
from shared.contracts.page import Page
from shared.contracts.principal import Principal
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.errors import not_found
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/logistics", tags=["logistics: facilities"])
API = "/api/v1/logistics"


# ---- spaces --------------------------------------------------------------------------------


@router.post("/spaces", status_code=201, response_model=SpaceRead, summary="Add a space")
async def create_space(
    payload: SpaceCreate, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> Space:
    """A room or area (logistics staff; 409 ``duplicate_space``)."""
    require_staff(principal, "add spaces")
    found = await place_rules.create_space(session, payload)
    set_etag(response, found.version)
    response.headers["Location"] = f"{API}/spaces/{found.id}"
    return found


@router.get("/spaces", response_model=Page[SpaceRead], summary="List spaces")
async def list_spaces(
    session: SessionDep,
    _principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("room", "created_at")],
    building: Annotated[str | None, Query(max_length=100)] = None,
    kind: SpaceKind | None = None,
    active: bool | None = None,
) -> Page[SpaceRead]:
    """Spaces (anyone signed in: employees name them in repair requests)."""
    return await paginate(
        session,
        place_rules.space_query(building=building, kind=kind, active=active),
        params,
        sortable={"room": Space.room, "created_at": Space.created_at},
        id_column=Space.id,
        default_sort="room",
        to_item=SpaceRead.model_validate,
    )


@router.get("/spaces/{space_id}", response_model=SpaceRead, summary="Read a space")
async def read_space(
    space_id: uuid.UUID, response: Response, session: SessionDep, _principal: CurrentPrincipal
) -> Space:
    """One space."""
    found = await place_rules.space(session, space_id)
    set_etag(response, found.version)
    return found


@router.patch("/spaces/{space_id}", response_model=SpaceRead, summary="Change a space")
async def update_space(
    space_id: uuid.UUID,
    payload: SpaceUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> Space:
    """Rename, re-kind or (de)activate (logistics staff; honours If-Match)."""
    found = await place_rules.space(session, space_id)
    require_staff(principal, "change spaces")
    check_if_match(request, found.version)
    found = await place_rules.update_space(session, found, payload)
    set_etag(response, found.version)
    return found


# ---- facilities ----------------------------------------------------------------------------


@router.get(
    "/facilities/policy", response_model=FacilityPolicyRead, summary="Read the repairs policy"
)
async def read_facility_policy(
    response: Response, session: SessionDep, principal: CurrentPrincipal
) -> FacilityPolicy:
    """Days a resolved repair waits for its requester's confirmation."""
    require_reader(principal, "read the repairs policy")
    found = await place_rules.policy(session)
    set_etag(response, found.version)
    return found


@router.patch(
    "/facilities/policy",
    response_model=FacilityPolicyRead,
    summary="Change the repairs policy",
    responses=IF_MATCH_412,
)
async def update_facility_policy(
    payload: FacilityPolicyUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> FacilityPolicy:
    """Logistics staff change the days before an unconfirmed repair closes (honours If-Match)."""
    require_staff(principal, "change the repairs policy")
    found = await place_rules.policy(session)
    check_if_match(request, found.version)
    found = await place_rules.update_policy(session, found, payload)
    set_etag(response, found.version)
    return found


def facility_read(item: Facility, today: date) -> FacilityRead:
    """A facility, its warranty read against today."""
    return read_with(
        FacilityRead, item, under_warranty=place_rules.under_warranty(item.warranty_until, today)
    )


@router.post(
    "/facilities", status_code=201, response_model=FacilityRead, summary="Register a facility"
)
async def create_facility(
    payload: FacilityCreate,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
) -> FacilityRead:
    """A facility or piece of equipment (logistics staff; 409 ``duplicate_asset_tag``)."""
    require_staff(principal, "register facilities")
    item = await place_rules.create_facility(session, payload, principal.sub)
    set_etag(response, item.version)
    response.headers["Location"] = f"{API}/facilities/{item.id}"
    return facility_read(item, today)


@router.get("/facilities", response_model=Page[FacilityRead], summary="List facilities")
async def list_facilities(
    session: SessionDep,
    _principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("asset_tag", "created_at")],
    today: Today,
    space_id: uuid.UUID | None = None,
    category: FacilityCategory | None = None,
    status: FacilityStatus | None = None,
    warranty_ends_before: date | None = None,
) -> Page[FacilityRead]:
    """Facilities (anyone signed in: employees name them in repair requests)."""
    return await paginate(
        session,
        place_rules.facility_query(
            space_id=space_id,
            category=category,
            status=status,
            warranty_ends_before=warranty_ends_before,
        ),
        params,
        sortable={"asset_tag": Facility.asset_tag, "created_at": Facility.created_at},
        id_column=Facility.id,
        default_sort="asset_tag",
        to_item=lambda item: facility_read(item, today),
    )


@router.get(
    "/facilities/{facility_id:uuid}", response_model=FacilityRead, summary="Read a facility"
)
async def read_facility(
    facility_id: uuid.UUID,
    response: Response,
    session: SessionDep,
    _principal: CurrentPrincipal,
    today: Today,
) -> FacilityRead:
    """One facility."""
    item = await place_rules.facility(session, facility_id)
    set_etag(response, item.version)
    return facility_read(item, today)


@router.patch(
    "/facilities/{facility_id:uuid}", response_model=FacilityRead, summary="Change a facility"
)
async def update_facility(
    facility_id: uuid.UUID,
    payload: FacilityUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
) -> FacilityRead:
    """Move it, change its status, warranty or note (logistics staff; honours If-Match)."""
    item = await place_rules.facility(session, facility_id)
    require_staff(principal, "change facilities")
    check_if_match(request, item.version)
    item = await place_rules.update_facility(session, item, payload)
    set_etag(response, item.version)
    return facility_read(item, today)


# ---- maintenance schedules -----------------------------------------------------------------


def schedule_read(found: MaintenanceSchedule) -> ScheduleRead:
    """A schedule with its rule in words."""
    return read_with(ScheduleRead, found, rule=maintenance_rules.rule_of(found).describe())


@router.post(
    "/maintenance-schedules",
    status_code=201,
    response_model=ScheduleRead,
    summary="Set up a maintenance schedule",
)
async def create_schedule(
    payload: ScheduleCreate,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
) -> ScheduleRead:
    """Every N days/weeks/months, or a cron rule (logistics staff; 422 ``invalid_rule``)."""
    require_staff(principal, "schedule maintenance")
    found = await maintenance_rules.create_schedule(session, payload, principal.sub, today)
    set_etag(response, found.version)
    response.headers["Location"] = f"{API}/maintenance-schedules/{found.id}"
    return schedule_read(found)


@router.get(
    "/maintenance-schedules",
    response_model=Page[ScheduleRead],
    summary="List maintenance schedules",
)
async def list_schedules(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at")],
    facility_id: uuid.UUID | None = None,
    space_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> Page[ScheduleRead]:
    """Schedules, next due first (logistics staff and auditors)."""
    require_reader(principal, "read maintenance schedules")
    return await paginate(
        session,
        maintenance_rules.schedule_query(facility_id=facility_id, space_id=space_id, active=active),
        params,
        sortable={"created_at": MaintenanceSchedule.created_at},
        id_column=MaintenanceSchedule.id,
        default_sort="created_at",
        to_item=schedule_read,
    )


@router.post(
    "/maintenance-schedules/generate",
    response_model=SweepResult,
    summary="Create the work orders now due",
)
async def generate_work_orders(request: Request, principal: CurrentPrincipal) -> SweepResult:
    """What the background sweep does, now (logistics staff): every active schedule due by
    today gets its work orders, once each however often it runs."""
    require_staff(principal, "generate work orders")
    runtime = runtime_of(request)
    return SweepResult(created=await maintenance_rules.generate_due(runtime, runtime.today()))


async def visible_schedule(
    session: AsyncSession, principal: Principal, schedule_id: uuid.UUID
) -> MaintenanceSchedule:
    """A schedule the caller may see (staff and auditors), or 404."""
    if not reads_all(principal):
        raise not_found("maintenance schedule", schedule_id)
    return await maintenance_rules.schedule(session, schedule_id)


@router.get(
    "/maintenance-schedules/{schedule_id:uuid}",
    response_model=ScheduleRead,
    summary="Read a maintenance schedule",
)
async def read_schedule(
    schedule_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> ScheduleRead:
    """One schedule."""
    found = await visible_schedule(session, principal, schedule_id)
    set_etag(response, found.version)
    return schedule_read(found)


@router.patch(
    "/maintenance-schedules/{schedule_id:uuid}",
    response_model=ScheduleRead,
    summary="Change a maintenance schedule",
)
async def update_schedule(
    schedule_id: uuid.UUID,
    payload: ScheduleUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
) -> ScheduleRead:
    """Retitle, pause or resume (dates missed while paused are skipped; honours If-Match)."""
    found = await visible_schedule(session, principal, schedule_id)
    require_staff(principal, "change maintenance schedules")
    check_if_match(request, found.version)
    found = await maintenance_rules.update_schedule(session, found, payload, today)
    set_etag(response, found.version)
    return schedule_read(found)


# ---- work orders ---------------------------------------------------------------------------


async def visible_work_order(
    session: AsyncSession, principal: Principal, order_id: uuid.UUID
) -> WorkOrder:
    """A work order the caller may see (staff and auditors), or 404."""
    if not reads_all(principal):
        raise not_found("work order", order_id)
    return await maintenance_rules.work_order(session, order_id)


@router.post(
    "/work-orders", status_code=201, response_model=WorkOrderRead, summary="Open a work order"
)
async def create_work_order(
    payload: WorkOrderCreate, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> WorkOrder:
    """A one-off work order (logistics staff)."""
    require_staff(principal, "open work orders")
    order = await maintenance_rules.create_work_order(session, payload, principal.sub)
    set_etag(response, order.version)
    response.headers["Location"] = f"{API}/work-orders/{order.id}"
    return order


@router.get("/work-orders", response_model=Page[WorkOrderRead], summary="List work orders")
async def list_work_orders(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("due_on", "created_at")],
    status: WorkOrderStatus | None = None,
    facility_id: uuid.UUID | None = None,
    schedule_id: uuid.UUID | None = None,
    due_before: date | None = None,
) -> Page[WorkOrderRead]:
    """Work orders, soonest due first (logistics staff and auditors)."""
    require_reader(principal, "read work orders")
    return await paginate(
        session,
        maintenance_rules.work_order_query(
            status=status, facility_id=facility_id, schedule_id=schedule_id, due_before=due_before
        ),
        params,
        sortable={"due_on": WorkOrder.due_on, "created_at": WorkOrder.created_at},
        id_column=WorkOrder.id,
        default_sort="due_on",
        to_item=WorkOrderRead.model_validate,
    )


@router.get("/work-orders/{order_id}", response_model=WorkOrderRead, summary="Read a work order")
async def read_work_order(
    order_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> WorkOrder:
    """One work order."""
    order = await visible_work_order(session, principal, order_id)
    set_etag(response, order.version)
    return order


@router.post(
    "/work-orders/{order_id}/start", response_model=WorkOrderRead, summary="Start a work order"
)
async def start_work_order(
    order_id: uuid.UUID,
    payload: WorkOrderStart,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> WorkOrder:
    """Work begins (logistics staff; honours If-Match)."""
    order = await visible_work_order(session, principal, order_id)
    require_staff(principal, "work on work orders")
    check_if_match(request, order.version)
    order = await maintenance_rules.start_work_order(session, order, payload.assignee)
    set_etag(response, order.version)
    return order


@router.post(
    "/work-orders/{order_id}/complete",
    response_model=WorkOrderRead,
    summary="Complete a work order",
)
async def complete_work_order(
    order_id: uuid.UUID,
    payload: WorkOrderNote,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> WorkOrder:
    """The work is done (logistics staff; honours If-Match)."""
    order = await visible_work_order(session, principal, order_id)
    require_staff(principal, "work on work orders")
    check_if_match(request, order.version)
    order = await maintenance_rules.complete_work_order(session, order, payload.note)
    set_etag(response, order.version)
    return order


@router.post(
    "/work-orders/{order_id}/cancel", response_model=WorkOrderRead, summary="Cancel a work order"
)
async def cancel_work_order(
    order_id: uuid.UUID,
    payload: WorkOrderNote,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> WorkOrder:
    """Drop a work order (logistics staff; honours If-Match)."""
    order = await visible_work_order(session, principal, order_id)
    require_staff(principal, "work on work orders")
    check_if_match(request, order.version)
    order = await maintenance_rules.cancel_work_order(session, order, payload.note)
    set_etag(response, order.version)
    return order


# ---- repair requests -----------------------------------------------------------------------


async def repair_read(session: AsyncSession, repair: RepairRequest) -> RepairRead:
    """A repair request with the parts it used."""
    parts = [
        PartRead(
            movement_id=m.id,
            supply_id=m.supply_id,
            pickup_point_id=m.pickup_point_id,
            quantity=-m.quantity,
        )
        for m in await repair_rules.parts_of(session, repair.id)
    ]
    return read_with(RepairRead, repair, parts=parts)


@router.post(
    "/repair-requests",
    status_code=201,
    response_model=RepairRead,
    summary="Report something to repair",
)
async def file_repair_request(
    payload: RepairCreate, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> RepairRead:
    """Any employee reports a facility or space, with a description, urgency and photo."""
    repair = await repair_rules.file(session, principal, payload)
    set_etag(response, repair.version)
    response.headers["Location"] = f"{API}/repair-requests/{repair.id}"
    return await repair_read(session, repair)


@router.get("/repair-requests", response_model=Page[RepairRead], summary="List repair requests")
async def list_repair_requests(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at")],
    status: RepairStatus | None = None,
    urgency: Urgency | None = None,
    facility_id: uuid.UUID | None = None,
) -> Page[RepairRead]:
    """The caller's own (employees) or all (logistics staff and auditors), newest first."""
    query = repair_rules.visible(principal)
    if status:
        query = query.where(RepairRequest.status == status)
    if urgency:
        query = query.where(RepairRequest.urgency == urgency)
    if facility_id:
        query = query.where(RepairRequest.facility_id == facility_id)
    page = await paginate(
        session,
        query,
        params,
        sortable={"created_at": RepairRequest.created_at},
        id_column=RepairRequest.id,
        default_sort="-created_at",
        to_item=lambda repair: repair,
    )
    items = [await repair_read(session, repair) for repair in page.items]
    return Page[RepairRead](items=items, next_cursor=page.next_cursor, total=page.total)


@router.get(
    "/repair-requests/{repair_id}", response_model=RepairRead, summary="Read a repair request"
)
async def read_repair_request(
    repair_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> RepairRead:
    """One repair request the caller may see (404 otherwise)."""
    repair = await repair_rules.get_visible(session, principal, repair_id)
    set_etag(response, repair.version)
    return await repair_read(session, repair)


async def _staff_step(
    request: Request, session: AsyncSession, principal: Principal, repair_id: uuid.UUID
) -> RepairRequest:
    repair = await repair_rules.get_visible(session, principal, repair_id)
    require_staff(principal, "handle repairs")
    check_if_match(request, repair.version)
    return repair


@router.post(
    "/repair-requests/{repair_id}/assign",
    response_model=RepairRead,
    summary="Assign a repair",
)
async def assign_repair(
    repair_id: uuid.UUID,
    payload: RepairAssign,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> RepairRead:
    """Logistics gives the repair to someone (honours If-Match)."""
    repair = await _staff_step(request, session, principal, repair_id)
    repair = await repair_rules.assign(session, repair, payload.assignee)
    set_etag(response, repair.version)
    return await repair_read(session, repair)


@router.post(
    "/repair-requests/{repair_id}/start",
    response_model=RepairRead,
    summary="Start a repair",
)
async def start_repair(
    repair_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> RepairRead:
    """The repair is in progress (honours If-Match)."""
    repair = await _staff_step(request, session, principal, repair_id)
    repair = await repair_rules.start(session, repair)
    set_etag(response, repair.version)
    return await repair_read(session, repair)


@router.post(
    "/repair-requests/{repair_id}/resolve",
    response_model=RepairRead,
    summary="Resolve a repair",
)
async def resolve_repair(
    repair_id: uuid.UUID,
    payload: RepairResolve,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> RepairRead:
    """Repaired: cost and resolution recorded, parts issued from stock through the ledger
    (409 ``insufficient_stock`` and nothing changes when a part is short)."""
    repair = await _staff_step(request, session, principal, repair_id)
    repair = await repair_rules.resolve(session, principal, repair, payload)
    set_etag(response, repair.version)
    return await repair_read(session, repair)


@router.post(
    "/repair-requests/{repair_id}/confirm",
    response_model=RepairRead,
    summary="Confirm a repair",
)
async def confirm_repair(
    repair_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> RepairRead:
    """The requester confirms the repair (honours If-Match)."""
    repair = await repair_rules.get_visible(session, principal, repair_id)
    check_if_match(request, repair.version)
    repair = await repair_rules.confirm(session, principal, repair)
    set_etag(response, repair.version)
    return await repair_read(session, repair)


@router.post(
    "/repair-requests/{repair_id}/cancel",
    response_model=RepairRead,
    summary="Withdraw a repair request",
)
async def cancel_repair(
    repair_id: uuid.UUID,
    payload: RepairCancel,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> RepairRead:
    """The requester withdraws it before work starts; logistics may drop it until resolved."""
    repair = await repair_rules.get_visible(session, principal, repair_id)
    check_if_match(request, repair.version)
    repair = await repair_rules.cancel(session, principal, repair, payload.reason)
    set_etag(response, repair.version)
    return await repair_read(session, repair)
