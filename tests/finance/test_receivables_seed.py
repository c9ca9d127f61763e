"""The demo invoices: issued and partly paid through the rules, every aging bucket but one shown."""

from services.finance.seed import receivables as seed
from tests.finance.conftest import API, FinanceService


async def test_the_demo_invoices_fill_the_aging_and_load_once(finance: FinanceService) -> None:
    for _ in range(2):
        async with finance.app.state.runtime.transaction() as session:
            await seed.load(session, demo=True, today=finance.now.date())
    receivable = (
        await finance.client.get(
            f"{API}/aging", params={"kind": "receivable"}, headers=finance.staff()
        )
    ).json()
    assert receivable["totals"] == {
        "current": "33900.00",
        "days_1_30": "0.00",
        "days_31_60": "63000.00",
        "days_61_90": "0.00",
        "over_90": "21200.00",
        "total": "118100.00",
    }
    payable = (
        await finance.client.get(
            f"{API}/aging", params={"kind": "payable"}, headers=finance.staff()
        )
    ).json()
    assert payable["totals"]["total"] == "16850.00"
    statuses = (await finance.client.get(f"{API}/invoices", headers=finance.staff())).json()[
        "items"
    ]
    assert sorted(i["status"] for i in statuses) == [
        "open",
        "open",
        "open",
        "paid",
        "partly_paid",
        "partly_paid",
    ]


async def test_without_demo_nothing_is_loaded(finance: FinanceService) -> None:
    async with finance.app.state.runtime.transaction() as session:
        await seed.load(session, demo=False)
    assert (await finance.client.get(f"{API}/invoices", headers=finance.staff())).json()[
        "items"
    ] == []
