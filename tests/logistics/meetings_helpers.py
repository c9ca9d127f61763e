"""Helpers of the rooms, bookings, meetings, company events and vehicles tests."""

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from services.logistics.db.models import KIT
from services.logistics.domain import notices, vehicle_requests
from shared.kit.consumer import apply_event
from tests.logistics.conftest import API, NOW, LogisticsService

ALICE = uuid.UUID("0193a8c0-0000-7000-8000-0000000000a1")
BOB = uuid.UUID("0193a8c0-0000-7000-8000-0000000000b2")
CAROL = uuid.UUID("0193a8c0-0000-7000-8000-0000000000c3")
DAVE = uuid.UUID("0193a8c0-0000-7000-8000-0000000000d4")


def at(days: float = 1, hours: float = 0) -> str:
    """A time ``days`` and ``hours`` after the tests' now, as the API writes it."""
    return (NOW + timedelta(days=days, hours=hours)).isoformat().replace("+00:00", "Z")


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


async def add_room(
    service: LogisticsService,
    name: str = "长城 Great Wall",
    capacity: int = 10,
    equipment: list[str] | None = None,
    building: str = "A",
) -> dict[str, Any]:
    response = await service.client.post(
        f"{API}/rooms",
        json={
            "name": name,
            "capacity": capacity,
            "equipment": equipment if equipment is not None else ["projector"],
            "building": building,
            "floor": "3",
        },
        headers=service.staff(),
    )
    return ok(response, 201)


async def book(
    service: LogisticsService,
    room_id: str,
    starts_at: str,
    ends_at: str,
    *,
    who: uuid.UUID = ALICE,
    attendee_count: int = 2,
    **extra: Any,
) -> httpx.Response:
    return await service.client.post(
        f"{API}/bookings",
        json={
            "room_id": room_id,
            "title": "sync",
            "starts_at": starts_at,
            "ends_at": ends_at,
            "attendee_count": attendee_count,
            **extra,
        },
        headers=service.employee(who),
    )


async def sweep_notices(service: LogisticsService) -> int:
    """Run the notice sweep once, as background/meetings.py does."""
    return await notices.deliver_due(service.app.state.runtime)


async def recorded_events(service: LogisticsService, prefix: str = "logistics.") -> list[str]:
    """The types of the events recorded so far (published or not yet), oldest first."""
    outbox = KIT.outbox
    async with service.app.state.runtime.engine.connect() as conn:
        rows = await conn.execute(
            select(outbox.c.type)
            .where(outbox.c.type.startswith(prefix))
            .order_by(outbox.c.occurred_at, outbox.c.id)
        )
        return [row[0] for row in rows]


async def add_vehicle(
    service: LogisticsService, plate: str = "京A12345", seats: int = 7, **extra: Any
) -> dict[str, Any]:
    response = await service.client.post(
        f"{API}/vehicles",
        json={"plate": plate, "seats": seats, "make_model": "Buick GL8", **extra},
        headers=service.staff(),
    )
    return ok(response, 201)


async def ask_vehicle(
    service: LogisticsService,
    who: uuid.UUID = ALICE,
    *,
    starts: float = 24,
    hours: float = 4,
    passengers: int = 3,
) -> dict[str, Any]:
    response = await service.client.post(
        f"{API}/vehicle-requests",
        json={
            "purpose": "client visit",
            "destination": "airport",
            "passengers": passengers,
            "starts_at": at(0, starts),
            "ends_at": at(0, starts + hours),
        },
        headers=service.employee(who),
    )
    return ok(response, 201)


async def decide_vehicle_request(
    service: LogisticsService, request_id: str, outcome: str = "approved"
) -> None:
    """workflow decides the request's approval and logistics applies the outcome."""
    instance = service.workflow.instance_of(request_id, "vehicle_request")
    service.workflow.decide(instance, outcome)
    await apply_event(
        service.app.state.runtime,
        "workflow-outcomes-vehicles",
        service.workflow.completed(instance, outcome),
        vehicle_requests.SAGA.apply_outcome,
    )


async def approved_request(service: LogisticsService, **kwargs: Any) -> dict[str, Any]:
    made = await ask_vehicle(service, **kwargs)
    await decide_vehicle_request(service, made["id"])
    return made
