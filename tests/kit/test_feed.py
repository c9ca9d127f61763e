"""The event feed: events of committed work only, numbered in order, long-polled, guarded."""

import asyncio
import time
from typing import Any

import pytest

from tests.kit.conftest import EVENTS, NOTES, NotesService, eventually
from tests.problems import assert_problem

SLOW_NOTES = "/api/v1/notes/slow-notes"


async def wait_for_events(notes: NotesService, count: int, **params: Any) -> list[dict[str, Any]]:
    """The first ``count`` events of the feed, once the publisher has numbered them."""
    seen: list[dict[str, Any]] = []

    async def enough() -> bool:
        seen[:] = (await notes.feed(**params))["items"]
        return len(seen) >= count

    await eventually(enough, within=10)
    return seen


async def test_committed_events_appear_in_order_with_growing_seq(notes: NotesService) -> None:
    first = await notes.client.post(
        NOTES, json={"title": "One"}, headers={**notes.employee(), "X-Request-ID": "req-one"}
    )
    await notes.client.post(
        f"{NOTES}/batch", json=[{"title": "Two"}, {"title": "Three"}], headers=notes.employee()
    )
    await notes.client.patch(
        f"{NOTES}/{first.json()['id']}", json={"body": "more"}, headers=notes.employee()
    )

    events = await wait_for_events(notes, 4)

    assert [event["seq"] for event in events] == [1, 2, 3, 4]
    assert [(e["type"], e["data"].get("title")) for e in events] == [
        ("notes.note.created", "One"),
        ("notes.note.created", "Two"),
        ("notes.note.created", "Three"),
        ("notes.note.updated", None),
    ]
    assert events[0]["subject"] == {"type": "note", "id": first.json()["id"]}
    assert events[0]["request_id"] == "req-one"
    assert events[3]["subject"]["id"] == first.json()["id"]
    assert len({event["id"] for event in events}) == 4


async def test_feed_reads_on_from_next_after(notes: NotesService) -> None:
    for n in range(5):
        await notes.create_note(f"Note {n}")
    await wait_for_events(notes, 5)

    first = await notes.feed(limit=2)
    second = await notes.feed(after=first["next_after"], limit=2)
    third = await notes.feed(after=second["next_after"], limit=2)
    end = await notes.feed(after=third["next_after"], limit=2)

    pages = [first, second, third]
    assert [[e["seq"] for e in page["items"]] for page in pages] == [[1, 2], [3, 4], [5]]
    assert [page["next_after"] for page in pages] == [2, 4, 5]
    assert end == {"items": [], "next_after": 5}


async def test_event_of_a_running_request_is_published_only_after_it_commits(
    notes: NotesService,
) -> None:
    running = asyncio.create_task(
        notes.client.post(
            SLOW_NOTES,
            json={"title": "Slow"},
            params={"pause_after": 1.5},
            headers=notes.employee(),
        )
    )
    await asyncio.sleep(0.8)  # written and flushed, not committed; the publisher ran meanwhile

    assert not running.done()
    assert (await notes.feed())["items"] == []
    assert (await running).status_code == 201
    [event] = await wait_for_events(notes, 1)
    assert event["seq"] == 1
    assert event["data"] == {"title": "Slow"}


async def test_rolled_back_request_publishes_nothing(notes: NotesService) -> None:
    crashed = await notes.client.post("/api/v1/notes/crash", headers=notes.employee())
    refused = await notes.client.post(
        f"{NOTES}/batch", json=[{"title": "A"}, {"title": "A"}], headers=notes.employee()
    )
    assert crashed.status_code == 500
    assert refused.status_code == 409

    nothing = await notes.feed(wait=0.6)
    await notes.create_note("Committed")
    [event] = await wait_for_events(notes, 1)

    assert nothing == {"items": [], "next_after": 0}
    assert event["seq"] == 1  # no number was spent on the rolled-back events
    assert event["data"] == {"title": "Committed"}


async def test_type_filter_returns_only_that_type_and_skips_ahead(notes: NotesService) -> None:
    notes_created = [await notes.create_note(f"Note {n}") for n in range(3)]
    for note in notes_created:
        await notes.client.patch(
            f"{NOTES}/{note['id']}", json={"body": "edited"}, headers=notes.employee()
        )
    await notes.create_note("Last")
    await wait_for_events(notes, 7)

    updates = await notes.feed(type="notes.note.updated")
    first_two = await notes.feed(type="notes.note.updated", limit=2)
    rest = await notes.feed(type="notes.note.updated", limit=2, after=first_two["next_after"])
    none_left = await notes.feed(type="notes.note.updated", after=rest["next_after"])
    unknown = await notes.feed(type="notes.note.deleted")

    assert [e["seq"] for e in updates["items"]] == [4, 5, 6]
    assert {e["type"] for e in updates["items"]} == {"notes.note.updated"}
    # No update after seq 6 exists up to seq 7, so the reader may skip to 7.
    assert updates["next_after"] == 7
    assert [e["seq"] for e in first_two["items"] + rest["items"]] == [4, 5, 6]
    assert none_left["items"] == []
    assert unknown == {"items": [], "next_after": 7}


async def test_long_poll_returns_as_soon_as_an_event_is_published(notes: NotesService) -> None:
    await notes.create_note("Before")
    [before] = await wait_for_events(notes, 1)
    started = time.monotonic()
    polling = asyncio.create_task(notes.feed(after=before["seq"], wait=10))
    await asyncio.sleep(0.3)
    assert not polling.done()

    await notes.create_note("During")
    page = await polling
    elapsed = time.monotonic() - started

    assert [e["data"]["title"] for e in page["items"]] == ["During"]
    assert page["next_after"] == before["seq"] + 1
    assert elapsed < 3, f"the long poll took {elapsed:.1f} s of its 10 s"


async def test_filtered_long_poll_waits_for_its_type(notes: NotesService) -> None:
    note = await notes.create_note("Watched")
    started = time.monotonic()
    polling = asyncio.create_task(notes.feed(type="notes.note.updated", wait=10))
    await asyncio.sleep(0.3)
    await notes.create_note("Other")  # another type: the poll keeps waiting
    await asyncio.sleep(0.5)
    assert not polling.done()

    await notes.client.patch(
        f"{NOTES}/{note['id']}", json={"body": "changed"}, headers=notes.employee()
    )
    page = await polling

    assert [e["type"] for e in page["items"]] == ["notes.note.updated"]
    assert time.monotonic() - started < 4


async def test_long_poll_returns_empty_after_its_wait_when_nothing_happens(
    notes: NotesService,
) -> None:
    await notes.create_note("Only")
    await wait_for_events(notes, 1)
    started = time.monotonic()

    page = await notes.feed(after=1, wait=0.7)
    elapsed = time.monotonic() - started

    assert page == {"items": [], "next_after": 1}
    assert 0.6 <= elapsed < 3


@pytest.mark.parametrize("wait", [-1, 31])
async def test_long_poll_wait_is_bounded(notes: NotesService, wait: float) -> None:
    response = await notes.client.get(EVENTS, params={"wait": wait}, headers=notes.auditor())

    assert_problem(response, 422, "validation_error")


@pytest.mark.parametrize(
    "who",
    ["auditor", "admin", "client notes:read", "client notes:write"],
)
async def test_auditors_admins_and_entitled_clients_may_read_the_feed(
    notes: NotesService, who: str
) -> None:
    headers = {
        "auditor": notes.auditor(),
        "admin": notes.admin(),
        "client notes:read": notes.feed_client(["notes:read"]),
        "client notes:write": notes.feed_client(["notes:write"]),
    }[who]

    response = await notes.client.get(EVENTS, headers=headers)

    assert response.status_code == 200
    assert response.json() == {"items": [], "next_after": 0}


async def test_employees_and_clients_of_other_services_may_not_read_the_feed(
    notes: NotesService,
) -> None:
    employee = await notes.client.get(EVENTS, headers=notes.employee())
    other_client = await notes.client.get(EVENTS, headers=notes.feed_client(["org:read"]))
    anonymous = await notes.client.get(EVENTS)

    assert_problem(employee, 403, "forbidden")
    assert_problem(other_client, 403, "insufficient_scope")
    assert_problem(anonymous, 401, "unauthorized")


async def test_a_read_that_writes_keeps_what_it_wrote_and_publishes_its_event(
    notes: NotesService,
) -> None:
    note = await notes.create_note("original")
    await wait_for_events(notes, 1)  # the note's own "created"

    response = await notes.client.get(f"{NOTES}/{note['id']}/copy", headers=notes.employee())

    assert response.status_code == 200, response.text
    copy = await notes.client.get(f"{NOTES}/{response.json()['id']}", headers=notes.employee())
    assert copy.status_code == 200
    assert copy.json()["title"] == "copy of original"
    events = await wait_for_events(notes, 2)
    assert [event["type"] for event in events] == ["notes.note.created", "notes.note.copied"]
    assert events[1]["subject"]["id"] == response.json()["id"]
