"""Expense claims: filed against the department's budget, approved in workflow, checked again
(under the budget's lock) when the approval is applied, posted as a payable to the employee,
and paid."""

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from services.finance.db.ledger import AccountBalance, JournalEntry, JournalLine
from tests.finance.conftest import API, TODAY
from tests.finance.spending_helpers import YEAR, Books
from tests.finance.spending_helpers import books as books  # the fixture
from tests.problems import assert_problem


async def lines_of(books: Books, entry_id: str) -> list[tuple[str, str, str, Any, Any, Any]]:
    """(account, debit, credit, department, employee, cash-flow item) of an entry's lines."""
    async with books.service.app.state.runtime.sessionmaker() as session:
        entry = await session.get(JournalEntry, uuid.UUID(entry_id))
        assert entry is not None and entry.status == "posted"
        rows = (
            await session.scalars(
                select(JournalLine)
                .where(JournalLine.entry_id == entry.id)
                .order_by(JournalLine.line_no)
            )
        ).all()
        return [
            (
                r.account_code,
                f"{r.debit:.2f}",
                f"{r.credit:.2f}",
                r.department_id,
                r.employee_id,
                r.cash_flow_item,
            )
            for r in rows
        ]


async def test_a_claim_shows_the_budget_left_and_starts_its_approval(books: Books) -> None:
    await books.approved_budget("RND-FE", {"6602.02": "3000.00", "6602.04": "500.00"})
    claim = await books.claim("engineer", ("travel", "1280.00"), ("entertainment", "300.00"))
    assert claim["status"] == "submitted"
    assert claim["total"] == "1580.00"
    assert claim["year"] == YEAR
    assert [line["account_code"] for line in claim["lines"]] == ["6602.02", "6602.04"]
    assert {line["department_id"] for line in claim["lines"]} == {str(books.dept("RND-FE"))}
    assert claim["budget"] == [
        {
            "department_id": str(books.dept("RND-FE")),
            "account_code": "6602.02",
            "budget_account": "6602.02",
            "requested": "1280.00",
            "remaining": "3000.00",
            "within_budget": True,
        },
        {
            "department_id": str(books.dept("RND-FE")),
            "account_code": "6602.04",
            "budget_account": "6602.04",
            "requested": "300.00",
            "remaining": "500.00",
            "within_budget": True,
        },
    ]
    [start] = books.started("expense_claim")
    assert start["definition_key"] == "expense_claim"
    assert start["requester_employee_id"] == str(books.company.engineer)
    assert start["data"] == {
        "amount": "1580.00",
        "category": "travel",
        "categories": ["entertainment", "travel"],
        "department_id": str(books.dept("RND-FE")),
        "department_code": "RND-FE",
    }
    [event] = await books.events("finance.expense_claim.submitted")
    assert event["data"]["total"] == "1580.00"


async def test_claims_are_refused_without_a_budget_or_with_bad_lines(books: Books) -> None:
    response = await books.service.client.post(
        f"{API}/expense-claims",
        json={
            "title": "x",
            "lines": [
                {
                    "category": "travel",
                    "amount": "10.00",
                    "expense_date": TODAY.isoformat(),
                    "description": "x",
                }
            ],
        },
        headers=books.as_person("seller"),
    )
    assert_problem(response, 422, "no_budget")
    await books.approved_budget("SALES", {"6602.02": "100.00"})
    bad_category = await books.claim("seller", ("yacht", "10.00"), status=422)
    assert bad_category["code"] == "unknown_expense_category"
    future = await books.post(
        "/expense-claims",
        {
            "title": "x",
            "lines": [
                {
                    "category": "travel",
                    "amount": "10.00",
                    "expense_date": "2099-01-01",
                    "description": "x",
                }
            ],
        },
        headers=books.as_person("seller"),
        status=422,
    )
    assert future["code"] == "expense_date_in_future"
    # charged to another department, which has no budget
    other = await books.claim(
        "seller", ("travel", "10.00"), status=422, department_id=str(books.dept("RND"))
    )
    assert other["code"] == "no_budget"
    unlinked = await books.post(
        "/expense-claims",
        {
            "title": "x",
            "lines": [
                {
                    "category": "travel",
                    "amount": "1.00",
                    "expense_date": TODAY.isoformat(),
                    "description": "x",
                }
            ],
        },
        headers=books.service.staff(),
        status=422,
    )
    assert unlinked["code"] == "no_employee"
    zero = await books.claim("seller", ("travel", "0.00"), status=422)
    assert zero["code"] == "validation_error"
    assert (await books.get("/expense-claims"))["items"] == []
    assert books.started("expense_claim") == []


async def test_approved_it_is_posted_owed_and_then_paid(books: Books) -> None:
    await books.approved_budget("RND-FE", {"6602.02": "3000.00"})
    claim = await books.claim("engineer", ("travel", "1280.00"), title="3 月上海出差")
    assert await books.outcome(claim["id"], "expense_claim", "approved")
    approved = await books.get(f"/expense-claims/{claim['id']}", books.as_person("engineer"))
    assert approved["status"] == "approved"
    assert approved["payable"] == "1280.00"
    assert approved["posted_on"] == TODAY.isoformat()
    assert approved["budget"][0]["remaining"] == "1720.00"
    engineer, fe = books.company.engineer, books.dept("RND-FE")
    assert await lines_of(books, approved["journal_entry_id"]) == [
        ("6602.02", "1280.00", "0.00", fe, engineer, None),
        ("2241", "0.00", "1280.00", None, engineer, None),
    ]
    # the ledger's balance by department is what execution reads
    async with books.service.app.state.runtime.sessionmaker() as session:
        balance = await session.scalar(
            select(AccountBalance).where(
                AccountBalance.account_code == "6602.02", AccountBalance.department_id == fe
            )
        )
        assert balance is not None and balance.debit == Decimal("1280.00")
    [event] = await books.events("finance.expense_claim.approved")
    assert event["data"]["journal_entry_id"] == approved["journal_entry_id"]
    assert event["data"]["overridden"] is False
    # what the employee is owed
    owed = await books.get(
        "/expense-claims", books.as_person("engineer"), employee_id="me", status="approved"
    )
    assert [c["payable"] for c in owed["items"]] == ["1280.00"]

    # only finance pays
    response = await books.service.client.post(
        f"{API}/expense-claims/{claim['id']}/pay", json={}, headers=books.as_person("engineer")
    )
    assert_problem(response, 403, "finance_only")
    paid = await books.post(f"/expense-claims/{claim['id']}/pay", {"paid_on": "2026-03-12"})
    assert paid["status"] == "paid"
    assert paid["payable"] == "0.00"
    assert paid["paid_on"] == "2026-03-12"
    assert await lines_of(books, paid["payment_entry_id"]) == [
        ("2241", "1280.00", "0.00", None, engineer, None),
        ("1002", "0.00", "1280.00", None, engineer, "other_operating_payments"),
    ]
    [event] = await books.events("finance.expense_claim.paid")
    assert event["data"]["payment_entry_id"] == paid["payment_entry_id"]
    again = await books.service.client.post(
        f"{API}/expense-claims/{claim['id']}/pay", json={}, headers=books.service.staff()
    )
    assert_problem(again, 409, "invalid_claim_transition")


async def test_the_check_that_counts_runs_at_approval(books: Books) -> None:
    """Two claims that each fit alone but not together: the second approved goes over budget;
    finance approves it with an override (audited) or rejects it."""
    await books.approved_budget("SALES", {"6602.04": "1000.00"})
    first = await books.claim("seller", ("entertainment", "600.00"))
    second = await books.claim("seller", ("entertainment", "600.00"))
    third = await books.claim("seller", ("entertainment", "600.00"))
    assert all(c["budget"][0]["within_budget"] for c in (first, second, third))

    assert await books.outcome(first["id"], "expense_claim", "approved")
    assert await books.outcome(second["id"], "expense_claim", "approved")
    assert await books.outcome(third["id"], "expense_claim", "approved")
    statuses = [
        (await books.get(f"/expense-claims/{c['id']}"))["status"] for c in (first, second, third)
    ]
    assert statuses == ["approved", "over_budget", "over_budget"]
    over = await books.get(f"/expense-claims/{second['id']}")
    assert over["journal_entry_id"] is None
    assert over["budget"][0] == {
        "department_id": str(books.dept("SALES")),
        "account_code": "6602.04",
        "budget_account": "6602.04",
        "requested": "600.00",
        "remaining": "400.00",
        "within_budget": False,
    }
    assert len(await books.events("finance.expense_claim.over_budget")) == 2

    # a department head cannot override: only finance
    response = await books.service.client.post(
        f"{API}/expense-claims/{second['id']}/override",
        json={"reason": "急需"},
        headers=books.as_person("sales_head"),
    )
    assert_problem(response, 403, "finance_only")
    overridden = await books.post(
        f"/expense-claims/{second['id']}/override", {"reason": "大客户签约，总经理同意"}
    )
    assert overridden["status"] == "approved"
    assert overridden["overridden_by"] == "user:finance-staff"
    assert overridden["decision_reason"] == "大客户签约，总经理同意"
    assert overridden["journal_entry_id"] is not None
    rejected = await books.post(f"/expense-claims/{third['id']}/reject", {"reason": "超预算"})
    assert rejected["status"] == "rejected"
    # an override is audited
    audit = await books.get(
        "/audit-log", books.service.auditor(), entity_type="expense_claims", entity_id=second["id"]
    )
    assert any(
        entry["changes"].get("overridden_by", {}).get("new") == "user:finance-staff"
        and entry["actor"] == "user:finance-staff"
        for entry in audit["items"]
    )
    # a claim that is not over budget is not overridden
    response = await books.service.client.post(
        f"{API}/expense-claims/{first['id']}/override",
        json={"reason": "x"},
        headers=books.service.staff(),
    )
    assert_problem(response, 409, "invalid_claim_transition")
    execution = await books.execution(department_id=str(books.dept("SALES")))
    assert execution["totals"]["actual"] == "1200.00"
    assert execution["totals"]["remaining"] == "-200.00"


async def test_rejected_or_withdrawn_claims_consume_nothing(books: Books) -> None:
    await books.approved_budget("RND-FE", {"6602.02": "1000.00"})
    rejected = await books.claim("engineer", ("travel", "100.00"))
    assert await books.outcome(rejected["id"], "expense_claim", "rejected")
    assert (await books.get(f"/expense-claims/{rejected['id']}"))["status"] == "rejected"
    withdrawn = await books.claim("engineer", ("travel", "200.00"))
    response = await books.service.client.post(
        f"{API}/expense-claims/{withdrawn['id']}/withdraw", headers=books.as_person("fe_lead")
    )
    assert_problem(response, 403, "forbidden")  # the head sees it but only the claimant withdraws
    done = await books.post(
        f"/expense-claims/{withdrawn['id']}/withdraw", headers=books.as_person("engineer")
    )
    assert done["status"] == "withdrawn"
    assert books.service.workflow.withdrawn == [books.instance_of(withdrawn["id"], "expense_claim")]
    # an outcome arriving afterwards changes nothing
    assert await books.outcome(withdrawn["id"], "expense_claim", "withdrawn")
    assert (await books.get(f"/expense-claims/{withdrawn['id']}"))["status"] == "withdrawn"
    execution = await books.execution()
    assert execution["totals"]["actual"] == "0.00"
    assert execution["totals"]["committed"] == "0.00"


async def test_who_sees_which_claim(books: Books) -> None:
    await books.approved_budget("RND-FE", {"6602.02": "1000.00"})
    await books.approved_budget("SALES", {"6602.02": "1000.00"})
    mine = await books.claim("engineer", ("travel", "10.00"))
    sales = await books.claim("seller", ("travel", "20.00"))
    lead = await books.claim("fe_lead", ("travel", "30.00"))

    async def listed(headers: dict[str, str]) -> set[str]:
        return {c["id"] for c in (await books.get("/expense-claims", headers))["items"]}

    assert await listed(books.as_person("engineer")) == {mine["id"]}
    assert await listed(books.as_person("fe_lead")) == {mine["id"], lead["id"]}
    assert await listed(books.as_person("rnd_head")) == {mine["id"], lead["id"]}
    assert await listed(books.as_person("sales_head")) == {sales["id"]}
    assert await listed(books.service.auditor()) == {mine["id"], sales["id"], lead["id"]}
    hidden = await books.service.client.get(
        f"{API}/expense-claims/{sales['id']}", headers=books.as_person("engineer")
    )
    assert_problem(hidden, 404, "not_found")
    someone = books.service.as_user("employee", employee_id=uuid.uuid4())
    assert await listed(someone) == set()
    # filing for someone else is finance's
    response = await books.service.client.post(
        f"{API}/expense-claims",
        json={
            "employee_id": str(books.company.seller),
            "title": "x",
            "lines": [
                {
                    "category": "travel",
                    "amount": "1.00",
                    "expense_date": TODAY.isoformat(),
                    "description": "x",
                }
            ],
        },
        headers=books.as_person("engineer"),
    )
    assert_problem(response, 403, "finance_only")
    assert await listed(books.as_person("gm")) == {mine["id"], sales["id"], lead["id"]}


async def test_expense_categories(books: Books) -> None:
    found = await books.get("/expense-categories", books.as_person("engineer"))
    by_code = {c["code"]: c["account_code"] for c in found}
    assert by_code["travel"] == "6602.02"
    assert by_code["office"] == "6602.03"
    assert by_code["entertainment"] == "6602.04"
    added = await books.post(
        "/expense-categories",
        {"code": "training", "name": "培训费", "name_en": "Training", "account_code": "6602.03"},
        status=201,
    )
    assert added["active"] is True
    twice = await books.post(
        "/expense-categories",
        {"code": "training", "name": "培训费", "name_en": "Training", "account_code": "6602.03"},
        status=409,
    )
    assert twice["code"] == "duplicate_expense_category"
    not_expense = await books.post(
        "/expense-categories",
        {"code": "cash", "name": "现金", "name_en": "Cash", "account_code": "1001"},
        status=422,
    )
    assert not_expense["code"] == "account_not_budgetable"
    response = await books.service.client.post(
        f"{API}/expense-categories",
        json={"code": "gifts", "name": "礼品", "name_en": "Gifts", "account_code": "6602.04"},
        headers=books.as_person("engineer"),
    )
    assert_problem(response, 403, "finance_only")


async def test_people_and_departments_finance_does_not_know(books: Books) -> None:
    await books.approved_budget("SALES", {"6602.02": "100.00"})
    await books.person("leaver", "SALES", status="left")
    left = await books.claim("leaver", ("travel", "10.00"), status=422)
    assert left["code"] == "unknown_employee"
    stranger = books.service.as_user("employee", employee_id=uuid.uuid4())
    response = await books.service.client.post(
        f"{API}/expense-claims",
        json={
            "title": "x",
            "lines": [
                {
                    "category": "travel",
                    "amount": "1.00",
                    "expense_date": TODAY.isoformat(),
                    "description": "x",
                }
            ],
        },
        headers=stranger,
    )
    assert_problem(response, 422, "unknown_employee")
    elsewhere = await books.claim(
        "seller", ("travel", "10.00"), status=422, department_id=str(uuid.uuid4())
    )
    assert elsewhere["code"] == "unknown_department"
    response = await books.service.client.post(
        f"{API}/budgets",
        json={"year": YEAR, "department_id": str(uuid.uuid4()), "lines": []},
        headers=books.service.staff(),
    )
    assert_problem(response, 422, "unknown_department")
