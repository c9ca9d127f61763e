"""Helpers of the supplies tests: a pick-up point, SKUs with stock, approvals decided in the fake
workflow and delivered as workflow's feed would, and the ledger's sums."""

import uuid
from typing import Any

from sqlalchemy import func, select

from services.logistics.background.supplies import OUTCOMES_CURSOR, apply_outcome
from services.logistics.db.supplies import Requisition, RequisitionLine, StockLevel, StockMovement
from shared.kit.consumer import apply_event
from tests.logistics.conftest import API, LogisticsService

SUPPLIER = "0193a8c0-0000-7000-8000-00000000c201"
EMPLOYEE = uuid.UUID("0193a8c0-0000-7000-8000-0000000000e1")
OTHER_EMPLOYEE = uuid.UUID("0193a8c0-0000-7000-8000-0000000000e2")
STAFF_EMPLOYEE = uuid.UUID("0193a8c0-0000-7000-8000-0000000000e9")


def ok(response: Any, status: int = 200) -> Any:
    """The JSON of an answer that must have ``status``."""
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


def staff_with_employee(service: LogisticsService) -> dict[str, str]:
    """Logistics staff whose account is linked to an employee (may start approvals)."""
    return service.as_user("logistics", employee_id=STAFF_EMPLOYEE, username="lily")


async def pickup_point(service: LogisticsService, code: str = "HQ-1F") -> dict[str, Any]:
    """A new pick-up point."""
    return ok(
        await service.client.post(
            f"{API}/pickup-points",
            json={"code": code, "name": f"point {code}"},
            headers=service.staff(),
        ),
        201,
    )


async def supply(
    service: LogisticsService,
    point: dict[str, Any],
    *,
    sku: str = "PEN-BLK-05",
    stock: int = 0,
    reorder_point: int = 0,
    category: str = "stationery",
    unit_cost: str = "2.50",
) -> dict[str, Any]:
    """A new SKU at ``point`` with ``stock`` received into it."""
    created = ok(
        await service.client.post(
            f"{API}/supplies",
            json={
                "sku": sku,
                "name": f"item {sku}",
                "unit": "支",
                "category": category,
                "reorder_point": reorder_point,
                "unit_cost": unit_cost,
                "pickup_point_id": point["id"],
            },
            headers=service.staff(),
        ),
        201,
    )
    if stock:
        await move(service, "receipt", created["id"], quantity=stock)
    return created


async def move(service: LogisticsService, kind: str, supply_id: str, **fields: Any) -> Any:
    """Record a movement by hand as logistics staff; returns the raw answer."""
    return await service.client.post(
        f"{API}/stock-movements",
        json={"kind": kind, "supply_id": supply_id, **fields},
        headers=service.staff(),
    )


async def read_supply(service: LogisticsService, supply_id: str) -> dict[str, Any]:
    """A SKU with its stock."""
    return ok(await service.client.get(f"{API}/supplies/{supply_id}", headers=service.staff()))


async def deliver(
    service: LogisticsService, subject_id: object, subject_type: str, outcome: str
) -> None:
    """workflow decides the subject's approval and its outcome arrives on the feed."""
    instance = service.workflow.instance_of(subject_id, subject_type)
    service.workflow.decide(instance, outcome)
    event = service.workflow.completed(instance, outcome)
    await apply_event(service.app.state.runtime, OUTCOMES_CURSOR, event, apply_outcome)


async def requisition(
    service: LogisticsService, employee: uuid.UUID, lines: list[tuple[str, int]], **fields: Any
) -> dict[str, Any]:
    """An employee's requisition (pending its approval)."""
    return ok(
        await service.client.post(
            f"{API}/requisitions",
            json={"lines": [{"supply_id": s, "quantity": q} for s, q in lines], **fields},
            headers=service.employee(employee),
        ),
        201,
    )


async def approved_requisition(
    service: LogisticsService, employee: uuid.UUID, lines: list[tuple[str, int]]
) -> dict[str, Any]:
    """A requisition approved in workflow (its stock reserved)."""
    created = await requisition(service, employee, lines)
    await deliver(service, created["id"], "requisition", "approved")
    return ok(
        await service.client.get(
            f"{API}/requisitions/{created['id']}", headers=service.employee(employee)
        )
    )


async def ledger_sums(service: LogisticsService) -> list[tuple[Any, ...]]:
    """Per level: on hand, the sum of its ledger, the last balance, the count of lines and the
    level's movement counter; they must agree."""
    runtime = service.app.state.runtime
    async with runtime.sessionmaker() as session:
        levels = (await session.scalars(select(StockLevel))).all()
        out = []
        for level in levels:
            total, count, last = (
                await session.execute(
                    select(
                        func.coalesce(func.sum(StockMovement.quantity), 0),
                        func.count(),
                        func.max(StockMovement.line_no),
                    ).where(
                        StockMovement.supply_id == level.supply_id,
                        StockMovement.pickup_point_id == level.pickup_point_id,
                    )
                )
            ).one()
            final = await session.scalar(
                select(StockMovement.balance_after).where(
                    StockMovement.supply_id == level.supply_id,
                    StockMovement.pickup_point_id == level.pickup_point_id,
                    StockMovement.line_no == last,
                )
            )
            out.append((level.on_hand, int(total), final if last else 0, count, level.movements))
        return out


async def assert_ledger_adds_up(service: LogisticsService) -> None:
    """Every level equals the sum of its ledger and its last running balance, lines numbered
    without gaps; and each level's reservation equals what live requisitions hold."""
    for on_hand, total, final, count, counter in await ledger_sums(service):
        assert on_hand == total == final
        assert count == counter
        assert on_hand >= 0
    runtime = service.app.state.runtime
    async with runtime.sessionmaker() as session:
        held = dict(
            (
                await session.execute(
                    select(RequisitionLine.supply_id, func.sum(RequisitionLine.reserved))
                    .join(Requisition, Requisition.id == RequisitionLine.requisition_id)
                    .where(Requisition.status.in_(("approved", "picked")))
                    .group_by(RequisitionLine.supply_id)
                )
            )
            .tuples()
            .all()
        )
        for level in (await session.scalars(select(StockLevel))).all():
            assert level.reserved == held.get(level.supply_id, 0)


async def outbox(service: LogisticsService, event_type: str) -> list[Any]:
    """The events of a type the service has recorded (published or not), oldest first."""
    runtime = service.app.state.runtime
    table = runtime.tables.outbox
    async with runtime.sessionmaker() as session:
        rows = (
            await session.execute(
                select(table).where(table.c.type == event_type).order_by(table.c.occurred_at)
            )
        ).all()
    return [row._mapping for row in rows]
