"""Background work of finance for budgets and their revisions: workflow's outcomes applied,
and the approvals workflow has not confirmed yet started again."""

from datetime import timedelta

from services.finance.config import FinanceSettings
from services.finance.domain.budget_outcomes import outcome_handler
from services.finance.domain.budgets import SAGAS
from shared.kit.approvals import COMPLETED, ApprovalSweeper, Backoff
from shared.kit.consumer import FeedConsumer
from shared.kit.jobs import Task
from shared.kit.runtime import ServiceRuntime


def tasks(runtime: ServiceRuntime, settings: FinanceSettings) -> list[Task]:
    """The ``budget-outcomes`` consumer of workflow's feed and one sweep per saga."""
    found: list[Task] = []
    if settings.consumers_enabled:
        found.append(
            FeedConsumer(
                runtime,
                name="budget-outcomes",
                feed_url=f"{settings.gateway_url.rstrip('/')}/api/v1/workflow/events",
                handler=outcome_handler(runtime, SAGAS),
                token=runtime.service_client.token,
                event_types={COMPLETED},
                wait=settings.feed_wait,
            )
        )
    for saga in SAGAS:
        saga.backoff = Backoff(
            timedelta(seconds=settings.approval_sweep_grace),
            timedelta(seconds=settings.approval_retry_longest),
        )
        if settings.approval_sweep_interval > 0:
            found.append(
                ApprovalSweeper(
                    saga,
                    runtime,
                    lambda: runtime.service_client,  # as tests may swap it
                    settings.approval_sweep_interval,
                )
            )
    return found
