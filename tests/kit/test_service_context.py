"""The typed service context on ``ServiceRuntime``: one clock (aware UTC), ``today`` derived
from it, the outbound client, and a service's own context read by its type."""

import contextvars
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from shared.kit.db import utcnow
from shared.kit.runtime import ServiceRuntime
from tests.kit.conftest import NotesService
from tests.kit.sample_app import Note
from tests.kit.test_feed import wait_for_events

pytestmark = pytest.mark.db


@dataclass(frozen=True)
class NotesContext:
    shelf: str


@dataclass(frozen=True)
class OtherContext:
    shelf: str


async def test_the_clock_is_the_system_clock_unless_swapped(notes: NotesService) -> None:
    runtime = notes.runtime
    before = datetime.now(UTC)
    now = runtime.now()
    assert now.tzinfo is not None and before - timedelta(seconds=1) <= now
    runtime.clock = lambda: datetime(2030, 12, 31, 23, 30, tzinfo=UTC)
    assert runtime.today() == date(2030, 12, 31)


async def test_today_is_the_utc_date_of_an_aware_clock_in_another_zone(
    notes: NotesService,
) -> None:
    tokyo = timezone(timedelta(hours=9))
    notes.runtime.clock = lambda: datetime(
        2031, 1, 1, 8, 0, tzinfo=tokyo
    )  # 23:00 UTC the day before
    assert notes.runtime.today() == date(2030, 12, 31)


async def test_a_naive_clock_is_refused(notes: NotesService) -> None:
    notes.runtime.clock = lambda: datetime(2030, 1, 1, 12, 0)
    with pytest.raises(RuntimeError, match="naive"):
        notes.runtime.now()


async def test_the_service_context_is_read_by_its_type(notes: NotesService) -> None:
    runtime: ServiceRuntime[NotesContext] = notes.runtime
    with pytest.raises(RuntimeError, match="NoneType"):
        runtime.context_of(NotesContext)
    runtime.context = NotesContext("top")
    assert runtime.context_of(NotesContext).shelf == "top"
    with pytest.raises(RuntimeError, match="not OtherContext"):
        runtime.context_of(OtherContext)


async def test_a_service_without_an_outbound_client_says_so(notes: NotesService) -> None:
    with pytest.raises(RuntimeError, match="no outbound service client"):
        _ = notes.runtime.service_client


async def test_records_and_the_kits_stamps_follow_the_services_clock(
    notes: NotesService,
) -> None:
    """A test that moves a service's clock moves everything the service stamps: the record's
    ``created_at``/``updated_at``, the event's ``occurred_at`` and the audit entry's time."""
    moved = datetime(2031, 5, 4, 9, 30, tzinfo=UTC)
    notes.runtime.clock = lambda: moved
    created = await notes.create_note("stamped by the service's clock")
    async with notes.runtime.sessionmaker() as session:
        note = await session.get(Note, uuid.UUID(created["id"]))
        assert note is not None
        assert (note.created_at, note.updated_at) == (moved, moved)
    events = await wait_for_events(notes, 1)
    assert events[0]["occurred_at"].startswith("2031-05-04T09:30:00")
    audit = await notes.client.get("/api/v1/notes/audit-log", headers=notes.auditor())
    assert audit.status_code == 200, audit.text
    assert {entry["occurred_at"][:19] for entry in audit.json()["items"]} == {"2031-05-04T09:30:00"}


def test_outside_a_service_utcnow_is_the_machines_clock() -> None:
    before = datetime.now(UTC)
    now = contextvars.Context().run(utcnow)
    assert before <= now <= datetime.now(UTC)
