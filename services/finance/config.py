"""Settings of the finance service."""

from pydantic import Field

from shared.kit.settings import ServiceSettings


class FinanceSettings(ServiceSettings):
    """``OFFICINA_*`` settings; the database URL may be given as ``OFFICINA_FINANCE_DATABASE_URL``.

    ``OFFICINA_FINANCE_CLIENT_ID`` / ``_SECRET`` (handed over by the launcher) let finance start
    approvals in workflow, deliver notices to the inbox and read other services' feeds through the
    gateway. ``OFFICINA_APPROVAL_SWEEP_INTERVAL``: seconds between sweeps that start the approvals
    workflow has not confirmed yet (0 turns the sweep off); ``_GRACE``: the first back-off,
    doubling per attempt up to ``OFFICINA_APPROVAL_RETRY_LONGEST`` seconds.
    ``OFFICINA_SWEEP_INTERVAL``: seconds between the service's own periodic sweeps (0: off).
    """

    service: str = "finance"
    feed_wait: float = 20.0
    approval_sweep_interval: float = Field(default=15.0, ge=0)
    approval_sweep_grace: float = Field(default=10.0, ge=0)
    approval_retry_longest: float = Field(default=1800.0, ge=0)
    sweep_interval: float = Field(default=60.0, ge=0)
