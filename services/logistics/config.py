"""Settings of the logistics service."""

from shared.kit.settings import ServiceSettings


class LogisticsSettings(ServiceSettings):
    """``OFFICINA_*`` settings; the database URL may be given as ``OFFICINA_LOGISTICS_DATABASE_URL``."""

    service: str = "logistics"
