"""finance's copy of org: applied from org's events, asked who belongs where and who heads what."""

import uuid

from services.finance.domain import directory
from tests.finance.spending_helpers import Books
from tests.finance.spending_helpers import books as books  # the fixture


async def test_the_directory_knows_departments_heads_and_employees(books: Books) -> None:
    runtime = books.service.app.state.runtime
    async with runtime.sessionmaker() as session:
        assert await directory.department_of(session, books.company.engineer) == books.dept(
            "RND-FE"
        )
        assert await directory.department_of(session, uuid.uuid4()) is None
        # a head heads the departments below theirs too
        assert await directory.departments_headed_by(session, books.company.rnd_head) == {
            books.dept("RND"),
            books.dept("RND-FE"),
        }
        assert await directory.departments_headed_by(session, books.company.fe_lead) == {
            books.dept("RND-FE")
        }
        assert await directory.departments_headed_by(session, books.company.engineer) == set()


async def test_changes_from_org_replace_what_finance_knew(books: Books) -> None:
    # the engineer moves to sales; sales gets a new head
    await books.person("engineer", "SALES", manager="sales_head")
    await books.department("SALES", parent="GMO", head="seller", update=True)
    runtime = books.service.app.state.runtime
    async with runtime.sessionmaker() as session:
        assert await directory.department_of(session, books.company.engineer) == books.dept("SALES")
        assert await directory.departments_headed_by(session, books.company.sales_head) == set()
        assert await directory.departments_headed_by(session, books.company.seller) == {
            books.dept("SALES")
        }
