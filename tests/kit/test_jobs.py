"""Periodic background work: runs at once, again on every tick, and survives a failure."""

import asyncio
import logging

import pytest

from shared.kit.jobs import Periodic


async def test_periodic_work_runs_at_once_then_every_tick_and_survives_a_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs: list[int] = []

    async def work() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("the database went away")

    job = Periodic("test-sweep", 0.01, work, logging.getLogger("officina.test"))
    with caplog.at_level(logging.ERROR, logger="officina.test"):
        job.start()
        for _ in range(200):
            if len(runs) >= 3:
                break
            await asyncio.sleep(0.01)
        await job.stop()

    assert len(runs) >= 3
    assert "test-sweep failed" in caplog.text
    stopped_at = len(runs)
    await asyncio.sleep(0.05)
    assert len(runs) == stopped_at
