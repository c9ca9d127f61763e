"""Events as services publish them on their feeds, and the typed contract of each event type.

Every event type has one payload model, a subclass of :class:`EventPayload` registered with
:func:`event_contract`; the models live beside this module, one module per publishing service
(``org_events``, ``workflow_events``, ``hr_events``). The kit validates ``data`` against the
model when an event is written to the outbox, consumers read it back typed with
:func:`parse_event` (or ``envelope.payload``), and the gateway's AsyncAPI document is generated
from the same models, so the feeds, their readers and their description cannot drift apart.
"""

import importlib
import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

# The modules holding the payload models, one per publishing service; a service that starts
# publishing adds its module here (tests/kit/test_event_contracts.py checks every type is known).
PAYLOAD_MODULES: tuple[str, ...] = (
    "shared.contracts.org_events",
    "shared.contracts.workflow_events",
    "shared.contracts.hr_events",
    "shared.contracts.finance_events",
    "shared.contracts.finance_spending_events",
    "shared.contracts.finance_receivable_events",
    "shared.contracts.finance_tax_events",
    "shared.contracts.logistics_events",
    "shared.contracts.logistics_meeting_events",
    "shared.contracts.logistics_travel_events",
    "shared.contracts.hr_people_events",
    "shared.contracts.posting_facts",
    "shared.contracts.hr_development_events",
    "shared.contracts.finance_payable_events",
)

EVENT_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


_EVENT_EXAMPLE: dict[str, Any] = {
    "seq": 1042,
    "id": "0193a8c0-0000-7000-8000-00000000e001",
    "type": "org.employee.updated",
    "occurred_at": "2026-11-20T08:30:00Z",
    "subject": {"type": "employee", "id": "0193a8c0-0000-7000-8000-0000000000e1"},
    "data": {"employee_id": "0193a8c0-0000-7000-8000-0000000000e1", "name": "陈小红"},
    "request_id": "9f6c1d2e4b7a4c0d",
}


class EventSubject(BaseModel):
    """What an event is about."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EVENT_EXAMPLE["subject"]]})

    type: str
    id: str


class EventPayload(BaseModel):
    """The ``data`` of one event type.

    Reading is lenient (a field this code does not know is ignored, so an older reader keeps
    working); writing is strict (:func:`validate_event_data` refuses unknown fields, nested
    ones too).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str] = ""


class EventEnvelope(BaseModel):
    """One event of a service's feed; ``seq`` only grows and an event never changes."""

    model_config = ConfigDict(frozen=True, json_schema_extra={"examples": [_EVENT_EXAMPLE]})

    seq: int
    id: uuid.UUID
    type: str
    occurred_at: datetime
    subject: EventSubject
    data: dict[str, Any]
    request_id: str | None = None

    @property
    def payload(self) -> "EventPayload":
        """``data`` parsed by the contract of ``type`` (see :func:`parse_event`)."""
        return parse_event(self)


class EventFeedPage(BaseModel):
    """A page of a feed; pass ``next_after`` as ``after`` to read on."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [_EVENT_EXAMPLE], "next_after": 1042}]}
    )

    items: list[EventEnvelope]
    next_after: int


class EventContractError(ValueError):
    """An event does not keep its contract: a programming error of the code that wrote it."""


class UnknownEventType(EventContractError, LookupError):
    """No payload model is registered for this event type."""


P = TypeVar("P", bound=EventPayload)

_CONTRACTS: dict[str, type[EventPayload]] = {}
_loaded = False


def event_contract(event_type: str) -> Any:
    """Class decorator: register ``cls`` as the payload of ``event_type``
    (``<service>.<entity>.<past_verb>``)."""
    if not EVENT_TYPE_PATTERN.match(event_type):
        raise ValueError(f"{event_type!r} is not <service>.<entity>.<past_verb>")

    def register(cls: type[P]) -> type[P]:
        if event_type in _CONTRACTS and _CONTRACTS[event_type] is not cls:
            raise ValueError(f"{event_type} already has a contract: {_CONTRACTS[event_type]}")
        cls.event_type = event_type
        _CONTRACTS[event_type] = cls
        return cls

    return register


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in PAYLOAD_MODULES:
            importlib.import_module(module)
        _loaded = True


def event_contracts() -> Mapping[str, type[EventPayload]]:
    """Every registered event type and its payload model, sorted by type."""
    _load()
    return MappingProxyType(dict(sorted(_CONTRACTS.items())))


def event_types_of(service: str) -> tuple[str, ...]:
    """The event types ``service`` publishes (those named ``<service>.…``)."""
    return tuple(t for t in event_contracts() if t.split(".", 1)[0] == service)


def contract_for(event_type: str) -> type[EventPayload]:
    """The payload model of ``event_type``; :class:`UnknownEventType` when there is none."""
    _load()
    try:
        return _CONTRACTS[event_type]
    except KeyError:
        raise UnknownEventType(
            f"no contract for event type {event_type!r}: add its payload model to "
            "shared/contracts (see docs/events.md)"
        ) from None


def validate_event_data(event_type: str, data: Mapping[str, Any] | EventPayload) -> dict[str, Any]:
    """Check ``data`` against the contract of ``event_type`` and return it as JSON-ready data.

    ``data`` is a payload model instance of that type or a mapping; a mapping with a field the
    contract does not name, a missing field or a wrong value raises :class:`EventContractError`.
    """
    model = contract_for(event_type)
    if isinstance(data, EventPayload):
        if type(data) is not model:
            raise EventContractError(
                f"{event_type} carries {model.__name__}, not {type(data).__name__}"
            )
        return data.model_dump(mode="json")
    try:
        payload = model.model_validate(dict(data), extra="forbid")
    except ValidationError as exc:
        raise EventContractError(f"{event_type} does not match {model.__name__}: {exc}") from exc
    return payload.model_dump(mode="json")


def parse_event(envelope: EventEnvelope) -> EventPayload:
    """The envelope's ``data`` as the payload model of its type."""
    model = contract_for(envelope.type)
    try:
        return model.model_validate(envelope.data)
    except ValidationError as exc:
        raise EventContractError(
            f"event {envelope.seq} ({envelope.type}) does not match {model.__name__}: {exc}"
        ) from exc


def parse_event_as(envelope: EventEnvelope, model: type[P]) -> P:
    """The envelope's ``data`` as ``model`` (a subclass check, so a base model of several types
    works too); :class:`EventContractError` when the event is of another type."""
    payload = parse_event(envelope)
    if not isinstance(payload, model):
        raise EventContractError(
            f"{envelope.type} carries {type(payload).__name__}, not {model.__name__}"
        )
    return payload
