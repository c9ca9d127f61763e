"""Business travel through the real platform, from the request to the money (issue 14, item 6):
a travel standard is set for a grade; an employee of that grade asks for a trip with an
advance; their manager and their department's head approve it in workflow
(``travel_request``); finance's consumer posts the advance fact and finance pays the advance;
after the trip the employee files the receipts, one over the standard and justified; their
manager and finance approve it in workflow (``expense_claim``); finance posts it and pays the
reimbursement less the advance; the employee sees both payables paid, and the journal shows the
expense on 6602.02 and the employee's advance (1221) and other payables (2241) back to zero."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx

from tests.hr.test_leave_saga_e2e import create_account, eventually, login, ok, warm_up
from tests.logistics.test_vehicles_e2e import pending_task
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform

LOG = "/api/v1/logistics"
FIN = "/api/v1/finance"
WF = "/api/v1/workflow"


def approve_in_workflow(
    instance_id: str, definition_key: str, approvers: list[httpx.Client]
) -> None:
    """Each approver, in the definition's order, approves their task of the instance."""
    for approver in approvers:
        task = pending_task(approver, instance_id)
        assert task["definition_key"] == definition_key
        ok(approver.post(f"{WF}/tasks/{task['id']}/approve", json={"comment": "同意"}))


def started(client: httpx.Client, url: str) -> str:
    """The workflow instance of a subject, once its approval has started."""

    def probe() -> str | None:
        found: str | None = ok(client.get(url))["workflow_instance_id"]
        return found

    instance: str = eventually(probe, within=20, what=f"the approval of {url} started")
    return instance


def reaches(client: httpx.Client, url: str, status: str) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        body: dict[str, Any] = ok(client.get(url))
        return body if body["status"] == status else None

    found: dict[str, Any] = eventually(probe, within=20, what=f"{url} {status}")
    return found


def payable_of(finance: httpx.Client, employee_id: str, source_id: str) -> Callable[[], Any]:
    """A probe: the payable finance records when it posts the fact of ``source_id``."""

    def probe() -> dict[str, Any] | None:
        page = ok(
            finance.get(
                f"{FIN}/employee-payables", params={"employee_id": employee_id, "limit": 100}
            )
        )
        return next((p for p in page["items"] if p["source_id"] == source_id), None)

    return probe


def pay(finance: httpx.Client, payable: dict[str, Any]) -> dict[str, Any]:
    paid: dict[str, Any] = ok(
        finance.post(
            f"{FIN}/employee-payables/{payable['id']}/pay",
            json={},
            headers={
                "If-Match": f'"{payable["version"]}"',
                "Idempotency-Key": f"pay-{payable['id']}",
            },
        )
    )
    assert paid["status"] == "paid"
    return paid


def employee_lines(finance: httpx.Client, employee_id: str) -> list[dict[str, Any]]:
    """Every posted journal line with the employee as dimension."""
    lines: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"status": "posted", "limit": 100}
        if cursor:
            params["cursor"] = cursor
        page = ok(finance.get(f"{FIN}/journal-entries", params=params))
        for entry in page["items"]:
            lines += [
                {**line, "source": entry["source"]}
                for line in entry["lines"]
                if line["employee_id"] == employee_id
            ]
        cursor = page["next_cursor"]
        if not cursor:
            return lines


def net(lines: list[dict[str, Any]], account: str) -> Decimal:
    """Debits less credits of ``account`` over ``lines``."""
    return sum(
        (Decimal(x["debit"]) - Decimal(x["credit"]) for x in lines if x["account"] == account),
        Decimal("0"),
    )


def test_a_trip_from_its_request_to_the_reimbursement_paid(platform: RunningPlatform) -> None:
    admin = login(platform, "admin", ADMIN_PASSWORD)
    warm_up(admin)
    create_account(admin, "hanna.hr.t", roles=["hr"])
    hr = login(platform, "hanna.hr.t")
    departments = ok(hr.get("/api/v1/org/departments", params={"limit": 200}))["items"]
    department = next(d for d in departments if d["code"] == "RND")
    position = ok(
        hr.post(
            "/api/v1/org/positions",
            json={"title": "工程师", "grade": "P5", "department_id": department["id"]},
        ),
        201,
    )

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

    head = hire("TR-001", "周总监")
    manager = hire("TR-002", "王经理", manager_id=head["id"])
    traveller = hire("TR-003", "陈小红", manager_id=manager["id"], position_id=position["id"])
    accountant = hire("TR-004", "钱会计")
    officer = hire("TR-005", "李后勤")
    rnd = ok(hr.get(f"/api/v1/org/departments/{department['id']}"))
    ok(
        admin.patch(
            f"/api/v1/org/departments/{department['id']}",
            json={"head_employee_id": head["id"]},
            headers={"If-Match": f'"{rnd["version"]}"'},
        )
    )
    create_account(admin, "zhou.tr", employee_id=head["id"])
    create_account(admin, "wang.tr", employee_id=manager["id"])
    create_account(admin, "chen.tr", employee_id=traveller["id"])
    create_account(admin, "qian.finance", employee_id=accountant["id"], roles=["finance"])
    create_account(admin, "li.logistics.t", employee_id=officer["id"], roles=["logistics"])
    director, boss, employee = (
        login(platform, "zhou.tr"),
        login(platform, "wang.tr"),
        login(platform, "chen.tr"),
    )
    finance, logistics = login(platform, "qian.finance"), login(platform, "li.logistics.t")
    me = traveller["id"]

    # ---- a standard for the traveller's grade --------------------------------------------
    today = datetime.now(UTC).date()  # the platform's clock
    ok(
        logistics.post(
            f"{LOG}/travel-standards",
            json={
                "grade": "P5",
                "city_tier": "tier1",
                "hotel_cap_per_night": "500.00",
                "per_diem": "150.00",
                "transport_class": "economy",
                "effective_from": date(today.year, 1, 1).isoformat(),
            },
        ),
        201,
    )

    # ---- the trip, with an advance, approved by the manager and the department's head -----
    trip = ok(
        employee.post(
            f"{LOG}/travel-requests",
            json={
                "destination": "上海",
                "city_tier": "tier1",
                "start_date": today.isoformat(),
                "end_date": today.isoformat(),
                "purpose": "客户现场部署",
                "estimated_cost": "2000.00",
                "advance": "1000.00",
            },
        ),
        201,
    )
    assert (trip["grade"], trip["status"]) == ("P5", "pending")
    trip_url = f"{LOG}/travel-requests/{trip['id']}"
    approve_in_workflow(started(employee, trip_url), "travel_request", [boss, director])
    reaches(employee, trip_url, "approved")

    # ---- finance posts the advance and pays it -----------------------------------------------
    advance = eventually(
        payable_of(finance, me, trip["id"]), within=30, what="finance owing the advance"
    )
    assert (advance["fact_type"], advance["amount"], advance["status"]) == (
        "logistics.travel_advance.approved",
        "1000.00",
        "open",
    )
    pay(finance, advance)

    # ---- after the trip: the receipts, the hotel over the standard and justified -------------
    hotel = {
        "category": "hotel",
        "amount": "680.00",
        "spent_on": today.isoformat(),
        "nights": 1,
        "receipt_ref": "receipts/hotel.pdf",
        "description": "酒店一晚",
    }
    others = [
        {
            "category": "transport",
            "amount": "553.00",
            "spent_on": today.isoformat(),
            "transport_class": "economy",
            "receipt_ref": "receipts/train.pdf",
            "description": "高铁往返",
        },
        {
            "category": "meals",
            "amount": "120.00",
            "spent_on": today.isoformat(),
            "description": "餐费",
        },
    ]
    filing = {"travel_request_id": trip["id"], "lines": [hotel, *others], "note": "上海出差"}
    unjustified = employee.post(f"{LOG}/reimbursements", json=filing)
    assert unjustified.status_code == 422
    assert unjustified.json()["code"] == "justification_required"
    hotel["justification"] = "会展期间协议酒店满房，只能订到周边酒店"
    claim = ok(employee.post(f"{LOG}/reimbursements", json=filing), 201)
    assert (claim["total"], claim["advance"], claim["net_payable"], claim["over_standard"]) == (
        "1353.00",
        "1000.00",
        "353.00",
        True,
    )
    assert [line["within_standard"] for line in claim["lines"]] == [False, True, True]
    claim_url = f"{LOG}/reimbursements/{claim['id']}"
    approve_in_workflow(started(employee, claim_url), "expense_claim", [boss, finance])
    reaches(employee, claim_url, "approved")
    assert ok(employee.get(trip_url))["status"] == "reimbursed"

    # ---- finance posts it and pays the reimbursement less the advance -----------------------
    owed = eventually(
        payable_of(finance, me, claim["id"]), within=30, what="finance owing the reimbursement"
    )
    assert (owed["fact_type"], owed["amount"], owed["status"]) == (
        "logistics.reimbursement.approved",
        "353.00",
        "open",
    )
    pay(finance, owed)

    # ---- the employee sees both paid; no one else does -------------------------------------
    mine = ok(employee.get(f"{FIN}/employee-payables", params={"limit": 100}))["items"]
    assert sorted((p["source_id"], p["status"], p["amount_paid"]) for p in mine) == sorted(
        [(trip["id"], "paid", "1000.00"), (claim["id"], "paid", "353.00")]
    )
    assert ok(boss.get(f"{FIN}/employee-payables"))["items"] == []
    assert boss.get(f"{FIN}/employee-payables/{owed['id']}").status_code == 404

    # ---- the journal: the expense, and the advance and what was owed back to zero ----------
    lines = employee_lines(finance, me)
    assert net(lines, "6602.02") == Decimal("1353.00")
    assert net(lines, "1221") == 0
    assert net(lines, "2241") == 0
    assert net(lines, "1002") == Decimal("-1353.00")
    payments = [x for x in lines if x["source"] == "employee_payment" and x["account"] == "1002"]
    assert sorted(Decimal(x["credit"]) for x in payments) == [Decimal("353.00"), Decimal("1000.00")]
    assert {x["cash_flow_item"] for x in payments} == {"employee_payments"}
