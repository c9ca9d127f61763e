"""Application factory of the hr service (``uvicorn services.hr.app:create_app --factory``)."""

from collections.abc import Awaitable, Callable
from datetime import timedelta

from fastapi import FastAPI

from services.hr import background
from services.hr.api import ROUTERS
from services.hr.config import HrSettings
from services.hr.db.models import KIT, Base
from services.hr.domain.directory import ORG_EVENTS, apply_org_event
from services.hr.domain.leave import SAGA
from shared.kit.app import create_service_app
from shared.kit.approvals import ApprovalSweeper, Backoff
from shared.kit.consumer import FeedConsumer
from shared.kit.runtime import Clock, ServiceRuntime
from shared.kit.service_client import ServiceClient
from shared.kit.tokens import TokenVerifier

DESCRIPTION = (
    "Recruitment, contracts, training, performance, payroll, leave and employee relations."
)


def create_app(
    settings: HrSettings | None = None,
    verifier: TokenVerifier | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    """Build the hr service; it follows org's and workflow's feeds while it runs, and starts
    the approvals workflow has not confirmed yet. Tests may give their own clock (what "today"
    is for leave rules); the outbound client is ``runtime.client``, which tests may swap."""
    settings = settings or HrSettings()

    async def wire(runtime: ServiceRuntime) -> Callable[[], Awaitable[None]]:
        client_id, secret = settings.client_credentials()
        client = ServiceClient(settings.gateway_url, client_id, secret)
        runtime.client = client
        if clock is not None:
            runtime.clock = clock
        consumers = []
        if settings.consumers_enabled:
            base = settings.gateway_url.rstrip("/")
            consumers = [
                FeedConsumer(
                    runtime,
                    name="org-directory",
                    feed_url=f"{base}/api/v1/org/events",
                    handler=apply_org_event,
                    token=client.token,
                    event_types=set(ORG_EVENTS),
                    wait=settings.feed_wait,
                    page_size=500,
                ),
                SAGA.outcome_consumer(
                    runtime, gateway_url=base, token=client.token, wait=settings.feed_wait
                ),
            ]
            for consumer in consumers:
                consumer.start()
        SAGA.backoff = Backoff(
            timedelta(seconds=settings.approval_sweep_grace),
            timedelta(seconds=settings.approval_retry_longest),
        )
        sweeper = None
        if settings.approval_sweep_interval > 0:
            sweeper = ApprovalSweeper(
                SAGA,
                runtime,
                lambda: runtime.service_client,  # as tests may swap it
                settings.approval_sweep_interval,
            )
            sweeper.start()

        people = background.tasks(runtime, settings)
        for task in people:
            task.start()

        async def stop() -> None:
            for task in people:
                await task.stop()
            if sweeper is not None:
                await sweeper.stop()
            for consumer in consumers:
                await consumer.stop()
            await client.aclose()

        return stop

    return create_service_app(
        settings,
        metadata=Base.metadata,
        tables=KIT,
        routers=ROUTERS,
        title="officina hr",
        description=DESCRIPTION,
        verifier=verifier,
        starters=[wire],
    )
