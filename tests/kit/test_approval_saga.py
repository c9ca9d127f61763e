"""The kit's approval saga, through a second approval-backed record (``tests/kit/saga_sample.py``).

The sample service asks for equipment; workflow is the kit's ``FakeWorkflow``. hr's leave
runs on the same saga (``tests/hr/test_approval_saga.py``).
"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from shared.contracts.events import EventContractError
from shared.kit.approvals import ApprovalSweeper, Backoff
from shared.kit.audit import history
from shared.kit.consumer import apply_event, read_cursor
from shared.kit.db import create_engine_for, ensure_schema, utcnow
from shared.kit.runtime import ServiceRuntime
from shared.kit.testing import FakeWorkflow, TokenMinter, bearer
from tests.conftest import TestDatabase
from tests.kit.saga_sample import APPROVAL, SAGA, Base, EquipmentRequest, create_app
from tests.problems import assert_problem

API = "/api/v1/kitsaga/equipment-requests"
LATER = timedelta(days=1)  # by then every back-off has passed


@dataclass
class Sample:
    app: FastAPI
    client: httpx.AsyncClient
    workflow: FakeWorkflow
    headers: dict[str, str]

    @property
    def runtime(self) -> ServiceRuntime:
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    async def ask(self, item: str = "ThinkPad X1", price: str = "12000.00") -> dict[str, Any]:
        response = await self.client.post(
            API, json={"item": item, "price": price}, headers=self.headers
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def cancel(self, request_id: str) -> httpx.Response:
        return await self.client.post(f"{API}/{request_id}/cancel", headers=self.headers)

    async def read(self, request_id: str) -> EquipmentRequest:
        async with self.runtime.sessionmaker() as session:
            found = await session.get(EquipmentRequest, uuid.UUID(request_id))
            assert found is not None
            return found

    async def sweep(self, later: timedelta = LATER) -> int:
        return await SAGA.sweep(self.runtime, self.app.state.workflow, now=utcnow() + later)

    async def deliver(self, instance_id: object, outcome: str, consumer: str = "outcomes") -> bool:
        event = self.workflow.completed(instance_id, outcome)
        return await apply_event(self.runtime, consumer, event, SAGA.apply_outcome)

    async def became(self, request_id: str, status: str) -> int:
        """How many times the audit log saw the request change to ``status``."""
        async with self.runtime.sessionmaker() as session:
            trail = await history(session, self.runtime.tables, "equipment_requests", request_id)
        return sum(1 for entry in trail if entry["changes"].get("status", {}).get("new") == status)


@pytest.fixture
async def sample(database_url: TestDatabase, minter: TokenMinter) -> AsyncIterator[Sample]:
    await ensure_schema(database_url.url, database_url.schema)
    engine = create_engine_for(database_url.url, database_url.schema)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
    finally:
        await engine.dispose()
    app = create_app(database_url.url, database_url.schema, minter.verifier())
    fake = FakeWorkflow()
    app.state.workflow = fake.client()
    headers = bearer(minter.user(("employee",), employee_id=uuid.uuid4()))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield Sample(app, client, fake, headers)
        finally:
            await app.state.workflow.aclose()


async def test_a_confirmed_start_is_recorded_after_the_request_is_committed(
    sample: Sample,
) -> None:
    seen: list[tuple[str, str | None, object]] = []

    async def look_from_outside(body: dict[str, Any]) -> None:
        found = await sample.read(body["subject"]["id"])  # another connection: only committed
        seen.append((found.status, found.approval_state, found.instance_id))

    sample.workflow.on_start = look_from_outside

    created = await sample.ask()

    assert seen == [("pending", "awaiting_start", None)]
    instance_id = sample.workflow.instance_of(created["id"], "equipment_request")
    assert (created["status"], created["instance_id"]) == ("pending", instance_id)
    [body] = sample.workflow.started()
    assert body["definition_key"] == "purchase"
    assert body["subject"] == {
        "service": "kitsaga",
        "type": "equipment_request",
        "id": created["id"],
    }
    assert (body["title"], body["data"]) == ("申领设备：ThinkPad X1", {"amount": "12000.00"})
    assert sample.workflow.by_key == {f"equipment_request:{created['id']}": instance_id}
    stored = await sample.read(created["id"])
    assert (stored.approval_state, stored.approval_retry_at) == ("started", None)
    assert await sample.sweep() == 0


async def test_a_refused_start_ends_approval_refused_and_is_never_asked_again(
    sample: Sample,
) -> None:
    sample.workflow.refuse_starts = True  # 422: say, no such definition

    created = await sample.ask()

    assert (created["status"], created["instance_id"]) == ("approval_refused", None)
    stored = await sample.read(created["id"])
    assert stored.approval_state == "approval_refused"
    assert stored.approval_retry_at is None
    assert stored.approval_error and "422" in stored.approval_error
    assert await sample.became(created["id"], "approval_refused") == 1
    sample.workflow.refuse_starts = False
    assert await sample.sweep() == 0
    assert sample.workflow.starts() == 1


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (408, "timeout"),
        (429, "too_many_requests"),
        (503, "x"),
        (409, "idempotency_request_in_flight"),
    ],
)
async def test_an_uncertain_answer_is_not_a_refusal(sample: Sample, status: int, code: str) -> None:
    """Including workflow still running the first attempt under the same key (it was slow)."""
    sample.workflow.refuse_starts, sample.workflow.refusal_status = True, status
    sample.workflow.refusal_code = code

    created = await sample.ask()

    assert (created["status"], created["instance_id"]) == ("pending", None)
    assert (await sample.read(created["id"])).approval_state == "awaiting_start"


async def test_the_sweep_retries_an_unconfirmed_start_with_back_off(sample: Sample) -> None:
    sample.workflow.down = True
    created = await sample.ask()
    first = await sample.read(created["id"])
    assert (first.approval_attempts, first.instance_id) == (1, None)
    assert first.approval_retry_at is not None

    assert await sample.sweep(later=timedelta(0)) == 0  # its back-off has not passed
    assert sample.workflow.starts() == 1
    assert await sample.sweep() == 0  # still down: asked again, waits longer
    second = await sample.read(created["id"])
    assert second.approval_attempts == 2
    assert second.approval_retry_at is not None
    assert second.approval_retry_at - first.approval_retry_at >= SAGA.backoff.first

    sample.workflow.down = False
    assert await sample.sweep() == 1

    instance_id = sample.workflow.instance_of(created["id"], "equipment_request")
    assert (await sample.read(created["id"])).instance_id == uuid.UUID(instance_id)
    assert sample.workflow.by_key == {f"equipment_request:{created['id']}": instance_id}
    assert await sample.sweep() == 0


async def test_a_lost_answer_is_found_again_under_its_key(sample: Sample) -> None:
    sample.workflow.lose_answers = True
    created = await sample.ask()
    [instance_id] = sample.workflow.instances
    sample.workflow.lose_answers = False

    assert await sample.sweep() == 1

    assert list(sample.workflow.instances) == [instance_id]
    assert (await sample.read(created["id"])).instance_id == uuid.UUID(instance_id)


async def test_the_background_sweeper_starts_waiting_approvals(sample: Sample) -> None:
    sample.workflow.down = True
    created = await sample.ask()
    sample.workflow.down = False
    sweeper = ApprovalSweeper(
        SAGA,
        sample.runtime,
        lambda: sample.app.state.workflow,
        3600,
        clock=lambda: utcnow() + LATER,
    )

    assert await sweeper.sweep() == 1

    assert (await sample.read(created["id"])).instance_id is not None


async def test_an_outcome_delivered_twice_is_applied_once(sample: Sample) -> None:
    created = await sample.ask()
    event = sample.workflow.completed(created["instance_id"], "approved")

    assert await apply_event(sample.runtime, "outcomes", event, SAGA.apply_outcome)
    assert not await apply_event(sample.runtime, "outcomes", event, SAGA.apply_outcome)
    # even under another cursor (a replica replaying the feed), nothing waits for it any more
    assert await apply_event(sample.runtime, "replay", event, SAGA.apply_outcome)

    stored = await sample.read(created["id"])
    assert (stored.status, stored.approval_state) == ("approved", "approved")
    assert await sample.became(created["id"], "approved") == 1


async def test_an_outcome_of_another_instance_or_service_changes_nothing(sample: Sample) -> None:
    created = await sample.ask()
    event = sample.workflow.completed(created["instance_id"], "approved")
    stranger = event.model_copy(
        update={"data": {**event.data, "instance_id": str(uuid.uuid4())}, "seq": 100}
    )
    elsewhere = event.model_copy(
        update={"data": {**event.data, "subject": {**event.data["subject"], "service": "hr"}}}
    )

    await apply_event(sample.runtime, "outcomes", stranger, SAGA.apply_outcome)
    await apply_event(sample.runtime, "other", elsewhere, SAGA.apply_outcome)

    assert (await sample.read(created["id"])).status == "pending"


async def test_an_outcome_arriving_before_the_start_was_confirmed_is_applied(
    sample: Sample,
) -> None:
    sample.workflow.lose_answers = True
    created = await sample.ask()
    [instance_id] = sample.workflow.instances

    assert await sample.deliver(instance_id, "rejected")

    stored = await sample.read(created["id"])
    assert (stored.status, stored.instance_id) == ("rejected", uuid.UUID(instance_id))
    assert stored.approval_retry_at is None
    sample.workflow.lose_answers = False
    assert await sample.sweep() == 0


async def test_cancelling_withdraws_the_approval(sample: Sample) -> None:
    created = await sample.ask()

    response = await sample.cancel(created["id"])

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    assert sample.workflow.withdrawn == [created["instance_id"]]
    # the withdrawal's outcome then arrives and finds nothing waiting for it
    assert await sample.deliver(created["instance_id"], "withdrawn")
    assert (await sample.read(created["id"])).status == "cancelled"
    assert await sample.became(created["id"], "withdrawn") == 0


async def test_cancelling_what_workflow_has_just_decided_changes_nothing(sample: Sample) -> None:
    created = await sample.ask()
    sample.workflow.decide(created["instance_id"], "approved")  # the service has not heard yet

    body = assert_problem(await sample.cancel(created["id"]), 409, "approval_already_completed")

    assert body["approval_status"] == "approved"
    assert (await sample.read(created["id"])).status == "pending"
    assert await sample.deliver(created["instance_id"], "approved")
    assert (await sample.read(created["id"])).status == "approved"


async def test_the_withdrawal_outcome_arriving_during_the_cancel_waits_for_it(
    sample: Sample,
) -> None:
    """workflow publishes "withdrawn" at once; the consumer may apply it while the cancel is
    still running: it waits for the cancel's transaction and then finds nothing to do."""
    created = await sample.ask()
    consumer: list[asyncio.Task[bool]] = []

    async def outcome_published_at_once(instance_id: str) -> None:
        consumer.append(asyncio.create_task(sample.deliver(instance_id, "withdrawn")))
        await asyncio.sleep(0.1)  # the consumer gets as far as it can meanwhile

    sample.workflow.on_withdraw = outcome_published_at_once

    response = await sample.cancel(created["id"])

    assert response.status_code == 200, response.text
    [applied] = consumer
    assert await applied
    assert (await sample.read(created["id"])).status == "cancelled"
    assert await sample.became(created["id"], "withdrawn") == 0


async def test_cancelling_while_workflow_is_down_changes_nothing(sample: Sample) -> None:
    sample.workflow.lose_answers = True
    created = await sample.ask()
    sample.workflow.lose_answers = False
    sample.workflow.down = True

    assert_problem(await sample.cancel(created["id"]), 503)

    assert (await sample.read(created["id"])).status == "pending"


def test_back_off_doubles_up_to_its_longest() -> None:
    backoff = Backoff(first=timedelta(seconds=10), longest=timedelta(minutes=1))
    waits = [backoff.after(n).total_seconds() for n in range(1, 6)]
    assert waits == [10, 20, 40, 60, 60]


def test_begin_marks_the_record_awaiting_its_approval() -> None:
    request = EquipmentRequest(employee_id=uuid.uuid4(), item="x", price=1, status="pending")
    request.version = 3
    SAGA.begin(request, APPROVAL)
    assert request.approval_key == f"equipment_request:{request.id}"
    assert SAGA.awaited(request) is APPROVAL
    request.status = "cancelled"
    assert SAGA.awaited(request) is None


async def test_an_outcome_of_ours_that_breaks_its_contract_is_not_skipped(sample: Sample) -> None:
    """The consumer stops at it (and retries, logging why) instead of losing an outcome."""
    created = await sample.ask()
    event = sample.workflow.completed(created["instance_id"], "approved")
    broken = event.model_copy(update={"data": {**event.data, "outcome": "maybe"}})

    with pytest.raises(EventContractError):
        await apply_event(sample.runtime, "outcomes", broken, SAGA.apply_outcome)

    async with sample.runtime.sessionmaker() as session:
        assert await read_cursor(session, sample.runtime, "outcomes") == 0
    assert (await sample.read(created["id"])).status == "pending"


async def test_the_outcome_consumer_follows_workflows_feed(sample: Sample) -> None:
    created = await sample.ask()
    event = sample.workflow.completed(created["instance_id"], "approved")
    asked: list[httpx.Request] = []

    def feed(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        page = {"items": [event.model_dump(mode="json")], "next_after": event.seq}
        return httpx.Response(200, json=page)

    async def token() -> str:
        return "client-token"

    consumer = SAGA.outcome_consumer(sample.runtime, gateway_url="http://gateway/", token=token)
    async with httpx.AsyncClient(transport=httpx.MockTransport(feed)) as client:
        assert await consumer.poll_once(client) == 1
        assert await consumer.poll_once(client) == 0  # the cursor moved with the outcome

    assert asked[0].url.path == "/api/v1/workflow/events"
    assert asked[0].url.params["type"] == "workflow.instance.completed"
    assert (await sample.read(created["id"])).status == "approved"
