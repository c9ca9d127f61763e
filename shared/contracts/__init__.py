"""Wire contracts: pydantic models only, importable by any client or service."""

from shared.contracts.events import EventEnvelope, EventFeedPage, EventSubject
from shared.contracts.ids import new_id, uuid7
from shared.contracts.money import Money, money
from shared.contracts.page import Page
from shared.contracts.principal import ROLES, Principal
from shared.contracts.problem import Problem, ValidationIssue

__all__ = [
    "ROLES",
    "EventEnvelope",
    "EventFeedPage",
    "EventSubject",
    "Money",
    "Page",
    "Principal",
    "Problem",
    "ValidationIssue",
    "money",
    "new_id",
    "uuid7",
]
