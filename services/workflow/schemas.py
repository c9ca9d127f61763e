"""Wire shapes of the workflow API; definition steps are validated here, before anything is stored."""

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.workflow.domain import conditions

ROLE_NAMES = Literal["admin", "gm", "hr", "finance", "logistics", "auditor", "employee"]
SERVICE_NAMES = Literal["org", "workflow", "hr", "finance", "logistics"]


class Strict(BaseModel):
    """Request bodies refuse unknown fields."""

    model_config = ConfigDict(extra="forbid")


class ManagerApprover(Strict):
    """The requester's manager ``level`` steps up the chain (1 = direct manager)."""

    kind: Literal["manager"]
    level: int = Field(default=1, ge=1, le=10)


class DepartmentHeadApprover(Strict):
    """The head of a department by code, or of the requester's own department."""

    kind: Literal["department_head"]
    department_code: str | None = Field(
        default=None, description="Omit for the requester's department."
    )


class RoleApprover(Strict):
    """Everyone whose account holds the role."""

    kind: Literal["role"]
    role: ROLE_NAMES


class EmployeesApprover(Strict):
    """Named employees."""

    kind: Literal["employees"]
    employee_ids: list[uuid.UUID] = Field(min_length=1)


Approver = Annotated[
    ManagerApprover | DepartmentHeadApprover | RoleApprover | EmployeesApprover,
    Field(discriminator="kind"),
]


class Deadline(Strict):
    """What happens when a step's tasks are still open ``hours`` after they were assigned."""

    hours: float = Field(gt=0, le=24 * 365)
    action: Literal["remind", "escalate", "approve", "reject"]
    repeat_hours: float | None = Field(
        default=None, gt=0, description="For reminders: remind again every so many hours."
    )


class StepSpec(Strict):
    """One step: who approves, how their decisions combine, when it applies, its deadline."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    name: str = Field(min_length=1, max_length=200)
    approvers: list[Approver] = Field(min_length=1)
    mode: Literal["any", "all", "sequential"] = "any"
    condition: str | None = Field(default=None, description='e.g. "amount > 50000"')
    deadline: Deadline | None = None
    on_empty: Literal["skip", "admin"] | None = Field(
        default=None,
        description="When the approvers resolve to nobody; the definition's policy if omitted.",
    )

    @field_validator("condition")
    @classmethod
    def _condition_parses(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            conditions.parse(value)
        except conditions.InvalidCondition as exc:
            raise ValueError(f"invalid condition {value!r}: {exc}") from exc
        return value


class DefinitionBody(Strict):
    """What a definition says (without its key)."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    subject_type: str = Field(min_length=1, max_length=80)
    user_startable: bool = False
    form_schema: dict[str, Any] | None = Field(
        default=None, description="JSON Schema the request data must meet."
    )
    steps: list[StepSpec] = Field(min_length=1, max_length=30)
    cc: list[Approver] = Field(default_factory=list)
    on_empty: Literal["skip", "admin"] = "skip"

    @field_validator("form_schema")
    @classmethod
    def _schema_is_valid(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            try:
                Draft202012Validator.check_schema(value)
            except SchemaError as exc:
                raise ValueError(f"form_schema is not a valid JSON Schema: {exc.message}") from exc
        return value

    @model_validator(mode="after")
    def _steps_are_reachable(self) -> "DefinitionBody":
        keys = [step.key for step in self.steps]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"step keys must be unique: {', '.join(duplicates)}")
        for step in self.steps:
            if step.condition and not conditions.names(step.condition):
                # A condition that reads no field is constant: false means the step can never run.
                try:
                    reachable = conditions.evaluate(step.condition, {})
                except conditions.ConditionError:
                    reachable = True
                if not reachable:
                    raise ValueError(
                        f"step {step.key!r} is unreachable: its condition is always false"
                    )
            if step.deadline and step.deadline.repeat_hours and step.deadline.action != "remind":
                raise ValueError(f"step {step.key!r}: repeat_hours only applies to reminders")
        return self


class DefinitionCreate(DefinitionBody):
    """A new definition."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")


class DefinitionRead(BaseModel):
    """A definition version."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    key: str
    revision: int
    is_current: bool
    name: str
    description: str
    subject_type: str
    user_startable: bool
    form_schema: dict[str, Any] | None
    steps: list[dict[str, Any]]
    cc: list[dict[str, Any]]
    on_empty: str
    builtin: bool
    created_at: datetime
    created_by: str | None


class Subject(Strict):
    """What an instance is about, owned by another service."""

    service: SERVICE_NAMES
    type: str = Field(min_length=1, max_length=80)
    id: str = Field(min_length=1, max_length=80)


class InstanceStart(Strict):
    """Start an instance: services give the subject and requester; people start user-startable ones."""

    definition_key: str
    subject: Subject | None = None
    requester_employee_id: uuid.UUID | None = None
    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(default="", max_length=5000)
    data: dict[str, Any] = Field(default_factory=dict)


class Resubmit(Strict):
    """The requester's corrected request after a return."""

    title: str | None = Field(default=None, min_length=1, max_length=300)
    summary: str | None = Field(default=None, max_length=5000)
    data: dict[str, Any] | None = None
    comment: str | None = Field(default=None, max_length=5000)


class Decision(Strict):
    """An approver's comment with a decision."""

    comment: str | None = Field(default=None, max_length=5000)


class Transfer(Strict):
    """Hand a task to another employee."""

    to_employee_id: uuid.UUID
    comment: str | None = Field(default=None, max_length=5000)


class CommentCreate(Strict):
    """A comment on an instance."""

    comment: str = Field(min_length=1, max_length=5000)


class BatchApprove(Strict):
    """Approve several tasks at once."""

    task_ids: list[uuid.UUID] = Field(min_length=1, max_length=200)
    comment: str | None = Field(default=None, max_length=5000)


class BatchResult(BaseModel):
    """What happened to each task of a batch."""

    task_id: uuid.UUID
    status: int
    code: str | None = None
    detail: str | None = None


class TaskRead(BaseModel):
    """A task as its assignee sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    instance_id: uuid.UUID
    round: int
    step_index: int
    step_key: str
    position: int
    assignee_employee_id: uuid.UUID
    original_assignee_id: uuid.UUID | None
    status: str
    due_at: datetime | None
    decided_at: datetime | None
    decided_by_employee_id: uuid.UUID | None
    on_behalf_of_employee_id: uuid.UUID | None
    comment: str | None
    created_at: datetime


class InboxTask(TaskRead):
    """A pending task with what the approver needs to decide."""

    title: str
    summary: str = Field(description="The request's summary.")
    definition_key: str
    requester_employee_id: uuid.UUID
    requester_name: str | None = Field(
        description="The requester's name as org knew it when the request started."
    )
    instance_version: int = Field(
        description="The request's version: send it as `If-Match` with a decision."
    )


class HistoryRead(BaseModel):
    """One entry of an instance's trail."""

    model_config = ConfigDict(from_attributes=True)

    at: datetime
    kind: str
    actor: str | None
    actor_employee_id: uuid.UUID | None
    on_behalf_of_employee_id: uuid.UUID | None
    task_id: uuid.UUID | None
    step_index: int | None
    detail: dict[str, Any]


class InstanceRead(BaseModel):
    """An instance with its subject and state."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    definition_id: uuid.UUID
    definition_key: str
    subject_service: str
    subject_type: str
    subject_id: str
    requester_employee_id: uuid.UUID
    requester_name: str | None
    title: str
    summary: str
    data: dict[str, Any]
    status: str
    current_step: int | None
    round: int
    version: int
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None


class InstanceDetail(InstanceRead):
    """An instance with its steps, tasks, copies and full trail."""

    definition_revision: int
    steps: list[dict[str, Any]]
    tasks: list[TaskRead]
    cc: list[uuid.UUID]
    history: list[HistoryRead]


class DelegationCreate(Strict):
    """A substitute for an employee's tasks between two instants."""

    employee_id: uuid.UUID | None = Field(default=None, description="Defaults to the caller.")
    substitute_employee_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    definition_keys: list[str] | None = Field(
        default=None, description="Only these definitions; all if omitted."
    )
    reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _order(self) -> "DelegationCreate":
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("timestamps need a time zone (e.g. 2026-11-25T08:00:00Z)")
        return self


class DelegationRead(BaseModel):
    """A delegation."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    employee_id: uuid.UUID
    substitute_employee_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    definition_keys: list[str] | None
    active: bool
    reason: str | None
    version: int
    created_at: datetime


class Localized(BaseModel):
    """A text in Chinese and English; a client shows the one its user reads."""

    model_config = ConfigDict(extra="forbid")

    zh: str = Field(min_length=1, max_length=300)
    en: str = Field(min_length=1, max_length=300)


class LocalizedBody(BaseModel):
    """A longer text in Chinese and English (either may be empty)."""

    model_config = ConfigDict(extra="forbid")

    zh: str = Field(default="", max_length=5000)
    en: str = Field(default="", max_length=5000)


class NoticeLink(BaseModel):
    """What a notice is about: a record of a service, and where a client may open it."""

    model_config = ConfigDict(extra="forbid")

    service: SERVICE_NAMES
    type: str = Field(min_length=1, max_length=80, examples=["contract"])
    id: str = Field(min_length=1, max_length=80)
    url: str | None = Field(
        default=None,
        max_length=2000,
        description="Where a client opens the subject (an API path or an app URL).",
    )


class NoticeRecipients(Strict):
    """Employees by id and/or everyone whose account holds a role (resolved when delivered)."""

    employee_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    roles: list[ROLE_NAMES] = Field(default_factory=list, max_length=7)

    @model_validator(mode="after")
    def _someone(self) -> "NoticeRecipients":
        if not self.employee_ids and not self.roles:
            raise ValueError("name at least one recipient: employee_ids or roles")
        return self


NOTICE_KIND = r"^[a-z][a-z0-9_]{0,39}$"


class NoticeCreate(Strict):
    """A notice a service delivers to people's inboxes; the key makes a retry deliver it once."""

    idempotency_key: str = Field(
        min_length=1,
        max_length=255,
        description="Unique per sending service: the same key again answers the first delivery.",
    )
    recipients: NoticeRecipients
    kind: str = Field(pattern=NOTICE_KIND, examples=["contract_expiry"])
    title: Localized
    body: LocalizedBody = Field(default_factory=LocalizedBody)
    link: NoticeLink | None = None


class NoticeDeliveryRead(BaseModel):
    """What a delivery did: the people it reached (each got one notification)."""

    id: uuid.UUID
    idempotency_key: str
    kind: str
    recipients: list[uuid.UUID]
    created_at: datetime


class NotificationRead(BaseModel):
    """One notice in the caller's inbox."""

    id: uuid.UUID
    recipient_employee_id: uuid.UUID
    kind: str
    title: LocalizedBody
    body: LocalizedBody
    link: NoticeLink | None
    instance_id: uuid.UUID | None
    task_id: uuid.UUID | None
    sender: str
    created_at: datetime
    read_at: datetime | None


class NotificationCounts(BaseModel):
    """Unread notices of the caller, in all and per kind (kinds without any are left out)."""

    unread: int
    by_kind: dict[str, int]
