"""Background work of logistics for spaces, facilities, maintenance and repairs: the sweep that
creates the work orders of schedules come due, and the one that closes resolved repairs their
requesters did not confirm in time. Both are restart-safe and idempotent (their state is the
database's; see the domain modules)."""

import logging

from services.logistics.config import LogisticsSettings
from services.logistics.domain import maintenance, repairs
from shared.kit.jobs import Periodic, Task
from shared.kit.runtime import ServiceRuntime

log = logging.getLogger("officina.logistics.facilities")


def work_order_sweep(runtime: ServiceRuntime, interval: float) -> Periodic:
    """Creates the work orders of maintenance schedules due by today."""

    async def sweep() -> int:
        created = await maintenance.generate_due(runtime, runtime.today())
        if created:
            log.info("created %d maintenance work order(s)", created)
        return created

    return Periodic("logistics-maintenance-due", interval, sweep, log)


def repair_close_sweep(runtime: ServiceRuntime, interval: float) -> Periodic:
    """Closes resolved repairs left unconfirmed past the policy's days."""

    async def sweep() -> int:
        closed = await repairs.close_unconfirmed(runtime, runtime.now())
        if closed:
            log.info("closed %d unconfirmed repair request(s)", closed)
        return closed

    return Periodic("logistics-repair-auto-close", interval, sweep, log)


def tasks(runtime: ServiceRuntime, settings: LogisticsSettings) -> list[Task]:
    """What runs beside the requests while the service runs (started and stopped by app.py)."""
    if settings.sweep_interval <= 0:
        return []
    return [
        work_order_sweep(runtime, settings.sweep_interval),
        repair_close_sweep(runtime, settings.sweep_interval),
    ]
