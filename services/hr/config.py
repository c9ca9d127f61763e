"""Settings of the hr service."""

from shared.kit.settings import ServiceSettings


class HrSettings(ServiceSettings):
    """``OFFICINA_*`` settings; the database URL may be given as ``OFFICINA_HR_DATABASE_URL``.

    ``OFFICINA_HR_CLIENT_ID`` / ``_SECRET`` (handed over by the launcher) let hr start approvals
    in workflow and read the org and workflow feeds through the gateway.
    """

    service: str = "hr"
    feed_wait: float = 20.0
