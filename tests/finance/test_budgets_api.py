"""Budgets: drafted by a department head, adjusted by finance with reasons, approved in
workflow (``budget``) and so allocated; revisions by deltas, approved the same way."""

from typing import Any

from tests.finance.conftest import API
from tests.finance.spending_helpers import YEAR, Books
from tests.finance.spending_helpers import books as books  # the fixture
from tests.problems import assert_problem

NEXT = YEAR + 1


async def test_a_head_drafts_finance_adjusts_and_the_approval_allocates_it(books: Books) -> None:
    head = books.as_person("rnd_head")
    draft = await books.draft_budget(
        "RND", {"6602.02": "20000.00", "6602.03": "5000.00"}, year=NEXT, months=(1, 2), headers=head
    )
    assert draft["status"] == "draft"
    assert draft["total"] == "50000.00"
    assert draft["lines"][0] == {"account_code": "6602.02", "month": 1, "amount": "20000.00"}

    adjusted = await books.post(
        f"/budgets/{draft['id']}/adjustments",
        {"account_code": "6602.02", "month": 2, "amount": "15000.00", "reason": "差旅标准下调"},
    )
    assert adjusted["total"] == "45000.00"
    [adjustment] = adjusted["adjustments"]
    assert adjustment["old_amount"] == "20000.00"
    assert adjustment["new_amount"] == "15000.00"
    assert adjustment["reason"] == "差旅标准下调"
    assert adjustment["created_by"] == "user:finance-staff"
    # the head may not adjust: finance reviews
    refused = await books.service.client.post(
        f"{API}/budgets/{draft['id']}/adjustments",
        json={"account_code": "6602.02", "month": 2, "amount": "1.00", "reason": "x"},
        headers=head,
    )
    assert_problem(refused, 403, "finance_only")

    submitted = await books.post(f"/budgets/{draft['id']}/submit", headers=head)
    assert submitted["status"] == "submitted"
    [start] = books.started("budget")
    assert start["definition_key"] == "budget"
    assert start["requester_employee_id"] == str(books.company.rnd_head)
    assert start["data"]["amount"] == "45000.00"
    assert start["data"]["department_code"] == "RND"
    assert submitted["workflow_instance_id"] == books.instance_of(draft["id"], "budget")

    # submitted: the lines no longer change
    frozen = await books.service.client.put(
        f"{API}/budgets/{draft['id']}/lines",
        json={"lines": []},
        headers=books.service.staff(),
    )
    assert_problem(frozen, 409, "budget_not_editable")

    assert await books.outcome(draft["id"], "budget", "approved")
    approved = await books.get(f"/budgets/{draft['id']}", head)
    assert approved["status"] == "approved"
    assert approved["approved_at"] is not None
    [event] = await books.events("finance.budget.approved")
    assert event["data"]["total"] == "45000.00"
    assert event["data"]["department_id"] == str(books.dept("RND"))
    assert [e["data"]["status"] for e in await books.events("finance.budget.submitted")] == [
        "submitted"
    ]


async def test_only_cost_and_expense_accounts_are_budgeted(books: Books) -> None:
    for account, code in (
        ("1002", "account_not_budgetable"),  # bank: an asset
        ("6001", "account_not_budgetable"),  # revenue
        ("2241", "account_not_budgetable"),  # a liability
        ("6699", "unknown_account"),
    ):
        response = await books.service.client.post(
            f"{API}/budgets",
            json={
                "year": YEAR,
                "department_id": str(books.dept("RND")),
                "lines": [{"account_code": account, "month": 1, "amount": "10.00"}],
            },
            headers=books.service.staff(),
        )
        assert_problem(response, 422, code)
    # expense accounts of every kind are fine: 6602 and 6601, 6711, 6801, cost 5301
    ok = await books.draft_budget(
        "RND", {"6601": "1.00", "6603": "2.00", "6711": "3.00", "6801": "4.00", "5301": "5.00"}
    )
    assert ok["total"] == "15.00"
    assert (await books.service.client.get(f"{API}/budgets", headers=books.service.staff())).json()[
        "items"
    ][0]["id"] == ok["id"]


async def test_refusals_change_nothing(books: Books) -> None:
    staff = books.service.staff()
    base: dict[str, Any] = {"year": YEAR, "department_id": str(books.dept("RND"))}
    same_line = [{"account_code": "6602.02", "month": 1, "amount": "1.00"}] * 2
    response = await books.service.client.post(
        f"{API}/budgets", json={**base, "lines": same_line}, headers=staff
    )
    assert_problem(response, 422, "duplicate_budget_line")
    both = [
        {"account_code": "6602", "month": 1, "amount": "1.00"},
        {"account_code": "6602.02", "month": 2, "amount": "1.00"},
    ]
    response = await books.service.client.post(
        f"{API}/budgets", json={**base, "lines": both}, headers=staff
    )
    assert_problem(response, 422, "overlapping_budget_accounts")
    response = await books.service.client.post(
        f"{API}/budgets",
        json={**base, "lines": [{"account_code": "6602.02", "month": 13, "amount": "1.00"}]},
        headers=staff,
    )
    assert response.status_code == 422
    response = await books.service.client.post(
        f"{API}/budgets",
        json={**base, "lines": [{"account_code": "6602.02", "month": 1, "amount": 1.5}]},
        headers=staff,
    )
    assert response.status_code == 422  # a float is not money
    assert (await books.get("/budgets"))["items"] == []

    first = await books.draft_budget("RND", {"6602.02": "1.00"})
    again = await books.service.client.post(
        f"{API}/budgets",
        json={**base, "lines": []},
        headers=staff,
    )
    assert_problem(again, 409, "budget_exists")
    # a head drafts only for the departments they head
    other = await books.service.client.post(
        f"{API}/budgets",
        json={"year": YEAR, "department_id": str(books.dept("SALES")), "lines": []},
        headers=books.as_person("rnd_head"),
    )
    assert_problem(other, 403, "not_budget_holder")
    # nothing to approve
    await books.service.client.put(
        f"{API}/budgets/{first['id']}/lines", json={"lines": []}, headers=staff
    )
    empty = await books.service.client.post(f"{API}/budgets/{first['id']}/submit", headers=staff)
    assert_problem(empty, 422, "empty_budget")
    assert books.started("budget") == []


async def test_a_rejected_budget_is_changed_and_submitted_again(books: Books) -> None:
    draft = await books.draft_budget("SALES", {"6602.04": "9000.00"})
    await books.post(f"/budgets/{draft['id']}/submit")
    assert await books.outcome(draft["id"], "budget", "rejected")
    rejected = await books.get(f"/budgets/{draft['id']}")
    assert rejected["status"] == "rejected"
    [event] = await books.events("finance.budget.rejected")
    assert event["data"]["reason"] == "rejected in workflow"

    response = await books.service.client.put(
        f"{API}/budgets/{draft['id']}/lines",
        json={
            "note": "压缩招待费",
            "lines": [{"account_code": "6602.04", "month": 1, "amount": "6000.00"}],
        },
        headers={**books.as_person("sales_head"), "If-Match": f'"{rejected["version"]}"'},
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "draft"
    await books.post(f"/budgets/{draft['id']}/submit", headers=books.as_person("sales_head"))
    second = [b for b in books.started("budget")]
    assert len(second) == 2  # a new round, its own instance
    instance = next(i for i, b in books.service.workflow.instances.items() if b is second[1])
    books.service.workflow.decide(instance, "approved")
    runtime = books.service.app.state.runtime
    from services.finance.domain.budget_outcomes import outcome_handler
    from shared.kit.consumer import apply_event
    from tests.finance.spending_helpers import SAGAS

    assert await apply_event(
        runtime,
        "outcomes",
        books.service.workflow.completed(instance, "approved").model_copy(update={"seq": 99}),
        outcome_handler(runtime, SAGAS),
    )
    assert (await books.get(f"/budgets/{draft['id']}"))["status"] == "approved"


async def test_stale_if_match_is_refused(books: Books) -> None:
    draft = await books.draft_budget("RND", {"6602.02": "1.00"})
    response = await books.service.client.put(
        f"{API}/budgets/{draft['id']}/lines",
        json={"lines": []},
        headers={**books.service.staff(), "If-Match": '"99"'},
    )
    assert_problem(response, 412, "version_mismatch")


async def test_who_sees_which_budget(books: Books) -> None:
    rnd = await books.draft_budget("RND", {"6602.02": "1.00"})
    fe = await books.draft_budget("RND-FE", {"6602.02": "2.00"})
    sales = await books.draft_budget("SALES", {"6602.02": "3.00"})

    async def listed(headers: dict[str, str]) -> set[str]:
        page = await books.get("/budgets", headers)
        return {item["id"] for item in page["items"]}

    assert await listed(books.service.auditor()) == {rnd["id"], fe["id"], sales["id"]}
    assert await listed(books.as_person("rnd_head")) == {rnd["id"], fe["id"]}
    assert await listed(books.as_person("fe_lead")) == {fe["id"]}
    assert await listed(books.as_person("engineer")) == set()
    hidden = await books.service.client.get(
        f"{API}/budgets/{sales['id']}", headers=books.as_person("rnd_head")
    )
    assert_problem(hidden, 404, "not_found")
    # the auditor reads but does not draft
    response = await books.service.client.post(
        f"{API}/budgets/{sales['id']}/submit", headers=books.service.auditor()
    )
    assert_problem(response, 403, "not_budget_holder")


async def test_a_revision_is_applied_when_approved_and_its_history_kept(books: Books) -> None:
    budget = await books.approved_budget("RND", {"6602.02": "10000.00", "6602.03": "2000.00"})
    revision = await books.post(
        f"/budgets/{budget['id']}/revisions",
        {
            "reason": "新增海外客户拜访",
            "lines": [
                {"account_code": "6602.02", "month": 6, "delta": "8000.00"},
                {"account_code": "6602.03", "month": 1, "delta": "-500.00"},
            ],
        },
        headers=books.as_person("rnd_head"),
        status=201,
    )
    assert revision["status"] == "pending"
    [start] = books.started("budget_revision")
    assert start["definition_key"] == "budget"
    assert start["data"]["delta"] == "7500.00"
    # one pending revision at a time
    second = await books.service.client.post(
        f"{API}/budgets/{budget['id']}/revisions",
        json={"reason": "x", "lines": [{"account_code": "6602.02", "month": 1, "delta": "1.00"}]},
        headers=books.service.staff(),
    )
    assert_problem(second, 409, "revision_pending")
    # nothing changes before approval
    assert (await books.get(f"/budgets/{budget['id']}"))["total"] == "12000.00"

    assert await books.outcome(revision["id"], "budget_revision", "approved")
    revised = await books.get(f"/budgets/{budget['id']}")
    assert revised["total"] == "19500.00"
    assert {(x["account_code"], x["month"]): x["amount"] for x in revised["lines"]} == {
        ("6602.02", 1): "10000.00",
        ("6602.02", 6): "8000.00",
        ("6602.03", 1): "1500.00",
    }
    [event] = await books.events("finance.budget.revised")
    assert event["data"]["delta"] == "7500.00"
    assert event["data"]["reason"] == "新增海外客户拜访"

    # a rejected revision changes nothing, and is kept in the history
    rejected = await books.post(
        f"/budgets/{budget['id']}/revisions",
        {"reason": "再加", "lines": [{"account_code": "6602.02", "month": 7, "delta": "1.00"}]},
        status=201,
    )
    assert await books.outcome(rejected["id"], "budget_revision", "rejected")
    assert (await books.get(f"/budgets/{budget['id']}"))["total"] == "19500.00"
    history = (await books.get(f"/budgets/{budget['id']}/revisions"))["items"]
    assert [(h["reason"], h["status"]) for h in history] == [
        ("新增海外客户拜访", "approved"),
        ("再加", "rejected"),
    ]


async def test_a_revision_cannot_take_a_line_below_zero_or_revise_a_draft(books: Books) -> None:
    budget = await books.approved_budget("RND", {"6602.02": "100.00"})
    response = await books.service.client.post(
        f"{API}/budgets/{budget['id']}/revisions",
        json={
            "reason": "砍",
            "lines": [{"account_code": "6602.02", "month": 1, "delta": "-100.01"}],
        },
        headers=books.service.staff(),
    )
    assert_problem(response, 422, "revision_below_zero")
    response = await books.service.client.post(
        f"{API}/budgets/{budget['id']}/revisions",
        json={"reason": "收入", "lines": [{"account_code": "6001", "month": 1, "delta": "1.00"}]},
        headers=books.service.staff(),
    )
    assert_problem(response, 422, "account_not_budgetable")
    draft = await books.draft_budget("SALES", {"6602.02": "1.00"})
    response = await books.service.client.post(
        f"{API}/budgets/{draft['id']}/revisions",
        json={"reason": "x", "lines": [{"account_code": "6602.02", "month": 1, "delta": "1.00"}]},
        headers=books.service.staff(),
    )
    assert_problem(response, 409, "budget_not_approved")
    assert books.started("budget_revision") == []


async def test_a_submitted_budget_is_withdrawn_to_a_draft(books: Books) -> None:
    draft = await books.draft_budget("RND", {"6602.02": "100.00"})
    await books.post(f"/budgets/{draft['id']}/submit", headers=books.as_person("rnd_head"))
    withdrawn = await books.post(
        f"/budgets/{draft['id']}/withdraw", headers=books.as_person("rnd_head")
    )
    assert withdrawn["status"] == "draft"
    assert books.service.workflow.withdrawn == [books.instance_of(draft["id"], "budget")]
    again = await books.service.client.post(
        f"{API}/budgets/{draft['id']}/withdraw", headers=books.service.staff()
    )
    assert_problem(again, 409, "budget_not_editable")
    # editable again, and submitted anew
    await books.post(f"/budgets/{draft['id']}/submit")
    assert len(books.started("budget")) == 2
    # decided in workflow meanwhile: the withdrawal is refused, the outcome applies
    [_, second] = [
        i for i, b in books.service.workflow.instances.items() if b["subject"]["id"] == draft["id"]
    ]
    books.service.workflow.decide(second, "approved")
    late = await books.service.client.post(
        f"{API}/budgets/{draft['id']}/withdraw", headers=books.service.staff()
    )
    assert_problem(late, 409, "approval_already_completed")
    assert (await books.get(f"/budgets/{draft['id']}"))["status"] == "submitted"
