"""finance follows every feed that publishes posting facts, with the kit's consumer: a page is
posted in one transaction with the cursor, other events are skipped, a page read again posts
nothing more."""

from typing import Any

import httpx

from services.finance.background.posting import tasks
from services.finance.config import FinanceSettings
from shared.kit.consumer import FeedConsumer, read_cursor
from tests.finance.conftest import FinanceService
from tests.finance.posting_helpers import PAYROLL, entries_of, envelope, exceptions, payroll_fact

LOGISTICS_FACTS = {
    "logistics.purchase.received",
    "logistics.reimbursement.approved",
    "logistics.travel_advance.approved",
}


def consumers(finance: FinanceService) -> dict[str, FeedConsumer]:
    settings = FinanceSettings(gateway_url="http://gateway", consumers_enabled=True)
    found = tasks(finance.app.state.runtime, settings)
    return {c.name: c for c in found if isinstance(c, FeedConsumer)}


async def test_a_consumer_follows_each_feed_that_publishes_facts(finance: FinanceService) -> None:
    by_name = consumers(finance)

    assert by_name["posting-facts-logistics"].event_types == LOGISTICS_FACTS
    assert by_name["posting-facts-logistics"].feed_url == "http://gateway/api/v1/logistics/events"
    assert by_name["posting-facts-hr"].event_types == {PAYROLL}
    assert "posting-facts-finance" not in by_name
    off = FinanceSettings(gateway_url="http://gateway", consumers_enabled=False)
    assert tasks(finance.app.state.runtime, off) == []


async def test_a_page_of_the_feed_is_posted_with_its_cursor(finance: FinanceService) -> None:
    page: dict[str, Any] = {
        "items": [
            envelope(PAYROLL, payroll_fact("run-a"), seq=3).model_dump(mode="json"),
            envelope(PAYROLL, payroll_fact("run-b"), seq=7).model_dump(mode="json"),
        ],
        "next_after": 9,  # the feed skipped past events of other types
    }
    asked: list[httpx.Request] = []

    def feed(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, json=page)

    consumer = consumers(finance)["posting-facts-hr"]
    async with httpx.AsyncClient(transport=httpx.MockTransport(feed)) as client:
        consumer.token = _token
        assert await consumer.poll_once(client) == 2
        assert await consumer.poll_once(client) == 0  # the same page again: nothing more

    assert asked[0].url.params["type"] == PAYROLL  # one type: the feed filters
    assert asked[1].url.params["after"] == "9"
    assert len(await entries_of(finance)) == 2
    assert await exceptions(finance) == []
    runtime = finance.app.state.runtime
    async with runtime.sessionmaker() as session:
        assert await read_cursor(session, runtime, "posting-facts-hr") == 9


async def _token() -> str:
    return "client-token"
