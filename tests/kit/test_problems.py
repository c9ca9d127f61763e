"""Every error is an RFC 9457 problem; every request runs in one transaction; ops endpoints."""

import re

import pytest
from sqlalchemy import text

from shared.kit.testing import TokenMinter
from tests.conftest import TestDatabase
from tests.kit.conftest import AUDIT_LOG, NOTES, NotesService, running_notes_service
from tests.problems import assert_problem


async def test_unknown_route_is_a_404_problem(notes: NotesService) -> None:
    response = await notes.client.get("/api/v1/notes/nothing-here", headers=notes.employee())

    body = assert_problem(response, 404, "not_found")
    assert body["instance"] == "/api/v1/notes/nothing-here"
    assert "/api/v1/notes/nothing-here" in body["detail"]


async def test_wrong_method_is_a_405_problem(notes: NotesService) -> None:
    response = await notes.client.delete(NOTES, headers=notes.employee())

    assert_problem(response, 405, "method_not_allowed")
    assert "POST" in response.headers["allow"]


async def test_a_405_allows_every_method_the_path_serves(notes: NotesService) -> None:
    """GET and POST are two routes on one path; Allow names both, not only the first."""
    response = await notes.client.put(NOTES, json={}, headers=notes.employee())

    assert_problem(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET, POST"


async def test_invalid_body_is_a_422_problem_listing_each_error(notes: NotesService) -> None:
    response = await notes.client.post(
        NOTES, json={"title": "", "colour": "red"}, headers=notes.employee()
    )

    body = assert_problem(response, 422, "validation_error")
    places = {tuple(issue["loc"]) for issue in body["errors"]}
    assert ("body", "title") in places
    assert ("body", "colour") in places
    assert all(issue["msg"] and issue["type"] for issue in body["errors"])


async def test_invalid_path_parameter_is_a_422_problem(notes: NotesService) -> None:
    response = await notes.client.get(f"{NOTES}/not-a-uuid", headers=notes.employee())

    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["loc"] == ["path", "note_id"]


async def test_malformed_json_is_a_400_problem(notes: NotesService) -> None:
    response = await notes.client.post(
        NOTES,
        content=b'{"title": "unterminated',
        headers={**notes.employee(), "Content-Type": "application/json"},
    )

    body = assert_problem(response, 400, "malformed_request")
    assert "JSON" in body["detail"]


async def test_duplicate_title_is_a_409_problem_with_its_own_code(notes: NotesService) -> None:
    await notes.create_note("Quarterly plan")

    response = await notes.client.post(
        NOTES, json={"title": "Quarterly plan"}, headers=notes.employee()
    )

    body = assert_problem(response, 409, "duplicate_title")
    assert "Quarterly plan" in body["detail"]


async def test_missing_record_is_a_404_problem(notes: NotesService) -> None:
    missing = "0190f0f0-0000-7000-8000-000000000000"
    response = await notes.client.get(f"{NOTES}/{missing}", headers=notes.employee())

    body = assert_problem(response, 404, "not_found")
    assert missing in body["detail"]


async def test_missing_token_is_a_401_problem_asking_for_a_bearer_token(
    notes: NotesService,
) -> None:
    response = await notes.client.get(NOTES)

    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_crash_is_a_500_problem_without_internals_but_with_the_request_id(
    notes: NotesService,
) -> None:
    response = await notes.client.post(
        "/api/v1/notes/crash", headers={**notes.employee(), "X-Request-ID": "crash-report-17"}
    )

    body = assert_problem(response, 500, "internal_error")
    assert body["request_id"] == "crash-report-17"
    assert response.headers["x-request-id"] == "crash-report-17"
    text = response.text
    for leak in ("Traceback", "RuntimeError", "boom", "SELECT", "passwords", 'File "'):
        assert leak not in text


async def test_request_id_is_passed_through_when_given(notes: NotesService) -> None:
    response = await notes.client.get(
        NOTES, headers={**notes.employee(), "X-Request-ID": "abc-123.def:4"}
    )

    assert response.status_code == 200
    assert response.headers["x-request-id"] == "abc-123.def:4"


async def test_request_id_is_created_when_missing_or_unusable(notes: NotesService) -> None:
    first = await notes.client.get(NOTES, headers=notes.employee())
    second = await notes.client.get(NOTES, headers=notes.employee())
    unusable = await notes.client.get(
        NOTES, headers={**notes.employee(), "X-Request-ID": "no spaces <allowed>"}
    )

    ids = [r.headers["x-request-id"] for r in (first, second, unusable)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)
    assert len(set(ids)) == 3


async def test_problem_carries_the_request_id_it_was_answered_under(notes: NotesService) -> None:
    response = await notes.client.get("/api/v1/notes/nowhere")

    body = assert_problem(response, 404)
    assert body["request_id"] == response.headers["x-request-id"]


async def test_crashed_request_commits_nothing(notes: NotesService) -> None:
    crashed = await notes.client.post("/api/v1/notes/crash", headers=notes.employee())
    assert crashed.status_code == 500

    listed = await notes.client.get(NOTES, params={"with_total": True}, headers=notes.employee())
    assert listed.json()["total"] == 0
    assert "never-committed" not in listed.text
    # The title is free: nothing of the crashed request survived.
    await notes.create_note("never-committed")


async def test_refused_request_commits_nothing(notes: NotesService) -> None:
    await notes.create_note("first")

    batch = await notes.client.post(
        f"{NOTES}/batch",
        json=[{"title": "second"}, {"title": "third"}, {"title": "first"}],
        headers=notes.employee(),
    )
    assert_problem(batch, 409, "duplicate_title")

    listed = await notes.client.get(NOTES, headers=notes.employee())
    assert [note["title"] for note in listed.json()["items"]] == ["first"]


async def test_successful_write_is_visible_to_the_next_request(notes: NotesService) -> None:
    created = await notes.create_note("Visible at once", body="hello", amount="12.50")

    read = await notes.client.get(f"{NOTES}/{created['id']}", headers=notes.employee())

    assert read.status_code == 200
    assert read.json() == created
    assert read.json()["amount"] == "12.50"


async def test_metrics_count_requests_by_route_template_not_by_raw_path(
    notes: NotesService,
) -> None:
    note = await notes.create_note("Counted")
    for _ in range(3):
        await notes.client.get(f"{NOTES}/{note['id']}", headers=notes.employee())
    await notes.client.get(f"/api/v1/notes/random/{note['id']}")
    await notes.client.post("/api/v1/notes/crash", headers=notes.employee())

    metrics = (await notes.client.get("/metrics")).text

    assert note["id"] not in metrics
    assert re.search(
        r'officina_http_requests_total\{method="GET",route="/api/v1/notes/notes/\{note_id\}",'
        r'service="notes",status="200"\} 3\.0',
        metrics,
    ), metrics
    assert 'route="unmatched",service="notes",status="404"' in metrics
    assert 'route="/api/v1/notes/crash",service="notes",status="500"' in metrics


async def test_readiness_liveness_and_metrics(notes: NotesService) -> None:
    await notes.client.get(NOTES, headers=notes.employee())

    healthz = await notes.client.get("/healthz")
    readyz = await notes.client.get("/readyz")
    metrics = await notes.client.get("/metrics")

    assert healthz.status_code == 200
    assert healthz.json() == {"status": "ok", "service": "notes"}
    assert readyz.status_code == 200
    assert readyz.json()["status"] == "ready"
    assert metrics.status_code == 200
    assert "officina_http_requests_total" in metrics.text
    assert 'route="/api/v1/notes/notes"' in metrics.text
    assert "officina_http_request_duration_seconds" in metrics.text


async def test_audit_log_is_closed_to_anonymous_callers(notes: NotesService) -> None:
    assert_problem(await notes.client.get(AUDIT_LOG), 401)


@pytest.mark.postgres_only
async def test_no_free_database_connection_is_a_503_to_retry_not_a_500(
    database_url: TestDatabase, minter: TokenMinter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OFFICINA_DB_POOL_SIZE", "1")
    monkeypatch.setenv("OFFICINA_DB_POOL_TIMEOUT", "0.5")
    async with running_notes_service(database_url, minter) as notes:
        engine = notes.app.state.runtime.engine
        async with engine.connect() as held:  # the pool's only connection, kept busy
            await held.execute(text("SELECT 1"))
            busy = await notes.client.post(
                NOTES, json={"title": "t", "body": "b"}, headers=notes.employee()
            )
        assert busy.status_code == 503, busy.text
        assert busy.headers["retry-after"] == "1"
        assert busy.json()["code"] == "service_unavailable"
        # once a connection is free again the same request works
        again = await notes.client.post(
            NOTES, json={"title": "t", "body": "b"}, headers=notes.employee()
        )
        assert again.status_code == 201, again.text
