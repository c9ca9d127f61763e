"""Spending requests: prior approval of a purchase, approved in workflow (``purchase``),
checked against the budget when approved, committed until finance closes them; and budget
execution, whose totals are its rows added up."""

from datetime import date
from decimal import Decimal
from typing import Any

from services.finance.domain.spending import approved_spending
from tests.finance.conftest import API
from tests.finance.spending_helpers import YEAR, Books
from tests.finance.spending_helpers import books as books  # the fixture
from tests.problems import assert_problem


async def ask(books: Books, person: str, amount: str, **more: Any) -> dict[str, Any]:
    status = more.pop("status", 201)
    body = {
        "account_code": "6602.03",
        "amount": amount,
        "purpose": "显示器",
        "expected_date": f"{YEAR}-04-10",
        **more,
    }
    found: dict[str, Any] = await books.post(
        "/spending-requests", body, headers=books.as_person(person), status=status
    )
    return found


async def test_approved_it_is_committed_until_closed(books: Books) -> None:
    await books.approved_budget("RND", {"6602.03": "10000.00"}, months=(4,))
    request = await ask(books, "rnd_head", "8600.00")
    assert request["status"] == "submitted"
    assert request["department_id"] == str(books.dept("RND"))
    assert request["budget"]["remaining"] == "10000.00"
    [start] = books.started("purchase")
    assert start["definition_key"] == "purchase"
    assert start["data"]["amount"] == "8600.00"
    assert start["data"]["department_code"] == "RND"

    assert await books.outcome(request["id"], "purchase", "approved")
    approved = await books.get(f"/spending-requests/{request['id']}")
    assert approved["status"] == "approved"
    assert approved["budget"]["remaining"] == "1400.00"
    execution = await books.execution(department_id=str(books.dept("RND")), month=4)
    assert execution["rows"] == [
        {
            "department_id": str(books.dept("RND")),
            "account_code": "6602.03",
            "month": 4,
            "budget": "10000.00",
            "committed": "8600.00",
            "actual": "0.00",
            "remaining": "1400.00",
            "variance": "10000.00",
            "percent_used": "86.00",
        }
    ]
    async with books.service.app.state.runtime.sessionmaker() as session:
        planned = await approved_spending(session, start=date(YEAR, 4, 1), end=date(YEAR, 4, 30))
        assert planned == [(date(YEAR, 4, 10), Decimal("8600.00"), "显示器")]
        assert await approved_spending(session, start=date(YEAR, 5, 1), end=date(YEAR, 5, 31)) == []

    # the next one no longer fits when approved
    second = await ask(books, "rnd_head", "2000.00")
    assert second["budget"]["within_budget"] is False
    assert await books.outcome(second["id"], "purchase", "approved")
    assert (await books.get(f"/spending-requests/{second['id']}"))["status"] == "over_budget"
    rejected = await books.post(f"/spending-requests/{second['id']}/reject", {"reason": "预算不足"})
    assert rejected["status"] == "rejected"

    closed = await books.post(f"/spending-requests/{request['id']}/close", {"reason": "发票已入账"})
    assert closed["status"] == "closed"
    execution = await books.execution(department_id=str(books.dept("RND")))
    assert execution["totals"]["committed"] == "0.00"
    [event] = await books.events("finance.spending_request.closed")
    assert event["data"]["amount"] == "8600.00"
    async with books.service.app.state.runtime.sessionmaker() as session:
        assert (
            await approved_spending(session, start=date(YEAR, 1, 1), end=date(YEAR, 12, 31)) == []
        )


async def test_over_budget_request_approved_by_override(books: Books) -> None:
    await books.approved_budget("SALES", {"6602.03": "100.00"})
    request = await ask(books, "seller", "150.00")
    assert await books.outcome(request["id"], "purchase", "approved")
    over = await books.get(f"/spending-requests/{request['id']}")
    assert over["status"] == "over_budget"
    done = await books.post(f"/spending-requests/{request['id']}/override", {"reason": "客户急需"})
    assert done["status"] == "approved"
    assert done["overridden_by"] == "user:finance-staff"
    [event] = await books.events("finance.spending_request.approved")
    assert event["data"]["overridden"] is True


async def test_requests_are_refused_without_a_budget_or_on_a_wrong_account(books: Books) -> None:
    assert (await ask(books, "seller", "10.00", status=422))["code"] == "no_budget"
    await books.approved_budget("SALES", {"6602.03": "100.00"})
    assert (await ask(books, "seller", "10.00", account_code="1601", status=422))[
        "code"
    ] == "account_not_budgetable"
    # next year's budget is another budget
    assert (await ask(books, "seller", "10.00", expected_date=f"{YEAR + 1}-01-10", status=422))[
        "code"
    ] == "no_budget"
    # charged to a department one does not belong to or head
    response = await books.service.client.post(
        f"{API}/spending-requests",
        json={
            "department_id": str(books.dept("RND")),
            "account_code": "6602.03",
            "amount": "1.00",
            "purpose": "x",
            "expected_date": f"{YEAR}-04-10",
        },
        headers=books.as_person("seller"),
    )
    assert_problem(response, 403, "forbidden")
    assert books.started("purchase") == []


async def test_a_head_charges_a_department_below_and_sees_its_requests(books: Books) -> None:
    await books.approved_budget("RND-FE", {"6602.03": "500.00"})
    request = await ask(books, "rnd_head", "100.00", department_id=str(books.dept("RND-FE")))
    assert request["department_id"] == str(books.dept("RND-FE"))
    for person, seen in (("fe_lead", True), ("engineer", False), ("sales_head", False)):
        response = await books.service.client.get(
            f"{API}/spending-requests/{request['id']}", headers=books.as_person(person)
        )
        assert response.status_code == (200 if seen else 404), person
    withdrawn = await books.post(
        f"/spending-requests/{request['id']}/withdraw", headers=books.as_person("rnd_head")
    )
    assert withdrawn["status"] == "withdrawn"


async def test_execution_totals_add_up(books: Books) -> None:
    """Budget, committed and actual per department, account and month, from approved budgets,
    approved requests and posted claims; the totals are the rows added up, and a sub-account's
    spending counts against a parent account's line."""
    await books.approved_budget(
        "RND-FE", {"6602.02": "1000.00", "6602.03": "400.00"}, months=(3, 4)
    )
    await books.approved_budget("SALES", {"6602": "5000.00"}, months=(3,))
    claim = await books.claim("engineer", ("travel", "250.00"), ("office", "40.00"))
    assert await books.outcome(claim["id"], "expense_claim", "approved")
    sale = await books.claim("seller", ("entertainment", "700.00"))
    assert await books.outcome(sale["id"], "expense_claim", "approved")
    request = await ask(books, "fe_lead", "300.00")
    assert await books.outcome(request["id"], "purchase", "approved")

    everything = await books.execution()
    rows = everything["rows"]
    assert len(rows) == 5
    for field in ("budget", "committed", "actual", "remaining", "variance"):
        assert everything["totals"][field] == f"{sum(Decimal(r[field]) for r in rows):.2f}", field
    for row in rows:
        assert Decimal(row["remaining"]) == Decimal(row["budget"]) - Decimal(
            row["committed"]
        ) - Decimal(row["actual"])
        assert Decimal(row["variance"]) == Decimal(row["budget"]) - Decimal(row["actual"])
    # each department's subtotal is its rows added up, and the subtotals add up to the totals
    for department in everything["departments"]:
        mine = [r for r in rows if r["department_id"] == department["department_id"]]
        for field in ("budget", "committed", "actual", "remaining", "variance"):
            assert department[field] == f"{sum(Decimal(r[field]) for r in mine):.2f}", field
    for field in ("budget", "committed", "actual", "remaining", "variance"):
        assert everything["totals"][field] == (
            f"{sum(Decimal(d[field]) for d in everything['departments']):.2f}"
        ), field
    assert len(everything["departments"]) == 2
    by_key = {(r["department_id"], r["account_code"], r["month"]): r for r in rows}
    fe, sales = str(books.dept("RND-FE")), str(books.dept("SALES"))
    assert by_key[(fe, "6602.02", 3)]["actual"] == "250.00"
    assert by_key[(fe, "6602.03", 3)]["actual"] == "40.00"
    assert by_key[(fe, "6602.03", 4)]["committed"] == "300.00"
    assert by_key[(sales, "6602", 3)]["actual"] == "700.00"  # 6602.04 under 6602
    assert by_key[(sales, "6602", 3)]["percent_used"] == "14.00"
    assert everything["totals"] == {
        "budget": "7800.00",
        "committed": "300.00",
        "actual": "990.00",
        "remaining": "6510.00",
        "variance": "6810.00",
        "percent_used": "16.54",
    }
    # filters
    only = await books.execution(account="6602.03")
    assert {r["account_code"] for r in only["rows"]} == {"6602.03"}
    march = await books.execution(month=3)
    assert {r["month"] for r in march["rows"]} == {3}
    # a head sees their departments only; an employee nothing
    head = await books.get("/budgets/execution", books.as_person("sales_head"), year=YEAR)
    assert {r["department_id"] for r in head["rows"]} == {sales}
    nobody = await books.get("/budgets/execution", books.as_person("engineer"), year=YEAR)
    assert nobody["rows"] == []
    assert nobody["totals"]["budget"] == "0.00"
    assert nobody["totals"]["percent_used"] is None
    peek = await books.get(
        "/budgets/execution", books.as_person("engineer"), year=YEAR, department_id=fe
    )
    assert peek["rows"] == []
