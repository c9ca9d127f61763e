"""Application factory of the logistics service (``uvicorn services.logistics.app:create_app --factory``)."""

from collections.abc import Awaitable, Callable

from fastapi import FastAPI

from services.logistics.api import ROUTERS
from services.logistics.background import AREAS
from services.logistics.config import LogisticsSettings
from services.logistics.db.models import KIT, Base
from shared.kit.app import create_service_app
from shared.kit.runtime import Clock, ServiceRuntime
from shared.kit.service_client import ServiceClient
from shared.kit.tokens import TokenVerifier

DESCRIPTION = (
    "Offices and facilities, supplies and inventory, meetings, events, vehicles and travel."
)


def create_app(
    settings: LogisticsSettings | None = None,
    verifier: TokenVerifier | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    """Build the logistics service. Each area's background work (``background/<area>.py``) runs while
    it runs. Tests may give their own clock; the outbound client is ``runtime.client``."""
    settings = settings or LogisticsSettings()

    async def wire(runtime: ServiceRuntime) -> Callable[[], Awaitable[None]]:
        client_id, secret = settings.client_credentials()
        client = ServiceClient(settings.gateway_url, client_id, secret)
        runtime.client = client
        if clock is not None:
            runtime.clock = clock
        tasks = [task for area in AREAS for task in area.tasks(runtime, settings)]
        for task in tasks:
            task.start()

        async def stop() -> None:
            for task in reversed(tasks):
                await task.stop()
            await client.aclose()

        return stop

    return create_service_app(
        settings,
        metadata=Base.metadata,
        tables=KIT,
        routers=ROUTERS,
        title="officina logistics",
        description=DESCRIPTION,
        verifier=verifier,
        starters=[wire],
    )
