"""Helpers of the travel tests: org as logistics' client sees it (an employee with a position
and its grade), behind the same client as the kit's FakeWorkflow."""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx

from services.logistics.db.travel import TravelStandard
from shared.kit.testing import FakeWorkflow
from tests.logistics.conftest import API, LogisticsService

DEPARTMENT = uuid.UUID("0193a8c0-0000-7000-8000-0000000000d1")


@dataclass
class OrgAndWorkflow(FakeWorkflow):
    """FakeWorkflow that also answers org's employee and position reads."""

    employees: dict[str, dict[str, Any]] = field(default_factory=dict)
    positions: dict[str, dict[str, Any]] = field(default_factory=dict)
    org_down: bool = False

    def person(self, grade: str | None = "P5", status: str = "active") -> uuid.UUID:
        """An employee org knows, with a position of ``grade`` (none when None)."""
        employee_id = uuid.uuid4()
        position_id = None
        if grade is not None:
            position_id = str(uuid.uuid4())
            self.positions[position_id] = {"id": position_id, "grade": grade, "title": "工程师"}
        self.employees[str(employee_id)] = {
            "id": str(employee_id),
            "department_id": str(DEPARTMENT),
            "position_id": position_id,
            "status": status,
        }
        return employee_id

    async def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.startswith("/api/v1/org/"):
            if self.org_down:
                return httpx.Response(503, json={"status": 503})
            kind, key = path.split("/")[4:6]
            found = (self.employees if kind == "employees" else self.positions).get(key)
            return httpx.Response(200, json=found) if found else httpx.Response(404, json={})
        return await super().handle(request)


async def use_org(logistics: LogisticsService) -> OrgAndWorkflow:
    """Swap the service's client for one that reaches the fake org and workflow."""
    fake = OrgAndWorkflow()
    logistics.workflow = fake
    logistics.app.state.runtime.client = fake.client()
    return fake


async def standard(
    logistics: LogisticsService,
    grade: str = "*",
    tier: str = "tier1",
    *,
    hotel: str = "500.00",
    per_diem: str = "120.00",
    transport: str = "economy",
    effective_from: date = date(2026, 1, 1),
    effective_to: date | None = None,
) -> dict[str, Any]:
    """Set a standard as logistics."""
    answer = await logistics.client.post(
        f"{API}/travel-standards",
        json={
            "grade": grade,
            "city_tier": tier,
            "hotel_cap_per_night": hotel,
            "per_diem": per_diem,
            "transport_class": transport,
            "effective_from": effective_from.isoformat(),
            "effective_to": effective_to.isoformat() if effective_to else None,
        },
        headers=logistics.staff(),
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def trip(
    logistics: LogisticsService,
    traveller: uuid.UUID,
    *,
    start: date | None = None,
    days: int = 3,
    tier: str = "tier1",
    estimate: str = "4000.00",
    advance: str = "1000.00",
) -> dict[str, Any]:
    """A travel request filed by the traveller."""
    start = start or logistics.now.date() + timedelta(days=7)
    answer = await logistics.client.post(
        f"{API}/travel-requests",
        json={
            "destination": "深圳",
            "city_tier": tier,
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=days - 1)).isoformat(),
            "purpose": "客户现场部署",
            "estimated_cost": estimate,
            "advance": advance,
        },
        headers=logistics.employee(traveller),
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def outcome(logistics: LogisticsService, instance_id: str, outcome: str) -> None:
    """workflow decides an instance and logistics applies the outcome, as its consumer does."""
    from services.logistics.domain.travel import REIMBURSEMENT_SAGA, REQUEST_SAGA
    from shared.kit.consumer import apply_event

    logistics.workflow.decide(instance_id, outcome)
    event = logistics.workflow.completed(instance_id, outcome)
    body = logistics.workflow.instances[instance_id]
    saga = REQUEST_SAGA if body["subject"]["type"] == "travel_request" else REIMBURSEMENT_SAGA
    await apply_event(logistics.app.state.runtime, "test-outcomes", event, saga.apply_outcome)


async def approved_trip(
    logistics: LogisticsService, traveller: uuid.UUID, **kwargs: Any
) -> dict[str, Any]:
    """A trip filed and approved in workflow."""
    request = await trip(logistics, traveller, **kwargs)
    await outcome(logistics, request["workflow_instance_id"], "approved")
    answer = await logistics.client.get(
        f"{API}/travel-requests/{request['id']}", headers=logistics.employee(traveller)
    )
    assert answer.json()["status"] == "approved"
    return dict(answer.json())


def money(value: str) -> Decimal:
    return Decimal(value)


__all__ = ["TravelStandard"]
