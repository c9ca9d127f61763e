"""Budgets and expense claims through the real platform (issue 13, "Done when"), on both
databases: people and heads set up in org through the gateway; a department head drafts next
year's budget, finance adjusts it, the finance head and the general manager approve it in
workflow and it is allocated; an employee files an expense claim, their manager and finance
approve it in workflow, the budget is consumed, the entry is posted and the claim is paid.
finance learns everyone from org's feed and every outcome from workflow's feed.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.conftest import POSTGRES_URL, TEST_DB
from tests.hr.test_leave_saga_e2e import create_account, eventually, login, ok
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform, start_platform

FIN = "/api/v1/finance"
WF = "/api/v1/workflow"
ORG = "/api/v1/org"


@dataclass
class Company:
    platform: RunningPlatform
    clients: dict[str, httpx.Client]
    ids: dict[str, str]
    departments: dict[str, dict[str, Any]]
    year: int

    def __getitem__(self, who: str) -> httpx.Client:
        return self.clients[who]

    def approve_task(self, who: str, instance_id: str, definition: str) -> dict[str, Any]:
        """``who`` approves their pending task of the instance (once workflow has opened it)."""

        def probe() -> dict[str, Any] | None:
            inbox = ok(
                self[who].get(
                    f"{WF}/tasks", params={"assignee": "me", "status": "pending", "limit": 100}
                )
            )
            return next((t for t in inbox["items"] if t["instance_id"] == instance_id), None)

        task: dict[str, Any] = eventually(probe, within=10, what=f"{who}'s task of {instance_id}")
        assert task["definition_key"] == definition
        instance: dict[str, Any] = ok(
            self[who].post(f"{WF}/tasks/{task['id']}/approve", json={"comment": "同意"})
        )
        return instance

    def wait_for(self, who: str, path: str, status: str) -> dict[str, Any]:
        def probe() -> dict[str, Any] | None:
            found: dict[str, Any] = ok(self[who].get(f"{FIN}{path}"))
            return found if found["status"] == status else None

        found: dict[str, Any] = eventually(probe, within=20, what=f"{path} {status}")
        return found


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    running = start_platform(
        tmp_path_factory.mktemp("platform"),
        postgres_url=POSTGRES_URL if TEST_DB == "postgresql" else None,
        extra_env={"OFFICINA_APPROVAL_SWEEP_INTERVAL": "0.5", "OFFICINA_APPROVAL_SWEEP_GRACE": "6"},
    )
    yield running
    running.stop()
    running.drop_schemas()


@pytest.fixture(scope="module")
def company(platform: RunningPlatform) -> Iterator[Company]:
    """The general manager (GMO), the finance head and an accountant (FIN, role finance), the
    R&D head and an engineer reporting to them — each with an account — and the heads set."""
    admin = login(platform, "admin", ADMIN_PASSWORD)
    for path in ("/api/v1/org/departments", f"{FIN}/expense-categories", f"{WF}/definitions"):
        eventually(
            lambda path=path: admin.get(path).status_code != 401,
            within=15,
            every=0.2,
            what=f"{path} accepting tokens",
        )
    create_account(admin, "hanna.hr", roles=["hr"])
    hr = login(platform, "hanna.hr")
    departments = {
        d["code"]: d for d in ok(hr.get(f"{ORG}/departments", params={"limit": 200}))["items"]
    }
    ids: dict[str, str] = {}

    def hire(who: str, number: str, name: str, code: str, manager: str | None = None) -> None:
        created = ok(
            hr.post(
                f"{ORG}/employees",
                json={
                    "employee_number": number,
                    "name": name,
                    "email": f"{number.lower()}@example.cn",
                    "department_id": departments[code]["id"],
                    "manager_id": ids[manager] if manager else None,
                    "hire_date": "2020-03-02",
                },
            ),
            201,
        )
        ids[who] = created["id"]

    hire("gm", "FE-001", "赵总", "GMO")
    hire("fin_head", "FE-002", "钱财务", "FIN", manager="gm")
    hire("accountant", "FE-003", "孙会计", "FIN", manager="fin_head")
    hire("rnd_head", "FE-004", "李研发", "RND", manager="gm")
    hire("engineer", "FE-005", "周工程师", "RND", manager="rnd_head")
    for code, head in (("GMO", "gm"), ("FIN", "fin_head"), ("RND", "rnd_head")):
        ok(
            admin.patch(  # an admin (or the general manager) names a department's head
                f"{ORG}/departments/{departments[code]['id']}",
                json={"head_employee_id": ids[head]},
            )
        )
    roles = {"accountant": ["finance"], "fin_head": ["finance"]}
    for who in ids:
        create_account(admin, f"fe.{who}", employee_id=ids[who], roles=roles.get(who, []))
    clients = {who: login(platform, f"fe.{who}") for who in ids}
    clients["admin"] = admin
    try:
        yield Company(platform, clients, ids, departments, datetime.now(UTC).year)
    finally:
        for client in (*clients.values(), hr):
            client.close()


def allocate(company: Company, year: int, lines: list[dict[str, Any]]) -> dict[str, Any]:
    """The R&D head drafts the year's budget (once finance has learnt they head R&D), finance
    adjusts it, and the finance head and the general manager approve it in workflow."""
    rnd = company.departments["RND"]["id"]
    body = {"year": year, "department_id": rnd, "note": f"{year} 研发部预算", "lines": lines}

    def drafted() -> dict[str, Any] | None:
        response = company["rnd_head"].post(f"{FIN}/budgets", json=body)
        # finance learns the department and its head from org's feed
        if response.status_code in (403, 422):
            return None
        return ok(response, 201)  # type: ignore[no-any-return]

    draft: dict[str, Any] = eventually(drafted, within=20, every=0.2, what="the head's draft")
    assert draft["status"] == "draft"
    adjusted = ok(
        company["accountant"].post(
            f"{FIN}/budgets/{draft['id']}/adjustments",
            json={
                "account_code": "6602.03",
                "month": 1,
                "amount": "4000.00",
                "reason": "办公费按去年实际下调",
            },
        )
    )
    assert adjusted["adjustments"][0]["reason"] == "办公费按去年实际下调"
    submitted = ok(company["rnd_head"].post(f"{FIN}/budgets/{draft['id']}/submit"))
    assert submitted["status"] == "submitted"
    instance = (
        submitted["workflow_instance_id"]
        or company.wait_for("rnd_head", f"/budgets/{draft['id']}", "submitted")[
            "workflow_instance_id"
        ]
    )
    company.approve_task("fin_head", instance, "budget")
    done = company.approve_task("gm", instance, "budget")
    assert done["status"] == "approved"
    return company.wait_for("rnd_head", f"/budgets/{draft['id']}", "approved")


def test_a_head_drafts_next_years_budget_finance_adjusts_and_the_gm_approves(
    company: Company,
) -> None:
    year = company.year + 1
    lines = [
        {"account_code": "6602.02", "month": month, "amount": "20000.00"} for month in range(1, 13)
    ] + [{"account_code": "6602.03", "month": 1, "amount": "5000.00"}]
    budget = allocate(company, year, lines)
    assert budget["total"] == "244000.00"  # 12 x 20000 + 5000 adjusted to 4000
    assert budget["approved_at"] is not None
    execution = ok(company["rnd_head"].get(f"{FIN}/budgets/execution", params={"year": year}))
    assert execution["totals"]["budget"] == "244000.00"
    assert execution["totals"]["remaining"] == "244000.00"
    # the engineer sees no budget
    assert ok(company["engineer"].get(f"{FIN}/budgets"))["items"] == []


def test_an_expense_claim_is_approved_consumes_the_budget_is_posted_and_paid(
    company: Company,
) -> None:
    year = company.year
    allocate(
        company,
        year,
        [{"account_code": "6602.02", "month": m, "amount": "3000.00"} for m in range(1, 13)]
        + [{"account_code": "6602.03", "month": 1, "amount": "500.00"}],
    )
    today = datetime.now(UTC).date().isoformat()
    claim = ok(
        company["engineer"].post(
            f"{FIN}/expense-claims",
            json={
                "title": "上海客户拜访",
                "lines": [
                    {
                        "category": "travel",
                        "amount": "1280.00",
                        "expense_date": today,
                        "description": "高铁往返",
                        "receipt_ref": "INV-3100221",
                    }
                ],
            },
        ),
        201,
    )
    assert claim["budget"][0]["remaining"] == "36000.00"
    instance = (
        claim["workflow_instance_id"]
        or company.wait_for("engineer", f"/expense-claims/{claim['id']}", "submitted")[
            "workflow_instance_id"
        ]
    )
    company.approve_task("rnd_head", instance, "expense_claim")  # the manager
    done = company.approve_task("accountant", instance, "expense_claim")  # finance
    assert done["status"] == "approved"

    approved = company.wait_for("engineer", f"/expense-claims/{claim['id']}", "approved")
    assert approved["journal_entry_id"] is not None
    assert approved["payable"] == "1280.00"
    assert approved["budget"][0]["remaining"] == "34720.00"  # consumed
    execution = ok(
        company["rnd_head"].get(
            f"{FIN}/budgets/execution", params={"year": year, "account": "6602.02"}
        )
    )
    assert execution["totals"]["actual"] == "1280.00"
    assert execution["totals"]["remaining"] == "34720.00"

    paid = ok(company["accountant"].post(f"{FIN}/expense-claims/{claim['id']}/pay", json={}))
    assert paid["status"] == "paid"
    assert paid["payment_entry_id"] is not None
    assert paid["payable"] == "0.00"

    def published() -> list[str]:  # the outbox publishes shortly after the commit
        page = ok(
            company["admin"].get(
                f"{FIN}/events",
                params={"after": 0, "limit": 1000, "type": "finance.expense_claim.paid"},
            )
        )
        return [e["subject"]["id"] for e in page["items"]]

    assert eventually(published, within=10, what="finance.expense_claim.paid") == [claim["id"]]
