"""Settings of the org service."""

from shared.kit.settings import ServiceSettings


class OrgSettings(ServiceSettings):
    """``OFFICINA_*`` settings; the database URL may be given as ``OFFICINA_ORG_DATABASE_URL``."""

    service: str = "org"
