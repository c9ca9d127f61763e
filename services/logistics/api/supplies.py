"""HTTP routes of logistics: office supplies: catalogue, stock ledger, purchases, requisitions, stocktakes."""

import uuid
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.supplies import (
    PickupPoint,
    Purchase,
    Requisition,
    StockMovement,
    Stocktake,
    Supply,
    SupplyPolicy,
)
from services.logistics.domain import purchases as purchase_rules
from services.logistics.domain import requisitions as requisition_rules
from services.logistics.domain import stocktakes as stocktake_rules
from services.logistics.domain import supplies as supply_rules
from services.logistics.domain.supplies_access import (
    reads_all,
    require_reader,
    require_staff,
)
from services.logistics.domain.supplies_kinds import (
    CauseType,
    MovementKind,
    PurchaseStatus,
    RequisitionStatus,
    StocktakeStatus,
)
from services.logistics.schemas.supplies import (
    CancelBody,
    CollectBody,
    CountsBody,
    LowStockSupply,
    PickBody,
    PickupPointCreate,
    PickupPointRead,
    PickupPointUpdate,
    PostBody,
    PurchaseCreate,
    PurchaseLineRead,
    PurchaseRead,
    ReceiptCreate,
    ReceiptLineRead,
    ReceiptRead,
    RequisitionCreate,
    RequisitionLineRead,
    RequisitionRead,
    StockLevelRead,
    StockMovementCreate,
    StockMovementRead,
    StockMovementResult,
    StocktakeCreate,
    StocktakeLineRead,
    StocktakeRead,
    SupplyCreate,
    SupplyPolicyRead,
    SupplyPolicyUpdate,
    SupplyRead,
    SupplyUpdate,
    VarianceReport,
)
from shared.contracts.page import Page
from shared.contracts.principal import Principal
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.errors import not_found
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.params import me_or_id_query, parse_me_or_id
from shared.kit.routing import SessionDep, runtime_of, service_router
from shared.kit.service_client import ServiceClient

router = service_router(prefix="/api/v1/logistics", tags=["logistics: supplies"])
API = "/api/v1/logistics"
M = TypeVar("M", bound=BaseModel)
IF_MATCH_412: dict[int | str, dict[str, Any]] = {
    412: {"description": "If-Match names another version of the record."}
}


def workflow_client(request: Request) -> ServiceClient:
    """logistics's client for calling workflow through the gateway."""
    return runtime_of(request).service_client


def today_of(request: Request) -> date:
    """Today's date (UTC) by the service's clock."""
    return runtime_of(request).today()


WorkflowClient = Annotated[ServiceClient, Depends(workflow_client)]
Today = Annotated[date, Depends(today_of)]


def read_with(model: type[M], record: object, **extra: Any) -> M:
    """An answer model read from a record's attributes, with some fields given."""
    data = {name: getattr(record, name) for name in model.model_fields if name not in extra}
    return model.model_validate({**data, **extra})


# ---- policy --------------------------------------------------------------------------------


@router.get("/supplies/policy", response_model=SupplyPolicyRead, summary="Read the supplies policy")
async def read_policy(
    response: Response, session: SessionDep, principal: CurrentPrincipal
) -> SupplyPolicy:
    """The purchase approval threshold and the days a requisition waits to be collected."""
    require_reader(principal, "read the supplies policy")
    found = await supply_rules.policy(session)
    set_etag(response, found.version)
    return found


@router.patch(
    "/supplies/policy",
    response_model=SupplyPolicyRead,
    summary="Change the supplies policy",
    responses=IF_MATCH_412,
)
async def update_policy(
    payload: SupplyPolicyUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> SupplyPolicy:
    """Logistics staff change the threshold or the collection days (honours If-Match)."""
    require_staff(principal, "change the supplies policy")
    found = await supply_rules.policy(session)
    check_if_match(request, found.version)
    found = await supply_rules.update_policy(session, found, payload)
    set_etag(response, found.version)
    return found


# ---- pick-up points ------------------------------------------------------------------------


@router.post(
    "/pickup-points",
    status_code=201,
    response_model=PickupPointRead,
    summary="Add a pick-up point",
)
async def create_pickup_point(
    payload: PickupPointCreate, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> PickupPoint:
    """A new place supplies are kept and collected (logistics staff; 409 for a code in use)."""
    require_staff(principal, "add pick-up points")
    point = await supply_rules.create_pickup_point(session, payload)
    set_etag(response, point.version)
    response.headers["Location"] = f"{API}/pickup-points/{point.id}"
    return point


@router.get("/pickup-points", response_model=Page[PickupPointRead], summary="List pick-up points")
async def list_pickup_points(
    session: SessionDep,
    _principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("code", "created_at")],
    active: bool | None = None,
) -> Page[PickupPointRead]:
    """Every pick-up point (anyone signed in: employees choose where to collect)."""
    query = select(PickupPoint)
    if active is not None:
        query = query.where(PickupPoint.active == active)
    return await paginate(
        session,
        query,
        params,
        sortable={"code": PickupPoint.code, "created_at": PickupPoint.created_at},
        id_column=PickupPoint.id,
        default_sort="code",
        to_item=PickupPointRead.model_validate,
    )


@router.get(
    "/pickup-points/{pickup_point_id}",
    response_model=PickupPointRead,
    summary="Read a pick-up point",
)
async def read_pickup_point(
    pickup_point_id: uuid.UUID,
    response: Response,
    session: SessionDep,
    _principal: CurrentPrincipal,
) -> PickupPoint:
    """One pick-up point."""
    point = await supply_rules.pickup_point(session, pickup_point_id)
    set_etag(response, point.version)
    return point


@router.patch(
    "/pickup-points/{pickup_point_id}",
    response_model=PickupPointRead,
    summary="Change a pick-up point",
)
async def update_pickup_point(
    pickup_point_id: uuid.UUID,
    payload: PickupPointUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> PickupPoint:
    """Rename, move or (de)activate (logistics staff; honours If-Match)."""
    point = await supply_rules.pickup_point(session, pickup_point_id)
    require_staff(principal, "change pick-up points")
    check_if_match(request, point.version)
    point = await supply_rules.update_pickup_point(session, point, payload)
    set_etag(response, point.version)
    return point


# ---- the catalogue -------------------------------------------------------------------------


async def supply_read(session: AsyncSession, item: Supply) -> SupplyRead:
    """A SKU with its stock over every pick-up point."""
    on_hand, reserved = (await supply_rules.stock_of(session, [item.id])).get(item.id, (0, 0))
    return read_with(
        SupplyRead, item, on_hand=on_hand, reserved=reserved, available=on_hand - reserved
    )


@router.post("/supplies", status_code=201, response_model=SupplyRead, summary="Add a SKU")
async def create_supply(
    payload: SupplyCreate, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> SupplyRead:
    """A new catalogue entry with no stock yet (logistics staff; 409 ``duplicate_sku``)."""
    require_staff(principal, "change the catalogue")
    item = await supply_rules.create_supply(session, payload, principal.sub)
    set_etag(response, item.version)
    response.headers["Location"] = f"{API}/supplies/{item.id}"
    return await supply_read(session, item)


@router.get("/supplies", response_model=Page[SupplyRead], summary="List the catalogue")
async def list_supplies(
    session: SessionDep,
    _principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("sku", "name", "created_at")],
    category: Annotated[str | None, Query(max_length=60)] = None,
    active: bool | None = None,
    pickup_point_id: uuid.UUID | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of the SKU or name.")] = None,
) -> Page[SupplyRead]:
    """The catalogue with stock (anyone signed in: employees pick from it)."""
    page = await paginate(
        session,
        supply_rules.supply_query(
            category=category, active=active, pickup_point_id=pickup_point_id, q=q
        ),
        params,
        sortable={"sku": Supply.sku, "name": Supply.name, "created_at": Supply.created_at},
        id_column=Supply.id,
        default_sort="sku",
        to_item=lambda item: item,
    )
    held = await supply_rules.stock_of(session, [item.id for item in page.items])
    items = [
        read_with(
            SupplyRead,
            item,
            on_hand=held.get(item.id, (0, 0))[0],
            reserved=held.get(item.id, (0, 0))[1],
            available=held.get(item.id, (0, 0))[0] - held.get(item.id, (0, 0))[1],
        )
        for item in page.items
    ]
    return Page[SupplyRead](items=items, next_cursor=page.next_cursor, total=page.total)


@router.get("/supplies/low-stock", response_model=list[LowStockSupply], summary="SKUs to reorder")
async def list_low_stock(
    session: SessionDep,
    principal: CurrentPrincipal,
    pickup_point_id: uuid.UUID | None = None,
) -> list[LowStockSupply]:
    """Active SKUs whose available stock (on hand less reserved) is at or below the reorder
    point, over every pick-up point or at one (logistics staff and auditors)."""
    require_reader(principal, "read low stock")
    return await supply_rules.low_stock(session, pickup_point_id)


@router.get("/supplies/{supply_id:uuid}", response_model=SupplyRead, summary="Read a SKU")
async def read_supply(
    supply_id: uuid.UUID, response: Response, session: SessionDep, _principal: CurrentPrincipal
) -> SupplyRead:
    """One catalogue entry with its stock."""
    item = await supply_rules.supply(session, supply_id)
    set_etag(response, item.version)
    return await supply_read(session, item)


@router.patch("/supplies/{supply_id:uuid}", response_model=SupplyRead, summary="Change a SKU")
async def update_supply(
    supply_id: uuid.UUID,
    payload: SupplyUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> SupplyRead:
    """Change a catalogue entry; ``active: false`` takes it off requisitions (logistics staff;
    honours If-Match)."""
    item = await supply_rules.supply(session, supply_id)
    require_staff(principal, "change the catalogue")
    check_if_match(request, item.version)
    item = await supply_rules.update_supply(session, item, payload)
    set_etag(response, item.version)
    return await supply_read(session, item)


@router.get(
    "/supplies/{supply_id}/stock",
    response_model=list[StockLevelRead],
    summary="A SKU's stock per pick-up point",
)
async def read_supply_stock(
    supply_id: uuid.UUID, session: SessionDep, _principal: CurrentPrincipal
) -> list[StockLevelRead]:
    """On hand, reserved and available at each pick-up point holding the SKU."""
    await supply_rules.supply(session, supply_id)
    return [
        read_with(StockLevelRead, level, available=level.on_hand - level.reserved)
        for level in await supply_rules.levels(session, supply_id)
    ]


# ---- the ledger ----------------------------------------------------------------------------


@router.post(
    "/stock-movements",
    status_code=201,
    response_model=StockMovementResult,
    summary="Record a stock movement",
)
async def create_stock_movement(
    payload: StockMovementCreate,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> StockMovementResult:
    """A receipt, issue, adjustment or transfer by hand (logistics staff). Stock never goes
    below zero: an issue of more than is free is 409 ``insufficient_stock`` and changes nothing."""
    require_staff(principal, "move stock")
    moved = await supply_rules.record_manual_movement(session, principal, payload)
    await session.flush()
    response.headers["Location"] = f"{API}/stock-movements/{moved[0].id}"
    return StockMovementResult(movements=[StockMovementRead.model_validate(m) for m in moved])


@router.get(
    "/stock-movements", response_model=Page[StockMovementRead], summary="Read the stock ledger"
)
async def list_stock_movements(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at", "line_no")],
    supply_id: uuid.UUID | None = None,
    pickup_point_id: uuid.UUID | None = None,
    kind: MovementKind | None = None,
    cause_type: CauseType | None = None,
    cause_id: uuid.UUID | None = None,
) -> Page[StockMovementRead]:
    """The ledger, newest first by default (logistics staff and auditors)."""
    require_reader(principal, "read the stock ledger")
    return await paginate(
        session,
        supply_rules.movement_query(
            supply_id=supply_id,
            pickup_point_id=pickup_point_id,
            kind=kind,
            cause_type=cause_type,
            cause_id=cause_id,
        ),
        params,
        sortable={"created_at": StockMovement.created_at, "line_no": StockMovement.line_no},
        id_column=StockMovement.id,
        default_sort="-created_at",
        to_item=StockMovementRead.model_validate,
    )


@router.get(
    "/stock-movements/{movement_id}",
    response_model=StockMovementRead,
    summary="Read a stock movement",
)
async def read_stock_movement(
    movement_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> StockMovement:
    """One ledger line (logistics staff and auditors; 404 for anyone else)."""
    if not reads_all(principal):
        raise not_found("stock movement", movement_id)
    return await supply_rules.movement(session, movement_id)


# ---- purchases -----------------------------------------------------------------------------


async def purchase_read(session: AsyncSession, purchase: Purchase) -> PurchaseRead:
    """A purchase with its lines."""
    lines = await purchase_rules.lines_of(session, purchase.id)
    return read_with(
        PurchaseRead, purchase, lines=[PurchaseLineRead.model_validate(x) for x in lines]
    )


async def visible_purchase(
    session: AsyncSession, principal: Principal, purchase_id: uuid.UUID
) -> Purchase:
    """A purchase the caller may see (staff and auditors), or 404."""
    if not reads_all(principal):
        raise not_found("purchase", purchase_id)
    return await purchase_rules.get(session, purchase_id)


@router.post(
    "/purchases", status_code=201, response_model=PurchaseRead, summary="Record a purchase"
)
async def create_purchase(
    payload: PurchaseCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    workflow: WorkflowClient,
) -> PurchaseRead:
    """Up to the policy's threshold the purchase is approved at once; above it workflow's
    ``purchase`` approval starts once it is recorded (logistics staff)."""
    require_staff(principal, "record purchases")
    purchase = await purchase_rules.create(session, principal, payload)
    await purchase_rules.SAGA.commit_and_start(runtime_of(request), session, workflow, purchase)
    set_etag(response, purchase.version)
    response.headers["Location"] = f"{API}/purchases/{purchase.id}"
    return await purchase_read(session, purchase)


@router.get("/purchases", response_model=Page[PurchaseRead], summary="List purchases")
async def list_purchases(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at", "total")],
    status: PurchaseStatus | None = None,
    supplier_party_id: uuid.UUID | None = None,
) -> Page[PurchaseRead]:
    """Purchases, newest first (logistics staff and auditors)."""
    require_reader(principal, "read purchases")
    page = await paginate(
        session,
        purchase_rules.query(status=status, supplier_party_id=supplier_party_id),
        params,
        sortable={"created_at": Purchase.created_at, "total": Purchase.total},
        id_column=Purchase.id,
        default_sort="-created_at",
        to_item=lambda purchase: purchase,
    )
    items = [await purchase_read(session, purchase) for purchase in page.items]
    return Page[PurchaseRead](items=items, next_cursor=page.next_cursor, total=page.total)


@router.get("/purchases/{purchase_id}", response_model=PurchaseRead, summary="Read a purchase")
async def read_purchase(
    purchase_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> PurchaseRead:
    """One purchase with its lines."""
    purchase = await visible_purchase(session, principal, purchase_id)
    set_etag(response, purchase.version)
    return await purchase_read(session, purchase)


@router.post(
    "/purchases/{purchase_id}/cancel", response_model=PurchaseRead, summary="Cancel a purchase"
)
async def cancel_purchase(
    purchase_id: uuid.UUID,
    payload: CancelBody,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    workflow: WorkflowClient,
) -> PurchaseRead:
    """Before anything arrived; a pending approval is withdrawn (409
    ``approval_already_completed`` if workflow just decided it)."""
    purchase = await visible_purchase(session, principal, purchase_id)
    require_staff(principal, "cancel purchases")
    check_if_match(request, purchase.version)
    purchase = await purchase_rules.cancel(session, workflow, purchase, payload.reason)
    set_etag(response, purchase.version)
    return await purchase_read(session, purchase)


def receipt_read(receipt: Any, lines: list[Any]) -> ReceiptRead:
    """A receipt with its lines."""
    return read_with(ReceiptRead, receipt, lines=[ReceiptLineRead.model_validate(x) for x in lines])


@router.post(
    "/purchases/{purchase_id}/receipts",
    status_code=201,
    response_model=ReceiptRead,
    summary="Receive a delivery",
)
async def receive_purchase(
    purchase_id: uuid.UUID,
    payload: ReceiptCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
) -> ReceiptRead:
    """Take a delivery (all or part of what is outstanding) into stock; published as the
    posting fact ``logistics.purchase.received``. 409 ``over_receipt`` for more than ordered."""
    purchase = await visible_purchase(session, principal, purchase_id)
    require_staff(principal, "receive purchases")
    check_if_match(request, purchase.version)
    receipt = await purchase_rules.receive(session, principal, purchase, payload, today)
    await session.flush()
    set_etag(response, purchase.version)
    response.headers["Location"] = f"{API}/purchases/{purchase.id}/receipts"
    [(found, lines)] = [
        pair
        for pair in await purchase_rules.receipts_of(session, purchase.id)
        if pair[0].id == receipt.id
    ]
    return receipt_read(found, lines)


@router.get(
    "/purchases/{purchase_id}/receipts",
    response_model=list[ReceiptRead],
    summary="A purchase's receipts",
)
async def list_receipts(
    purchase_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> list[ReceiptRead]:
    """Every delivery of a purchase, oldest first."""
    purchase = await visible_purchase(session, principal, purchase_id)
    return [
        receipt_read(r, lines)
        for r, lines in await purchase_rules.receipts_of(session, purchase.id)
    ]


# ---- requisitions --------------------------------------------------------------------------


async def requisition_read(session: AsyncSession, requisition: Requisition) -> RequisitionRead:
    """A requisition with its lines."""
    lines = await requisition_rules.lines_of(session, requisition.id)
    return read_with(
        RequisitionRead,
        requisition,
        lines=[RequisitionLineRead.model_validate(x) for x in lines],
    )


@router.post(
    "/requisitions", status_code=201, response_model=RequisitionRead, summary="Ask for supplies"
)
async def create_requisition(
    payload: RequisitionCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    workflow: WorkflowClient,
) -> RequisitionRead:
    """Any employee asks for active SKUs (422 ``inactive_supply`` otherwise); workflow's
    ``supply_requisition`` approval starts once it is recorded."""
    requisition = await requisition_rules.submit(session, principal, payload)
    await requisition_rules.SAGA.commit_and_start(
        runtime_of(request), session, workflow, requisition
    )
    set_etag(response, requisition.version)
    response.headers["Location"] = f"{API}/requisitions/{requisition.id}"
    return await requisition_read(session, requisition)


@router.get("/requisitions", response_model=Page[RequisitionRead], summary="List requisitions")
async def list_requisitions(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at")],
    status: RequisitionStatus | None = None,
    employee_id: Annotated[str | None, me_or_id_query()] = None,
    pickup_point_id: uuid.UUID | None = None,
) -> Page[RequisitionRead]:
    """The caller's own (employees) or everyone's (logistics staff and auditors)."""
    query = requisition_rules.visible(principal)
    if status:
        query = query.where(Requisition.status == status)
    if employee_id:
        who = parse_me_or_id(employee_id) or principal.employee_id
        query = query.where(Requisition.employee_id == who)
    if pickup_point_id:
        query = query.where(Requisition.pickup_point_id == pickup_point_id)
    page = await paginate(
        session,
        query,
        params,
        sortable={"created_at": Requisition.created_at},
        id_column=Requisition.id,
        default_sort="-created_at",
        to_item=lambda requisition: requisition,
    )
    items = [await requisition_read(session, r) for r in page.items]
    return Page[RequisitionRead](items=items, next_cursor=page.next_cursor, total=page.total)


@router.get(
    "/requisitions/{requisition_id}", response_model=RequisitionRead, summary="Read a requisition"
)
async def read_requisition(
    requisition_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> RequisitionRead:
    """One requisition the caller may see (404 otherwise)."""
    requisition = await requisition_rules.get_visible(session, principal, requisition_id)
    set_etag(response, requisition.version)
    return await requisition_read(session, requisition)


@router.post(
    "/requisitions/{requisition_id}/pick",
    response_model=RequisitionRead,
    summary="Put a requisition ready",
)
async def pick_requisition(
    requisition_id: uuid.UUID,
    payload: PickBody,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> RequisitionRead:
    """Logistics put the approved supplies ready at the pick-up point (no more than reserved;
    the rest is released)."""
    requisition = await requisition_rules.get_visible(session, principal, requisition_id)
    require_staff(principal, "pick requisitions")
    check_if_match(request, requisition.version)
    requisition = await requisition_rules.pick(session, requisition, payload.lines)
    set_etag(response, requisition.version)
    return await requisition_read(session, requisition)


@router.post(
    "/requisitions/{requisition_id}/collect",
    response_model=RequisitionRead,
    summary="Confirm a collection",
)
async def collect_requisition(
    requisition_id: uuid.UUID,
    payload: CollectBody,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> RequisitionRead:
    """The requester confirms what they took at the pick-up point (all that was picked, or
    less): it leaves stock through the ledger, the rest of the reservation is released."""
    requisition = await requisition_rules.get_visible(session, principal, requisition_id)
    check_if_match(request, requisition.version)
    requisition = await requisition_rules.collect(session, principal, requisition, payload.lines)
    set_etag(response, requisition.version)
    return await requisition_read(session, requisition)


@router.post(
    "/requisitions/{requisition_id}/cancel",
    response_model=RequisitionRead,
    summary="Cancel a requisition",
)
async def cancel_requisition(
    requisition_id: uuid.UUID,
    payload: CancelBody,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    workflow: WorkflowClient,
) -> RequisitionRead:
    """The requester or logistics cancels before collection: a pending approval is withdrawn,
    a reservation released."""
    requisition = await requisition_rules.get_visible(session, principal, requisition_id)
    check_if_match(request, requisition.version)
    requisition = await requisition_rules.cancel(
        session, workflow, principal, requisition, payload.reason
    )
    set_etag(response, requisition.version)
    return await requisition_read(session, requisition)


# ---- stocktakes ----------------------------------------------------------------------------


async def stocktake_read(session: AsyncSession, take: Stocktake) -> StocktakeRead:
    """A stocktake with its count sheet."""
    lines = await stocktake_rules.lines_of(session, take.id)
    return read_with(
        StocktakeRead,
        take,
        lines=[
            read_with(
                StocktakeLineRead,
                line,
                variance=stocktake_rules.variance(line.expected, line.counted),
            )
            for line in lines
        ],
    )


async def visible_stocktake(
    session: AsyncSession, principal: Principal, stocktake_id: uuid.UUID
) -> Stocktake:
    """A stocktake the caller may see (staff and auditors), or 404."""
    if not reads_all(principal):
        raise not_found("stocktake", stocktake_id)
    return await stocktake_rules.get(session, stocktake_id)


@router.post(
    "/stocktakes", status_code=201, response_model=StocktakeRead, summary="Start a stocktake"
)
async def create_stocktake(
    payload: StocktakeCreate, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> StocktakeRead:
    """Freeze a count sheet of a pick-up point (logistics staff; 409 while another counts it)."""
    require_staff(principal, "take stock")
    take = await stocktake_rules.start(session, principal, payload)
    set_etag(response, take.version)
    response.headers["Location"] = f"{API}/stocktakes/{take.id}"
    return await stocktake_read(session, take)


@router.get("/stocktakes", response_model=Page[StocktakeRead], summary="List stocktakes")
async def list_stocktakes(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, sorted_by("created_at")],
    pickup_point_id: uuid.UUID | None = None,
    status: StocktakeStatus | None = None,
) -> Page[StocktakeRead]:
    """Stocktakes, newest first (logistics staff and auditors)."""
    require_reader(principal, "read stocktakes")
    page = await paginate(
        session,
        stocktake_rules.query(pickup_point_id=pickup_point_id, status=status),
        params,
        sortable={"created_at": Stocktake.created_at},
        id_column=Stocktake.id,
        default_sort="-created_at",
        to_item=lambda take: take,
    )
    items = [await stocktake_read(session, take) for take in page.items]
    return Page[StocktakeRead](items=items, next_cursor=page.next_cursor, total=page.total)


@router.get("/stocktakes/{stocktake_id}", response_model=StocktakeRead, summary="Read a stocktake")
async def read_stocktake(
    stocktake_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> StocktakeRead:
    """One stocktake and its count sheet."""
    take = await visible_stocktake(session, principal, stocktake_id)
    set_etag(response, take.version)
    return await stocktake_read(session, take)


@router.post(
    "/stocktakes/{stocktake_id}/counts",
    response_model=StocktakeRead,
    summary="Enter counts",
)
async def enter_counts(
    stocktake_id: uuid.UUID,
    payload: CountsBody,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> StocktakeRead:
    """Counts for SKUs of the sheet (a later count replaces an earlier one)."""
    take = await visible_stocktake(session, principal, stocktake_id)
    require_staff(principal, "count stock")
    check_if_match(request, take.version)
    take = await stocktake_rules.enter_counts(session, take, payload.counts)
    set_etag(response, take.version)
    return await stocktake_read(session, take)


@router.post(
    "/stocktakes/{stocktake_id}/post",
    response_model=StocktakeRead,
    summary="Post the variances",
)
async def post_stocktake(
    stocktake_id: uuid.UUID,
    payload: PostBody,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> StocktakeRead:
    """Every variance becomes an adjustment in the ledger with the reason (every SKU counted
    first: 422 ``counts_missing``)."""
    take = await visible_stocktake(session, principal, stocktake_id)
    require_staff(principal, "post stocktakes")
    check_if_match(request, take.version)
    take = await stocktake_rules.post(session, principal, take, payload.reason)
    set_etag(response, take.version)
    return await stocktake_read(session, take)


@router.post(
    "/stocktakes/{stocktake_id}/cancel",
    response_model=StocktakeRead,
    summary="Abandon a stocktake",
)
async def cancel_stocktake(
    stocktake_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> StocktakeRead:
    """Abandon a count; stock does not change."""
    take = await visible_stocktake(session, principal, stocktake_id)
    require_staff(principal, "cancel stocktakes")
    check_if_match(request, take.version)
    take = await stocktake_rules.cancel(session, take)
    set_etag(response, take.version)
    return await stocktake_read(session, take)


@router.get(
    "/stocktakes/{stocktake_id}/variance",
    response_model=VarianceReport,
    summary="A stocktake's variance report",
)
async def variance_report(
    stocktake_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> VarianceReport:
    """Per SKU: frozen level, count, variance and its value at unit cost, with totals."""
    take = await visible_stocktake(session, principal, stocktake_id)
    return await stocktake_rules.report(session, take)
