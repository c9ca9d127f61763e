"""The audit log: who changed what, old and new values, written with the change itself."""

from typing import Any

import pytest

from tests.kit.conftest import AUDIT_LOG, NOTES, NotesService
from tests.problems import assert_problem


async def audit_entries(notes: NotesService, **params: Any) -> list[dict[str, Any]]:
    response = await notes.client.get(AUDIT_LOG, params=params, headers=notes.auditor())
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_creating_a_note_is_audited_with_actor_values_and_request_id(
    notes: NotesService,
) -> None:
    created = await notes.client.post(
        NOTES,
        json={"title": "Budget", "body": "draft", "amount": "12500.00"},
        headers={**notes.employee("carla"), "X-Request-ID": "req-create-1"},
    )
    note = created.json()

    [entry] = await audit_entries(notes)

    assert entry["action"] == "create"
    assert entry["actor"] == "user:carla"
    assert entry["entity_type"] == "notes"
    assert entry["entity_id"] == note["id"]
    assert entry["request_id"] == "req-create-1"
    assert entry["changes"]["title"] == {"new": "Budget"}
    assert entry["changes"]["body"] == {"new": "draft"}
    assert entry["changes"]["amount"] == {"new": "12500.00"}
    assert "version" not in entry["changes"]
    assert entry["occurred_at"].endswith("Z")


async def test_updating_a_note_is_audited_with_old_and_new_values(notes: NotesService) -> None:
    note = await notes.create_note("Budget", body="draft")

    await notes.client.patch(
        f"{NOTES}/{note['id']}",
        json={"title": "Budget 2025", "body": "draft"},
        headers={**notes.employee("dario"), "X-Request-ID": "req-update-1"},
    )

    newest, oldest = await audit_entries(notes, entity_id=note["id"])
    assert oldest["action"] == "create"
    assert newest["action"] == "update"
    assert newest["actor"] == "user:dario"
    assert newest["request_id"] == "req-update-1"
    # Only what really changed is recorded; the unchanged body is not.
    assert newest["changes"] == {"title": {"old": "Budget", "new": "Budget 2025"}}


async def test_change_that_changes_nothing_is_not_audited(notes: NotesService) -> None:
    note = await notes.create_note("Same", body="same")

    unchanged = await notes.client.patch(
        f"{NOTES}/{note['id']}", json={"body": "same"}, headers=notes.employee()
    )

    assert unchanged.status_code == 200
    assert [entry["action"] for entry in await audit_entries(notes)] == ["create"]


async def test_rolled_back_request_leaves_no_audit_entry(notes: NotesService) -> None:
    crashed = await notes.client.post("/api/v1/notes/crash", headers=notes.employee())
    refused = await notes.client.post(
        f"{NOTES}/batch", json=[{"title": "kept?"}, {"title": ""}], headers=notes.employee()
    )
    await notes.create_note("Only")
    duplicate = await notes.client.post(
        f"{NOTES}/batch", json=[{"title": "new"}, {"title": "Only"}], headers=notes.employee()
    )

    assert crashed.status_code == 500
    assert refused.status_code == 422
    assert duplicate.status_code == 409
    entries = await audit_entries(notes)
    assert [(e["action"], e["changes"]["title"]["new"]) for e in entries] == [("create", "Only")]


async def test_audit_log_filters_by_actor_and_pages_newest_first(notes: NotesService) -> None:
    for n in range(5):
        await notes.client.post(
            NOTES, json={"title": f"by alice {n}"}, headers=notes.employee("alice")
        )
    await notes.client.post(NOTES, json={"title": "by bob"}, headers=notes.employee("bob"))

    first = await notes.client.get(
        AUDIT_LOG, params={"actor": "user:alice", "limit": 3}, headers=notes.admin()
    )
    rest = await notes.client.get(
        AUDIT_LOG,
        params={"actor": "user:alice", "limit": 3, "cursor": first.json()["next_cursor"]},
        headers=notes.admin(),
    )

    titles = [e["changes"]["title"]["new"] for e in first.json()["items"] + rest.json()["items"]]
    assert titles == [f"by alice {n}" for n in reversed(range(5))]
    assert rest.json().get("next_cursor") is None


@pytest.mark.parametrize("role", ["auditor", "admin"])
async def test_auditors_and_admins_may_read_the_audit_log(notes: NotesService, role: str) -> None:
    response = await notes.client.get(
        AUDIT_LOG, headers={"Authorization": f"Bearer {notes.minter.user((role,))}"}
    )

    assert response.status_code == 200


@pytest.mark.parametrize("roles", [("employee",), ("hr", "finance", "gm"), ()])
async def test_other_people_may_not_read_the_audit_log(
    notes: NotesService, roles: tuple[str, ...]
) -> None:
    response = await notes.client.get(
        AUDIT_LOG, headers={"Authorization": f"Bearer {notes.minter.user(roles)}"}
    )

    assert_problem(response, 403, "forbidden")


async def test_clients_may_not_read_the_audit_log(notes: NotesService) -> None:
    response = await notes.client.get(AUDIT_LOG, headers=notes.feed_client())

    assert_problem(response, 403, "forbidden")
