"""The approvals of claims, requests and budgets when things go wrong between finance and
workflow, or the ledger refuses: nothing lost, nothing applied twice, nothing blocked."""

from datetime import timedelta

from sqlalchemy import update

from services.finance.db.ledger import Period
from services.finance.domain import periods
from services.finance.domain.budgets import SAGA as BUDGET_SAGA
from services.finance.domain.spending import CLAIM_SAGA
from shared.kit.db import utcnow
from tests.finance.conftest import API, TODAY
from tests.finance.spending_helpers import Books
from tests.finance.spending_helpers import books as books  # the fixture
from tests.problems import assert_problem


async def set_period(books: Books, status: str) -> None:
    """Close (or open) this month's period as the ledger's close would leave it."""
    async with books.service.app.state.runtime.transaction() as session:
        await periods.ensure(session, [(TODAY.year, TODAY.month)])
        await session.execute(
            update(Period)
            .where(Period.year == TODAY.year, Period.month == TODAY.month)
            .values(status=status)
        )


async def test_workflow_down_the_claim_is_kept_and_the_sweep_starts_it_once(books: Books) -> None:
    await books.approved_budget("RND-FE", {"6602.02": "1000.00"})
    books.service.workflow.down = True
    claim = await books.claim("engineer", ("travel", "100.00"))
    assert claim["status"] == "submitted"
    assert claim["workflow_instance_id"] is None
    books.service.workflow.down = False
    runtime = books.service.app.state.runtime
    later = utcnow() + timedelta(days=1)
    assert await CLAIM_SAGA.sweep(runtime, runtime.service_client, now=later) == 1
    assert await CLAIM_SAGA.sweep(runtime, runtime.service_client, now=later) == 0
    found = await books.get(f"/expense-claims/{claim['id']}")
    assert found["workflow_instance_id"] == books.instance_of(claim["id"], "expense_claim")
    assert await books.outcome(claim["id"], "expense_claim", "approved")
    assert (await books.get(f"/expense-claims/{claim['id']}"))["status"] == "approved"


async def test_workflow_refuses_the_start_for_good(books: Books) -> None:
    await books.approved_budget("RND-FE", {"6602.02": "1000.00"})
    books.service.workflow.refuse_starts = True
    claim = await books.claim("engineer", ("travel", "100.00"))
    assert claim["status"] == "approval_refused"
    [event] = await books.events("finance.expense_claim.rejected")
    assert event["data"]["reason"] == "approval refused by workflow"
    withdrawn = await books.post(
        f"/expense-claims/{claim['id']}/withdraw", headers=books.as_person("engineer")
    )
    assert withdrawn["status"] == "withdrawn"
    # a budget workflow will not approve can be submitted again once it would
    draft = await books.draft_budget("SALES", {"6602.02": "10.00"})
    refused = await books.post(f"/budgets/{draft['id']}/submit")
    assert refused["status"] == "approval_refused"
    books.service.workflow.refuse_starts = False
    again = await books.post(f"/budgets/{draft['id']}/submit")
    assert again["status"] == "submitted"
    assert again["workflow_instance_id"] == books.instance_of(draft["id"], "budget")
    runtime = books.service.app.state.runtime
    assert (
        await BUDGET_SAGA.sweep(runtime, runtime.service_client, now=utcnow() + timedelta(days=1))
        == 0
    )


async def test_an_outcome_is_applied_once(books: Books) -> None:
    await books.approved_budget("RND-FE", {"6602.02": "1000.00"})
    claim = await books.claim("engineer", ("travel", "100.00"))
    assert await books.outcome(claim["id"], "expense_claim", "approved")
    # the same outcome published again (another event for the same instance)
    assert await books.outcome(claim["id"], "expense_claim", "approved")
    execution = await books.execution()
    assert execution["totals"]["actual"] == "100.00"
    assert len(await books.events("finance.expense_claim.approved")) == 1


async def test_a_claim_the_ledger_refuses_stays_approved_and_is_posted_later(books: Books) -> None:
    await books.approved_budget("RND-FE", {"6602.02": "1000.00"})
    claim = await books.claim("engineer", ("travel", "100.00"))
    await set_period(books, "closed")
    assert await books.outcome(claim["id"], "expense_claim", "approved")
    approved = await books.get(f"/expense-claims/{claim['id']}")
    assert approved["status"] == "approved"
    assert approved["journal_entry_id"] is None
    assert approved["posting_error"].startswith("period_closed")
    assert approved["payable"] == "0.00"
    execution = await books.execution()
    assert (execution["totals"]["committed"], execution["totals"]["actual"]) == ("100.00", "0.00")
    # not paid before it is posted
    response = await books.service.client.post(
        f"{API}/expense-claims/{claim['id']}/pay", json={}, headers=books.service.staff()
    )
    assert_problem(response, 409, "invalid_claim_transition")
    # still closed: the ledger's refusal is answered
    response = await books.service.client.post(
        f"{API}/expense-claims/{claim['id']}/post", headers=books.service.staff()
    )
    assert_problem(response, 409, "period_closed")
    await set_period(books, "open")
    posted = await books.post(f"/expense-claims/{claim['id']}/post")
    assert posted["journal_entry_id"] is not None
    assert posted["posting_error"] is None
    assert posted["payable"] == "100.00"
    execution = await books.execution()
    assert (execution["totals"]["committed"], execution["totals"]["actual"]) == ("0.00", "100.00")
