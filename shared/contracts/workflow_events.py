"""Payloads of the events workflow publishes on ``/api/v1/workflow/events``.

Every event is about one approval instance and names the record it decides (``subject``: the
owning service, its record type and id), so the owning service can follow its own approvals.
"""

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.events import EventPayload, event_contract


class ApprovalSubject(BaseModel):
    """The record an approval decides, in the service that owns it."""

    model_config = ConfigDict(frozen=True)

    service: str = Field(description="The owning service, e.g. ``hr``.")
    type: str = Field(description="The record type in that service, e.g. ``leave_request``.")
    id: str = Field(description="The record's id in that service.")


class InstanceEvent(EventPayload):
    """What every workflow event says about its instance."""

    instance_id: uuid.UUID
    definition_key: str
    subject: ApprovalSubject
    requester_employee_id: uuid.UUID


@event_contract("workflow.instance.started")
class InstanceStarted(InstanceEvent):
    """An approval started."""

    title: str


@event_contract("workflow.task.assigned")
class TaskAssigned(InstanceEvent):
    """A step of an approval was given to an approver (or their substitute)."""

    task_id: uuid.UUID
    assignee_employee_id: uuid.UUID
    step_key: str


@event_contract("workflow.instance.completed")
class InstanceCompleted(InstanceEvent):
    """An approval ended: approved, rejected, or withdrawn by its requester or owning service."""

    outcome: Literal["approved", "rejected", "withdrawn"]
