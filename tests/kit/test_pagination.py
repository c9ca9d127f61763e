"""Keyset pagination: every row exactly once, in order, whatever the sort and page size."""

import base64
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import insert

from shared.contracts.ids import new_id
from shared.kit.db import create_engine_for
from tests.kit.conftest import NOTES, NotesService
from tests.kit.sample_app import Note
from tests.problems import assert_problem

ROWS = 1000
PAGE = 37


async def seed_notes(notes: NotesService, count: int) -> list[dict[str, Any]]:
    """``count`` notes written straight to the database; ten share each creation instant."""
    start = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    numbers = list(range(count))
    random.Random(7).shuffle(numbers)
    rows = [
        {
            "id": new_id(),
            "title": f"note {numbers[i]:04d}",
            "body": "",
            "amount": Decimal("1.00"),
            "version": 1,
            "created_at": start + timedelta(seconds=i // 10),
            "updated_at": start,
        }
        for i in range(count)
    ]
    random.Random(11).shuffle(rows)  # insertion order tells nothing
    engine = create_engine_for(notes.db.url, notes.db.schema)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(Note), rows)
    finally:
        await engine.dispose()
    return rows


async def walk(notes: NotesService, **params: Any) -> tuple[list[str], int]:
    """Follow ``next_cursor`` to the end; the ids in the order served and the page count."""
    ids: list[str] = []
    pages = 0
    cursor = None
    while True:
        query = {**params, "limit": PAGE}
        if cursor:
            query["cursor"] = cursor
        response = await notes.client.get(NOTES, params=query, headers=notes.employee())
        assert response.status_code == 200, response.text
        page = response.json()
        pages += 1
        assert len(page["items"]) <= PAGE
        ids.extend(item["id"] for item in page["items"])
        cursor = page.get("next_cursor")
        if cursor is None:
            return ids, pages
        assert len(page["items"]) == PAGE
        assert pages <= ROWS  # a cursor that never ends is a bug too


@pytest.fixture
async def thousand_notes(notes: NotesService) -> list[dict[str, Any]]:
    return await seed_notes(notes, ROWS)


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [str(row["id"]) for row in rows]


@pytest.mark.parametrize(
    ("sort", "key", "descending"),
    [
        (None, lambda r: (r["created_at"], r["id"]), False),
        ("created_at", lambda r: (r["created_at"], r["id"]), False),
        ("-created_at", lambda r: (r["created_at"], r["id"]), True),
        ("title", lambda r: r["title"], False),
        ("-title", lambda r: r["title"], True),
        ("id", lambda r: r["id"], False),
        ("-id", lambda r: r["id"], True),
    ],
    ids=["default", "oldest-first", "newest-first", "title", "title-desc", "id", "id-desc"],
)
async def test_paging_through_a_thousand_notes_serves_each_once_in_order(
    notes: NotesService,
    thousand_notes: list[dict[str, Any]],
    sort: str | None,
    key: Any,
    descending: bool,
) -> None:
    served, pages = await walk(notes, **({"sort": sort} if sort else {}))

    assert len(served) == len(set(served)), "a note was served twice"
    assert set(served) == set(_ids(thousand_notes)), "a note was never served"
    assert served == _ids(sorted(thousand_notes, key=key, reverse=descending))
    assert pages == -(-ROWS // PAGE)


async def test_with_total_counts_every_note_on_every_page(
    notes: NotesService, thousand_notes: list[dict[str, Any]]
) -> None:
    first = await notes.client.get(
        NOTES, params={"limit": 5, "with_total": True}, headers=notes.employee()
    )
    second = await notes.client.get(
        NOTES,
        params={"limit": 5, "with_total": True, "cursor": first.json()["next_cursor"]},
        headers=notes.employee(),
    )
    without = await notes.client.get(NOTES, params={"limit": 5}, headers=notes.employee())

    assert first.json()["total"] == ROWS
    assert second.json()["total"] == ROWS
    assert "total" not in without.json() or without.json()["total"] is None


async def test_last_page_has_no_cursor(notes: NotesService) -> None:
    await seed_notes(notes, 3)

    exact = await notes.client.get(NOTES, params={"limit": 3}, headers=notes.employee())
    longer = await notes.client.get(NOTES, params={"limit": 2}, headers=notes.employee())
    rest = await notes.client.get(
        NOTES,
        params={"limit": 2, "cursor": longer.json()["next_cursor"]},
        headers=notes.employee(),
    )

    assert len(exact.json()["items"]) == 3
    assert exact.json().get("next_cursor") is None
    assert len(rest.json()["items"]) == 1
    assert rest.json().get("next_cursor") is None


@pytest.mark.parametrize("limit", [0, -1, 201])
async def test_page_size_outside_1_to_200_is_refused(notes: NotesService, limit: int) -> None:
    response = await notes.client.get(NOTES, params={"limit": limit}, headers=notes.employee())

    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["loc"] == ["query", "limit"]


async def test_page_size_of_200_is_accepted(notes: NotesService) -> None:
    response = await notes.client.get(NOTES, params={"limit": 200}, headers=notes.employee())

    assert response.status_code == 200


def _cursor(*parts: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        "bm90IGpzb24",  # "not json"
        _cursor("created_at", "yesterday", str(uuid.uuid4())),
        _cursor("created_at", "2024-03-01T09:00:00+00:00", "not-a-uuid"),
        _cursor("created_at"),
        base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),
        _cursor("title", "note 0001", str(uuid.uuid4())),  # another sort's cursor
    ],
    ids=["garbage", "not-json", "bad-instant", "bad-id", "short", "binary", "other-sort"],
)
async def test_cursor_this_api_never_issued_is_a_400(notes: NotesService, cursor: str) -> None:
    await seed_notes(notes, 3)

    response = await notes.client.get(NOTES, params={"cursor": cursor}, headers=notes.employee())

    assert_problem(response, 400, "invalid_cursor")


async def test_unknown_sort_field_is_refused_naming_the_sortable_ones(notes: NotesService) -> None:
    response = await notes.client.get(NOTES, params={"sort": "body"}, headers=notes.employee())

    body = assert_problem(response, 422, "invalid_sort")
    assert "title" in body["detail"]
