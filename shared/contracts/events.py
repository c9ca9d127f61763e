"""Events as services publish them on their feeds."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class EventSubject(BaseModel):
    """What an event is about."""

    type: str
    id: str


class EventEnvelope(BaseModel):
    """One event of a service's feed; ``seq`` only grows and an event never changes."""

    model_config = ConfigDict(frozen=True)

    seq: int
    id: uuid.UUID
    type: str
    occurred_at: datetime
    subject: EventSubject
    data: dict[str, Any]
    request_id: str | None = None


class EventFeedPage(BaseModel):
    """A page of a feed; pass ``next_after`` as ``after`` to read on."""

    items: list[EventEnvelope]
    next_after: int
