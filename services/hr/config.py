"""Settings of the hr service."""

from pydantic import Field

from shared.kit.settings import ServiceSettings


class HrSettings(ServiceSettings):
    """``OFFICINA_*`` settings; the database URL may be given as ``OFFICINA_HR_DATABASE_URL``.

    ``OFFICINA_HR_CLIENT_ID`` / ``_SECRET`` (handed over by the launcher) let hr start approvals
    in workflow and read the org and workflow feeds through the gateway.
    ``OFFICINA_APPROVAL_SWEEP_INTERVAL``: seconds between sweeps that start the approvals
    workflow has not confirmed yet (0 turns the sweep off); ``_GRACE``: how long a request's
    own attempt is left alone first (longer than the 5 s timeout of a call to workflow), and the
    first back-off after an unconfirmed attempt, doubling per attempt up to
    ``OFFICINA_APPROVAL_RETRY_LONGEST`` seconds. ``OFFICINA_SWEEP_INTERVAL``: seconds between
    the sweeps that bring org up to date with onboardings and deliver labour contracts' expiry
    alerts (0 turns them off).
    """

    service: str = "hr"
    feed_wait: float = 20.0
    approval_sweep_interval: float = Field(default=15.0, ge=0)
    approval_sweep_grace: float = Field(default=10.0, ge=0)
    approval_retry_longest: float = Field(default=1800.0, ge=0)
    sweep_interval: float = Field(default=30.0, ge=0)
