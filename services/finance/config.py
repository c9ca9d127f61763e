"""Settings of the finance service."""

from shared.kit.settings import ServiceSettings


class FinanceSettings(ServiceSettings):
    """``OFFICINA_*`` settings; the database URL may be given as ``OFFICINA_FINANCE_DATABASE_URL``."""

    service: str = "finance"
