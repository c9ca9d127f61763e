"""Tables of office supplies: pick-up points, the catalogue, stock levels and their ledger,
purchases and their receipts, requisitions, stocktakes, and the area's policy.

Stock is held per SKU per pick-up point in ``stock_levels``; the database refuses a level
below zero (``on_hand >= 0``, ``reserved >= 0``) and every change of ``on_hand`` is one row of
``stock_movements`` written in the same transaction, numbered per level (``line_no``, unique)
with the balance after it, so the ledger of a level always adds up to its ``on_hand``.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import get_args

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.logistics.db.models import Base
from services.logistics.domain.supplies_kinds import (
    MovementKind,
    PurchaseStatus,
    RequisitionStatus,
    StocktakeStatus,
)
from shared.kit.approvals import ApprovalRecord
from shared.kit.audit import Audited
from shared.kit.db import CreatedByMixin, IdMixin, TimestampMixin, VersionedMixin

MONEY = Numeric(14, 2)


def one_of(column: str, kinds: object) -> CheckConstraint:
    """A check that ``column`` holds one of the values of a ``Literal`` type."""
    values = ", ".join(f"'{value}'" for value in get_args(kinds))
    return CheckConstraint(f"{column} IN ({values})", name=f"{column}_valid")


class SupplyPolicy(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """The area's settings (one row): the purchase amount above which workflow approves a
    purchase, and how many days an approved requisition waits to be collected."""

    __tablename__ = "supply_policy"

    purchase_approval_threshold: Mapped[Decimal] = mapped_column(MONEY)
    collection_days: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("purchase_approval_threshold >= 0", name="threshold_not_negative"),
        CheckConstraint("collection_days >= 1", name="collection_days_positive"),
    )


class PickupPoint(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """Where supplies are kept and collected (a front desk, a store room)."""

    __tablename__ = "pickup_points"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)


class Supply(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """One SKU of the catalogue."""

    __tablename__ = "supplies"

    sku: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(60), index=True)
    reorder_point: Mapped[int] = mapped_column(Integer, default=0)
    unit_cost: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    pickup_point_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pickup_points.id"))
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        CheckConstraint("reorder_point >= 0", name="reorder_point_not_negative"),
        CheckConstraint("unit_cost >= 0", name="unit_cost_not_negative"),
    )


class StockLevel(IdMixin, Base):
    """What one pick-up point holds of one SKU. Only the ledger's writer changes it (one guarded
    UPDATE per movement); the database refuses a negative level."""

    __tablename__ = "stock_levels"

    supply_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("supplies.id"))
    pickup_point_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pickup_points.id"))
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    movements: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("supply_id", "pickup_point_id"),
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
    )


class StockMovement(IdMixin, CreatedByMixin, Base):
    """One line of the ledger: a change of a level's ``on_hand``, its cause and the balance after."""

    __tablename__ = "stock_movements"

    supply_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("supplies.id"))
    pickup_point_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pickup_points.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    kind: Mapped[MovementKind] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    cause_type: Mapped[str] = mapped_column(String(30))
    cause_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("supply_id", "pickup_point_id", "line_no"),
        Index("ix_stock_movements_cause", "cause_type", "cause_id"),
        Index("ix_stock_movements_created_at", "created_at"),
        one_of("kind", MovementKind),
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        CheckConstraint("balance_after >= 0", name="balance_not_negative"),
    )


class Purchase(
    IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, ApprovalRecord, Audited, Base
):
    """An order to a supplier, approved through workflow above the policy's threshold."""

    __tablename__ = "purchases"

    supplier_party_id: Mapped[uuid.UUID] = mapped_column(index=True)
    requester_employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    pickup_point_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pickup_points.id"))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    total: Mapped[Decimal] = mapped_column(MONEY)
    received_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    note: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[PurchaseStatus] = mapped_column(String(20), index=True)
    needs_approval: Mapped[bool] = mapped_column(default=False)
    workflow_instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        one_of("status", PurchaseStatus),
        CheckConstraint("total > 0", name="total_positive"),
        CheckConstraint(
            "received_amount >= 0 AND received_amount <= total", name="received_within_total"
        ),
    )


class PurchaseLine(IdMixin, Base):
    """What a purchase orders of one SKU, at what price, and how much has arrived."""

    __tablename__ = "purchase_lines"

    purchase_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchases.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    supply_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("supplies.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    received_quantity: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("purchase_id", "line_no"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint(
            "received_quantity >= 0 AND received_quantity <= quantity", name="received_in_range"
        ),
    )


class PurchaseReceipt(IdMixin, CreatedByMixin, Audited, Base):
    """One delivery of a purchase, taken into stock (the fact finance turns into a payable)."""

    __tablename__ = "purchase_receipts"

    purchase_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchases.id"), index=True)
    received_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(MONEY)
    note: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime]

    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)


class PurchaseReceiptLine(IdMixin, Base):
    """What one receipt brought of one purchase line, and the ledger line it made."""

    __tablename__ = "purchase_receipt_lines"

    receipt_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchase_receipts.id"), index=True)
    purchase_line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchase_lines.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    movement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_movements.id"))

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)


class Requisition(
    IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, ApprovalRecord, Audited, Base
):
    """An employee's request for supplies: approved in workflow, reserved, picked, collected."""

    __tablename__ = "requisitions"

    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    pickup_point_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pickup_points.id"))
    purpose: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[RequisitionStatus] = mapped_column(String(20), index=True)
    workflow_instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    collect_by: Mapped[datetime | None] = mapped_column(default=None, index=True)
    picked_at: Mapped[datetime | None] = mapped_column(default=None)
    collected_at: Mapped[datetime | None] = mapped_column(default=None)
    released_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (one_of("status", RequisitionStatus),)


class RequisitionLine(IdMixin, Base):
    """One SKU of a requisition: asked, reserved on approval, picked, collected."""

    __tablename__ = "requisition_lines"

    requisition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("requisitions.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    supply_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("supplies.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    picked: Mapped[int] = mapped_column(Integer, default=0)
    collected: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("requisition_id", "line_no"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("reserved >= 0 AND reserved <= quantity", name="reserved_in_range"),
        CheckConstraint("picked >= 0 AND picked <= reserved", name="picked_in_range"),
        CheckConstraint("collected >= 0 AND collected <= quantity", name="collected_in_range"),
    )


class Stocktake(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A count of one pick-up point against the levels frozen when it began."""

    __tablename__ = "stocktakes"

    pickup_point_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pickup_points.id"))
    status: Mapped[StocktakeStatus] = mapped_column(String(20), index=True)
    frozen_at: Mapped[datetime]
    posted_at: Mapped[datetime | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(String(500), default="")
    note: Mapped[str] = mapped_column(String(2000), default="")

    __table_args__ = (
        one_of("status", StocktakeStatus),
        Index(
            "uq_stocktakes_counting_point",
            "pickup_point_id",
            unique=True,
            postgresql_where=text("status = 'counting'"),
            sqlite_where=text("status = 'counting'"),
        ),
    )


class StocktakeLine(IdMixin, Base):
    """One SKU of a count sheet: the level frozen at its start and what was counted."""

    __tablename__ = "stocktake_lines"

    stocktake_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stocktakes.id"), index=True)
    supply_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("supplies.id"))
    expected: Mapped[int] = mapped_column(Integer)
    counted: Mapped[int | None] = mapped_column(Integer, default=None)
    unit_cost: Mapped[Decimal] = mapped_column(MONEY)
    movement_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("stock_movements.id"), default=None
    )

    __table_args__ = (
        UniqueConstraint("stocktake_id", "supply_id"),
        CheckConstraint("expected >= 0", name="expected_not_negative"),
        CheckConstraint("counted IS NULL OR counted >= 0", name="counted_not_negative"),
    )
