"""Background work of finance for posting: following the feeds that publish business facts.

One :class:`FeedConsumer` per publishing service (``logistics``, ``hr``, …) whose feed carries a
type with a ``PostingFact`` contract; each posts its facts exactly once (the cursor moves in the
posting's transaction) and ignores every other event. Which types those are is read from the
contract registry, so a new fact type needs a contract, not code here.
"""

import logging

from services.finance.config import FinanceSettings
from services.finance.domain.posting import apply_fact_event, event_types_to_follow
from shared.kit.consumer import FeedConsumer
from shared.kit.jobs import Task
from shared.kit.runtime import ServiceRuntime

log = logging.getLogger("officina.finance.posting")


def consumer_name(service: str) -> str:
    """The cursor of the facts consumer of ``service``'s feed."""
    return f"posting-facts-{service}"


def tasks(runtime: ServiceRuntime, settings: FinanceSettings) -> list[Task]:
    """A facts consumer per feed that publishes facts (none when consumers are off)."""
    if not settings.consumers_enabled:
        return []
    base = settings.gateway_url.rstrip("/")
    consumers: list[Task] = []
    for service, types in sorted(event_types_to_follow().items()):
        log.info("following %s's feed for %s", service, ", ".join(sorted(types)))
        consumers.append(
            FeedConsumer(
                runtime,
                name=consumer_name(service),
                feed_url=f"{base}/api/v1/{service}/events",
                handler=apply_fact_event,
                token=lambda: runtime.service_client.token(),
                event_types=types,
                wait=settings.feed_wait,
                page_size=200,
            )
        )
    return consumers
