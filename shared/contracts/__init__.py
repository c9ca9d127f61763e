"""Wire contracts: pydantic models only, importable by any client or service."""

from shared.contracts.events import (
    EventContractError,
    EventEnvelope,
    EventFeedPage,
    EventPayload,
    EventSubject,
    UnknownEventType,
    contract_for,
    event_contracts,
    parse_event,
    parse_event_as,
    validate_event_data,
)
from shared.contracts.ids import new_id, uuid7
from shared.contracts.money import Money, money
from shared.contracts.page import Page
from shared.contracts.principal import ROLES, Principal
from shared.contracts.problem import Problem, ValidationIssue

__all__ = [
    "ROLES",
    "EventContractError",
    "EventEnvelope",
    "EventFeedPage",
    "EventPayload",
    "EventSubject",
    "Money",
    "Page",
    "Principal",
    "Problem",
    "UnknownEventType",
    "ValidationIssue",
    "contract_for",
    "event_contracts",
    "money",
    "new_id",
    "parse_event",
    "parse_event_as",
    "uuid7",
    "validate_event_data",
]
