"""Background work of finance for its copy of org: the consumer of org's feed."""

from services.finance.config import FinanceSettings
from services.finance.domain.directory import ORG_EVENTS, apply_org_event
from shared.kit.consumer import FeedConsumer
from shared.kit.jobs import Task
from shared.kit.runtime import ServiceRuntime


def tasks(runtime: ServiceRuntime, settings: FinanceSettings) -> list[Task]:
    """The ``org-directory`` consumer (when consumers are enabled): org's departments and
    employees, applied exactly once each (the cursor moves in the same transaction)."""
    if not settings.consumers_enabled:
        return []
    base = settings.gateway_url.rstrip("/")
    return [
        FeedConsumer(
            runtime,
            name="org-directory",
            feed_url=f"{base}/api/v1/org/events",
            handler=apply_org_event,
            token=runtime.service_client.token,
            event_types=set(ORG_EVENTS),
            wait=settings.feed_wait,
            page_size=500,
        )
    ]
