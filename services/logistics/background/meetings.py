"""Background work of logistics for meetings: the sweep that delivers attendees' notices."""

import logging

from services.logistics.config import LogisticsSettings
from services.logistics.domain import notices
from shared.kit.jobs import Periodic, Task
from shared.kit.runtime import ServiceRuntime

log = logging.getLogger("officina.logistics.meetings")


def tasks(runtime: ServiceRuntime, settings: LogisticsSettings) -> list[Task]:
    """The notice sweep, every ``sweep_interval`` seconds (0 turns it off)."""
    if not settings.sweep_interval:
        return []

    async def deliver() -> None:
        sent = await notices.deliver_due(runtime)
        if sent:
            log.info("delivered %d meeting notice(s)", sent)

    return [Periodic("meeting-notices", settings.sweep_interval, deliver, log)]
