"""hr's background work for recruitment and contracts: the outcomes of the hiring-plan and offer
approvals (each saga its own consumer of workflow's feed and its own sweeper), the sweep that
brings org up to date with onboardings, and the sweep that delivers contracts' expiry alerts."""

import logging
from datetime import timedelta

from services.hr import demo
from services.hr.config import HrSettings
from services.hr.domain import (
    allocation,
    development_demo,
    labour_contracts,
    onboarding,
    promotions,
)
from services.hr.domain.hiring import PLAN_SAGA
from services.hr.domain.offers import OFFER_SAGA
from services.hr.domain.promotions import MOVE_SAGA
from shared.kit.approvals import ApprovalSweeper, Backoff
from shared.kit.jobs import Periodic, Task
from shared.kit.runtime import ServiceRuntime

log = logging.getLogger("officina.hr.people")

SAGAS = (
    (PLAN_SAGA, "workflow-outcomes-hiring"),
    (OFFER_SAGA, "workflow-outcomes-offers"),
    (MOVE_SAGA, "workflow-outcomes-career-moves"),
)


def tasks(runtime: ServiceRuntime, settings: HrSettings) -> list[Task]:
    """The consumers and sweeps of recruitment, onboarding and contracts (not yet started)."""
    found: list[Task] = []
    backoff = Backoff(
        timedelta(seconds=settings.approval_sweep_grace),
        timedelta(seconds=settings.approval_retry_longest),
    )
    for saga, cursor in SAGAS:
        saga.backoff = backoff
        if settings.consumers_enabled:
            found.append(
                saga.outcome_consumer(
                    runtime,
                    gateway_url=settings.gateway_url,
                    token=runtime.service_client.token,
                    wait=settings.feed_wait,
                    name=cursor,
                )
            )
        if settings.approval_sweep_interval > 0:
            found.append(
                ApprovalSweeper(
                    saga,
                    runtime,
                    lambda: runtime.service_client,
                    settings.approval_sweep_interval,
                )
            )
    onboarding.BACKOFF = backoff
    promotions.BACKOFF = backoff
    if settings.sweep_interval > 0:

        async def sync_onboardings() -> int:
            return await onboarding.sweep(runtime, runtime.service_client)

        async def expiry_alerts() -> int:
            return await labour_contracts.alert_sweep(
                runtime, runtime.service_client, runtime.today()
            )

        found.append(
            Periodic("hr-onboarding-org-sync", settings.sweep_interval, sync_onboardings, log)
        )

        async def demo_data() -> bool:
            return await demo.realise_pending(runtime)

        found.append(
            Periodic("hr-contract-expiry-alerts", settings.sweep_interval, expiry_alerts, log)
        )
        found.append(Periodic("hr-demo-data", settings.sweep_interval, demo_data, log))

        async def yearly_allocation() -> dict[str, int]:
            return await allocation.allocate_this_year(runtime)

        # every current employee has this year's balances: at once from the first sweep of
        # January (and at start-up), changing nothing afterwards
        found.append(
            Periodic("hr-yearly-leave-allocation", settings.sweep_interval, yearly_allocation, log)
        )

        async def career_moves() -> int:
            return await promotions.sweep(runtime, runtime.service_client)

        # approved promotions and rotations reach org, retried until org answers
        found.append(
            Periodic("hr-career-moves-org-sync", settings.sweep_interval, career_moves, log)
        )

        async def development_demo_data() -> bool:
            return await development_demo.realise_pending(runtime)

        found.append(
            Periodic(
                "hr-development-demo-data", settings.sweep_interval, development_demo_data, log
            )
        )
    return found
