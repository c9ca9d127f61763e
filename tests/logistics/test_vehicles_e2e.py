"""A vehicle request through the real platform: an employee asks through the gateway, their
manager and then logistics approve it in workflow, logistics follows workflow's feed to
``approved``, dispatches a vehicle and a driver, and the trip is recorded."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.hr.test_leave_saga_e2e import create_account, eventually, login, ok, warm_up
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform

LOG = "/api/v1/logistics"
WF = "/api/v1/workflow"


def pending_task(client: httpx.Client, instance_id: str) -> dict[str, Any]:
    """The caller's pending task of the instance (once workflow has opened it)."""

    def probe() -> dict[str, Any] | None:
        inbox = ok(
            client.get(f"{WF}/tasks", params={"assignee": "me", "status": "pending", "limit": 100})
        )
        return next((t for t in inbox["items"] if t["instance_id"] == instance_id), None)

    task: dict[str, Any] = eventually(probe, within=10, what="the approver's task")
    return task


def test_a_vehicle_request_is_approved_in_workflow_and_dispatched(
    platform: RunningPlatform,
) -> None:
    admin = login(platform, "admin", ADMIN_PASSWORD)
    warm_up(admin)
    create_account(admin, "hanna.hr.v", roles=["hr"])
    hr = login(platform, "hanna.hr.v")
    departments = ok(hr.get("/api/v1/org/departments", params={"limit": 200}))["items"]
    department = next(d for d in departments if d["code"] == "RND")

    def hire(number: str, name: str, **fields: Any) -> dict[str, Any]:
        created: dict[str, Any] = ok(
            hr.post(
                "/api/v1/org/employees",
                json={
                    "employee_number": number,
                    "name": name,
                    "email": f"{number.lower()}@example.cn",
                    "department_id": department["id"],
                    "hire_date": "2020-03-01",
                    **fields,
                },
            ),
            201,
        )
        return created

    manager = hire("VH-001", "王经理")
    employee = hire("VH-002", "陈小红", manager_id=manager["id"])
    officer = hire("VH-003", "李后勤")
    driver = hire("VH-004", "赵师傅")
    create_account(admin, "wang.vh", employee_id=manager["id"])
    create_account(admin, "chen.vh", employee_id=employee["id"])
    create_account(admin, "li.logistics", employee_id=officer["id"], roles=["logistics"])
    boss = login(platform, "wang.vh")
    asker = login(platform, "chen.vh")
    staff = login(platform, "li.logistics")

    car = ok(
        staff.post(f"{LOG}/vehicles", json={"plate": "京E2E001", "seats": 5, "odometer_km": 1000}),
        201,
    )
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    made = ok(
        asker.post(
            f"{LOG}/vehicle-requests",
            json={
                "purpose": "客户拜访",
                "destination": "首都机场",
                "passengers": 2,
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=3)).isoformat(),
            },
        ),
        201,
    )
    assert made["status"] == "pending"
    url = f"{LOG}/vehicle-requests/{made['id']}"

    def started() -> str | None:
        found: str | None = ok(asker.get(url))["workflow_instance_id"]
        return found

    instance_id = eventually(started, within=20, what="the approval started")
    for approver in (boss, staff):
        task = pending_task(approver, instance_id)
        assert task["definition_key"] == "vehicle_request"
        ok(approver.post(f"{WF}/tasks/{task['id']}/approve", json={"comment": "同意"}))

    def approved() -> bool:
        return bool(ok(asker.get(url))["status"] == "approved")

    eventually(approved, within=20, what="logistics applying the approval")
    dispatch = ok(
        staff.post(
            f"{url}/dispatch", json={"vehicle_id": car["id"], "driver_employee_id": driver["id"]}
        ),
        201,
    )
    assert dispatch["vehicle_id"] == car["id"]
    assert ok(asker.get(url))["status"] == "dispatched"
    trip = ok(
        staff.post(f"{LOG}/trips", json={"request_id": made["id"], "odometer_out": 1005}), 201
    )
    done = ok(
        staff.post(
            f"{LOG}/trips/{trip['id']}/complete",
            json={"odometer_in": 1080, "fuel_cost": "95.00", "tolls": "20.00"},
        )
    )
    assert done["distance_km"] == 75
    assert ok(asker.get(url))["status"] == "completed"
    # the requester's manager is no logistics staff: the fleet is theirs to read, not to change
    assert boss.post(f"{LOG}/vehicles", json={"plate": "京X1", "seats": 5}).status_code == 403
