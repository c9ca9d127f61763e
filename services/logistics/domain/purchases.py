"""Purchases: ordered from a supplier, approved (through workflow above the policy's threshold),
received into stock in one or more deliveries, each delivery a posting fact for finance.

The approval runs on the kit's saga (``SAGA`` at the end of the module): the route records the
purchase, commits, and only then does the saga ask workflow to start the ``purchase`` approval.
"""

import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.supplies import (
    Purchase,
    PurchaseLine,
    PurchaseReceipt,
    PurchaseReceiptLine,
    Supply,
)
from services.logistics.domain import stock
from services.logistics.domain import supplies as catalogue
from services.logistics.domain.stock import Change
from services.logistics.schemas.supplies import PurchaseCreate, ReceiptCreate
from shared.contracts.logistics_events import (
    PurchaseApproved,
    PurchaseCancelled,
    PurchaseReceived,
    PurchaseRejected,
    PurchaseSubmitted,
)
from shared.contracts.posting_facts import FactComponent
from shared.contracts.principal import Principal
from shared.kit.approvals import Approval, ApprovalSaga, Backoff, StartRequest
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, ServiceUnavailable, Unprocessable, not_found
from shared.kit.outbox import record_event
from shared.kit.service_client import ServiceClient

SUBJECT_TYPE = "purchase"
RECEIVABLE = ("approved", "partially_received")
CENT = Decimal("0.01")
MAX_TOTAL = Decimal("999999999999.99")  # what Numeric(14, 2) holds


def needs_approval(total: Decimal, threshold: Decimal) -> bool:
    """Workflow approves a purchase whose total is above the threshold; up to it, it is approved
    at once."""
    return total > threshold


def line_amount(quantity: int, unit_price: Decimal) -> Decimal:
    """What a quantity costs at a unit price, to the cent."""
    return (unit_price * quantity).quantize(CENT)


def status_after_receipt(
    lines: list[tuple[int, int]],
) -> Literal["partially_received", "received"]:
    """``received`` once every line (ordered, received) has fully arrived, else partially."""
    return "received" if all(got >= ordered for ordered, got in lines) else "partially_received"


async def lines_of(session: AsyncSession, purchase_id: uuid.UUID) -> list[PurchaseLine]:
    """A purchase's lines, in order."""
    return list(
        (
            await session.scalars(
                select(PurchaseLine)
                .where(PurchaseLine.purchase_id == purchase_id)
                .order_by(PurchaseLine.line_no)
            )
        ).all()
    )


async def _event(session: AsyncSession, event_type: str, purchase: Purchase, **extra: Any) -> None:
    models: dict[str, Any] = {
        "logistics.purchase.submitted": PurchaseSubmitted,
        "logistics.purchase.approved": PurchaseApproved,
        "logistics.purchase.rejected": PurchaseRejected,
        "logistics.purchase.cancelled": PurchaseCancelled,
    }
    await record_event(
        session,
        event_type,
        subject_type=SUBJECT_TYPE,
        subject_id=purchase.id,
        data=models[event_type](
            supplier_party_id=purchase.supplier_party_id,
            total=purchase.total,
            received_amount=purchase.received_amount,
            currency=purchase.currency,
            status=purchase.status,
            **extra,
        ),
    )


async def create(session: AsyncSession, principal: Principal, payload: PurchaseCreate) -> Purchase:
    """Record a purchase: approved at once up to the threshold, else awaiting its approval
    (started once committed). The staff member's account must be linked to an employee when
    workflow is to approve it (422 ``no_employee``)."""
    items: dict[uuid.UUID, Supply] = {}
    for line in payload.lines:
        items[line.supply_id] = await catalogue.named_supply(session, line.supply_id)
    if len(items) != len(payload.lines):
        raise Unprocessable("a purchase lists each SKU once", code="duplicate_line")
    where = payload.pickup_point_id or items[payload.lines[0].supply_id].pickup_point_id
    await catalogue.usable_pickup_point(session, where)
    total = sum((line_amount(x.quantity, x.unit_price) for x in payload.lines), Decimal("0.00"))
    if total <= 0 or total > MAX_TOTAL:
        raise Unprocessable(
            f"a purchase costs more than nothing and at most {MAX_TOTAL}", code="invalid_purchase"
        )
    threshold = (await catalogue.policy(session)).purchase_approval_threshold
    approval = needs_approval(total, threshold)
    if approval and principal.employee_id is None:
        raise Unprocessable(
            f"a purchase over {threshold} is approved in workflow, which needs the requester's "
            "employee record: this account is linked to none",
            code="no_employee",
        )
    purchase = Purchase(
        supplier_party_id=payload.supplier_party_id,
        requester_employee_id=principal.employee_id,
        pickup_point_id=where,
        total=total,
        note=payload.note,
        status="pending_approval" if approval else "approved",
        needs_approval=approval,
        decided_at=None if approval else utcnow(),
        created_by=principal.sub,
    )
    if approval:
        SAGA.begin(purchase, APPROVAL)
    session.add(purchase)
    await session.flush()
    for number, line in enumerate(payload.lines, start=1):
        session.add(
            PurchaseLine(
                purchase_id=purchase.id,
                line_no=number,
                supply_id=line.supply_id,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line_amount(line.quantity, line.unit_price),
            )
        )
    await session.flush()
    await _event(session, "logistics.purchase.submitted", purchase, needs_approval=approval)
    if not approval:
        await _event(session, "logistics.purchase.approved", purchase)
    return purchase


async def get(session: AsyncSession, purchase_id: uuid.UUID) -> Purchase:
    """A purchase, or 404."""
    found = await session.get(Purchase, purchase_id)
    if found is None:
        raise not_found("purchase", purchase_id)
    return found


def query(*, status: str | None, supplier_party_id: uuid.UUID | None) -> Select[tuple[Purchase]]:
    """Purchases, filtered."""
    found = select(Purchase)
    if status:
        found = found.where(Purchase.status == status)
    if supplier_party_id:
        found = found.where(Purchase.supplier_party_id == supplier_party_id)
    return found


async def cancel(
    session: AsyncSession, workflow: ServiceClient, purchase: Purchase, reason: str
) -> Purchase:
    """Cancel before anything arrived; a pending approval is withdrawn first (409
    ``approval_already_completed`` when workflow has just decided)."""
    if purchase.status == "pending_approval":
        purchase.status = "cancelled"
        purchase.decided_at = utcnow()
        await _event(session, "logistics.purchase.cancelled", purchase, reason=reason)
        await session.flush()
        await SAGA.withdraw(session, workflow, purchase, APPROVAL)
    elif purchase.status in ("approved", "approval_refused"):
        purchase.status = "cancelled"
        await _event(session, "logistics.purchase.cancelled", purchase, reason=reason)
    else:
        raise Conflict(
            f"a {purchase.status.replace('_', ' ')} purchase cannot be cancelled",
            code="invalid_purchase_transition",
        )
    await session.flush()
    return purchase


async def receive(
    session: AsyncSession,
    principal: Principal,
    purchase: Purchase,
    payload: ReceiptCreate,
    today: date,
) -> PurchaseReceipt:
    """Take a delivery into stock: each line's quantity (no more than is still to come) goes to
    the ledger as a receipt, and the delivery is published as ``logistics.purchase.received``,
    the fact finance turns into a payable to the supplier."""
    await stock.lock_record(session, purchase)  # two deliveries of one line queue here
    if purchase.status not in RECEIVABLE:
        raise Conflict(
            f"a {purchase.status.replace('_', ' ')} purchase cannot be received",
            code="invalid_purchase_transition",
        )
    lines = {line.id: line for line in await lines_of(session, purchase.id)}
    seen: set[uuid.UUID] = set()
    for entry in payload.lines:
        line = lines.get(entry.line_id)
        if line is None:
            raise Unprocessable(
                f"line {entry.line_id} is not a line of this purchase", code="unknown_line"
            )
        if entry.line_id in seen:
            raise Unprocessable("a receipt lists each line once", code="duplicate_line")
        seen.add(entry.line_id)
        if line.received_quantity + entry.quantity > line.quantity:
            raise Conflict(
                f"line {line.line_no} ordered {line.quantity}, {line.received_quantity} arrived "
                f"already: {entry.quantity} more is too many",
                code="over_receipt",
                line_id=str(line.id),
                outstanding=line.quantity - line.received_quantity,
            )
    receipt = PurchaseReceipt(
        purchase_id=purchase.id,
        received_on=payload.received_on or today,
        amount=Decimal("0.00"),
        note=payload.note,
        created_by=principal.sub,
        created_at=utcnow(),
    )
    session.add(receipt)
    await session.flush()
    by_category: dict[str, Decimal] = defaultdict(Decimal)
    for entry in payload.lines:
        line = lines[entry.line_id]
        item = await catalogue.supply(session, line.supply_id)
        movement = await stock.move(
            session,
            item,
            purchase.pickup_point_id,
            kind="receipt",
            change=Change(on_hand=entry.quantity),
            cause_type="purchase",
            cause_id=purchase.id,
            reason=f"purchase receipt {receipt.id}",
            actor=principal.sub,
        )
        await session.flush()
        amount = line_amount(entry.quantity, line.unit_price)
        line.received_quantity += entry.quantity
        receipt.amount += amount
        by_category[item.category] += amount
        session.add(
            PurchaseReceiptLine(
                receipt_id=receipt.id,
                purchase_line_id=line.id,
                quantity=entry.quantity,
                amount=amount,
                movement_id=movement.id,
            )
        )
    purchase.received_amount += receipt.amount
    purchase.status = status_after_receipt(
        [(line.quantity, line.received_quantity) for line in lines.values()]
    )
    await session.flush()
    components = [
        FactComponent(
            component="goods",
            amount=amount,
            category=category[:60],
            party_id=purchase.supplier_party_id,
            description=f"{category} supplies received"[:200],
        )
        for category, amount in sorted(by_category.items())
        if amount > 0
    ]
    if components:  # a free delivery is stock, not a payable
        await record_event(
            session,
            "logistics.purchase.received",
            subject_type=SUBJECT_TYPE,
            subject_id=purchase.id,
            data=PurchaseReceived(
                source_id=str(receipt.id),
                occurred_on=receipt.received_on,
                memo=f"Purchase {purchase.id} receipt {receipt.received_on.isoformat()}",
                components=components,
                purchase_id=purchase.id,
                receipt_id=receipt.id,
                supplier_party_id=purchase.supplier_party_id,
                status=purchase.status,
            ),
        )
    return receipt


async def receipts_of(
    session: AsyncSession, purchase_id: uuid.UUID
) -> list[tuple[PurchaseReceipt, list[PurchaseReceiptLine]]]:
    """A purchase's receipts, oldest first, each with its lines."""
    receipts = (
        await session.scalars(
            select(PurchaseReceipt)
            .where(PurchaseReceipt.purchase_id == purchase_id)
            .order_by(PurchaseReceipt.created_at, PurchaseReceipt.id)
        )
    ).all()
    lines = (
        await session.scalars(
            select(PurchaseReceiptLine).where(
                PurchaseReceiptLine.receipt_id.in_([r.id for r in receipts])
            )
        )
    ).all()
    return [(r, [line for line in lines if line.receipt_id == r.id]) for r in receipts]


# ---- the approval, on the kit saga -----------------------------------------------------------


async def _describe(session: AsyncSession, purchase: Purchase) -> StartRequest:
    if purchase.requester_employee_id is None:
        raise ServiceUnavailable("this purchase has no requester to start its approval")
    lines = await lines_of(session, purchase.id)
    return StartRequest(
        requester_employee_id=purchase.requester_employee_id,
        title=f"采购审批：¥{purchase.total}",
        summary=f"{len(lines)} line(s), ¥{purchase.total}. {purchase.note}",
        data={"amount": str(purchase.total), "lines": len(lines)},
    )


async def _approved(session: AsyncSession, purchase: Purchase) -> None:
    purchase.status = "approved"
    purchase.decided_at = utcnow()
    await _event(session, "logistics.purchase.approved", purchase)


async def _ended(session: AsyncSession, purchase: Purchase, status: str, reason: str) -> None:
    purchase.status = status  # type: ignore[assignment]
    purchase.decided_at = utcnow()
    event = (
        "logistics.purchase.cancelled" if status == "withdrawn" else "logistics.purchase.rejected"
    )
    await _event(session, event, purchase, reason=reason)


async def _rejected(session: AsyncSession, purchase: Purchase) -> None:
    await _ended(session, purchase, "rejected", "rejected")


async def _withdrawn(session: AsyncSession, purchase: Purchase) -> None:
    await _ended(session, purchase, "withdrawn", "withdrawn")


async def _refused(session: AsyncSession, purchase: Purchase) -> None:
    await _ended(session, purchase, "approval_refused", "approval refused by workflow")


APPROVAL: Approval[Purchase] = Approval(
    subject_type=SUBJECT_TYPE,
    definition_key="purchase",
    instance_attr="workflow_instance_id",
    is_open=lambda purchase: purchase.status == "pending_approval",
    describe=_describe,
    outcomes={"approved": _approved, "rejected": _rejected, "withdrawn": _withdrawn},
    refused=_refused,
)
SAGA = ApprovalSaga("logistics", Purchase, [APPROVAL], backoff=Backoff())
