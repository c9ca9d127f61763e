"""Typed event contracts: checked when written to the outbox, parsed typed by consumers, and
every event type a service records or consumes has one."""

import ast
import importlib
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.events import (
    PAYLOAD_MODULES,
    EventContractError,
    EventEnvelope,
    EventSubject,
    UnknownEventType,
    contract_for,
    event_contracts,
    event_types_of,
    parse_event,
    parse_event_as,
)
from shared.contracts.hr_events import LeaveRequestSubmitted
from shared.contracts.org_events import EmployeeCreated, EmployeeRecord, EmployeeUpdated
from shared.contracts.workflow_events import InstanceCompleted
from shared.kit.consumer import FeedConsumer
from shared.kit.outbox import record_event
from tests.kit.conftest import NotesService
from tests.kit.sample_app import KIT, LoadTick, NoteCreated

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "events.py").exists())


async def outbox_size(notes: NotesService) -> int:
    async with notes.runtime.sessionmaker() as session:
        return int(
            (await session.execute(select(func.count()).select_from(KIT.outbox))).scalar_one()
        )


# ---- written to the outbox ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "data", "error"),
    [
        ("notes.note.vanished", {}, UnknownEventType),  # no contract for the type
        ("notes.load.tick", {"writer": 1, "txn": 2}, EventContractError),  # a field missing
        ("notes.load.tick", {"writer": "w", "txn": 1, "part": 1}, EventContractError),  # wrong type
        ("notes.load.tick", {"writer": 1, "txn": 1, "part": 1, "x": 1}, EventContractError),
        ("notes.note.updated", NoteCreated(title="t"), EventContractError),  # another type's model
    ],
)
async def test_an_event_that_breaks_its_contract_is_refused_and_nothing_is_written(
    notes: NotesService, event_type: str, data: object, error: type[Exception]
) -> None:
    before = await outbox_size(notes)
    with pytest.raises(error):
        async with notes.runtime.transaction() as session:
            await record_event(
                session, event_type, subject_type="note", subject_id=uuid.uuid4(), data=data
            )
    assert await outbox_size(notes) == before


async def test_a_model_instance_is_written_and_read_back_typed(notes: NotesService) -> None:
    async with notes.runtime.transaction() as session:
        await record_event(
            session,
            "notes.load.tick",
            subject_type="writer",
            subject_id=7,
            data=LoadTick(writer=7, txn=1, part=2),
        )
    await notes.runtime.publisher.publish_pending()

    page = await notes.feed(after=0)
    assert page["items"][-1]["data"] == {"writer": 7, "txn": 1, "part": 2}
    envelope = EventEnvelope.model_validate(page["items"][-1])
    assert envelope.payload == LoadTick(writer=7, txn=1, part=2)
    assert parse_event_as(envelope, LoadTick).part == 2


async def test_a_note_created_through_the_api_reaches_the_feed_as_its_contract(
    notes: NotesService,
) -> None:
    await notes.create_note("contracts")
    await notes.runtime.publisher.publish_pending()

    page = await notes.feed(after=0, type="notes.note.created")
    envelope = EventEnvelope.model_validate(page["items"][0])
    assert isinstance(envelope.payload, NoteCreated)
    assert envelope.payload.title == "contracts"


# ---- parsed by consumers --------------------------------------------------------------------


def envelope(event_type: str, data: dict[str, object]) -> EventEnvelope:
    return EventEnvelope(
        seq=1,
        id=uuid.uuid4(),
        type=event_type,
        occurred_at=datetime.now(UTC),
        subject=EventSubject(type="employee", id=str(uuid.uuid4())),
        data=data,
    )


EMPLOYEE = {
    "id": str(uuid.uuid4()),
    "employee_number": "E001",
    "name": "张三",
    "email": "zhang@example.com",
    "phone": None,
    "department_id": str(uuid.uuid4()),
    "position_id": None,
    "manager_id": None,
    "status": "active",
    "employment_type": "part_time",
    "is_management": False,
    "hire_date": "2024-03-01",
    "leave_date": None,
    "work_start_date": "2020-07-01",
}


def test_an_org_event_parses_to_its_typed_payload() -> None:
    payload = parse_event(envelope("org.employee.updated", {**EMPLOYEE, "changed": ["name"]}))

    assert isinstance(payload, EmployeeUpdated)
    assert isinstance(payload, EmployeeRecord)  # one base for every employee event
    assert payload.hire_date == date(2024, 3, 1)
    assert payload.department_id == uuid.UUID(EMPLOYEE["department_id"])
    assert payload.changed == ["name"]


def test_a_reader_keeps_reading_older_and_newer_events() -> None:
    older = {k: v for k, v in EMPLOYEE.items() if k not in ("employment_type", "work_start_date")}
    newer = {**EMPLOYEE, "a_field_from_a_later_release": 1}

    old = parse_event_as(envelope("org.employee.created", older), EmployeeCreated)
    new = parse_event_as(envelope("org.employee.created", newer), EmployeeCreated)

    assert (old.employment_type, old.work_start_date) == ("full_time", None)
    assert new.employment_type == "part_time"


def test_a_malformed_or_unknown_event_is_a_contract_error_not_a_key_error() -> None:
    with pytest.raises(EventContractError, match="EmployeeCreated"):
        parse_event(envelope("org.employee.created", {"id": "not-a-uuid"}))
    with pytest.raises(UnknownEventType, match="no contract"):
        parse_event(envelope("org.employee.teleported", {}))
    with pytest.raises(EventContractError):
        parse_event_as(envelope("org.employee.created", EMPLOYEE), InstanceCompleted)


async def test_a_consumer_of_a_type_without_a_contract_is_refused_when_built(
    notes: NotesService,
) -> None:
    async def token() -> str:
        return "unused"

    async def ignore(session: AsyncSession, event: EventEnvelope) -> None:
        return None

    with pytest.raises(UnknownEventType):
        FeedConsumer(
            notes.runtime,
            name="typo",
            feed_url="http://127.0.0.1:9/api/v1/org/events",
            handler=ignore,
            token=token,
            event_types={"org.employe.created"},
        )


def test_hr_leave_days_keep_their_one_place_decimal_string() -> None:
    data = {
        "employee_id": str(uuid.uuid4()),
        "leave_type": "annual",
        "start_date": "2026-05-04",
        "end_date": "2026-05-05",
        "days": "1.5",
        "status": "pending",
    }
    assert parse_event(envelope("hr.leave_request.submitted", data)) == LeaveRequestSubmitted(
        **data
    )
    with pytest.raises(EventContractError):
        parse_event(envelope("hr.leave_request.submitted", {**data, "days": 1.5}))


# ---- every event type a service records or consumes has a contract ------------------------


def _event_type_literals() -> dict[str, list[str]]:
    """Every string literal shaped like ``<service>.<entity>.<verb>`` in the platform's code,
    with where it is (the types recorded, consumed or filtered on)."""
    found: dict[str, list[str]] = {}
    prefixes = tuple(f"{service}." for service in SERVICES)
    for folder in ("services", "gateway", "shared", "officina"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and node.value.startswith(prefixes)
                    and node.value.count(".") == 2
                    and " " not in node.value
                    and not node.value.endswith(".py")
                ):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.setdefault(node.value, []).append(where)
    return found


def test_every_event_type_named_in_the_code_has_a_contract() -> None:
    literals = _event_type_literals()
    assert "org.employee.created" in literals  # the scan sees the code
    missing = {t: where for t, where in literals.items() if t not in event_contracts()}
    assert not missing, f"event types without a contract in shared/contracts: {missing}"


@pytest.mark.parametrize("service", SERVICES)
def test_what_a_service_publishes_and_consumes_has_contracts(service: str) -> None:
    events = importlib.import_module(f"services.{service}.events")
    assert event_types_of(service) == events.PUBLISHES
    for event_type in (*events.PUBLISHES, *events.CONSUMES):
        assert contract_for(event_type).event_type == event_type


def test_the_platform_contracts_live_in_the_payload_modules() -> None:
    platform = {t: m for t, m in event_contracts().items() if m.__module__ in PAYLOAD_MODULES}
    assert {t.split(".")[0] for t in platform} >= {"org", "workflow", "hr"}
    for event_type, model in platform.items():
        assert event_type.split(".")[0] in SERVICES
        assert model.__doc__, f"{model.__name__} needs a docstring: it is the AsyncAPI summary"
