"""Settings of the workflow service."""

from pydantic import Field

from shared.kit.settings import ServiceSettings


class WorkflowSettings(ServiceSettings):
    """``OFFICINA_*`` settings; the database URL may be given as ``OFFICINA_WORKFLOW_DATABASE_URL``.

    ``OFFICINA_WORKFLOW_CLIENT_ID`` / ``_SECRET`` (handed over by the launcher) let the engine
    ask org and the gateway who approves.
    """

    service: str = "workflow"
    deadline_interval: float = Field(
        default=30.0, gt=0, description="Seconds between deadline sweeps."
    )
