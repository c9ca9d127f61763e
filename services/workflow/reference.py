"""Built-in approval definitions, loaded as reference data (only those missing are added)."""

from pathlib import Path
from typing import Any

from sqlalchemy import select

from services.workflow.db.models import KIT, Definition
from services.workflow.domain import definitions
from services.workflow.schemas import DefinitionCreate
from shared.kit.seeding import seeding_session

MANAGER = {"kind": "manager", "level": 1}
GM = {"kind": "department_head", "department_code": "GMO"}
OWN_HEAD = {"kind": "department_head"}
REMIND_DAILY = {"hours": 24, "action": "remind", "repeat_hours": 24}
ESCALATE_3_DAYS = {"hours": 72, "action": "escalate"}


def _step(
    key: str,
    name: str,
    *approvers: dict[str, Any],
    condition: str | None = None,
    mode: str = "any",
    deadline: dict[str, Any] | None = None,
) -> dict[str, Any]:
    step: dict[str, Any] = {"key": key, "name": name, "approvers": list(approvers), "mode": mode}
    if condition:
        step["condition"] = condition
    if deadline:
        step["deadline"] = deadline
    return step


BUILTIN: list[dict[str, Any]] = [
    {
        "key": "leave",
        "name": "请假审批 Leave",
        "subject_type": "leave_request",
        "steps": [
            _step("manager", "直属上级 Manager", MANAGER, deadline=REMIND_DAILY),
            _step(
                "department_head",
                "部门负责人 Department head",
                OWN_HEAD,
                condition="days > 3",
                deadline=REMIND_DAILY,
            ),
            _step("general_manager", "总经理 General manager", GM, condition="days > 10"),
        ],
    },
    {
        "key": "expense_claim",
        "name": "费用报销 Expense claim",
        "subject_type": "expense_claim",
        "steps": [
            _step("manager", "直属上级 Manager", MANAGER, deadline=ESCALATE_3_DAYS),
            _step("finance", "财务审核 Finance", {"kind": "role", "role": "finance"}),
            _step("general_manager", "总经理 General manager", GM, condition="amount > 50000"),
        ],
    },
    {
        "key": "budget",
        "name": "预算审批 Budget",
        "subject_type": "budget",
        "steps": [
            _step(
                "finance_head",
                "财务负责人 Finance head",
                {"kind": "department_head", "department_code": "FIN"},
            ),
            _step("general_manager", "总经理 General manager", GM),
        ],
    },
    {
        "key": "supply_requisition",
        "name": "办公用品领用 Supply requisition",
        "subject_type": "requisition",
        "steps": [
            _step("manager", "直属上级 Manager", MANAGER),
            _step("logistics", "行政后勤 Logistics", {"kind": "role", "role": "logistics"}),
        ],
    },
    {
        "key": "vehicle_request",
        "name": "用车申请 Vehicle request",
        "subject_type": "vehicle_request",
        "steps": [
            _step("manager", "直属上级 Manager", MANAGER),
            _step("logistics", "行政后勤 Logistics", {"kind": "role", "role": "logistics"}),
        ],
    },
    {
        "key": "travel_request",
        "name": "出差申请 Travel request",
        "subject_type": "travel_request",
        "steps": [
            _step("manager", "直属上级 Manager", MANAGER),
            _step("department_head", "部门负责人 Department head", OWN_HEAD),
            _step(
                "general_manager",
                "总经理 General manager",
                GM,
                condition="abroad == true or days > 7",
            ),
        ],
    },
    {
        "key": "document_publish",
        "name": "文件发布 Document publication",
        "subject_type": "document",
        "steps": [_step("gmo_head", "总经理办公室负责人 GMO head", GM)],
    },
    {
        "key": "hiring",
        "name": "招聘审批 Hiring",
        "subject_type": "hiring_plan",
        "steps": [
            _step("department_head", "部门负责人 Department head", OWN_HEAD),
            _step(
                "hr_head",
                "人力资源负责人 HR head",
                {"kind": "department_head", "department_code": "HR"},
            ),
            _step("general_manager", "总经理 General manager", GM),
        ],
    },
    {
        "key": "purchase",
        "name": "采购审批 Purchase",
        "subject_type": "purchase",
        "steps": [
            _step("manager", "直属上级 Manager", MANAGER),
            _step("finance", "财务审核 Finance", {"kind": "role", "role": "finance"}),
            _step("general_manager", "总经理 General manager", GM, condition="amount > 100000"),
        ],
    },
    {
        "key": "general_request",
        "name": "通用申请 General request",
        "subject_type": "general_request",
        "user_startable": True,
        "form_schema": {
            "type": "object",
            "required": ["category", "details"],
            "properties": {
                "category": {
                    "type": "string",
                    "enum": ["it", "facilities", "administration", "other"],
                },
                "details": {"type": "string", "minLength": 1, "maxLength": 5000},
                "amount": {"type": "string", "pattern": "^\\d+(\\.\\d{1,2})?$"},
            },
            "additionalProperties": False,
        },
        "steps": [_step("manager", "直属上级 Manager", MANAGER, deadline=REMIND_DAILY)],
    },
]


async def load_reference_data(
    *, url: str, schema: str, data_dir: Path, demo: bool
) -> dict[str, str]:
    """Add the built-in definitions that are missing (an admin's later revisions are kept)."""
    async with seeding_session(url, schema, KIT) as session:
        existing = set((await session.scalars(select(Definition.key))).all())
        for spec in BUILTIN:
            if spec["key"] not in existing:
                await definitions.create(
                    session, DefinitionCreate.model_validate(spec), "system", builtin=True
                )
    return {}
