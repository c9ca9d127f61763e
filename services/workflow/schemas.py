"""Wire shapes of the workflow API; definition steps are validated here, before anything is stored."""

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from services.workflow.domain import conditions

ROLE_NAMES = Literal["admin", "gm", "hr", "finance", "logistics", "auditor", "employee"]
SERVICE_NAMES = Literal["org", "workflow", "hr", "finance", "logistics"]
TaskStatus = Literal[
    "waiting",
    "pending",
    "approved",
    "rejected",
    "returned",
    "transferred",
    "escalated",
    "cancelled",
]
InstanceStatus = Literal["pending", "returned", "approved", "rejected", "withdrawn"]
HistoryKind = Literal[
    "started",
    "step_opened",
    "step_completed",
    "step_skipped",
    "requester_skipped",
    "routed_to_admin",
    "delegated",
    "approved",
    "rejected",
    "auto_approved",
    "auto_rejected",
    "returned",
    "transferred",
    "escalated",
    "reminded",
    "withdrawn",
    "resubmitted",
    "completed",
    "comment",
]
OnEmpty = Literal["skip", "admin"]

# Ids and instants the examples share, so that one example's references match another's.
DEFINITION_ID = "0193a8c0-0000-7000-8000-00000000d101"
INSTANCE_ID = "0193a8c0-0000-7000-8000-00000000a101"
TASK_ID = "0193a8c0-0000-7000-8000-00000000a201"
REQUESTER_ID = "0193a8c0-0000-7000-8000-0000000000e1"
APPROVER_ID = "0193a8c0-0000-7000-8000-0000000000e2"
SUBSTITUTE_ID = "0193a8c0-0000-7000-8000-0000000000e3"
NOTIFICATION_ID = "0193a8c0-0000-7000-8000-00000000a301"
DELIVERY_ID = "0193a8c0-0000-7000-8000-00000000a401"
DELEGATION_ID = "0193a8c0-0000-7000-8000-00000000a501"
CREATED_AT = "2026-11-20T08:30:00Z"

STEP_EXAMPLE: dict[str, Any] = {
    "key": "manager",
    "name": "直属上级审批",
    "approvers": [{"kind": "manager", "level": 1}],
    "mode": "any",
    "deadline": {"hours": 48, "action": "remind", "repeat_hours": 24},
}
FINANCE_STEP_EXAMPLE: dict[str, Any] = {
    "key": "finance",
    "name": "财务审批",
    "approvers": [{"kind": "role", "role": "finance"}],
    "condition": "amount > 50000",
}
DEFINITION_BODY_EXAMPLE: dict[str, Any] = {
    "name": "采购申请",
    "description": "部门采购的审批流程",
    "subject_type": "purchase_request",
    "user_startable": True,
    "form_schema": {
        "type": "object",
        "properties": {"amount": {"type": "number"}},
        "required": ["amount"],
    },
    "steps": [STEP_EXAMPLE, FINANCE_STEP_EXAMPLE],
    "cc": [{"kind": "department_head", "department_code": "FIN"}],
    "on_empty": "skip",
}
TASK_EXAMPLE: dict[str, Any] = {
    "id": TASK_ID,
    "instance_id": INSTANCE_ID,
    "round": 1,
    "step_index": 0,
    "step_key": "manager",
    "position": 0,
    "assignee_employee_id": APPROVER_ID,
    "original_assignee_id": None,
    "status": "pending",
    "due_at": "2026-11-22T08:30:00Z",
    "decided_at": None,
    "decided_by_employee_id": None,
    "on_behalf_of_employee_id": None,
    "comment": None,
    "created_at": CREATED_AT,
}
INSTANCE_EXAMPLE: dict[str, Any] = {
    "id": INSTANCE_ID,
    "definition_id": DEFINITION_ID,
    "definition_key": "purchase_request",
    "subject_service": "workflow",
    "subject_type": "purchase_request",
    "subject_id": INSTANCE_ID,
    "requester_employee_id": REQUESTER_ID,
    "requester_name": "陈小红",
    "title": "采购 20 台交换机",
    "summary": "机房扩容，预算 68,000 元",
    "data": {"amount": 68000},
    "status": "pending",
    "current_step": 0,
    "round": 1,
    "version": 1,
    "created_at": CREATED_AT,
    "updated_at": CREATED_AT,
    "completed_at": None,
}
HISTORY_EXAMPLE: dict[str, Any] = {
    "at": CREATED_AT,
    "kind": "comment",
    "actor": "wang.jianguo",
    "actor_employee_id": APPROVER_ID,
    "on_behalf_of_employee_id": None,
    "task_id": None,
    "step_index": None,
    "detail": {"comment": "请补充报价单"},
}
NOTIFICATION_EXAMPLE: dict[str, Any] = {
    "id": NOTIFICATION_ID,
    "recipient_employee_id": APPROVER_ID,
    "kind": "task_assigned",
    "title": {"zh": "待审批：采购 20 台交换机", "en": "To approve: 采购 20 台交换机"},
    "body": {"zh": "陈小红提交的采购申请等待您审批。", "en": "A request awaits your decision."},
    "link": {
        "service": "workflow",
        "type": "task",
        "id": TASK_ID,
        "url": f"/api/v1/workflow/tasks/{TASK_ID}",
    },
    "instance_id": INSTANCE_ID,
    "task_id": TASK_ID,
    "sender": "workflow",
    "created_at": CREATED_AT,
    "read_at": None,
}
DELEGATION_EXAMPLE: dict[str, Any] = {
    "id": DELEGATION_ID,
    "employee_id": APPROVER_ID,
    "substitute_employee_id": SUBSTITUTE_ID,
    "starts_at": "2026-12-01T00:00:00Z",
    "ends_at": "2026-12-08T00:00:00Z",
    "definition_keys": None,
    "active": True,
    "reason": "年假期间由李敏代为审批",
    "version": 1,
    "created_at": CREATED_AT,
}


def examples(*values: dict[str, Any]) -> ConfigDict:
    """A model config with these examples of its JSON (shown in the OpenAPI document)."""
    return ConfigDict(json_schema_extra={"examples": list(values)})


class Strict(BaseModel):
    """Request bodies refuse unknown fields."""

    model_config = ConfigDict(extra="forbid")


class ManagerApprover(Strict):
    """The requester's manager ``level`` steps up the chain (1 = direct manager)."""

    model_config = examples({"kind": "manager", "level": 1})

    kind: Literal["manager"]
    level: int = Field(default=1, ge=1, le=10)


class DepartmentHeadApprover(Strict):
    """The head of a department by code, or of the requester's own department."""

    model_config = examples({"kind": "department_head", "department_code": "FIN"})

    kind: Literal["department_head"]
    department_code: str | None = Field(
        default=None, max_length=64, description="Omit for the requester's department."
    )


class RoleApprover(Strict):
    """Everyone whose account holds the role."""

    model_config = examples({"kind": "role", "role": "finance"})

    kind: Literal["role"]
    role: ROLE_NAMES


class EmployeesApprover(Strict):
    """Named employees."""

    model_config = examples({"kind": "employees", "employee_ids": [APPROVER_ID]})

    kind: Literal["employees"]
    employee_ids: list[uuid.UUID] = Field(min_length=1)


Approver = Annotated[
    ManagerApprover | DepartmentHeadApprover | RoleApprover | EmployeesApprover,
    Field(discriminator="kind"),
]


class Deadline(Strict):
    """What happens when a step's tasks are still open ``hours`` after they were assigned."""

    model_config = examples({"hours": 48, "action": "remind", "repeat_hours": 24})

    hours: float = Field(gt=0, le=24 * 365)
    action: Literal["remind", "escalate", "approve", "reject"]
    repeat_hours: float | None = Field(
        default=None, gt=0, description="For reminders: remind again every so many hours."
    )


class StepSpec(Strict):
    """One step: who approves, how their decisions combine, when it applies, its deadline."""

    model_config = examples(STEP_EXAMPLE, FINANCE_STEP_EXAMPLE)

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    name: str = Field(min_length=1, max_length=200)
    approvers: list[Approver] = Field(min_length=1)
    mode: Literal["any", "all", "sequential"] = "any"
    condition: str | None = Field(
        default=None, max_length=2000, description='e.g. "amount > 50000"'
    )
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

    model_config = examples(DEFINITION_BODY_EXAMPLE)

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
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

    model_config = examples({"key": "purchase_request", **DEFINITION_BODY_EXAMPLE})

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")


class DefinitionRead(BaseModel):
    """A definition version."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": DEFINITION_ID,
                    "key": "purchase_request",
                    "revision": 2,
                    "is_current": True,
                    **DEFINITION_BODY_EXAMPLE,
                    "builtin": False,
                    "created_at": CREATED_AT,
                    "created_by": "admin",
                }
            ]
        },
    )

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
    on_empty: OnEmpty
    builtin: bool
    created_at: datetime
    created_by: str | None


class Subject(Strict):
    """What an instance is about, owned by another service."""

    model_config = examples({"service": "hr", "type": "leave_request", "id": INSTANCE_ID})

    service: SERVICE_NAMES
    type: str = Field(min_length=1, max_length=80)
    id: str = Field(min_length=1, max_length=80)


class InstanceStart(Strict):
    """Start an instance: services give the subject and requester; people start user-startable ones."""

    model_config = examples(
        {
            "definition_key": "purchase_request",
            "title": "采购 20 台交换机",
            "summary": "机房扩容，预算 68,000 元",
            "data": {"amount": 68000},
        }
    )

    definition_key: str = Field(min_length=1, max_length=80)
    subject: Subject | None = None
    requester_employee_id: uuid.UUID | None = None
    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(default="", max_length=5000)
    data: dict[str, Any] = Field(default_factory=dict)


class Resubmit(Strict):
    """The requester's corrected request after a return."""

    model_config = examples({"data": {"amount": 52000}, "comment": "已按意见压缩预算"})

    title: str | None = Field(default=None, min_length=1, max_length=300)
    summary: str | None = Field(default=None, max_length=5000)
    data: dict[str, Any] | None = None
    comment: str | None = Field(default=None, max_length=5000)


class Decision(Strict):
    """An approver's comment with a decision."""

    model_config = examples({"comment": "同意"})

    comment: str | None = Field(default=None, max_length=5000)


class Transfer(Strict):
    """Hand a task to another employee."""

    model_config = examples({"to_employee_id": SUBSTITUTE_ID, "comment": "请李敏处理"})

    to_employee_id: uuid.UUID
    comment: str | None = Field(default=None, max_length=5000)


class CommentCreate(Strict):
    """A comment on an instance."""

    model_config = examples({"comment": "请补充报价单"})

    comment: str = Field(min_length=1, max_length=5000)


class BatchApprove(Strict):
    """Approve several tasks at once."""

    model_config = examples({"task_ids": [TASK_ID], "comment": "同意"})

    task_ids: list[uuid.UUID] = Field(min_length=1, max_length=200)
    comment: str | None = Field(default=None, max_length=5000)


class BatchResult(BaseModel):
    """What happened to each task of a batch."""

    model_config = examples(
        {"task_id": TASK_ID, "status": 200},
        {
            "task_id": TASK_ID,
            "status": 409,
            "code": "task_not_pending",
            "detail": "the task was already decided",
        },
    )

    task_id: uuid.UUID
    status: int
    code: str | None = None
    detail: str | None = None


class TaskRead(BaseModel):
    """A task as its assignee sees it."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [TASK_EXAMPLE]})

    id: uuid.UUID
    instance_id: uuid.UUID
    round: int
    step_index: int
    step_key: str
    position: int
    assignee_employee_id: uuid.UUID
    original_assignee_id: uuid.UUID | None
    status: TaskStatus
    due_at: datetime | None
    decided_at: datetime | None
    decided_by_employee_id: uuid.UUID | None
    on_behalf_of_employee_id: uuid.UUID | None
    comment: str | None
    created_at: datetime


class InboxTask(TaskRead):
    """A pending task with what the approver needs to decide."""

    model_config = examples(
        {
            **TASK_EXAMPLE,
            "title": "采购 20 台交换机",
            "summary": "机房扩容，预算 68,000 元",
            "definition_key": "purchase_request",
            "requester_employee_id": REQUESTER_ID,
            "requester_name": "陈小红",
            "instance_version": 1,
        }
    )

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

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [HISTORY_EXAMPLE]}
    )

    at: datetime
    kind: HistoryKind
    actor: str | None
    actor_employee_id: uuid.UUID | None
    on_behalf_of_employee_id: uuid.UUID | None
    task_id: uuid.UUID | None
    step_index: int | None
    detail: dict[str, Any]


class InstanceRead(BaseModel):
    """An instance with its subject and state."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [INSTANCE_EXAMPLE]}
    )

    id: uuid.UUID
    definition_id: uuid.UUID
    definition_key: str
    subject_service: SERVICE_NAMES
    subject_type: str
    subject_id: str
    requester_employee_id: uuid.UUID
    requester_name: str | None
    title: str
    summary: str
    data: dict[str, Any]
    status: InstanceStatus
    current_step: int | None
    round: int
    version: int
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None


class InstanceDetail(InstanceRead):
    """An instance with its steps, tasks, copies and full trail."""

    model_config = examples(
        {
            **INSTANCE_EXAMPLE,
            "definition_revision": 2,
            "steps": [STEP_EXAMPLE, FINANCE_STEP_EXAMPLE],
            "tasks": [TASK_EXAMPLE],
            "cc": [SUBSTITUTE_ID],
            "history": [HISTORY_EXAMPLE],
        }
    )

    definition_revision: int
    steps: list[dict[str, Any]]
    tasks: list[TaskRead]
    cc: list[uuid.UUID]
    history: list[HistoryRead]


class DelegationCreate(Strict):
    """A substitute for an employee's tasks between two instants."""

    model_config = examples(
        {
            "substitute_employee_id": SUBSTITUTE_ID,
            "starts_at": "2026-12-01T00:00:00Z",
            "ends_at": "2026-12-08T00:00:00Z",
            "reason": "年假期间由李敏代为审批",
        }
    )

    employee_id: uuid.UUID | None = Field(default=None, description="Defaults to the caller.")
    substitute_employee_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    definition_keys: list[Annotated[str, StringConstraints(max_length=80)]] | None = Field(
        default=None, max_length=100, description="Only these definitions; all if omitted."
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

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [DELEGATION_EXAMPLE]}
    )

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

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"zh": "合同即将到期", "en": "A contract expires soon"}]},
    )

    zh: str = Field(min_length=1, max_length=300)
    en: str = Field(min_length=1, max_length=300)


class LocalizedBody(BaseModel):
    """A longer text in Chinese and English (either may be empty)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "zh": "与上海云途的服务合同将于 30 天后到期。",
                    "en": "The contract expires in 30 days.",
                }
            ]
        },
    )

    zh: str = Field(default="", max_length=5000)
    en: str = Field(default="", max_length=5000)


class NoticeLink(BaseModel):
    """What a notice is about: a record of a service, and where a client may open it."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [NOTIFICATION_EXAMPLE["link"]]}
    )

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

    model_config = examples({"employee_ids": [APPROVER_ID], "roles": ["finance"]})

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

    model_config = examples(
        {
            "idempotency_key": "contract-expiry-2026-11-20-c42",
            "recipients": {"roles": ["finance"]},
            "kind": "contract_expiry",
            "title": {"zh": "合同即将到期", "en": "A contract expires soon"},
            "body": {
                "zh": "与上海云途的服务合同将于 30 天后到期。",
                "en": "It expires in 30 days.",
            },
            "link": {"service": "finance", "type": "contract", "id": "C-2026-042"},
        }
    )

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

    model_config = examples(
        {
            "id": DELIVERY_ID,
            "idempotency_key": "contract-expiry-2026-11-20-c42",
            "kind": "contract_expiry",
            "recipients": [APPROVER_ID],
            "created_at": CREATED_AT,
        }
    )

    id: uuid.UUID
    idempotency_key: str
    kind: str
    recipients: list[uuid.UUID]
    created_at: datetime


class NotificationRead(BaseModel):
    """One notice in the caller's inbox."""

    model_config = examples(NOTIFICATION_EXAMPLE)

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

    model_config = examples({"unread": 3, "by_kind": {"task_assigned": 2, "outcome": 1}})

    unread: int
    by_kind: dict[str, int]
