"""Application factory of the workflow service (``uvicorn services.workflow.app:create_app --factory``)."""

from collections.abc import Awaitable, Callable

from fastapi import FastAPI

from services.workflow.api import ROUTERS
from services.workflow.config import WorkflowSettings
from services.workflow.context import WorkflowContext
from services.workflow.db.models import KIT, Base
from services.workflow.domain.directory import Directory, OrgDirectory
from services.workflow.scheduler import deadline_starter
from shared.kit.app import create_service_app
from shared.kit.runtime import Clock, ServiceRuntime
from shared.kit.service_client import ServiceClient
from shared.kit.tokens import TokenVerifier

DESCRIPTION = "The approval engine: versioned definitions, instances, tasks, substitutes, deadlines and notifications."


def create_app(
    settings: WorkflowSettings | None = None,
    verifier: TokenVerifier | None = None,
    directory: Directory | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    """Build the workflow service; tests may give their own directory and clock."""
    settings = settings or WorkflowSettings()

    async def wire(runtime: ServiceRuntime) -> Callable[[], Awaitable[None]] | None:
        if clock is not None:
            runtime.clock = clock
        if directory is not None:
            runtime.context = WorkflowContext(directory)
            return None
        client_id, secret = settings.client_credentials()
        client = ServiceClient(settings.gateway_url, client_id, secret)
        runtime.client = client
        runtime.context = WorkflowContext(OrgDirectory(client))
        return client.aclose

    return create_service_app(
        settings,
        metadata=Base.metadata,
        tables=KIT,
        routers=ROUTERS,
        title="officina workflow",
        description=DESCRIPTION,
        verifier=verifier,
        starters=[wire, deadline_starter(settings.deadline_interval)],
    )
