"""Settings of the workflow service."""

from shared.kit.settings import ServiceSettings


class WorkflowSettings(ServiceSettings):
    """``OFFICINA_*`` settings; the database URL may be given as ``OFFICINA_WORKFLOW_DATABASE_URL``."""

    service: str = "workflow"
