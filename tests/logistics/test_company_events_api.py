"""Company events: places, the waitlist promoted in order, the deadline, attendance, who sees
what, and concurrent sign-ups that never exceed capacity (both databases)."""

import asyncio
import uuid
from typing import Any

from sqlalchemy import text

from tests.logistics.conftest import API, LogisticsService
from tests.logistics.meetings_helpers import (
    ALICE,
    BOB,
    CAROL,
    DAVE,
    at,
    ok,
    problem,
    recorded_events,
)


async def announce(service: LogisticsService, capacity: int = 2, **extra: Any) -> dict[str, Any]:
    body = {
        "title": "春季团建 Spring team building",
        "kind": "team_building",
        "starts_at": at(10),
        "ends_at": at(10, 8),
        "signup_deadline": at(5),
        "capacity": capacity,
        **extra,
    }
    return ok(
        await service.client.post(f"{API}/company-events", json=body, headers=service.staff()), 201
    )


async def sign_up(service: LogisticsService, event_id: str, who: uuid.UUID) -> Any:
    return await service.client.post(
        f"{API}/company-events/{event_id}/signups", headers=service.employee(who)
    )


async def test_a_full_event_puts_sign_ups_on_the_waitlist_and_a_cancellation_promotes_the_first(
    logistics: LogisticsService,
) -> None:
    event = await announce(logistics, capacity=2)
    a = ok(await sign_up(logistics, event["id"], ALICE), 201)
    b = ok(await sign_up(logistics, event["id"], BOB), 201)
    c = ok(await sign_up(logistics, event["id"], CAROL), 201)
    d = ok(await sign_up(logistics, event["id"], DAVE), 201)
    assert [s["status"] for s in (a, b, c, d)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    url = f"{API}/company-events/{event['id']}"
    read = ok(await logistics.client.get(url, headers=logistics.employee(DAVE)))
    assert (read["taken"], read["waitlisted"], read["places_left"]) == (2, 2, 0)
    problem(await sign_up(logistics, event["id"], ALICE), 409, "already_signed_up")
    ok(
        await logistics.client.post(
            f"{url}/signups/{a['id']}/cancel", headers=logistics.employee(ALICE)
        )
    )
    carol = ok(
        await logistics.client.get(f"{url}/signups/{c['id']}", headers=logistics.employee(CAROL))
    )
    assert carol["status"] == "confirmed"
    dave = ok(
        await logistics.client.get(f"{url}/signups/{d['id']}", headers=logistics.employee(DAVE))
    )
    assert dave["status"] == "waitlisted"
    # a waiting person withdrawing frees no place
    ok(
        await logistics.client.post(
            f"{url}/signups/{d['id']}/cancel", headers=logistics.employee(DAVE)
        )
    )
    read = ok(await logistics.client.get(url, headers=logistics.staff()))
    assert (read["taken"], read["waitlisted"]) == (2, 0)
    # signing up again after a cancellation is allowed
    again = ok(await sign_up(logistics, event["id"], ALICE), 201)
    assert again["status"] == "waitlisted"
    types = await recorded_events(logistics, "logistics.event_signup.")
    assert (
        "logistics.event_signup.promoted" in types and "logistics.event_signup.waitlisted" in types
    )


async def test_more_places_go_to_the_waitlist_and_fewer_than_taken_is_refused(
    logistics: LogisticsService,
) -> None:
    event = await announce(logistics, capacity=1)
    ok(await sign_up(logistics, event["id"], ALICE), 201)
    waiting = ok(await sign_up(logistics, event["id"], BOB), 201)
    url = f"{API}/company-events/{event['id']}"
    grown = ok(await logistics.client.patch(url, json={"capacity": 3}, headers=logistics.staff()))
    assert (grown["taken"], grown["waitlisted"], grown["places_left"]) == (2, 0, 1)
    bob = ok(
        await logistics.client.get(
            f"{url}/signups/{waiting['id']}", headers=logistics.employee(BOB)
        )
    )
    assert bob["status"] == "confirmed"
    problem(
        await logistics.client.patch(url, json={"capacity": 1}, headers=logistics.staff()),
        409,
        "capacity_below_signups",
    )
    problem(
        await logistics.client.patch(url, json={"capacity": 5}, headers=logistics.employee(ALICE)),
        403,
        "logistics_only",
    )


async def test_a_sign_up_after_the_deadline_is_refused(logistics: LogisticsService) -> None:
    event = await announce(logistics)
    logistics.now = logistics.now.replace(day=16, hour=10)  # past the deadline of the 16th 09:00
    problem(await sign_up(logistics, event["id"], ALICE), 409, "signup_closed")
    listed = ok(
        await logistics.client.get(
            f"{API}/company-events/{event['id']}/signups", headers=logistics.staff()
        )
    )
    assert listed["items"] == []


async def test_the_refusals_of_an_event(logistics: LogisticsService) -> None:
    response = await logistics.client.post(
        f"{API}/company-events",
        json={
            "title": "x",
            "kind": "festival",
            "starts_at": at(10),
            "ends_at": at(10, 8),
            "signup_deadline": at(11),
            "capacity": 5,
        },
        headers=logistics.staff(),
    )
    problem(response, 422, "deadline_after_start")
    problem(
        await logistics.client.post(
            f"{API}/company-events",
            json={
                "title": "x",
                "kind": "festival",
                "starts_at": at(10),
                "ends_at": at(9),
                "signup_deadline": at(5),
                "capacity": 5,
            },
            headers=logistics.staff(),
        ),
        422,
        "times_out_of_order",
    )
    event = await announce(logistics)
    url = f"{API}/company-events/{event['id']}"
    ok(await logistics.client.post(f"{url}/cancel", headers=logistics.staff()))
    problem(await sign_up(logistics, event["id"], ALICE), 409, "event_cancelled")


async def test_attendance_is_recorded_by_logistics_once_the_event_started(
    logistics: LogisticsService,
) -> None:
    event = await announce(logistics, capacity=1)
    placed = ok(await sign_up(logistics, event["id"], ALICE), 201)
    waiting = ok(await sign_up(logistics, event["id"], BOB), 201)
    url = f"{API}/company-events/{event['id']}/signups"
    problem(
        await logistics.client.post(
            f"{url}/{placed['id']}/attendance", json={"attended": True}, headers=logistics.staff()
        ),
        409,
        "event_not_started",
    )
    logistics.now = logistics.now.replace(day=21, hour=12)
    problem(
        await logistics.client.post(
            f"{url}/{placed['id']}/attendance",
            json={"attended": True},
            headers=logistics.employee(ALICE),
        ),
        403,
        "logistics_only",
    )
    came = ok(
        await logistics.client.post(
            f"{url}/{placed['id']}/attendance", json={"attended": True}, headers=logistics.staff()
        )
    )
    assert came["attended"] is True
    problem(
        await logistics.client.post(
            f"{url}/{waiting['id']}/attendance", json={"attended": True}, headers=logistics.staff()
        ),
        409,
        "signup_not_confirmed",
    )


async def test_employees_see_their_own_sign_ups_and_auditors_all(
    logistics: LogisticsService,
) -> None:
    event = await announce(logistics)
    mine = ok(await sign_up(logistics, event["id"], ALICE), 201)
    ok(await sign_up(logistics, event["id"], BOB), 201)
    url = f"{API}/company-events/{event['id']}/signups"
    alice = ok(await logistics.client.get(url, headers=logistics.employee(ALICE)))
    assert [s["id"] for s in alice["items"]] == [mine["id"]]
    assert len(ok(await logistics.client.get(url, headers=logistics.auditor()))["items"]) == 2
    problem(
        await logistics.client.get(f"{url}/{mine['id']}", headers=logistics.employee(BOB)),
        404,
        "not_found",
    )
    problem(
        await logistics.client.post(f"{url}/{mine['id']}/cancel", headers=logistics.employee(BOB)),
        404,
        "not_found",
    )


async def test_concurrent_sign_ups_never_exceed_capacity(logistics: LogisticsService) -> None:
    event = await announce(logistics, capacity=5)
    people = [uuid.uuid4() for _ in range(20)]
    answers = await asyncio.gather(*(sign_up(logistics, event["id"], p) for p in people))
    assert [a.status_code for a in answers] == [201] * 20, [
        a.text for a in answers if a.status_code != 201
    ]
    statuses = sorted(a.json()["status"] for a in answers)
    assert statuses == ["confirmed"] * 5 + ["waitlisted"] * 15
    async with logistics.app.state.runtime.engine.connect() as conn:
        taken = (
            await conn.execute(
                text("SELECT taken FROM company_event_seats WHERE event_id = :e"),
                {
                    "e": event["id"]
                    if conn.dialect.name == "postgresql"
                    else event["id"].replace("-", "")
                },
            )
        ).scalar_one()
    assert taken == 5
    # the database itself refuses a sixth place
    refused = False
    async with logistics.app.state.runtime.engine.connect() as conn:
        try:
            await conn.execute(text("UPDATE company_event_seats SET taken = taken + 1"))
        except Exception as exc:
            refused = "within_capacity" in str(exc) or "CHECK" in str(exc).upper()
        await conn.rollback()
    assert refused


async def test_concurrent_cancellations_each_promote_one_waiting_person(
    logistics: LogisticsService,
) -> None:
    event = await announce(logistics, capacity=3)
    placed = [ok(await sign_up(logistics, event["id"], uuid.uuid4()), 201) for _ in range(3)]
    waiting = [ok(await sign_up(logistics, event["id"], uuid.uuid4()), 201) for _ in range(5)]
    url = f"{API}/company-events/{event['id']}"
    answers = await asyncio.gather(
        *(
            logistics.client.post(f"{url}/signups/{s['id']}/cancel", headers=logistics.staff())
            for s in placed
        )
    )
    assert [a.status_code for a in answers] == [200] * 3, [a.text for a in answers]
    read = ok(await logistics.client.get(url, headers=logistics.staff()))
    assert (read["taken"], read["waitlisted"]) == (3, 2)
    statuses = [
        ok(await logistics.client.get(f"{url}/signups/{s['id']}", headers=logistics.staff()))[
            "status"
        ]
        for s in waiting
    ]
    assert statuses == ["confirmed"] * 3 + ["waitlisted"] * 2  # the first three waiting, in order
