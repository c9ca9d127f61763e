"""A slow or unavailable org never holds workflow's locks: approvers are looked up first.

The directory below stands in for org: questions about one employee wait until the test
releases them. While such a question is in flight, the instance being decided is not locked
(the probe takes its row lock without waiting, or on SQLite the database's write lock), and
a decision on another instance goes through.
"""

import asyncio
import sqlite3
import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from services.workflow.context import WorkflowContext
from services.workflow.domain.directory import Directory
from shared.kit.db import create_engine_for
from shared.kit.errors import ServiceUnavailable
from tests.conftest import TestDatabase
from tests.problems import assert_problem
from tests.workflow.conftest import InMemoryDirectory, WorkflowService


class SlowOrg:
    """The in-memory directory, except that questions about ``about`` wait for ``release``."""

    def __init__(self, inner: InMemoryDirectory, about: uuid.UUID) -> None:
        self.inner = inner
        self.about = about
        self.in_flight = asyncio.Event()
        self.release = asyncio.Event()

    async def _slow(self, employee_id: uuid.UUID) -> None:
        if employee_id == self.about and not self.release.is_set():
            self.in_flight.set()
            await self.release.wait()

    async def managers(self, employee_id: uuid.UUID, levels: int) -> list[uuid.UUID]:
        await self._slow(employee_id)
        return await self.inner.managers(employee_id, levels)

    async def department_head(
        self, department_code: str | None, employee_id: uuid.UUID
    ) -> uuid.UUID | None:
        await self._slow(employee_id)
        return await self.inner.department_head(department_code, employee_id)

    async def role_members(self, role: str) -> list[uuid.UUID]:
        return await self.inner.role_members(role)

    async def is_current_employee(self, employee_id: uuid.UUID) -> bool:
        await self._slow(employee_id)
        return await self.inner.is_current_employee(employee_id)

    async def employee_name(self, employee_id: uuid.UUID) -> str | None:
        await self._slow(employee_id)
        return await self.inner.employee_name(employee_id)


class UnavailableOrg(SlowOrg):
    """org does not answer questions about ``about`` at all."""

    async def _slow(self, employee_id: uuid.UUID) -> None:
        if employee_id == self.about:
            raise ServiceUnavailable("org is unavailable")


def use_directory(wf: WorkflowService, directory: Directory) -> None:
    wf.app.state.runtime.context = WorkflowContext(directory)


async def instance_is_unlocked(database: TestDatabase, instance_id: str) -> bool:
    """Whether another connection could lock the instance right now, without waiting."""
    if database.is_postgres:
        engine = create_engine_for(database.url, database.schema)
        try:
            async with engine.connect() as connection:
                await connection.execute(
                    text("SELECT id FROM instances WHERE id = :id FOR UPDATE NOWAIT"),
                    {"id": uuid.UUID(instance_id)},
                )
                await connection.rollback()
            return True
        except DBAPIError:
            return False
        finally:
            await engine.dispose()
    # SQLite locks the whole database for a writer: take its write lock, without waiting.
    path = make_url(database.url).database
    assert path
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


async def in_flight(org: SlowOrg, decision: "asyncio.Task[Any]") -> None:
    """Wait until the decision is asking org (or has ended, which the caller then sees)."""
    waiting = asyncio.ensure_future(org.in_flight.wait())
    await asyncio.wait({waiting, decision}, return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()


async def test_a_slow_org_holds_no_lock_while_approvers_are_looked_up(
    wf: WorkflowService, database_url: TestDatabase
) -> None:
    # erin's 5 days need lena, then the head of her department (rui): approving lena's task
    # asks org who heads erin's department.
    slow_one = await wf.start("leave", "erin", {"days": 5})
    other = await wf.start("leave", "frank", {"days": 5})
    slow_task = await wf.task_of("lena", slow_one["id"])
    other_task = await wf.task_of("lena", other["id"])
    org = SlowOrg(wf.directory, wf.directory.id("erin"))
    use_directory(wf, org)

    decision = asyncio.ensure_future(wf.act("lena", slow_task["id"]))
    try:
        await in_flight(org, decision)
        assert org.in_flight.is_set() and not decision.done()

        assert await instance_is_unlocked(database_url, slow_one["id"])
        meanwhile = await wf.act("lena", other_task["id"])
        assert meanwhile.status_code == 200, meanwhile.text
        assert not decision.done()
    finally:
        org.release.set()
    answer = await decision

    assert answer.status_code == 200, answer.text
    assert await wf.pending_approvers(slow_one["id"]) == {"rui"}
    assert await wf.pending_approvers(other["id"]) == {"rui"}


async def test_a_slow_org_holds_no_lock_while_a_deadline_escalates(
    wf: WorkflowService, database_url: TestDatabase
) -> None:
    await wf.define(
        "urgent",
        {
            "key": "lead",
            "name": "lead",
            "approvers": [{"kind": "manager"}],
            "deadline": {"hours": 4, "action": "escalate"},
        },
    )
    started = await wf.start("urgent", "erin")
    org = SlowOrg(wf.directory, wf.directory.id("lena"))  # the escalation asks for lena's manager
    use_directory(wf, org)
    wf.clock.advance(hours=5)

    sweep = asyncio.ensure_future(wf.run_due())
    try:
        await in_flight(org, sweep)
        assert org.in_flight.is_set() and not sweep.done()
        assert await instance_is_unlocked(database_url, started["id"])
    finally:
        org.release.set()

    assert await sweep == {"escalate": 1}
    assert await wf.pending_approvers(started["id"]) == {"rui"}


async def test_an_unavailable_org_leaves_the_request_as_it_was(wf: WorkflowService) -> None:
    started = await wf.start("leave", "erin", {"days": 5})
    task = await wf.task_of("lena", started["id"])
    use_directory(wf, UnavailableOrg(wf.directory, wf.directory.id("erin")))

    refused = await wf.act("lena", task["id"])

    assert_problem(refused, 503)
    assert await wf.pending_approvers(started["id"]) == {"lena"}
    use_directory(wf, wf.directory)
    assert (await wf.act("lena", task["id"])).status_code == 200
    assert await wf.pending_approvers(started["id"]) == {"rui"}
