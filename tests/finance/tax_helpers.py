"""Helpers of the tax tests: registrations and the calendar through the API, the sweep as the
service runs it."""

from datetime import UTC, date, datetime, time
from typing import Any

from services.finance.background.tax import sweep
from tests.finance.conftest import API, FinanceService

REGISTRATIONS: tuple[dict[str, Any], ...] = (
    {"tax": "vat", "rate": "0.06", "taxpayer_kind": "general"},
    {"tax": "cit", "rate": "0.25"},
    {"tax": "iit_withheld"},
    {"tax": "city_construction", "rate": "0.07"},
    {"tax": "education_surcharge", "rate": "0.03"},
    {"tax": "local_education_surcharge", "rate": "0.02"},
)


async def register(finance: FinanceService, **fields: Any) -> dict[str, Any]:
    """Register a tax (from 2026-01-01 unless said otherwise); asserts it was accepted."""
    body = {"effective_from": "2026-01-01", **fields}
    response = await finance.client.post(
        f"{API}/tax-registrations", json=body, headers=finance.staff()
    )
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


async def register_all(finance: FinanceService) -> None:
    """The usual registrations of a general taxpayer."""
    for fields in REGISTRATIONS:
        await register(finance, **fields)


async def calendar(finance: FinanceService, year: int = 2026) -> dict[str, Any]:
    """Generate a year's filing calendar."""
    response = await finance.client.post(
        f"{API}/tax-filings/calendar", json={"year": year}, headers=finance.staff()
    )
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def filings(finance: FinanceService, **params: Any) -> list[dict[str, Any]]:
    """Every filing matching the filters, soonest due first (all pages)."""
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"limit": 200, **params, **({"cursor": cursor} if cursor else {})}
        response = await finance.client.get(
            f"{API}/tax-filings", params=query, headers=finance.staff()
        )
        assert response.status_code == 200, response.text
        page = response.json()
        found += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return found


async def filing(finance: FinanceService, tax: str, period_start: str) -> dict[str, Any]:
    """The filing of a tax for the period starting on ``period_start``."""
    [found] = [f for f in await filings(finance, tax=tax) if f["period_start"] == period_start]
    return found


async def act(
    finance: FinanceService, found: dict[str, Any], action: str, body: dict[str, Any]
) -> Any:
    """POST an action on a filing (file, pay, extend) as finance staff."""
    return await finance.client.post(
        f"{API}/tax-filings/{found['id']}/{action}", json=body, headers=finance.staff()
    )


def on(finance: FinanceService, day: date) -> None:
    """Move the service's clock to 09:00 UTC of ``day``."""
    finance.now = datetime.combine(day, time(9, tzinfo=UTC))


async def run_sweep(finance: FinanceService) -> int:
    """Run the tax sweep once, as the service's Periodic does."""
    runtime = finance.app.state.runtime
    return await sweep(runtime, runtime.service_client)
