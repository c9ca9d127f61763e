"""Background work of finance for tax: the sweep that keeps the filing calendar and sends the
due-soon notices to finance staff's inbox (workflow's platform inbox, ``POST
/api/v1/workflow/notifications``, recipients by the role ``finance``).

Each notice goes once: its idempotency key names the filing and its due date, workflow delivers
a key once, and the filing remembers the due date it was told about. Workflow is called with no
transaction open; a notice it did not take is sent again at the next run.
"""

import logging

from services.finance.config import FinanceSettings
from services.finance.domain import tax
from shared.kit.errors import ServiceUnavailable
from shared.kit.jobs import Periodic, Task
from shared.kit.runtime import ServiceRuntime
from shared.kit.service_client import ServiceClient

log = logging.getLogger("officina.finance.tax")
NOTIFICATIONS = "/api/v1/workflow/notifications"


async def sweep(runtime: ServiceRuntime, client: ServiceClient) -> int:
    """Keep this year's calendar (and next year's from December), then deliver the notices of
    filings due within five days; returns how many notices were delivered."""
    today = runtime.today()
    async with runtime.transaction() as session:
        for year in tax.years_to_plan(today):
            await tax.generate_calendar(session, year)
    async with runtime.sessionmaker() as session:
        owed = [
            (filing.id, filing.due_date, tax.notice(filing))
            for filing in await tax.due_soon(session, today)
        ]
    delivered = 0
    for filing_id, due_date, body in owed:
        try:
            response = await client.request("POST", NOTIFICATIONS, json=body)
        except ServiceUnavailable as exc:
            log.warning("tax notices: workflow unreachable (%s); retrying at the next run", exc)
            break
        if response.status_code != 201:
            log.warning(
                "tax notice %s refused: %s %s",
                body["idempotency_key"],
                response.status_code,
                response.text[:200],
            )
            continue
        async with runtime.transaction() as session:
            await tax.mark_notified(session, filing_id, due_date)
        delivered += 1
    return delivered


def tasks(runtime: ServiceRuntime, settings: FinanceSettings) -> list[Task]:
    """The tax sweep, every ``OFFICINA_SWEEP_INTERVAL`` seconds (off at 0)."""
    if settings.sweep_interval <= 0:
        return []

    async def work() -> int:
        return await sweep(runtime, runtime.service_client)

    return [Periodic("finance-tax-sweep", settings.sweep_interval, work, log)]
