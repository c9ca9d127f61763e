"""Background work of finance for its copy of org's departments and employees: consumers, sweeps (none yet)."""

from services.finance.config import FinanceSettings
from shared.kit.jobs import Task
from shared.kit.runtime import ServiceRuntime


def tasks(runtime: ServiceRuntime, settings: FinanceSettings) -> list[Task]:
    """What runs beside the requests while the service runs (started and stopped by app.py)."""
    return []
