"""Background work of business travel: workflow's outcomes for trips and reimbursements, and
the sweeps that start the approvals workflow has not confirmed yet."""

from datetime import timedelta
from typing import Any

from services.logistics.config import LogisticsSettings
from services.logistics.domain.travel import REIMBURSEMENT_SAGA, REQUEST_SAGA
from shared.kit.approvals import ApprovalSaga, ApprovalSweeper, Backoff
from shared.kit.jobs import Task
from shared.kit.runtime import ServiceRuntime

# one cursor per saga in logistics' database (never shared with another saga's consumer)
CURSORS = {
    "travel_request": "workflow-outcomes-travel-requests",
    "travel_reimbursement": "workflow-outcomes-travel-reimbursements",
}


def tasks(runtime: ServiceRuntime, settings: LogisticsSettings) -> list[Task]:
    """Each saga's outcome consumer (while consumers are enabled) and sweeper (while the sweep
    interval is not 0)."""
    found: list[Task] = []
    sagas: dict[str, ApprovalSaga[Any]] = {
        "travel_request": REQUEST_SAGA,
        "travel_reimbursement": REIMBURSEMENT_SAGA,
    }
    for kind, saga in sagas.items():
        saga.backoff = Backoff(
            timedelta(seconds=settings.approval_sweep_grace),
            timedelta(seconds=settings.approval_retry_longest),
        )
        if settings.consumers_enabled:
            found.append(
                saga.outcome_consumer(
                    runtime,
                    gateway_url=settings.gateway_url,
                    token=runtime.service_client.token,
                    wait=settings.feed_wait,
                    name=CURSORS[kind],
                )
            )
        if settings.approval_sweep_interval > 0:
            found.append(
                ApprovalSweeper(
                    saga,
                    runtime,
                    lambda: runtime.service_client,  # tests may swap the client
                    settings.approval_sweep_interval,
                )
            )
    return found
