"""Deadlines: a loop inside the service applies each overdue task's action exactly once.

State lives in the tasks themselves (``due_at``, ``deadline_done``, ``reminders_sent``), and
each task is handled in its own transaction under the instance's row lock, so a restart
neither loses a reminder nor sends one twice.
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from services.workflow.context import workflow_context
from services.workflow.domain import engine
from shared.kit.errors import DomainError
from shared.kit.jobs import Periodic
from shared.kit.runtime import ServiceRuntime

log = logging.getLogger("officina.workflow.deadlines")


async def run_due(runtime: ServiceRuntime, now: datetime) -> dict[str, int]:
    """Handle every task overdue at ``now``; returns how many got each action."""
    directory = workflow_context(runtime).directory
    done: dict[str, int] = {}
    while True:
        async with runtime.sessionmaker() as session:
            due = await engine.due_task_ids(session, now)
        handled = 0
        for task_id in due:
            try:
                async with runtime.transaction() as session:
                    action = await engine.handle_deadline(
                        engine.Context(session, directory, now, None), task_id
                    )
            except DomainError as exc:
                log.warning("deadline of task %s not handled: %s", task_id, exc.detail)
                continue
            if action:
                handled += 1
                done[action] = done.get(action, 0) + 1
        if len(due) < 100 or handled == 0:
            return done


def deadline_starter(
    interval: float,
) -> Callable[[ServiceRuntime], Awaitable[Callable[[], Awaitable[None]]]]:
    """A lifespan starter running ``run_due`` every ``interval`` seconds."""

    async def start(runtime: ServiceRuntime) -> Callable[[], Awaitable[None]]:
        sweep = Periodic(
            "workflow-deadlines",
            interval,
            lambda: run_due(runtime, runtime.now()),
            log,
        )
        sweep.start()
        return sweep.stop

    return start
