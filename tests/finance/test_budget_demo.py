"""Demo budgets are planned by department code and made when finance learns the department."""

from services.finance.seed import budgets as budget_seed
from shared.kit.db import utcnow
from tests.finance.conftest import FinanceService
from tests.finance.spending_helpers import Books, Company

# the demo plans the year it is loaded in (by the real clock, as ``officina --demo`` does)
YEAR = utcnow().year


async def load_demo(finance: FinanceService) -> None:
    async with finance.app.state.runtime.transaction() as session:
        await budget_seed.load(session, demo=True)


async def test_a_department_learnt_after_the_demo_is_loaded_gets_its_budget(
    finance: FinanceService,
) -> None:
    await load_demo(finance)
    books = Books(finance, Company())
    await books.department("RND")
    assert len((await books.get("/budgets", year=YEAR))["items"]) == 1
    assert (await books.get("/expense-claims"))["items"] == []  # no head to claim yet
    await books.person("head", "RND")
    await books.department("RND", head="head", update=True)  # the budget is not made twice
    await books.department("RND", head="head", update=True)  # nor are the claims
    [budget] = (await books.get("/budgets", year=YEAR))["items"]
    claims = (await books.get("/expense-claims"))["items"]
    assert sorted(c["status"] for c in claims) == ["approved", "paid"]
    # made for the first employee finance learnt there (org may set heads without an event)
    assert {c["employee_id"] for c in claims} == {str(books.company.head)}
    assert budget["status"] == "approved"
    assert budget["department_id"] == str(books.dept("RND"))
    assert budget["total"] == "540000.00"  # 12 x (30000 + 12000 + 3000)
    # unplanned departments get nothing
    await books.department("NEW")
    assert len((await books.get("/budgets", year=YEAR))["items"]) == 1
    execution = await books.get("/budgets/execution", year=YEAR)
    assert execution["totals"]["budget"] == "540000.00"


async def test_a_department_known_before_the_demo_gets_it_at_once_with_claims(
    finance: FinanceService,
) -> None:
    books = Books(finance, Company())
    await books.department("SALES")
    await books.person("boss", "SALES")
    await books.department("SALES", head="boss", update=True)
    assert (await books.get("/budgets"))["items"] == []
    await load_demo(finance)
    [budget] = (await books.get("/budgets", year=YEAR))["items"]
    assert budget["status"] == "approved"
    claims = (await books.get("/expense-claims"))["items"]
    # the demo claims are the head's own, posted (their year is the real clock's)
    assert {c["employee_id"] for c in claims} == {str(books.company.boss)}
    assert sorted(c["status"] for c in claims) == ["approved", "paid"]
    assert all(c["journal_entry_id"] for c in claims)
    await load_demo(finance)  # loading again adds nothing
    assert len((await books.get("/budgets"))["items"]) == 1
    assert len((await books.get("/expense-claims"))["items"]) == 2
