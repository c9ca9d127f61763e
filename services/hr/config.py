"""Settings of the hr service."""

from shared.kit.settings import ServiceSettings


class HrSettings(ServiceSettings):
    """``OFFICINA_*`` settings; the database URL may be given as ``OFFICINA_HR_DATABASE_URL``."""

    service: str = "hr"
