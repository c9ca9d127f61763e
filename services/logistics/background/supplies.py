"""Background work of logistics for office supplies: workflow's outcomes of purchases and
requisitions, the sweeps that start approvals workflow has not confirmed, and the sweep that
releases the reservations of requisitions not collected in time."""

import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.config import LogisticsSettings
from services.logistics.domain import purchases, requisitions
from shared.contracts.events import EventEnvelope
from shared.kit.approvals import COMPLETED, ApprovalSweeper, Backoff
from shared.kit.consumer import FeedConsumer
from shared.kit.jobs import Periodic, Task
from shared.kit.runtime import ServiceRuntime

log = logging.getLogger("officina.logistics.supplies")
OUTCOMES_CURSOR = "workflow-outcomes-supplies"
SAGAS = (purchases.SAGA, requisitions.SAGA)


async def apply_outcome(session: AsyncSession, event: EventEnvelope) -> None:
    """workflow decided a purchase's or a requisition's approval (each saga ignores the other's)."""
    for saga in SAGAS:
        await saga.apply_outcome(session, event)


def expiry_sweep(runtime: ServiceRuntime, interval: float) -> Periodic:
    """Releases the reservations of requisitions not collected by their deadline."""

    async def sweep() -> int:
        released = await requisitions.expire_overdue(runtime, runtime.now())
        if released:
            log.info("released the reservations of %d uncollected requisition(s)", released)
        return released

    return Periodic("logistics-requisition-expiry", interval, sweep, log)


def tasks(runtime: ServiceRuntime, settings: LogisticsSettings) -> list[Task]:
    """What runs beside the requests while the service runs (started and stopped by app.py)."""
    found: list[Task] = []
    backoff = Backoff(
        timedelta(seconds=settings.approval_sweep_grace),
        timedelta(seconds=settings.approval_retry_longest),
    )
    for saga in SAGAS:
        saga.backoff = backoff
    if settings.consumers_enabled and runtime.client is not None:
        found.append(
            FeedConsumer(
                runtime,
                name=OUTCOMES_CURSOR,
                feed_url=f"{settings.gateway_url.rstrip('/')}/api/v1/workflow/events",
                handler=apply_outcome,
                token=runtime.client.token,
                event_types={COMPLETED},
                wait=settings.feed_wait,
            )
        )
    if settings.approval_sweep_interval > 0:
        for saga in SAGAS:
            found.append(
                ApprovalSweeper(
                    saga,
                    runtime,
                    lambda: runtime.service_client,  # as tests may swap it
                    settings.approval_sweep_interval,
                )
            )
    if settings.sweep_interval > 0:
        found.append(expiry_sweep(runtime, settings.sweep_interval))
    return found
