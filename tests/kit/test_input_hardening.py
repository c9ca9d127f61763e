"""Bad input is refused with a 4xx problem by the kit itself, for every operation of a service:
NUL characters, integers past what a column holds, unknown query parameters, a cursor used
under other filters; unique-key races end in 409; clients need their scope on the service
itself; reads honour If-None-Match; answers carry the security headers; SQLite files are
private."""

import asyncio
import os
import stat
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from fastapi import Form, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict
from sqlalchemy import select

from shared.kit.app import create_service_app
from shared.kit.auth import CurrentPrincipal
from shared.kit.db import DbInt, create_engine_for
from shared.kit.errors import not_found
from shared.kit.routing import SessionDep, service_router
from shared.kit.settings import ServiceSettings
from shared.kit.testing import TokenMinter, bearer
from tests.conftest import TestDatabase
from tests.kit.conftest import EVENTS, NOTES, NotesService, create_tables
from tests.kit.sample_app import KIT, Base, EventTally, Note
from tests.kit.sample_app import router as notes_router
from tests.problems import assert_problem

probes = service_router(prefix="/api/v1/notes", tags=["probes"])


@probes.get("/tallies/{seq}")
async def tally_by_seq(seq: int, session: SessionDep, _p: CurrentPrincipal) -> dict[str, str]:
    """An undeclared int bound to an Integer column: the kit's own limits must hold it."""
    found = await session.scalar(select(EventTally.event_id).where(EventTally.seq == seq))
    if found is None:
        raise not_found("tally", seq)
    return {"event_id": found}


@probes.get("/bounded-tallies/{seq}")
async def bounded_tally(seq: DbInt, session: SessionDep, _p: CurrentPrincipal) -> dict[str, str]:
    """The same with the kit's declared type."""
    return await tally_by_seq(seq, session, _p)


@probes.post("/titles")
async def echo_title(
    title: Annotated[str, Form(max_length=200)], _p: CurrentPrincipal
) -> dict[str, str]:
    """A form-encoded operation."""
    return {"title": title}


@probes.get("/search")
async def search(
    session: SessionDep,
    _p: CurrentPrincipal,
    q: Annotated[str, Query(max_length=100)] = "",
    page: Annotated[int | None, Query()] = None,
) -> dict[str, int]:
    """Counts notes whose title contains ``q``."""
    titles = (await session.scalars(select(Note.title))).all()
    return {"count": sum(q in title for title in titles)}


@probes.get("/calendar")
async def calendar(
    _p: CurrentPrincipal,
    on: date | None = None,
    days: Annotated[list[date] | None, Query()] = None,
    at: Annotated[AwareDatetime | None, Query(alias="from")] = None,
) -> dict[str, str | None]:
    """Dates and datetimes in a query, as every service declares them."""
    return {"on": on and on.isoformat(), "days": str(days), "from": at and at.isoformat()}


class Booking(BaseModel):
    """A body with the kinds of fields pydantic's lax mode would coerce."""

    model_config = ConfigDict(extra="forbid")

    all_day: bool = False
    seats: int = 1
    note: str = ""
    memo: str | None = None
    on: date
    until: date | None = None
    at: AwareDatetime | None = None
    tags: list[int] = []
    nested: list["BookingPart"] = []


class BookingPart(BaseModel):
    confirmed: bool


@probes.post("/bookings")
async def echo_booking(booking: Booking, _p: CurrentPrincipal) -> dict[str, object]:
    """Echoes what it read."""
    return booking.model_dump(mode="json")


@asynccontextmanager
async def probe_service(db: TestDatabase, minter: TokenMinter) -> AsyncIterator[NotesService]:
    await create_tables(db)
    settings = ServiceSettings(
        service="notes", database_url=db.url, database_schema=db.schema, publisher_interval=0.2
    )
    app = create_service_app(
        settings,
        metadata=Base.metadata,
        tables=KIT,
        routers=[probes, notes_router],
        verifier=minter.verifier(),
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield NotesService(app, client, minter, db)


@pytest.fixture
async def svc(database_url: TestDatabase, minter: TokenMinter) -> AsyncIterator[NotesService]:
    async with probe_service(database_url, minter) as service:
        yield service


# ---- NUL characters ---------------------------------------------------------------------


async def test_a_nul_in_a_json_body_is_a_422_naming_the_field(svc: NotesService) -> None:
    response = await svc.client.post(
        NOTES, json={"title": "a\u0000b", "body": "fine"}, headers=svc.employee()
    )

    body = assert_problem(response, 422, "nul_character")
    assert body["errors"][0]["loc"] == ["body", "title"]
    listed = await svc.client.get(NOTES, headers=svc.employee())
    assert listed.json()["items"] == []


async def test_a_nul_nested_in_a_json_list_is_refused(svc: NotesService) -> None:
    response = await svc.client.post(
        f"{NOTES}/batch",
        json=[{"title": "fine"}, {"title": "x", "body": "\u0000"}],
        headers=svc.employee(),
    )

    body = assert_problem(response, 422, "nul_character")
    assert body["errors"][0]["loc"] == ["body", 1, "body"]


async def test_an_escaped_backslash_u0000_is_text_not_a_nul(svc: NotesService) -> None:
    response = await svc.client.post(NOTES, json={"title": "\\u0000"}, headers=svc.employee())

    assert response.status_code == 201, response.text
    assert response.json()["title"] == "\\u0000"


async def test_a_nul_in_a_query_parameter_is_a_422(svc: NotesService) -> None:
    response = await svc.client.get(f"{EVENTS}?type=notes.note%00created", headers=svc.auditor())

    body = assert_problem(response, 422, "nul_character")
    assert body["errors"][0]["loc"] == ["query", "type"]


async def test_a_nul_in_the_path_is_a_422(svc: NotesService) -> None:
    response = await svc.client.get(f"{NOTES}/abc%00def", headers=svc.employee())

    assert_problem(response, 422, "nul_character")


async def test_a_nul_in_a_form_field_is_a_422(svc: NotesService) -> None:
    refused = await svc.client.post(
        "/api/v1/notes/titles", data={"title": "a\u0000b"}, headers=svc.employee()
    )
    accepted = await svc.client.post(
        "/api/v1/notes/titles", data={"title": "ab"}, headers=svc.employee()
    )

    assert_problem(refused, 422, "nul_character")
    assert accepted.json() == {"title": "ab"}


# ---- integers past what the database holds ------------------------------------------------


@pytest.mark.parametrize("after", ["99999999999999999999999", "9223372036854775808"])
async def test_a_feed_position_past_64_bits_is_a_422(svc: NotesService, after: str) -> None:
    response = await svc.client.get(EVENTS, params={"after": after}, headers=svc.auditor())

    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["loc"] == ["query", "after"]


async def test_the_feed_accepts_the_largest_64_bit_position(svc: NotesService) -> None:
    response = await svc.client.get(EVENTS, params={"after": str(2**63 - 1)}, headers=svc.auditor())

    assert response.status_code == 200, response.text
    assert response.json()["items"] == []


async def test_an_undeclared_int_past_64_bits_is_a_422_before_any_sql(svc: NotesService) -> None:
    response = await svc.client.get(
        "/api/v1/notes/tallies/99999999999999999999999", headers=svc.employee()
    )

    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["loc"] == ["path", "seq"]


async def test_an_int_past_the_column_but_within_64_bits_is_never_a_500(
    svc: NotesService,
) -> None:
    # On PostgreSQL the INTEGER column refuses it (the kit answers 422); SQLite finds nothing.
    response = await svc.client.get(f"/api/v1/notes/tallies/{2**40}", headers=svc.employee())

    assert response.status_code in (404, 422), response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_the_declared_db_int_is_bounded_to_32_bits(svc: NotesService) -> None:
    refused = await svc.client.get(f"/api/v1/notes/bounded-tallies/{2**31}", headers=svc.employee())
    largest = await svc.client.get(
        f"/api/v1/notes/bounded-tallies/{2**31 - 1}", headers=svc.employee()
    )
    schema = (await svc.client.get("/api/v1/notes/openapi.json")).json()
    parameter = schema["paths"]["/api/v1/notes/bounded-tallies/{seq}"]["get"]["parameters"][0]

    assert_problem(refused, 422, "validation_error")
    assert_problem(largest, 404, "not_found")
    assert parameter["schema"]["maximum"] == 2**31 - 1


# ---- unknown query parameters -------------------------------------------------------------


async def test_an_unknown_query_parameter_is_a_422_naming_it(svc: NotesService) -> None:
    response = await svc.client.get(
        NOTES, params={"q": "x", "limit": 5, "colour": "red"}, headers=svc.employee()
    )

    body = assert_problem(response, 422, "unknown_parameter")
    assert body["parameters"] == ["colour", "q"]
    assert "colour" in body["detail"] and "q" in body["detail"]


async def test_declared_query_parameters_of_dependencies_are_known(svc: NotesService) -> None:
    response = await svc.client.get(
        NOTES,
        params={"limit": 5, "sort": "title", "with_total": "true"},
        headers=svc.employee(),
    )

    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("on", "0"),  # pydantic's lax mode read it as 1970-01-01
        ("on", "1764547200"),
        ("on", "2026-1-5"),
        ("on", "20260105"),
        ("on", "2026-01-05T00:00:00Z"),
        ("on", ""),
        ("on", "\uff12026-01-05"),  # a full-width digit
        ("days", "0"),
        ("from", "0"),
        ("from", "1764547200.5"),
        ("from", "2026-01-05"),
        ("from", "2026-01-05 08:00:00Z"),
        ("from", "2026-01-05T08:00"),
    ],
)
async def test_dates_in_a_query_are_iso_only(svc: NotesService, name: str, value: str) -> None:
    response = await svc.client.get(
        "/api/v1/notes/calendar", params={name: value}, headers=svc.employee()
    )

    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["loc"] == ["query", name]


async def test_iso_dates_and_rfc_3339_datetimes_are_read(svc: NotesService) -> None:
    response = await svc.client.get(
        "/api/v1/notes/calendar",
        params={
            "on": "2026-01-05",
            "days": ["2026-01-06", "2026-01-07"],
            "from": "2026-01-05t08:00:00.5+08:00",
        },
        headers=svc.employee(),
    )

    assert response.status_code == 200, response.text
    assert response.json()["on"] == "2026-01-05"
    assert response.json()["from"] == "2026-01-05T08:00:00.500000+08:00"
    not_a_day = await svc.client.get(
        "/api/v1/notes/calendar", params={"on": "2026-02-30"}, headers=svc.employee()
    )
    assert_problem(not_a_day, 422, "validation_error")


# ---- bodies held to their JSON types ------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "loc"),
    [
        ({"all_day": 0}, ["body", "all_day"]),  # lax mode read 0 as false
        ({"all_day": "yes"}, ["body", "all_day"]),
        ({"seats": "5"}, ["body", "seats"]),
        ({"seats": 5.5}, ["body", "seats"]),
        ({"note": 12500}, ["body", "note"]),
        ({"memo": 12500}, ["body", "memo"]),  # a number for a string-or-null
        ({"seats": True}, ["body", "seats"]),
        ({"on": 0}, ["body", "on"]),  # lax mode read 0 as 1970-01-01
        ({"on": "1764547200"}, ["body", "on"]),
        ({"until": 0}, ["body", "until"]),
        ({"at": 1764547200}, ["body", "at"]),
        ({"tags": [1, "2"]}, ["body", "tags", 1]),
        (
            {"nested": [{"confirmed": True}, {"confirmed": 1}]},
            ["body", "nested", 1, "confirmed"],
        ),
    ],
)
async def test_a_body_field_of_another_json_type_is_refused_not_coerced(
    svc: NotesService, field: dict[str, object], loc: list[object]
) -> None:
    body = {"on": "2026-01-05", **field}
    response = await svc.client.post("/api/v1/notes/bookings", json=body, headers=svc.employee())

    problem = assert_problem(response, 422, "validation_error")
    assert problem["errors"][0]["loc"] == loc


@pytest.mark.parametrize(
    ("field", "detail"),
    [
        ({"note": None}, "note must be a JSON string, not null"),
        ({"seats": None}, "seats must be a JSON integer, not null"),
        ({"tags": [1, None]}, "tags.1 must be a JSON integer, not null"),
        ({"nested": [{"confirmed": None}]}, "nested.0.confirmed must be a JSON boolean, not null"),
    ],
)
async def test_a_null_where_the_document_allows_none_is_refused_by_name(
    svc: NotesService, field: dict[str, object], detail: str
) -> None:
    body = {"on": "2026-01-05", **field}
    response = await svc.client.post("/api/v1/notes/bookings", json=body, headers=svc.employee())

    problem = assert_problem(response, 422, "validation_error")
    assert problem["detail"] == detail
    # A field the document lets be null still takes one.
    cleared = await svc.client.post(
        "/api/v1/notes/bookings",
        json={"on": "2026-01-05", "memo": None, "until": None},
        headers=svc.employee(),
    )
    assert cleared.status_code == 200, cleared.text


async def test_a_body_of_the_documented_types_is_read(svc: NotesService) -> None:
    response = await svc.client.post(
        "/api/v1/notes/bookings",
        json={
            "all_day": True,
            "seats": 3.0,  # JSON Schema's integer: a number without a fraction
            "on": "2026-01-05",
            "until": None,
            "at": "2026-01-05T08:00:00+08:00",
            "tags": [1, 2],
            "nested": [{"confirmed": False}],
        },
        headers=svc.employee(),
    )

    assert response.status_code == 200, response.text
    assert response.json()["at"] == "2026-01-05T08:00:00+08:00"
    assert response.json()["nested"] == [{"confirmed": False}]


# ---- cursors bound to their filters -------------------------------------------------------


async def test_a_cursor_is_refused_under_other_filters(svc: NotesService) -> None:
    for title in ("a1", "a2", "a3", "b1"):
        await svc.create_note(title)
    first = await svc.client.get(
        f"{EVENTS.rsplit('/', 1)[0]}/audit-log",
        params={"entity_type": "notes", "limit": 1},
        headers=svc.auditor(),
    )
    cursor = first.json()["next_cursor"]
    assert cursor

    same = await svc.client.get(
        f"{EVENTS.rsplit('/', 1)[0]}/audit-log",
        params={"entity_type": "notes", "limit": 1, "cursor": cursor},
        headers=svc.auditor(),
    )
    other = await svc.client.get(
        f"{EVENTS.rsplit('/', 1)[0]}/audit-log",
        params={"entity_type": "other", "limit": 1, "cursor": cursor},
        headers=svc.auditor(),
    )
    dropped = await svc.client.get(
        f"{EVENTS.rsplit('/', 1)[0]}/audit-log",
        params={"limit": 1, "cursor": cursor},
        headers=svc.auditor(),
    )

    assert same.status_code == 200, same.text
    assert_problem(other, 400, "cursor_mismatch")
    assert_problem(dropped, 400, "cursor_mismatch")


async def test_a_cursor_of_another_sort_is_a_cursor_mismatch(svc: NotesService) -> None:
    for title in ("a1", "a2", "a3"):
        await svc.create_note(title)
    first = await svc.client.get(
        NOTES, params={"sort": "title", "limit": 1}, headers=svc.employee()
    )

    response = await svc.client.get(
        NOTES,
        params={"sort": "-title", "cursor": first.json()["next_cursor"]},
        headers=svc.employee(),
    )

    assert_problem(response, 400, "cursor_mismatch")


# ---- unique-key races ---------------------------------------------------------------------


async def test_a_unique_key_the_database_enforces_is_a_409(svc: NotesService) -> None:
    await svc.create_note("Budget")

    # lazy-notes skips the endpoint's own check: the database has its say at commit.
    response = await svc.client.post(
        "/api/v1/notes/lazy-notes", json={"title": "Budget"}, headers=svc.employee()
    )

    assert_problem(response, 409, "conflict")
    assert "UNIQUE" not in response.text and "INSERT" not in response.text


async def test_twenty_racing_creations_with_one_title_give_one_201_and_409s(
    svc: NotesService,
) -> None:
    async def create() -> httpx.Response:
        return await svc.client.post(
            "/api/v1/notes/slow-notes",
            params={"pause_after": 0.05},
            json={"title": "Same"},
            headers=svc.employee(),
        )

    answers = await asyncio.gather(*(create() for _ in range(20)))

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses.count(201) == 1, [a.text for a in answers if a.status_code >= 500]
    assert set(statuses) == {201, 409}


# ---- scopes checked by the service itself -------------------------------------------------


async def test_a_client_without_the_services_scope_is_refused_by_the_service(
    svc: NotesService,
) -> None:
    other = bearer(svc.minter.client(["org:read", "org:write"]))
    reader = bearer(svc.minter.client(["notes:read"]))

    read_by_other = await svc.client.get(NOTES, headers=other)
    write_by_other = await svc.client.post(NOTES, json={"title": "x"}, headers=other)
    write_by_reader = await svc.client.post(NOTES, json={"title": "x"}, headers=reader)

    assert_problem(read_by_other, 403, "insufficient_scope")
    assert_problem(write_by_other, 403, "insufficient_scope")
    body = assert_problem(write_by_reader, 403, "insufficient_scope")
    assert "notes:write" in body["detail"]


async def test_a_client_with_the_services_scope_is_let_through(svc: NotesService) -> None:
    reader = bearer(svc.minter.client(["notes:read"]))
    writer = bearer(svc.minter.client(["notes:write"]))

    created = await svc.client.post(NOTES, json={"title": "x"}, headers=writer)
    read = await svc.client.get(NOTES, headers=reader)
    read_by_writer = await svc.client.get(NOTES, headers=writer)

    assert created.status_code == 201, created.text
    assert read.status_code == 200 and len(read.json()["items"]) == 1
    assert read_by_writer.status_code == 200


# ---- If-None-Match ------------------------------------------------------------------------


async def test_a_read_whose_etag_the_caller_holds_is_a_304(svc: NotesService) -> None:
    note = await svc.create_note("cached")
    first = await svc.client.get(f"{NOTES}/{note['id']}", headers=svc.employee())
    tag = first.headers["etag"]

    again = await svc.client.get(
        f"{NOTES}/{note['id']}", headers={**svc.employee(), "If-None-Match": tag}
    )
    weak = await svc.client.get(
        f"{NOTES}/{note['id']}", headers={**svc.employee(), "If-None-Match": f'"9", W/{tag}'}
    )
    await svc.client.patch(
        f"{NOTES}/{note['id']}", json={"body": "changed"}, headers=svc.employee()
    )
    changed = await svc.client.get(
        f"{NOTES}/{note['id']}", headers={**svc.employee(), "If-None-Match": tag}
    )

    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag
    assert weak.status_code == 304
    assert changed.status_code == 200 and changed.json()["body"] == "changed"


# ---- security headers ---------------------------------------------------------------------


async def test_answers_carry_nosniff_and_authenticated_json_no_store(svc: NotesService) -> None:
    authenticated = await svc.client.get(NOTES, headers=svc.employee())
    anonymous = await svc.client.get("/healthz")
    problem = await svc.client.get(NOTES)

    assert authenticated.headers["x-content-type-options"] == "nosniff"
    assert authenticated.headers["cache-control"] == "no-store"
    assert anonymous.headers["x-content-type-options"] == "nosniff"
    assert "cache-control" not in anonymous.headers
    assert problem.headers["x-content-type-options"] == "nosniff"


# ---- private SQLite files -----------------------------------------------------------------


async def test_sqlite_files_and_their_directory_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    url = f"sqlite+aiosqlite:///{folder / 'svc.db'}"
    engine = create_engine_for(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
    finally:
        await engine.dispose()

    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in os.listdir(folder):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name


async def test_an_existing_world_readable_sqlite_file_is_narrowed(tmp_path: Path) -> None:
    path = tmp_path / f"{uuid.uuid4().hex}.db"
    path.touch(mode=0o644)
    path.chmod(0o644)

    engine = create_engine_for(f"sqlite+aiosqlite:///{path}")
    await engine.dispose()

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
