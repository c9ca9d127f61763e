"""Meetings through the API: scheduling books the room, notices reach the attendees' inbox
(even after workflow was down), answers, moves, cancellation, minutes and action items, and
who sees what."""

from typing import Any

import httpx
from sqlalchemy import select

from services.logistics.db.meetings import MeetingNotice
from shared.kit.service_client import ServiceClient
from tests.logistics.conftest import API, LogisticsService
from tests.logistics.meetings_helpers import (
    ALICE,
    BOB,
    CAROL,
    DAVE,
    add_room,
    at,
    book,
    ok,
    problem,
    recorded_events,
    sweep_notices,
)


async def schedule(service: LogisticsService, room_id: str | None, **extra: Any) -> dict[str, Any]:
    body = {
        "title": "季度规划 Quarterly planning",
        "agenda": "1. Q1 review",
        "materials": [{"name": "plan.pdf", "ref": "files/plan.pdf"}],
        "starts_at": at(1),
        "ends_at": at(1, 1),
        "room_id": room_id,
        "attendee_ids": [str(BOB), str(CAROL)],
        **extra,
    }
    response = await service.client.post(
        f"{API}/meetings", json=body, headers=service.employee(ALICE)
    )
    return ok(response, 201)


def recipients(notice: dict[str, Any]) -> set[str]:
    return set(notice["recipients"]["employee_ids"])


async def test_scheduling_books_the_room_and_invites_the_attendees(
    logistics: LogisticsService,
) -> None:
    room = await add_room(logistics, capacity=3)
    meeting = await schedule(logistics, room["id"])
    assert meeting["organizer_employee_id"] == str(ALICE)
    assert [a["response"] for a in meeting["attendees"]] == ["pending", "pending"]
    booking = ok(
        await logistics.client.get(
            f"{API}/bookings/{meeting['booking_id']}", headers=logistics.employee(ALICE)
        )
    )
    assert booking["meeting_id"] == meeting["id"] and booking["attendee_count"] == 3
    # the room is taken, for a plain booking and for another meeting alike
    problem(await book(logistics, room["id"], at(1), at(1, 1), who=DAVE), 409, "room_booked")
    assert await sweep_notices(logistics) == 1
    [notice] = logistics.workflow.delivered("meeting")
    assert recipients(notice) == {str(BOB), str(CAROL)}
    assert room["name"] in notice["body"]["en"] and room["name"] in notice["body"]["zh"]
    assert notice["link"] == {
        "service": "logistics",
        "type": "meeting",
        "id": meeting["id"],
        "url": f"/api/v1/logistics/meetings/{meeting['id']}",
    }
    assert await sweep_notices(logistics) == 0  # delivered once


async def test_more_people_than_the_room_holds_is_refused(logistics: LogisticsService) -> None:
    room = await add_room(logistics, capacity=2)
    response = await logistics.client.post(
        f"{API}/meetings",
        json={
            "title": "too many",
            "starts_at": at(1),
            "ends_at": at(1, 1),
            "room_id": room["id"],
            "attendee_ids": [str(BOB), str(CAROL)],
        },
        headers=logistics.employee(ALICE),
    )
    problem(response, 422, "room_too_small")
    listed = ok(await logistics.client.get(f"{API}/meetings", headers=logistics.staff()))
    assert listed["items"] == []
    problem(
        await logistics.client.post(
            f"{API}/meetings",
            json={"title": "past", "starts_at": at(-1), "ends_at": at(-1, 1)},
            headers=logistics.employee(ALICE),
        ),
        422,
        "booking_in_past",
    )


async def test_notices_wait_while_workflow_is_down_and_go_out_once_it_is_back(
    logistics: LogisticsService,
) -> None:
    meeting = await schedule(logistics, None, location="Online")
    logistics.workflow.down = True
    assert await sweep_notices(logistics) == 0
    assert logistics.workflow.delivered() == []
    async with logistics.app.state.runtime.transaction() as session:
        [notice] = (await session.scalars(select(MeetingNotice))).all()
        assert notice.state == "pending" and notice.attempts == 1
        assert notice.next_attempt_at is not None
    logistics.workflow.down = False
    assert await sweep_notices(logistics) == 0  # not due yet: back-off
    logistics.now = logistics.now.replace(hour=10)
    assert await sweep_notices(logistics) == 1
    [delivered] = logistics.workflow.delivered("meeting")
    assert delivered["link"]["id"] == meeting["id"]


async def test_attendees_answer_and_a_move_asks_them_again(logistics: LogisticsService) -> None:
    room = await add_room(logistics, capacity=5)
    meeting = await schedule(logistics, room["id"])
    url = f"{API}/meetings/{meeting['id']}"
    answered = ok(
        await logistics.client.post(
            f"{url}/answer", json={"response": "accepted"}, headers=logistics.employee(BOB)
        )
    )
    assert {a["employee_id"]: a["response"] for a in answered["attendees"]}[str(BOB)] == "accepted"
    problem(
        await logistics.client.post(
            f"{url}/answer", json={"response": "declined"}, headers=logistics.employee(ALICE)
        ),
        403,
        "not_an_attendee",
    )
    problem(
        await logistics.client.patch(
            url, json={"starts_at": at(2)}, headers=logistics.employee(BOB)
        ),
        403,
        "organizer_only",
    )
    moved = ok(
        await logistics.client.patch(
            url,
            json={"starts_at": at(2), "ends_at": at(2, 1), "attendee_ids": [str(BOB), str(DAVE)]},
            headers={**logistics.employee(ALICE), "If-Match": f'"{answered["version"]}"'},
        )
    )
    assert {a["employee_id"]: a["response"] for a in moved["attendees"]} == {
        str(BOB): "pending",
        str(DAVE): "pending",
    }
    booking = ok(
        await logistics.client.get(
            f"{API}/bookings/{moved['booking_id']}", headers=logistics.staff()
        )
    )
    assert booking["starts_at"] == at(2)
    ok(await book(logistics, room["id"], at(1), at(1, 1), who=DAVE), 201)  # the old slot is free
    await sweep_notices(logistics)
    by_recipient = {
        frozenset(recipients(n)): n["title"]["en"] for n in logistics.workflow.delivered()
    }
    assert by_recipient[frozenset({str(BOB)})].startswith("Meeting moved")
    assert by_recipient[frozenset({str(DAVE)})].startswith("Meeting invitation")
    assert by_recipient[frozenset({str(CAROL)})].startswith("Meeting cancelled")


async def test_a_move_onto_a_booked_slot_changes_nothing(logistics: LogisticsService) -> None:
    room = await add_room(logistics, capacity=5)
    meeting = await schedule(logistics, room["id"])
    ok(await book(logistics, room["id"], at(2), at(2, 1), who=DAVE), 201)
    problem(
        await logistics.client.patch(
            f"{API}/meetings/{meeting['id']}",
            json={"starts_at": at(2), "ends_at": at(2, 1)},
            headers=logistics.employee(ALICE),
        ),
        409,
        "room_booked",
    )
    again = ok(
        await logistics.client.get(
            f"{API}/meetings/{meeting['id']}", headers=logistics.employee(ALICE)
        )
    )
    assert again["starts_at"] == at(1) and again["version"] == meeting["version"]


async def test_cancelling_frees_the_room_and_tells_everyone(logistics: LogisticsService) -> None:
    room = await add_room(logistics, capacity=5)
    meeting = await schedule(logistics, room["id"])
    url = f"{API}/meetings/{meeting['id']}"
    problem(
        await logistics.client.post(
            f"{API}/bookings/{meeting['booking_id']}/cancel", headers=logistics.employee(ALICE)
        ),
        409,
        "booking_of_meeting",
    )
    cancelled = ok(
        await logistics.client.post(
            f"{url}/cancel", json={"reason": "moved online"}, headers=logistics.employee(ALICE)
        )
    )
    assert cancelled["status"] == "cancelled"
    problem(
        await logistics.client.post(f"{url}/cancel", headers=logistics.employee(ALICE)),
        409,
        "meeting_cancelled",
    )
    ok(await book(logistics, room["id"], at(1), at(1, 1), who=DAVE), 201)
    await sweep_notices(logistics)
    kinds = [n["title"]["en"].split(":")[0] for n in logistics.workflow.delivered()]
    assert kinds == ["Meeting invitation", "Meeting cancelled"]


async def test_a_meeting_is_seen_by_its_organiser_attendees_logistics_and_auditors(
    logistics: LogisticsService,
) -> None:
    meeting = await schedule(logistics, None)
    url = f"{API}/meetings/{meeting['id']}"
    for headers in (
        logistics.employee(ALICE),
        logistics.employee(BOB),
        logistics.staff(),
        logistics.auditor(),
    ):
        ok(await logistics.client.get(url, headers=headers))
    problem(await logistics.client.get(url, headers=logistics.employee(DAVE)), 404, "not_found")
    theirs = ok(await logistics.client.get(f"{API}/meetings", headers=logistics.employee(DAVE)))
    assert theirs["items"] == []
    invited = ok(
        await logistics.client.get(f"{API}/meetings?attendee=me", headers=logistics.employee(CAROL))
    )
    assert [m["id"] for m in invited["items"]] == [meeting["id"]]


async def test_minutes_with_decisions_and_an_attendees_open_action_items(
    logistics: LogisticsService,
) -> None:
    meeting = await schedule(logistics, None)
    url = f"{API}/meetings/{meeting['id']}/minutes"
    problem(await logistics.client.get(url, headers=logistics.employee(BOB)), 404, "not_found")
    body = {
        "summary": "Agreed the plan.",
        "decisions": ["Hire two engineers"],
        "action_items": [
            {"title": "Budget", "owner_employee_id": str(BOB), "due_date": "2026-03-20"},
            {"title": "Slides", "owner_employee_id": str(CAROL)},
        ],
    }
    problem(
        await logistics.client.post(url, json=body, headers=logistics.employee(BOB)),
        403,
        "organizer_only",
    )
    minutes = ok(
        await logistics.client.post(url, json=body, headers=logistics.employee(ALICE)), 201
    )
    assert minutes["decisions"] == ["Hire two engineers"] and len(minutes["action_items"]) == 2
    problem(
        await logistics.client.post(url, json=body, headers=logistics.employee(ALICE)),
        409,
        "minutes_exist",
    )
    revised = ok(
        await logistics.client.patch(
            url,
            json={"decisions": ["Hire two engineers", "Move the offsite"]},
            headers={**logistics.employee(ALICE), "If-Match": f'"{minutes["version"]}"'},
        )
    )
    assert len(revised["decisions"]) == 2
    todo = ok(
        await logistics.client.get(
            f"{API}/action-items?owner=me&status=open", headers=logistics.employee(BOB)
        )
    )
    assert [i["title"] for i in todo["items"]] == ["Budget"]
    item = todo["items"][0]
    problem(
        await logistics.client.patch(
            f"{API}/action-items/{item['id']}", json={"title": "x"}, headers=logistics.employee(BOB)
        ),
        403,
        "organizer_only",
    )
    done = ok(
        await logistics.client.patch(
            f"{API}/action-items/{item['id']}",
            json={"status": "done"},
            headers=logistics.employee(BOB),
        )
    )
    assert done["status"] == "done"
    for cleared in ({"title": None}, {"status": None}, {"owner_employee_id": None}):
        problem(
            await logistics.client.patch(
                f"{API}/action-items/{item['id']}", json=cleared, headers=logistics.staff()
            ),
            422,
            "validation_error",
        )
    after = ok(
        await logistics.client.get(
            f"{API}/action-items?owner=me&status=open", headers=logistics.employee(BOB)
        )
    )
    assert after["items"] == []
    problem(
        await logistics.client.get(
            f"{API}/action-items/{item['id']}", headers=logistics.employee(DAVE)
        ),
        404,
        "not_found",
    )


async def test_meeting_changes_are_recorded_as_events(logistics: LogisticsService) -> None:
    room = await add_room(logistics, capacity=5)
    meeting = await schedule(logistics, room["id"])
    await logistics.client.patch(
        f"{API}/meetings/{meeting['id']}",
        json={"starts_at": at(3), "ends_at": at(3, 1)},
        headers=logistics.employee(ALICE),
    )
    await logistics.client.post(
        f"{API}/meetings/{meeting['id']}/cancel", headers=logistics.employee(ALICE)
    )
    types = await recorded_events(logistics)
    for expected in (
        "logistics.room.created",
        "logistics.booking.created",
        "logistics.meeting.scheduled",
        "logistics.booking.moved",
        "logistics.meeting.moved",
        "logistics.booking.cancelled",
        "logistics.meeting.cancelled",
    ):
        assert expected in types


async def test_a_meeting_moved_to_another_room_or_online_frees_its_room(
    logistics: LogisticsService,
) -> None:
    first = await add_room(logistics, "First", capacity=5)
    second = await add_room(logistics, "Second", capacity=5)
    meeting = await schedule(logistics, first["id"])
    url = f"{API}/meetings/{meeting['id']}"
    moved = ok(
        await logistics.client.patch(
            url, json={"room_id": second["id"]}, headers=logistics.employee(ALICE)
        )
    )
    assert moved["room_id"] == second["id"]
    ok(await book(logistics, first["id"], at(1), at(1, 1), who=DAVE), 201)
    online = ok(
        await logistics.client.patch(
            url, json={"room_id": None, "location": "Online"}, headers=logistics.employee(ALICE)
        )
    )
    assert online["room_id"] is None and online["booking_id"] is None
    ok(await book(logistics, second["id"], at(1), at(1, 1), who=DAVE), 201)


async def test_a_notice_workflow_refuses_for_good_is_kept_as_failed(
    logistics: LogisticsService,
) -> None:
    await schedule(logistics, None, location="Online")
    runtime = logistics.app.state.runtime
    original = runtime.client

    def refuse(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/auth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 900})
        return httpx.Response(422, json={"status": 422, "code": "validation_error"})

    runtime.client = ServiceClient(
        "http://gateway", "c", "s", transport=httpx.MockTransport(refuse)
    )
    try:
        assert await sweep_notices(logistics) == 0
    finally:
        await runtime.client.aclose()
        runtime.client = original
    async with runtime.transaction() as session:
        [notice] = (await session.scalars(select(MeetingNotice))).all()
        assert notice.state == "failed" and "422" in (notice.last_error or "")
    assert await sweep_notices(logistics) == 0  # never retried
    assert logistics.workflow.delivered() == []
