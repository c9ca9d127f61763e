"""Idempotency-Key on POST: a retried create happens once, and the retry gets the first answer."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from tests.kit.conftest import NOTES, NotesService, eventually
from tests.problems import assert_problem

SLOW_NOTES = "/api/v1/notes/slow-notes"


async def count_notes(notes: NotesService) -> int:
    response = await notes.client.get(NOTES, params={"with_total": True}, headers=notes.admin())
    total: int = response.json()["total"]
    return total


def with_key(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def test_retried_create_replays_the_first_answer_and_creates_nothing(
    notes: NotesService,
) -> None:
    headers = with_key(notes.employee(), "create-plan-1")
    payload: dict[str, Any] = {"title": "Plan", "amount": "10.00"}

    first = await notes.client.post(NOTES, json=payload, headers=headers)
    retry = await notes.client.post(NOTES, json=payload, headers=headers)
    again = await notes.client.post(NOTES, json=payload, headers=headers)

    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    for replay in (retry, again):
        assert replay.status_code == 201
        assert replay.json() == first.json()
        assert replay.headers["idempotent-replayed"] == "true"
        assert replay.headers["content-type"] == first.headers["content-type"]
    assert await count_notes(notes) == 1
    feed = await notes.feed(wait=1)
    assert [event["type"] for event in feed["items"]] == ["notes.note.created"]


async def test_key_reused_with_another_body_is_refused(notes: NotesService) -> None:
    headers = with_key(notes.employee(), "k-1")
    await notes.client.post(NOTES, json={"title": "One"}, headers=headers)

    reused = await notes.client.post(NOTES, json={"title": "Two"}, headers=headers)

    assert_problem(reused, 422, "idempotency_key_reused")
    assert await count_notes(notes) == 1


async def test_key_reused_on_another_route_is_refused(notes: NotesService) -> None:
    headers = with_key(notes.employee(), "k-2")
    await notes.client.post(NOTES, json={"title": "One"}, headers=headers)

    reused = await notes.client.post(SLOW_NOTES, json={"title": "One"}, headers=headers)

    assert_problem(reused, 422, "idempotency_key_reused")


async def test_keys_belong_to_their_caller(notes: NotesService) -> None:
    alice = with_key(notes.employee("alice"), "same-key")
    bob = with_key(notes.employee("bob"), "same-key")

    by_alice = await notes.client.post(NOTES, json={"title": "Alice's"}, headers=alice)
    by_bob = await notes.client.post(NOTES, json={"title": "Bob's"}, headers=bob)

    assert by_alice.status_code == 201
    assert by_bob.status_code == 201
    assert "idempotent-replayed" not in by_bob.headers
    assert by_bob.json()["id"] != by_alice.json()["id"]
    assert await count_notes(notes) == 2


async def test_retry_while_the_first_is_still_running_is_told_to_wait_then_replays(
    notes: NotesService,
) -> None:
    headers = with_key(notes.employee(), "slow-1")
    payload = {"title": "Slow"}
    params = {"pause_before": 1.0}
    first = asyncio.create_task(
        notes.client.post(SLOW_NOTES, json=payload, params=params, headers=headers)
    )
    table = notes.runtime.tables.idempotency_keys

    async def claimed() -> bool:
        async with notes.runtime.engine.connect() as conn:
            return (await conn.execute(select(table.c.state))).first() is not None

    await eventually(claimed, within=5)
    assert not first.done()

    racing = await notes.client.post(SLOW_NOTES, json=payload, params=params, headers=headers)

    assert_problem(racing, 409, "idempotency_request_in_flight")
    assert not first.done()
    original = await first
    assert original.status_code == 201
    replay = await notes.client.post(SLOW_NOTES, json=payload, params=params, headers=headers)
    assert replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == original.json()
    assert await count_notes(notes) == 1


async def test_refused_request_releases_its_key_so_the_retry_runs(notes: NotesService) -> None:
    existing = await notes.create_note("Budget")
    headers = with_key(notes.employee(), "budget-1")

    refused = await notes.client.post(NOTES, json={"title": "Budget"}, headers=headers)
    assert_problem(refused, 409, "duplicate_title")
    renamed = await notes.client.patch(
        f"{NOTES}/{existing['id']}", json={"title": "Old budget"}, headers=notes.employee()
    )
    assert renamed.status_code == 200
    retry = await notes.client.post(NOTES, json={"title": "Budget"}, headers=headers)

    assert retry.status_code == 201
    assert "idempotent-replayed" not in retry.headers
    assert await count_notes(notes) == 2


async def test_crashed_request_releases_its_key(notes: NotesService) -> None:
    headers = with_key(notes.employee(), "crash-1")

    first = await notes.client.post("/api/v1/notes/crash", headers=headers)
    retry = await notes.client.post("/api/v1/notes/crash", headers=headers)

    assert_problem(first, 500, "internal_error")
    # The retry ran again (and crashed again) rather than being told the key is in use.
    assert_problem(retry, 500, "internal_error")
    assert "idempotent-replayed" not in retry.headers
    async with notes.runtime.engine.connect() as conn:
        table = notes.runtime.tables.idempotency_keys
        assert (await conn.execute(select(table))).all() == []


async def test_requests_without_a_key_are_not_deduplicated(notes: NotesService) -> None:
    first = await notes.client.post(NOTES, json={"title": "A"}, headers=notes.employee())
    second = await notes.client.post(NOTES, json={"title": "A"}, headers=notes.employee())

    assert first.status_code == 201
    assert_problem(second, 409, "duplicate_title")


async def test_overlong_key_is_refused(notes: NotesService) -> None:
    response = await notes.client.post(
        NOTES, json={"title": "A"}, headers=with_key(notes.employee(), "k" * 256)
    )

    assert_problem(response, 422, "invalid_idempotency_key")
    assert await count_notes(notes) == 0


async def test_request_failing_at_commit_releases_its_key(notes: NotesService) -> None:
    existing = await notes.create_note("Budget")
    headers = with_key(notes.employee(), "lazy-1")

    failed = await notes.client.post(
        "/api/v1/notes/lazy-notes", json={"title": "Budget"}, headers=headers
    )
    # The database's unique key refused it at commit: a conflict, never a 500.
    body = assert_problem(failed, 409, "conflict")
    assert "INSERT" not in failed.text and "UNIQUE" not in failed.text.upper()
    assert body["request_id"] == failed.headers["x-request-id"]
    await notes.client.patch(
        f"{NOTES}/{existing['id']}", json={"title": "Old budget"}, headers=notes.employee()
    )
    retry = await notes.client.post(
        "/api/v1/notes/lazy-notes", json={"title": "Budget"}, headers=headers
    )

    assert retry.status_code == 201, retry.text
    assert "idempotent-replayed" not in retry.headers
    assert await count_notes(notes) == 2


async def test_empty_key_is_refused(notes: NotesService) -> None:
    response = await notes.client.post(
        NOTES, json={"title": "A"}, headers=with_key(notes.employee(), "")
    )

    assert_problem(response, 422, "invalid_idempotency_key")


async def store_claim(
    notes: NotesService, key: str, *, age: timedelta, state: str, body: str | None = None
) -> None:
    """A key as an earlier request left it, ``age`` ago."""
    table = notes.runtime.tables.idempotency_keys
    async with notes.runtime.engine.begin() as conn:
        await conn.execute(
            table.insert().values(
                caller="user:erin",
                key=key,
                request_hash="0" * 64,
                state=state,
                status_code=201 if body else None,
                headers={"content-type": "application/json"} if body else None,
                body=body,
                created_at=datetime.now(UTC) - age,
            )
        )


async def test_key_of_a_request_that_died_long_ago_can_be_used_again(notes: NotesService) -> None:
    await store_claim(notes, "died-1", age=timedelta(minutes=10), state="in_flight")

    taken_over = await notes.client.post(
        NOTES, json={"title": "After the crash"}, headers=with_key(notes.employee(), "died-1")
    )

    assert taken_over.status_code == 201
    replay = await notes.client.post(
        NOTES, json={"title": "After the crash"}, headers=with_key(notes.employee(), "died-1")
    )
    assert replay.headers["idempotent-replayed"] == "true"
    assert await count_notes(notes) == 1


async def test_key_older_than_a_day_is_forgotten(notes: NotesService) -> None:
    await store_claim(notes, "old-1", age=timedelta(hours=25), state="done", body='{"stale": true}')

    response = await notes.client.post(
        NOTES, json={"title": "Fresh"}, headers=with_key(notes.employee(), "old-1")
    )

    assert response.status_code == 201
    assert "idempotent-replayed" not in response.headers
    assert response.json()["title"] == "Fresh"


async def test_a_takeover_of_a_request_still_running_applies_the_change_once(
    notes: NotesService,
) -> None:
    """The first request outlives ABANDONED_AFTER; a retry takes its key over and wins.

    The first one's note rolls back when it tries to store its answer under a claim that is
    no longer its own; the retry's note and answer stand.
    """
    headers = with_key(notes.employee(), "outlived-1")
    payload = {"title": "Outlived"}
    first = asyncio.create_task(
        notes.client.post(SLOW_NOTES, json=payload, params={"pause_before": 1.0}, headers=headers)
    )
    table = notes.runtime.tables.idempotency_keys

    async def claimed() -> bool:
        async with notes.runtime.engine.connect() as conn:
            return (await conn.execute(select(table.c.state))).first() is not None

    await eventually(claimed, within=5)
    # the first request has now been running longer than ABANDONED_AFTER
    async with notes.runtime.engine.begin() as conn:
        await conn.execute(update(table).values(created_at=datetime.now(UTC) - timedelta(hours=1)))

    retry = await notes.client.post(
        SLOW_NOTES, json=payload, params={"pause_before": 1.0}, headers=headers
    )
    original = await first

    assert retry.status_code == 201
    assert_problem(original, 409, "idempotency_key_taken_over")
    assert await count_notes(notes) == 1
    replay = await notes.client.post(
        SLOW_NOTES, json=payload, params={"pause_before": 1.0}, headers=headers
    )
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == retry.json()
