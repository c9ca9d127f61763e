"""Background work of logistics for company events and sign-ups: consumers, sweeps (none yet)."""

from services.logistics.config import LogisticsSettings
from shared.kit.jobs import Task
from shared.kit.runtime import ServiceRuntime


def tasks(runtime: ServiceRuntime, settings: LogisticsSettings) -> list[Task]:
    """What runs beside the requests while the service runs (started and stopped by app.py)."""
    return []
