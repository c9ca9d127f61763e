"""Background work of logistics for vehicles: workflow's outcomes of vehicle requests, and the
sweep that starts the approvals workflow has not confirmed yet."""

from datetime import timedelta

from services.logistics.config import LogisticsSettings
from services.logistics.domain.vehicle_requests import SAGA
from shared.kit.approvals import ApprovalSweeper, Backoff
from shared.kit.jobs import Task
from shared.kit.runtime import ServiceRuntime

OUTCOMES_CURSOR = "workflow-outcomes-vehicles"


def tasks(runtime: ServiceRuntime, settings: LogisticsSettings) -> list[Task]:
    """The outcome consumer (its own cursor) and the approval sweep, as settings allow."""
    SAGA.backoff = Backoff(
        timedelta(seconds=settings.approval_sweep_grace),
        timedelta(seconds=settings.approval_retry_longest),
    )
    found: list[Task] = []
    if settings.consumers_enabled and runtime.client is not None:
        found.append(
            SAGA.outcome_consumer(
                runtime,
                gateway_url=settings.gateway_url,
                token=runtime.client.token,
                wait=settings.feed_wait,
                name=OUTCOMES_CURSOR,
            )
        )
    if settings.approval_sweep_interval > 0:
        found.append(
            ApprovalSweeper(
                SAGA,
                runtime,
                lambda: runtime.service_client,  # as tests may swap it
                settings.approval_sweep_interval,
            )
        )
    return found
