"""ETag / If-Match: a change based on a stale read is refused instead of overwriting."""

import asyncio

import httpx
import pytest

from tests.kit.conftest import NOTES, NotesService
from tests.problems import assert_problem


async def test_reading_a_note_sends_its_version_as_etag(notes: NotesService) -> None:
    note = await notes.create_note("Draft")

    read = await notes.client.get(f"{NOTES}/{note['id']}", headers=notes.employee())

    assert read.headers["etag"] == '"1"'


@pytest.mark.parametrize("stale", ['"0"', '"2"', '"1 "', "1", 'W/"7"', '"a", "b"'])
async def test_stale_if_match_is_refused_and_changes_nothing(
    notes: NotesService, stale: str
) -> None:
    note = await notes.create_note("Draft", body="original")

    refused = await notes.client.patch(
        f"{NOTES}/{note['id']}",
        json={"body": "overwritten"},
        headers={**notes.employee(), "If-Match": stale},
    )

    body = assert_problem(refused, 412, "version_mismatch")
    assert body["current_version"] == 1
    after = await notes.client.get(f"{NOTES}/{note['id']}", headers=notes.employee())
    assert after.json()["body"] == "original"
    assert after.headers["etag"] == '"1"'
    audit = await notes.client.get(
        "/api/v1/notes/audit-log", params={"entity_id": note["id"]}, headers=notes.auditor()
    )
    assert [entry["action"] for entry in audit.json()["items"]] == ["create"]
    feed = await notes.feed(wait=1)
    assert [event["type"] for event in feed["items"]] == ["notes.note.created"]


async def test_matching_if_match_applies_the_change_and_sends_the_new_etag(
    notes: NotesService,
) -> None:
    note = await notes.create_note("Draft")
    read = await notes.client.get(f"{NOTES}/{note['id']}", headers=notes.employee())

    changed = await notes.client.patch(
        f"{NOTES}/{note['id']}",
        json={"title": "Final"},
        headers={**notes.employee(), "If-Match": read.headers["etag"]},
    )

    assert changed.status_code == 200
    assert changed.headers["etag"] == '"2"'
    assert changed.json()["title"] == "Final"
    assert changed.json()["version"] == 2
    again = await notes.client.get(f"{NOTES}/{note['id']}", headers=notes.employee())
    assert again.headers["etag"] == '"2"'
    assert again.json()["title"] == "Final"


async def test_second_writer_with_the_same_read_is_refused(notes: NotesService) -> None:
    note = await notes.create_note("Shared")
    etag = (await notes.client.get(f"{NOTES}/{note['id']}", headers=notes.employee())).headers[
        "etag"
    ]

    first = await notes.client.patch(
        f"{NOTES}/{note['id']}",
        json={"body": "first writer"},
        headers={**notes.employee("alice"), "If-Match": etag},
    )
    second = await notes.client.patch(
        f"{NOTES}/{note['id']}",
        json={"body": "second writer"},
        headers={**notes.employee("bob"), "If-Match": etag},
    )

    assert first.status_code == 200
    assert_problem(second, 412, "version_mismatch")
    after = await notes.client.get(f"{NOTES}/{note['id']}", headers=notes.employee())
    assert after.json()["body"] == "first writer"


@pytest.mark.parametrize("if_match", ["*", '"9", "1"'])
async def test_wildcard_or_listed_version_matches(notes: NotesService, if_match: str) -> None:
    note = await notes.create_note("Draft")

    changed = await notes.client.patch(
        f"{NOTES}/{note['id']}",
        json={"body": "changed"},
        headers={**notes.employee(), "If-Match": if_match},
    )

    assert changed.status_code == 200
    assert changed.headers["etag"] == '"2"'


async def test_without_if_match_the_change_is_applied(notes: NotesService) -> None:
    note = await notes.create_note("Draft")

    changed = await notes.client.patch(
        f"{NOTES}/{note['id']}", json={"body": "changed"}, headers=notes.employee()
    )

    assert changed.status_code == 200
    assert changed.headers["etag"] == '"2"'


async def test_two_writers_racing_with_the_same_etag_cannot_both_win(notes: NotesService) -> None:
    note = await notes.create_note("Contested", body="original")

    async def write(who: str) -> httpx.Response:
        return await notes.client.patch(
            f"{NOTES}/{note['id']}",
            params={"pause": 0.3},  # both pass the If-Match check before either writes
            json={"body": f"written by {who}"},
            headers={**notes.employee(who), "If-Match": '"1"'},
        )

    results = await asyncio.gather(write("alice"), write("bob"))

    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 412]
    [winner] = [r for r in results if r.status_code == 200]
    [loser] = [r for r in results if r.status_code == 412]
    assert_problem(loser, 412, "precondition_failed")
    after = await notes.client.get(f"{NOTES}/{note['id']}", headers=notes.employee())
    assert after.json()["body"] == winner.json()["body"]
    assert after.headers["etag"] == '"2"'
    audit = await notes.client.get(
        "/api/v1/notes/audit-log", params={"entity_id": note["id"]}, headers=notes.auditor()
    )
    assert [entry["action"] for entry in audit.json()["items"]] == ["update", "create"]
