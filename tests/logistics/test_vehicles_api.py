"""Vehicles: the fleet, maintenance due by date and by odometer, requests approved through
workflow, dispatch never doubled for a vehicle or a driver (race-tested on both databases),
trips with a monotonic odometer, fuel and tolls, and who sees what."""

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from services.logistics.domain import vehicle_requests
from services.logistics.domain.vehicle_rules import check_odometer, maintenance_due
from services.logistics.reference import load_reference_data
from shared.kit.errors import Unprocessable
from shared.kit.testing import TokenMinter
from tests.conftest import TestDatabase
from tests.logistics.conftest import API, LogisticsService, start_logistics
from tests.logistics.meetings_helpers import (
    ALICE,
    BOB,
    CAROL,
    DAVE,
    add_vehicle,
    approved_request,
    ask_vehicle,
    decide_vehicle_request,
    ok,
    problem,
    recorded_events,
)

TODAY = date(2026, 3, 11)


def test_maintenance_is_due_by_date_or_by_odometer() -> None:
    def due(**kw: Any) -> list[str]:
        base: dict[str, Any] = {
            "today": TODAY,
            "odometer_km": 1000,
            "next_date": None,
            "next_km": None,
            "within_days": 14,
            "within_km": 500,
        }
        return maintenance_due(**{**base, **kw})

    assert due() == []
    assert due(next_date=date(2026, 3, 25)) == ["date"]
    assert due(next_date=date(2026, 3, 26)) == []
    assert due(next_date=date(2026, 1, 1)) == ["date"]
    assert due(next_km=1500) == ["odometer"]
    assert due(next_km=1501) == []
    assert due(next_km=900, next_date=date(2026, 3, 1)) == ["date", "odometer"]


def test_an_odometer_never_goes_down() -> None:
    check_odometer(100, 100)
    check_odometer(100, 101)
    try:
        check_odometer(100, 99)
    except Unprocessable as exc:
        assert exc.code == "odometer_decreased"
    else:
        raise AssertionError("a lower reading was accepted")


async def test_the_fleet_is_managed_by_logistics(logistics: LogisticsService) -> None:
    car = await add_vehicle(logistics, plate="京A 12345")
    assert car["plate"] == "京A12345"
    problem(
        await logistics.client.post(
            f"{API}/vehicles", json={"plate": "京a12345", "seats": 5}, headers=logistics.staff()
        ),
        409,
        "plate_taken",
    )
    problem(
        await logistics.client.post(
            f"{API}/vehicles", json={"plate": "京B1", "seats": 5}, headers=logistics.employee(ALICE)
        ),
        403,
        "logistics_only",
    )
    listed = ok(await logistics.client.get(f"{API}/vehicles", headers=logistics.employee(ALICE)))
    assert [v["plate"] for v in listed["items"]] == ["京A12345"]


async def test_maintenance_logs_move_the_odometer_and_the_next_due(
    logistics: LogisticsService,
) -> None:
    car = await add_vehicle(logistics, odometer_km=9800, next_maintenance_km=10000)
    other = await add_vehicle(logistics, plate="京B2", next_maintenance_date="2026-03-20")
    await add_vehicle(
        logistics, plate="京C3", next_maintenance_date="2026-12-01", next_maintenance_km=90000
    )
    due = ok(
        await logistics.client.get(f"{API}/vehicles/due-for-maintenance", headers=logistics.staff())
    )
    assert {d["vehicle"]["plate"]: d["reasons"] for d in due} == {
        "京A12345": ["odometer"],
        "京B2": ["date"],
    }
    problem(
        await logistics.client.get(
            f"{API}/vehicles/due-for-maintenance", headers=logistics.employee(ALICE)
        ),
        403,
        "logistics_only",
    )
    url = f"{API}/vehicles/{car['id']}/maintenance"
    problem(
        await logistics.client.post(
            url,
            json={"performed_on": "2026-03-10", "odometer_km": 9000, "description": "oil"},
            headers=logistics.staff(),
        ),
        422,
        "odometer_decreased",
    )
    logged = ok(
        await logistics.client.post(
            url,
            json={
                "performed_on": "2026-03-10",
                "odometer_km": 9850,
                "description": "oil",
                "cost": "680.00",
                "next_due_km": 19850,
                "next_due_date": "2026-09-10",
            },
            headers=logistics.staff(),
        ),
        201,
    )
    assert logged["cost"] == "680.00"
    due = ok(
        await logistics.client.get(
            f"{API}/vehicles/due-for-maintenance", headers=logistics.auditor()
        )
    )
    assert [d["vehicle"]["id"] for d in due] == [other["id"]]
    log = ok(await logistics.client.get(url, headers=logistics.auditor()))
    assert [m["odometer_km"] for m in log["items"]] == [9850]


async def test_a_request_is_approved_in_workflow_then_dispatched(
    logistics: LogisticsService,
) -> None:
    car = await add_vehicle(logistics)
    made = await ask_vehicle(logistics)
    assert made["status"] == "pending" and made["workflow_instance_id"] is not None
    [started] = logistics.workflow.started()
    assert started["definition_key"] == "vehicle_request"
    assert started["subject"] == {
        "service": "logistics",
        "type": "vehicle_request",
        "id": made["id"],
    }
    url = f"{API}/vehicle-requests/{made['id']}"
    problem(
        await logistics.client.post(
            f"{url}/dispatch",
            json={"vehicle_id": car["id"], "driver_employee_id": str(DAVE)},
            headers=logistics.staff(),
        ),
        409,
        "request_not_approved",
    )
    await decide_vehicle_request(logistics, made["id"])
    assert (
        ok(await logistics.client.get(url, headers=logistics.employee(ALICE)))["status"]
        == "approved"
    )
    problem(
        await logistics.client.post(
            f"{url}/dispatch",
            json={"vehicle_id": car["id"], "driver_employee_id": str(DAVE)},
            headers=logistics.employee(ALICE),
        ),
        403,
        "logistics_only",
    )
    dispatch = ok(
        await logistics.client.post(
            f"{url}/dispatch",
            json={"vehicle_id": car["id"], "driver_employee_id": str(DAVE)},
            headers=logistics.staff(),
        ),
        201,
    )
    assert dispatch["vehicle_id"] == car["id"]
    assert (
        ok(await logistics.client.get(url, headers=logistics.employee(ALICE)))["status"]
        == "dispatched"
    )
    types = await recorded_events(logistics, "logistics.vehicle_request.")
    assert types == [
        "logistics.vehicle_request.submitted",
        "logistics.vehicle_request.approved",
        "logistics.vehicle_request.dispatched",
    ]


async def test_a_rejected_request_cannot_be_dispatched_and_a_pending_one_is_withdrawn(
    logistics: LogisticsService,
) -> None:
    car = await add_vehicle(logistics)
    rejected = await ask_vehicle(logistics)
    await decide_vehicle_request(logistics, rejected["id"], "rejected")
    problem(
        await logistics.client.post(
            f"{API}/vehicle-requests/{rejected['id']}/dispatch",
            json={"vehicle_id": car["id"], "driver_employee_id": str(DAVE)},
            headers=logistics.staff(),
        ),
        409,
        "request_not_approved",
    )
    pending = await ask_vehicle(logistics, BOB)
    cancelled = ok(
        await logistics.client.post(
            f"{API}/vehicle-requests/{pending['id']}/cancel", headers=logistics.employee(BOB)
        )
    )
    assert cancelled["status"] == "cancelled"
    assert logistics.workflow.withdrawn == [pending["workflow_instance_id"]]


async def test_a_vehicle_and_a_driver_are_never_dispatched_twice_at_once(
    logistics: LogisticsService,
) -> None:
    car = await add_vehicle(logistics)
    van = await add_vehicle(logistics, plate="京B2")
    first = await approved_request(logistics, starts=24, hours=4)
    second = await approved_request(logistics, who=BOB, starts=26, hours=4)

    async def dispatch(request: dict[str, Any], vehicle: dict[str, Any], driver: uuid.UUID) -> Any:
        return await logistics.client.post(
            f"{API}/vehicle-requests/{request['id']}/dispatch",
            json={"vehicle_id": vehicle["id"], "driver_employee_id": str(driver)},
            headers=logistics.staff(),
        )

    ok(await dispatch(first, car, DAVE), 201)
    problem(await dispatch(second, car, CAROL), 409, "vehicle_booked")
    problem(await dispatch(second, van, DAVE), 409, "driver_booked")
    ok(await dispatch(second, van, CAROL), 201)
    # cancelling frees both for others
    ok(
        await logistics.client.post(
            f"{API}/vehicle-requests/{first['id']}/cancel", headers=logistics.staff()
        )
    )
    third = await approved_request(logistics, who=CAROL, starts=25, hours=1)
    ok(await dispatch(third, car, DAVE), 201)


async def _race(logistics: LogisticsService, same_vehicle: bool) -> list[Any]:
    fleet = [
        await add_vehicle(logistics, plate=f"京R{i}") for i in range(1 if same_vehicle else 20)
    ]
    requests = [
        await approved_request(logistics, who=uuid.uuid4(), starts=48, hours=2) for _ in range(20)
    ]

    async def dispatch(i: int) -> Any:
        vehicle = fleet[0] if same_vehicle else fleet[i]
        driver = uuid.uuid4() if same_vehicle else DAVE
        return await logistics.client.post(
            f"{API}/vehicle-requests/{requests[i]['id']}/dispatch",
            json={"vehicle_id": vehicle["id"], "driver_employee_id": str(driver)},
            headers=logistics.staff(),
        )

    return list(await asyncio.gather(*(dispatch(i) for i in range(20))))


async def test_twenty_concurrent_dispatches_of_one_vehicle_give_exactly_one(
    logistics: LogisticsService,
) -> None:
    answers = await _race(logistics, same_vehicle=True)
    assert sorted(a.status_code for a in answers) == [201] + [409] * 19, [
        a.text for a in answers if a.status_code not in (201, 409)
    ]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"vehicle_booked"}


async def test_twenty_concurrent_dispatches_of_one_driver_give_exactly_one(
    logistics: LogisticsService,
) -> None:
    answers = await _race(logistics, same_vehicle=False)
    assert sorted(a.status_code for a in answers) == [201] + [409] * 19, [
        a.text for a in answers if a.status_code not in (201, 409)
    ]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"driver_booked"}


async def test_a_trip_records_odometer_fuel_and_tolls_and_the_odometer_only_grows(
    logistics: LogisticsService,
) -> None:
    car = await add_vehicle(logistics, odometer_km=42000)
    made = await approved_request(logistics)
    ok(
        await logistics.client.post(
            f"{API}/vehicle-requests/{made['id']}/dispatch",
            json={"vehicle_id": car["id"], "driver_employee_id": str(DAVE)},
            headers=logistics.staff(),
        ),
        201,
    )
    problem(
        await logistics.client.post(
            f"{API}/trips",
            json={"request_id": made["id"], "odometer_out": 41999},
            headers=logistics.staff(),
        ),
        422,
        "odometer_decreased",
    )
    trip = ok(
        await logistics.client.post(
            f"{API}/trips",
            json={"request_id": made["id"], "odometer_out": 42010},
            headers=logistics.staff(),
        ),
        201,
    )
    assert trip["vehicle_id"] == car["id"] and trip["driver_employee_id"] == str(DAVE)
    problem(
        await logistics.client.post(
            f"{API}/trips",
            json={"vehicle_id": car["id"], "odometer_out": 42010},
            headers=logistics.staff(),
        ),
        409,
        "trip_open",
    )
    url = f"{API}/trips/{trip['id']}/complete"
    problem(
        await logistics.client.post(url, json={"odometer_in": 42000}, headers=logistics.staff()),
        422,
        "odometer_decreased",
    )
    done = ok(
        await logistics.client.post(
            url,
            json={"odometer_in": 42096, "fuel_cost": "120.50", "tolls": "35.00"},
            headers=logistics.staff(),
        )
    )
    assert (done["distance_km"], done["fuel_cost"], done["tolls"]) == (86, "120.50", "35.00")
    problem(
        await logistics.client.post(url, json={"odometer_in": 42100}, headers=logistics.staff()),
        409,
        "trip_completed",
    )
    vehicle = ok(
        await logistics.client.get(f"{API}/vehicles/{car['id']}", headers=logistics.staff())
    )
    assert vehicle["odometer_km"] == 42096
    request = ok(
        await logistics.client.get(
            f"{API}/vehicle-requests/{made['id']}", headers=logistics.employee(ALICE)
        )
    )
    assert request["status"] == "completed"
    # the requester sees the trip, a stranger does not
    ok(await logistics.client.get(f"{API}/trips/{trip['id']}", headers=logistics.employee(ALICE)))
    problem(
        await logistics.client.get(f"{API}/trips/{trip['id']}", headers=logistics.employee(BOB)),
        404,
        "not_found",
    )
    # and the database refuses a lower odometer written around the API
    refused = False
    async with logistics.app.state.runtime.engine.connect() as conn:
        try:
            await conn.execute(text("UPDATE vehicles SET odometer_km = 1"))
        except Exception as exc:
            refused = "odometer_decreased" in str(exc)
        await conn.rollback()
    assert refused


async def test_vehicle_requests_are_seen_by_their_requester_logistics_and_auditors(
    logistics: LogisticsService,
) -> None:
    made = await ask_vehicle(logistics)
    url = f"{API}/vehicle-requests/{made['id']}"
    for headers in (logistics.employee(ALICE), logistics.staff(), logistics.auditor()):
        ok(await logistics.client.get(url, headers=headers))
    problem(await logistics.client.get(url, headers=logistics.employee(BOB)), 404, "not_found")
    problem(
        await logistics.client.post(f"{url}/cancel", headers=logistics.employee(BOB)),
        404,
        "not_found",
    )
    assert (
        ok(await logistics.client.get(f"{API}/vehicle-requests", headers=logistics.employee(BOB)))[
            "items"
        ]
        == []
    )
    problem(
        await logistics.client.post(
            f"{API}/vehicle-requests",
            json={
                "purpose": "x",
                "destination": "y",
                "passengers": 1,
                "starts_at": "2026-03-10T09:00:00Z",
                "ends_at": "2026-03-10T10:00:00Z",
            },
            headers=logistics.employee(ALICE),
        ),
        422,
        "booking_in_past",
    )


async def test_demo_data_brings_rooms_and_a_fleet(
    database_url: TestDatabase, minter: TokenMinter, tmp_path: Path
) -> None:
    async for service in start_logistics(database_url, minter, tmp_path, demo=True):
        rooms = ok(await service.client.get(f"{API}/rooms", headers=service.employee(ALICE)))
        fleet = ok(await service.client.get(f"{API}/vehicles", headers=service.employee(ALICE)))
        assert len(rooms["items"]) >= 5 and len(fleet["items"]) >= 4
        # loading it again adds nothing
        await load_reference_data(
            url=database_url.url, schema=database_url.schema, data_dir=tmp_path, demo=True
        )
        again = ok(await service.client.get(f"{API}/vehicles", headers=service.employee(ALICE)))
        assert len(again["items"]) == len(fleet["items"])


async def test_a_request_filed_while_workflow_is_down_is_started_by_the_sweep(
    logistics: LogisticsService,
) -> None:
    logistics.workflow.down = True
    made = await ask_vehicle(logistics)
    assert made["status"] == "pending" and made["workflow_instance_id"] is None
    logistics.workflow.down = False
    runtime = logistics.app.state.runtime
    later = datetime.now(UTC) + timedelta(hours=1)
    assert await vehicle_requests.SAGA.sweep(runtime, runtime.service_client, now=later) == 1
    found = ok(
        await logistics.client.get(
            f"{API}/vehicle-requests/{made['id']}", headers=logistics.employee(ALICE)
        )
    )
    assert found["workflow_instance_id"] is not None
    assert len(logistics.workflow.started()) == 1


async def test_a_request_workflow_refuses_to_start_ends_approval_refused(
    logistics: LogisticsService,
) -> None:
    logistics.workflow.refuse_starts = True
    made = await ask_vehicle(logistics)
    found = ok(
        await logistics.client.get(
            f"{API}/vehicle-requests/{made['id']}", headers=logistics.employee(ALICE)
        )
    )
    assert found["status"] == "approval_refused"
    assert await recorded_events(logistics, "logistics.vehicle_request.rejected") == [
        "logistics.vehicle_request.rejected"
    ]
