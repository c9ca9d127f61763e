"""Application factory of the workflow service (``uvicorn services.workflow.app:create_app --factory``)."""

from fastapi import FastAPI

from services.workflow.api import ROUTERS
from services.workflow.config import WorkflowSettings
from services.workflow.db.models import KIT, Base
from shared.kit.app import create_service_app
from shared.kit.tokens import TokenVerifier

DESCRIPTION = "The approval engine: versioned definitions, instances, tasks, substitutes, deadlines and notifications."


def create_app(
    settings: WorkflowSettings | None = None, verifier: TokenVerifier | None = None
) -> FastAPI:
    """Build the workflow service."""
    return create_service_app(
        settings or WorkflowSettings(),
        metadata=Base.metadata,
        tables=KIT,
        routers=ROUTERS,
        title="officina workflow",
        description=DESCRIPTION,
        verifier=verifier,
    )
