"""Applying workflow's outcomes to finance's approvals (budgets, revisions, claims, spending
requests): one handler for the consumer of workflow's feed, run on the service's business day
(the day a claim is checked and posted)."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.domain.spending import on_day
from shared.contracts.events import EventEnvelope
from shared.kit.approvals import ApprovalSaga
from shared.kit.runtime import ServiceRuntime

Handler = Callable[[AsyncSession, EventEnvelope], Awaitable[None]]


def outcome_handler(runtime: ServiceRuntime, sagas: Sequence[ApprovalSaga[Any]]) -> Handler:
    """Each saga applies the outcomes of its own subject types (the others ignore them)."""

    async def handle(session: AsyncSession, event: EventEnvelope) -> None:
        with on_day(runtime.today()):
            for saga in sagas:
                await saga.apply_outcome(session, event)

    return handle
