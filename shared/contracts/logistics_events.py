"""Payloads of the events logistics publishes about facilities, repairs, supplies, purchases and requisitions.

``logistics.purchase.received`` is a posting fact (:mod:`shared.contracts.posting_facts`): finance
turns each receipt into a payable to the supplier (component ``goods``, one per supply category,
the supplier as party).
"""

import uuid
from datetime import date, datetime

from pydantic import Field

from shared.contracts.events import EventPayload, event_contract
from shared.contracts.money import Money
from shared.contracts.posting_facts import PostingFact

__all__ = ["EventPayload", "event_contract"]


# ---- supplies ------------------------------------------------------------------------------


class SupplyPolicyEvent(EventPayload):
    """The supplies policy as it is after the change."""

    purchase_approval_threshold: Money
    collection_days: int


@event_contract("logistics.supply_policy.updated")
class SupplyPolicyUpdated(SupplyPolicyEvent):
    """Logistics changed the purchase approval threshold or the collection days."""


class PickupPointEvent(EventPayload):
    """A pick-up point as it is after the change."""

    code: str
    name: str
    active: bool


@event_contract("logistics.pickup_point.created")
class PickupPointCreated(PickupPointEvent):
    """A new pick-up point."""


@event_contract("logistics.pickup_point.updated")
class PickupPointUpdated(PickupPointEvent):
    """A pick-up point was renamed, moved, or (de)activated."""


class SupplyEvent(EventPayload):
    """A catalogue entry as it is after the change."""

    sku: str
    name: str
    unit: str
    category: str
    reorder_point: int
    pickup_point_id: uuid.UUID
    active: bool


@event_contract("logistics.supply.created")
class SupplyCreated(SupplyEvent):
    """A SKU was added to the catalogue."""


@event_contract("logistics.supply.updated")
class SupplyUpdated(SupplyEvent):
    """A SKU's catalogue entry changed (deactivated included)."""


@event_contract("logistics.stock_movement.recorded")
class StockMovementRecorded(EventPayload):
    """One line of the stock ledger: a receipt, issue, adjustment or half of a transfer."""

    supply_id: uuid.UUID
    sku: str
    pickup_point_id: uuid.UUID
    line_no: int
    kind: str = Field(description="receipt, issue, adjustment, transfer_out or transfer_in.")
    quantity: int = Field(description="The change of the stock on hand (negative: out).")
    balance_after: int
    cause_type: str
    cause_id: uuid.UUID | None = None
    reason: str = ""


class PurchaseEvent(EventPayload):
    """A purchase as it is after the change."""

    supplier_party_id: uuid.UUID
    total: Money
    received_amount: Money
    currency: str = "CNY"
    status: str


@event_contract("logistics.purchase.submitted")
class PurchaseSubmitted(PurchaseEvent):
    """A purchase was recorded; above the threshold its approval follows."""

    needs_approval: bool


@event_contract("logistics.purchase.approved")
class PurchaseApproved(PurchaseEvent):
    """The purchase was approved (by workflow, or at once below the threshold)."""


@event_contract("logistics.purchase.rejected")
class PurchaseRejected(PurchaseEvent):
    """The purchase was rejected, or workflow refused to start its approval."""

    reason: str


@event_contract("logistics.purchase.cancelled")
class PurchaseCancelled(PurchaseEvent):
    """The purchase was cancelled before anything was received (its approval withdrawn)."""

    reason: str


@event_contract("logistics.purchase.received")
class PurchaseReceived(PostingFact):
    """A delivery of a purchase was taken into stock: finance records a payable to the supplier.

    ``source_id`` is the receipt's id (one fact per receipt; a partial delivery is a receipt of
    its own); each component is ``goods`` for one supply category, with the supplier as party.
    """

    purchase_id: uuid.UUID
    receipt_id: uuid.UUID
    supplier_party_id: uuid.UUID
    status: str = Field(
        description="The purchase after the receipt: partially_received or received."
    )


class RequisitionLineData(EventPayload):
    """One SKU of a requisition."""

    supply_id: uuid.UUID
    quantity: int
    reserved: int
    picked: int
    collected: int


class RequisitionEvent(EventPayload):
    """A requisition as it is after the change."""

    employee_id: uuid.UUID
    pickup_point_id: uuid.UUID
    status: str
    collect_by: datetime | None = None
    lines: list[RequisitionLineData]


@event_contract("logistics.requisition.submitted")
class RequisitionSubmitted(RequisitionEvent):
    """An employee asked for supplies; the approval follows."""


@event_contract("logistics.requisition.approved")
class RequisitionApproved(RequisitionEvent):
    """Approved: what stock allowed is reserved until ``collect_by``."""


@event_contract("logistics.requisition.rejected")
class RequisitionRejected(RequisitionEvent):
    """Rejected (or workflow refused to start the approval)."""

    reason: str


@event_contract("logistics.requisition.cancelled")
class RequisitionCancelled(RequisitionEvent):
    """Cancelled by the requester or logistics; a reservation was released."""

    reason: str


@event_contract("logistics.requisition.picked")
class RequisitionPicked(RequisitionEvent):
    """Logistics put the supplies ready at the pick-up point."""


@event_contract("logistics.requisition.collected")
class RequisitionCollected(RequisitionEvent):
    """The requester confirmed the collection; the collected quantities left stock."""


@event_contract("logistics.requisition.expired")
class RequisitionExpired(RequisitionEvent):
    """Not collected in time: the reservation was released."""


class StocktakeEvent(EventPayload):
    """A stocktake as it is after the change."""

    pickup_point_id: uuid.UUID
    status: str
    frozen_at: datetime
    lines: int
    variance_lines: int = 0


@event_contract("logistics.stocktake.started")
class StocktakeStarted(StocktakeEvent):
    """A count sheet was frozen."""


@event_contract("logistics.stocktake.counted")
class StocktakeCounted(StocktakeEvent):
    """Counts were entered on the sheet (``counted_lines`` of ``lines`` so far)."""

    counted_lines: int


@event_contract("logistics.stocktake.posted")
class StocktakePosted(StocktakeEvent):
    """The counts were posted: each variance became an adjustment in the ledger."""


@event_contract("logistics.stocktake.cancelled")
class StocktakeCancelled(StocktakeEvent):
    """The count was abandoned; stock did not change."""


# ---- facilities ----------------------------------------------------------------------------


@event_contract("logistics.facility_policy.updated")
class FacilityPolicyUpdated(EventPayload):
    """Logistics changed the days a resolved repair waits for its confirmation."""

    repair_auto_close_days: int


class SpaceEvent(EventPayload):
    """A space as it is after the change."""

    building: str
    floor: str
    room: str
    kind: str
    active: bool


@event_contract("logistics.space.created")
class SpaceCreated(SpaceEvent):
    """A new space."""


@event_contract("logistics.space.updated")
class SpaceUpdated(SpaceEvent):
    """A space changed."""


class FacilityEvent(EventPayload):
    """A facility as it is after the change."""

    asset_tag: str
    name: str
    category: str
    status: str
    space_id: uuid.UUID | None = None
    warranty_until: date | None = None


@event_contract("logistics.facility.created")
class FacilityCreated(FacilityEvent):
    """A facility was registered."""


@event_contract("logistics.facility.updated")
class FacilityUpdated(FacilityEvent):
    """A facility changed (moved, status, warranty)."""


class MaintenanceScheduleEvent(EventPayload):
    """A maintenance schedule as it is after the change."""

    facility_id: uuid.UUID | None = None
    space_id: uuid.UUID | None = None
    title: str
    rule: str = Field(description="``every 3 months`` or a cron rule.")
    next_due_on: date | None = None
    active: bool


@event_contract("logistics.maintenance_schedule.created")
class MaintenanceScheduleCreated(MaintenanceScheduleEvent):
    """A schedule was set up."""


@event_contract("logistics.maintenance_schedule.updated")
class MaintenanceScheduleUpdated(MaintenanceScheduleEvent):
    """A schedule changed (rule, title, paused or resumed)."""


class WorkOrderEvent(EventPayload):
    """A work order as it is after the change."""

    schedule_id: uuid.UUID | None = None
    facility_id: uuid.UUID | None = None
    space_id: uuid.UUID | None = None
    title: str
    due_on: date
    status: str


@event_contract("logistics.work_order.created")
class WorkOrderCreated(WorkOrderEvent):
    """A schedule came due (or logistics opened a work order by hand)."""


@event_contract("logistics.work_order.started")
class WorkOrderStarted(WorkOrderEvent):
    """Work began."""


@event_contract("logistics.work_order.completed")
class WorkOrderCompleted(WorkOrderEvent):
    """The work was done."""


@event_contract("logistics.work_order.cancelled")
class WorkOrderCancelled(WorkOrderEvent):
    """The work order was dropped."""


class RepairRequestEvent(EventPayload):
    """A repair request as it is after the change."""

    requester_employee_id: uuid.UUID
    facility_id: uuid.UUID | None = None
    space_id: uuid.UUID | None = None
    urgency: str
    status: str
    assignee: str | None = None
    cost: Money | None = None


@event_contract("logistics.repair_request.filed")
class RepairRequestFiled(RepairRequestEvent):
    """An employee reported something broken."""


@event_contract("logistics.repair_request.assigned")
class RepairRequestAssigned(RepairRequestEvent):
    """Logistics gave the repair to someone."""


@event_contract("logistics.repair_request.started")
class RepairRequestStarted(RepairRequestEvent):
    """The repair is in progress."""


@event_contract("logistics.repair_request.resolved")
class RepairRequestResolved(RepairRequestEvent):
    """Repaired: cost recorded, parts issued from stock."""


@event_contract("logistics.repair_request.confirmed")
class RepairRequestConfirmed(RepairRequestEvent):
    """The requester confirmed the repair."""


@event_contract("logistics.repair_request.closed")
class RepairRequestClosed(RepairRequestEvent):
    """Closed without the requester's confirmation, after the waiting days."""


@event_contract("logistics.repair_request.cancelled")
class RepairRequestCancelled(RepairRequestEvent):
    """Withdrawn by the requester or dropped by logistics before it was resolved."""

    reason: str
