"""Background work a service repeats on a timer (sweeps), started and stopped with it."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol


class Task(Protocol):
    """Background work started with a service and stopped with it (a ``Periodic`` sweep, a
    ``FeedConsumer``, an ``ApprovalSweeper``)."""

    def start(self) -> None: ...

    async def stop(self) -> None: ...


class Periodic:
    """Runs ``work`` at once and then every ``interval`` seconds, in the background.

    A failure is logged and the work tried again at the next tick; ``stop()`` cancels it.
    Each run's state must live in the database (the work is a sweep), so a restart loses
    nothing and a run cut short is simply done again.
    """

    def __init__(
        self,
        name: str,
        interval: float,
        work: Callable[[], Awaitable[object]],
        log: logging.Logger,
    ) -> None:
        self.name = name
        self.interval = interval
        self.work = work
        self.log = log
        self._task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        """Work until cancelled."""
        while True:
            try:
                await self.work()
            except asyncio.CancelledError:
                raise
            except Exception:
                self.log.exception("%s failed; retrying in %.0f s", self.name, self.interval)
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        """Run in the background of the current event loop."""
        self._task = asyncio.get_running_loop().create_task(self.run(), name=self.name)

    async def stop(self) -> None:
        """Stop, waiting for a run in progress to be cancelled."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
