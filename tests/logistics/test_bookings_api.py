"""Rooms and bookings through the API: no overlap, recurring series all or nothing, the
refusals, the free-slot search, and who sees what."""

import asyncio

from sqlalchemy import text

from tests.logistics.conftest import API, LogisticsService
from tests.logistics.meetings_helpers import (
    ALICE,
    BOB,
    add_room,
    at,
    book,
    ok,
    problem,
)


async def test_logistics_adds_rooms_and_everyone_sees_them(logistics: LogisticsService) -> None:
    room = await add_room(logistics, capacity=12, equipment=["projector", "whiteboard"])
    assert room["capacity"] == 12 and room["active"] is True
    listed = ok(await logistics.client.get(f"{API}/rooms", headers=logistics.employee(ALICE)))
    assert [r["id"] for r in listed["items"]] == [room["id"]]
    problem(
        await logistics.client.post(
            f"{API}/rooms", json={"name": "x", "capacity": 2}, headers=logistics.employee(ALICE)
        ),
        403,
        "logistics_only",
    )
    problem(
        await logistics.client.post(
            f"{API}/rooms", json={"name": room["name"], "capacity": 2}, headers=logistics.staff()
        ),
        409,
        "room_name_taken",
    )


async def test_a_room_changes_with_if_match(logistics: LogisticsService) -> None:
    room = await add_room(logistics)
    url = f"{API}/rooms/{room['id']}"
    stale = await logistics.client.patch(
        url, json={"capacity": 20}, headers={**logistics.staff(), "If-Match": '"9"'}
    )
    assert stale.status_code == 412
    changed = ok(
        await logistics.client.patch(
            url, json={"capacity": 20}, headers={**logistics.staff(), "If-Match": '"1"'}
        )
    )
    assert changed["capacity"] == 20 and changed["version"] == 2


async def test_an_employee_books_a_free_room_and_an_overlap_is_refused(
    logistics: LogisticsService,
) -> None:
    room = await add_room(logistics)
    first = ok(await book(logistics, room["id"], at(1), at(1, 1)), 201)
    assert first["booker_employee_id"] == str(ALICE) and first["status"] == "active"
    clash = problem(
        await book(logistics, room["id"], at(1, 0.5), at(1, 1.5), who=BOB), 409, "room_booked"
    )
    assert [c["booking_id"] for c in clash["conflicts"]] == [first["id"]]
    # touching is not overlapping
    ok(await book(logistics, room["id"], at(1, 1), at(1, 2), who=BOB), 201)


async def test_the_refusals_of_a_booking(logistics: LogisticsService) -> None:
    room = await add_room(logistics, capacity=4)
    problem(await book(logistics, room["id"], at(-1), at(-1, 1)), 422, "booking_in_past")
    problem(await book(logistics, room["id"], at(1, 2), at(1, 1)), 422, "times_out_of_order")
    problem(await book(logistics, room["id"], at(1, 2), at(1, 2)), 422, "times_out_of_order")
    problem(
        await book(logistics, room["id"], at(1), at(1, 1), attendee_count=5), 422, "room_too_small"
    )
    problem(
        await book(logistics, "0193a8c0-0000-7000-8000-000000000000", at(1), at(1, 1)),
        422,
        "unknown_room",
    )
    problem(
        await book(logistics, room["id"], at(1), at(1, 1), booker_employee_id=str(BOB)),
        403,
        "logistics_only",
    )
    listed = ok(await logistics.client.get(f"{API}/bookings", headers=logistics.staff()))
    assert listed["items"] == []


async def test_a_recurring_booking_is_booked_whole_or_not_at_all(
    logistics: LogisticsService,
) -> None:
    room = await add_room(logistics)
    blocker = ok(await book(logistics, room["id"], at(14, 1.5), at(14, 3), who=BOB), 201)
    refused = problem(
        await book(
            logistics,
            room["id"],
            at(0, 1),
            at(0, 2),
            recurrence={"frequency": "weekly", "count": 4},
        ),
        409,
        "room_booked",
    )
    assert [c["booking_id"] for c in refused["conflicts"]] == [blocker["id"]]
    mine = ok(
        await logistics.client.get(f"{API}/bookings?booker=me", headers=logistics.employee(ALICE))
    )
    assert mine["items"] == []
    first = ok(
        await book(
            logistics,
            room["id"],
            at(0, 1),
            at(0, 2),
            recurrence={"frequency": "daily", "until": "2026-03-15"},
        ),
        201,
    )
    series = ok(
        await logistics.client.get(
            f"{API}/bookings?series_id={first['series_id']}", headers=logistics.employee(ALICE)
        )
    )
    assert [b["starts_at"][:10] for b in series["items"]] == [
        "2026-03-11",
        "2026-03-12",
        "2026-03-13",
        "2026-03-14",
        "2026-03-15",
    ]
    # cancel the second and everything after it
    second = series["items"][1]
    ok(
        await logistics.client.post(
            f"{API}/bookings/{second['id']}/cancel",
            json={"whole_series": True},
            headers=logistics.employee(ALICE),
        )
    )
    active = ok(
        await logistics.client.get(
            f"{API}/bookings?series_id={first['series_id']}&status=active",
            headers=logistics.employee(ALICE),
        )
    )
    assert [b["id"] for b in active["items"]] == [first["id"]]


async def test_bookings_are_seen_by_their_booker_logistics_and_auditors(
    logistics: LogisticsService,
) -> None:
    room = await add_room(logistics)
    mine = ok(await book(logistics, room["id"], at(1), at(1, 1)), 201)
    url = f"{API}/bookings/{mine['id']}"
    for headers in (logistics.employee(ALICE), logistics.staff(), logistics.auditor()):
        ok(await logistics.client.get(url, headers=headers))
    problem(await logistics.client.get(url, headers=logistics.employee(BOB)), 404, "not_found")
    problem(
        await logistics.client.post(f"{url}/cancel", headers=logistics.employee(BOB)),
        404,
        "not_found",
    )
    theirs = ok(await logistics.client.get(f"{API}/bookings", headers=logistics.employee(BOB)))
    assert theirs["items"] == []
    cancelled = ok(await logistics.client.post(f"{url}/cancel", headers=logistics.staff()))
    assert cancelled["status"] == "cancelled"
    problem(
        await logistics.client.post(f"{url}/cancel", headers=logistics.staff()),
        409,
        "booking_not_active",
    )
    # the room is free again
    ok(await book(logistics, room["id"], at(1), at(1, 1), who=BOB), 201)


async def test_free_slots_per_room_by_capacity_and_equipment(logistics: LogisticsService) -> None:
    big = await add_room(logistics, "Big", capacity=20, equipment=["projector", "video_conference"])
    small = await add_room(logistics, "Small", capacity=4, equipment=["projector"])
    await add_room(logistics, "Busy", capacity=30, equipment=["video_conference"])
    ok(await book(logistics, big["id"], at(1, 1), at(1, 2)), 201)
    window = f"from={at(1)}&to={at(1, 4)}"
    found = ok(
        await logistics.client.get(
            f"{API}/rooms/availability?{window}&capacity=10&equipment=video_conference&equipment=projector",
            headers=logistics.employee(BOB),
        )
    )
    assert [r["name"] for r in found["rooms"]] == ["Big"]
    assert found["rooms"][0]["free"] == [
        {"starts_at": at(1), "ends_at": at(1, 1)},
        {"starts_at": at(1, 2), "ends_at": at(1, 4)},
    ]
    every = ok(
        await logistics.client.get(
            f"{API}/rooms/availability?{window}", headers=logistics.employee(BOB)
        )
    )
    assert [r["name"] for r in every["rooms"]] == ["Big", "Busy", "Small"]
    assert small["id"] in {r["room_id"] for r in every["rooms"]}
    problem(
        await logistics.client.get(
            f"{API}/rooms/availability?from={at(1)}&to={at(40)}", headers=logistics.employee(BOB)
        ),
        422,
        "availability_window_too_long",
    )
    problem(
        await logistics.client.get(
            f"{API}/rooms/availability?from={at(2)}&to={at(1)}", headers=logistics.employee(BOB)
        ),
        422,
        "times_out_of_order",
    )


async def test_twenty_concurrent_requests_for_one_slot_book_it_once(
    logistics: LogisticsService,
) -> None:
    room = await add_room(logistics, capacity=50)
    answers = await asyncio.gather(
        *(book(logistics, room["id"], at(2), at(2, 1), who=BOB) for _ in range(20))
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * 19, [
        a.text for a in answers if a.status_code not in (201, 409)
    ]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"room_booked"}
    listed = ok(
        await logistics.client.get(
            f"{API}/bookings?room_id={room['id']}", headers=logistics.staff()
        )
    )
    assert len(listed["items"]) == 1


async def test_the_database_refuses_an_overlap_written_around_the_api(
    logistics: LogisticsService,
) -> None:
    room = await add_room(logistics)
    first = ok(await book(logistics, room["id"], at(1), at(1, 1)), 201)
    engine = logistics.app.state.runtime.engine
    refused = False
    async with engine.connect() as conn:
        row = (await conn.execute(text("SELECT * FROM bookings"))).mappings().one()
        values = {**row, "id": "0193a8c0-0000-7000-8000-0000000000ff"}
        if conn.dialect.name == "sqlite":
            values["id"] = values["id"].replace("-", "")
        columns = ", ".join(values)
        params = ", ".join(f":{k}" for k in values)
        try:
            await conn.execute(text(f"INSERT INTO bookings ({columns}) VALUES ({params})"), values)
        except Exception as exc:  # the database's own refusal
            refused = "room_booked" in str(exc) or "bookings_no_overlap" in str(exc)
        await conn.rollback()
    assert refused
    assert first["status"] == "active"


async def test_admins_manage_rooms_and_auditors_only_read(logistics: LogisticsService) -> None:
    made = ok(
        await logistics.client.post(
            f"{API}/rooms", json={"name": "Admin's", "capacity": 3}, headers=logistics.admin()
        ),
        201,
    )
    problem(
        await logistics.client.post(
            f"{API}/rooms", json={"name": "Audit", "capacity": 3}, headers=logistics.auditor()
        ),
        403,
        "logistics_only",
    )
    problem(
        await logistics.client.patch(
            f"{API}/rooms/{made['id']}", json={"capacity": 4}, headers=logistics.auditor()
        ),
        403,
        "logistics_only",
    )
    ok(await logistics.client.get(f"{API}/rooms/{made['id']}", headers=logistics.auditor()))
