"""Supplies through the real platform: logistics staff stock a SKU, an employee asks for it, the
manager and logistics approve in workflow, logistics reserves it (following workflow's feed),
picks it, and the employee confirms the collection — all through the gateway."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.hr.test_leave_saga_e2e import create_account, eventually, login, ok
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform

LOG = "/api/v1/logistics"
WF = "/api/v1/workflow"


@dataclass
class Office:
    admin: httpx.Client
    staff: httpx.Client
    manager: httpx.Client
    employee: httpx.Client
    employee_id: str


def warm_up(client: httpx.Client) -> None:
    """Right after start a service may not have fetched the gateway's signing keys yet."""
    for path in ("/api/v1/org/departments", f"{LOG}/supplies", f"{WF}/definitions"):

        def accepted(path: str = path) -> bool:
            return client.get(path).status_code != 401

        eventually(accepted, within=15, every=0.2, what=f"{path} accepting tokens")


@pytest.fixture(scope="module")
def office(platform: RunningPlatform) -> Iterator[Office]:
    """A manager, an employee reporting to them, and a logistics clerk, each with an account."""
    admin = login(platform, "admin", ADMIN_PASSWORD)
    warm_up(admin)
    departments = ok(admin.get("/api/v1/org/departments", params={"limit": 200}))["items"]
    department = next(d for d in departments if d["code"] == "RND")

    def hire(number: str, name: str, **fields: Any) -> dict[str, Any]:
        created: dict[str, Any] = ok(
            admin.post(
                "/api/v1/org/employees",
                json={
                    "employee_number": number,
                    "name": name,
                    "email": f"{number.lower()}@example.cn",
                    "department_id": department["id"],
                    "hire_date": "2024-03-01",
                    **fields,
                },
            ),
            201,
        )
        return created

    manager = hire("SP-001", "赵经理")
    employee = hire("SP-002", "钱小明", manager_id=manager["id"])
    clerk = hire("SP-003", "孙行政")
    create_account(admin, "zhao.manager", employee_id=manager["id"])
    create_account(admin, "qian.xiaoming", employee_id=employee["id"])
    create_account(admin, "sun.logistics", employee_id=clerk["id"], roles=["logistics"])
    clients = [login(platform, name) for name in ("sun.logistics", "zhao.manager", "qian.xiaoming")]
    try:
        yield Office(admin, *clients, employee_id=employee["id"])
    finally:
        for client in (admin, *clients):
            client.close()


def approve_task(approver: httpx.Client, instance_id: str) -> dict[str, Any]:
    """The approver's pending task of the instance, approved."""

    def probe() -> dict[str, Any] | None:
        inbox = ok(approver.get(f"{WF}/tasks", params={"assignee": "me", "status": "pending"}))
        return next((t for t in inbox["items"] if t["instance_id"] == instance_id), None)

    task: dict[str, Any] = eventually(probe, within=10, what="the approver's task")
    assert task["definition_key"] == "supply_requisition"
    decided: dict[str, Any] = ok(
        approver.post(f"{WF}/tasks/{task['id']}/approve", json={"comment": "同意"})
    )
    return decided


def test_a_requisition_approved_in_workflow_is_reserved_and_collected(office: Office) -> None:
    point = ok(
        office.staff.post(f"{LOG}/pickup-points", json={"code": "E2E-1F", "name": "前台"}), 201
    )
    pen = ok(
        office.staff.post(
            f"{LOG}/supplies",
            json={
                "sku": "E2E-PEN",
                "name": "中性笔",
                "unit": "支",
                "category": "stationery",
                "reorder_point": 2,
                "unit_cost": "2.50",
                "pickup_point_id": point["id"],
            },
        ),
        201,
    )
    ok(
        office.staff.post(
            f"{LOG}/stock-movements",
            json={"kind": "receipt", "supply_id": pen["id"], "quantity": 10, "reason": "期初"},
        ),
        201,
    )

    created = ok(
        office.employee.post(
            f"{LOG}/requisitions",
            json={"lines": [{"supply_id": pen["id"], "quantity": 6}], "purpose": "项目启动"},
        ),
        201,
    )
    assert created["status"] == "pending"
    instance_id = created["workflow_instance_id"]
    assert instance_id, "logistics starts the approval once the requisition is committed"
    approve_task(office.manager, instance_id)
    final = approve_task(office.staff, instance_id)
    assert final["status"] == "approved"

    def approved() -> dict[str, Any] | None:
        found: dict[str, Any] = ok(office.employee.get(f"{LOG}/requisitions/{created['id']}"))
        return found if found["status"] == "approved" else None

    found = eventually(approved, within=10, what="logistics applying the approval")
    assert found["lines"][0]["reserved"] == 6
    stock = ok(office.staff.get(f"{LOG}/supplies/{pen['id']}"))
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (10, 6, 4)

    picked = ok(office.staff.post(f"{LOG}/requisitions/{created['id']}/pick", json={}))
    assert picked["status"] == "picked"
    collected = ok(
        office.employee.post(
            f"{LOG}/requisitions/{created['id']}/collect",
            json={"lines": [{"line_id": picked["lines"][0]["id"], "quantity": 5}]},
        )
    )

    assert collected["status"] == "collected"
    assert collected["lines"][0]["collected"] == 5
    stock = ok(office.staff.get(f"{LOG}/supplies/{pen['id']}"))
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (5, 0, 5)
    ledger = ok(
        office.staff.get(
            f"{LOG}/stock-movements",
            params={"cause_id": created["id"], "cause_type": "requisition"},
        )
    )["items"]
    assert [(m["kind"], m["quantity"], m["balance_after"]) for m in ledger] == [("issue", -5, 5)]

    def collected() -> list[str]:  # an event joins the feed a moment after its commit
        events = ok(
            office.admin.get(
                f"{LOG}/events",
                params={"after": 0, "limit": 1000, "type": "logistics.requisition.collected"},
            )
        )["items"]
        return [e["subject"]["id"] for e in events]

    assert eventually(collected, within=10, what="the collection's event") == [created["id"]]
