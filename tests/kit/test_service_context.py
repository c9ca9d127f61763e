"""The typed service context on ``ServiceRuntime``: one clock (aware UTC), ``today`` derived
from it, the outbound client, and a service's own context read by its type."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from shared.kit.runtime import ServiceRuntime
from tests.kit.conftest import NotesService

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
