"""The approval saga when things go wrong between hr and workflow.

hr commits a request before it asks workflow to start the approval, so an approval can never
belong to a request hr lost; when workflow is down, or its answer is lost, the request waits
(``workflow_instance_id`` null) and the sweep asks again with the same Idempotency-Key — one
instance, however many times it is asked. Cancelling follows workflow's truth: a pending
request whose approval has already ended is not cancelled.
"""

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx

from services.hr.db.models import LeaveRequest
from services.hr.domain.leave import SAGA
from shared.kit.approvals import ApprovalSweeper
from shared.kit.db import utcnow
from tests.hr.conftest import API, Company, HrService
from tests.problems import assert_problem

# TODAY is Wednesday 2025-06-11; the week after it runs from Monday 16 to Friday 20 June.


async def ask(hr: HrService, company: Company, start: str, end: str) -> dict[str, Any]:
    response = await hr.ask(hr.employee(company.employee), start, end, reason="家事")
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def cancel(hr: HrService, request_id: str) -> httpx.Response:
    return await hr.client.post(f"{API}/leave-requests/{request_id}/cancel", headers=hr.hr())


async def reserved(hr: HrService, company: Company) -> tuple[str, str]:
    held = await hr.balance(company.employee)
    return held["pending"], held["used"]


def starts(hr: HrService) -> int:
    return sum(
        1 for m, p, _ in hr.workflow.calls if (m, p) == ("POST", "/api/v1/workflow/instances")
    )


# ---- starting the approval -------------------------------------------------------------------


async def test_the_request_is_committed_before_workflow_hears_of_it(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    seen_by_workflow: list[tuple[str, bool] | None] = []

    async def look_from_outside(body: dict[str, Any]) -> None:
        # another connection sees only what hr has committed
        async with hr.app.state.runtime.sessionmaker() as session:
            found = await session.get(LeaveRequest, uuid.UUID(body["subject"]["id"]))
            seen_by_workflow.append(
                (found.status, found.workflow_instance_id is None) if found else None
            )

    hr.workflow.on_start = look_from_outside
    created = await ask(hr, company, "2025-06-16", "2025-06-17")

    assert seen_by_workflow == [("pending", True)]
    assert created["workflow_instance_id"] == hr.workflow.instance_of(created["id"])
    assert created["version"] == 2  # recorded, then its instance recorded
    [submitted] = await hr.events("hr.leave_request.submitted")
    assert submitted["subject"]["id"] == created["id"]


async def test_workflow_unreachable_keeps_the_request_and_the_sweep_starts_its_approval(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    hr.workflow.down = True

    created = await ask(hr, company, "2025-06-16", "2025-06-17")

    assert (created["status"], created["workflow_instance_id"]) == ("pending", None)
    assert await reserved(hr, company) == ("2.0", "0.0")
    assert [e["type"] for e in await hr.events()] == ["hr.leave_request.submitted"]
    # still down: the sweep tries and the request keeps waiting
    assert await hr.sweep() == 0
    assert (await hr.get_request(created["id"]))["workflow_instance_id"] is None

    hr.workflow.down = False
    assert await hr.sweep() == 1

    instance_id = hr.workflow.instance_of(created["id"])
    assert hr.workflow.by_key == {f"leave_request:{created['id']}": instance_id}
    found = await hr.get_request(created["id"])
    assert (found["status"], found["workflow_instance_id"]) == ("pending", instance_id)
    assert await hr.sweep() == 0  # nothing is waiting any more
    await hr.outcome(found, "approved")
    assert (await hr.get_request(created["id"]))["status"] == "approved"
    assert await reserved(hr, company) == ("0.0", "2.0")


async def test_a_lost_answer_leaves_no_orphan_approval(hr: HrService, company: Company) -> None:
    """workflow started the approval but hr never heard back (timeout, crash): the request is
    kept, and asking again with the same key records that very instance — never a second one."""
    await hr.allocate()
    hr.workflow.lose_answers = True

    created = await ask(hr, company, "2025-06-16", "2025-06-17")

    assert created["workflow_instance_id"] is None
    [instance_id] = hr.workflow.instances  # started in workflow all the same
    hr.workflow.lose_answers = False
    assert await hr.sweep() == 1
    assert list(hr.workflow.instances) == [instance_id]
    assert (await hr.get_request(created["id"]))["workflow_instance_id"] == instance_id


async def test_an_outcome_arriving_before_hr_recorded_the_approval_is_applied(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    hr.workflow.lose_answers = True
    created = await ask(hr, company, "2025-06-16", "2025-06-17")
    [instance_id] = hr.workflow.instances
    hr.workflow.lose_answers = False

    assert await hr.outcome(created, "approved", instance_id=instance_id)

    found = await hr.get_request(created["id"])
    assert (found["status"], found["workflow_instance_id"]) == ("approved", instance_id)
    assert await reserved(hr, company) == ("0.0", "2.0")
    assert await hr.sweep() == 0
    assert starts(hr) == 1


async def test_an_outcome_of_an_instance_the_request_does_not_wait_for_is_ignored(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    created = await ask(hr, company, "2025-06-16", "2025-06-17")

    await hr.outcome(created, "approved", instance_id="01900000-0000-7000-8000-000000000001")

    found = await hr.get_request(created["id"])
    assert (found["status"], found["workflow_instance_id"]) == (
        "pending",
        created["workflow_instance_id"],
    )
    assert await reserved(hr, company) == ("2.0", "0.0")


async def test_the_sweep_leaves_a_request_that_is_just_being_submitted_alone(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    hr.workflow.down = True
    created = await ask(hr, company, "2025-06-16", "2025-06-17")
    hr.workflow.down = False
    calls = starts(hr)

    assert await hr.sweep(later=timedelta(0)) == 0  # its back-off has not passed

    assert starts(hr) == calls
    assert (await hr.get_request(created["id"]))["workflow_instance_id"] is None


async def test_the_background_sweep_starts_waiting_approvals(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    hr.workflow.down = True
    created = await ask(hr, company, "2025-06-16", "2025-06-17")
    hr.workflow.down = False
    runtime = hr.app.state.runtime
    sweeper = ApprovalSweeper(
        SAGA,
        runtime,
        lambda: runtime.service_client,
        interval=0.05,
        clock=lambda: utcnow() + timedelta(hours=1),  # every back-off has passed
    )

    sweeper.start()
    try:
        for _ in range(100):
            if (await hr.get_request(created["id"]))["workflow_instance_id"]:
                break
            await asyncio.sleep(0.05)
    finally:
        await sweeper.stop()

    found = await hr.get_request(created["id"])
    assert found["workflow_instance_id"] == hr.workflow.instance_of(created["id"])


async def test_a_refused_start_ends_the_request_approval_refused_and_it_may_still_be_cancelled(
    hr: HrService, company: Company
) -> None:
    """workflow refusing a start (422) started nothing and never will: the request ends
    ``approval_refused`` with its days given back, the sweep does not ask again, and
    cancelling it needs no withdrawal."""
    await hr.allocate()
    hr.workflow.refuse_starts = True
    created = await ask(hr, company, "2025-06-16", "2025-06-17")
    assert (created["status"], created["workflow_instance_id"]) == ("approval_refused", None)
    assert await reserved(hr, company) == ("0.0", "0.0")
    [refused] = await hr.events("hr.leave_request.rejected")
    assert refused["data"]["status"] == "approval_refused"
    assert await hr.sweep() == 0
    assert starts(hr) == 1

    response = await cancel(hr, created["id"])

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    assert await reserved(hr, company) == ("0.0", "0.0")
    assert hr.workflow.withdrawn == []
    assert await hr.sweep() == 0
    assert starts(hr) == 1


async def test_a_busy_workflow_is_asked_again_not_taken_as_a_refusal(
    hr: HrService, company: Company
) -> None:
    """429 and 408 say nothing final: the request keeps waiting and the sweep starts it."""
    await hr.allocate()
    hr.workflow.refuse_starts, hr.workflow.refusal_status = True, 429
    created = await ask(hr, company, "2025-06-16", "2025-06-17")
    assert (created["status"], created["workflow_instance_id"]) == ("pending", None)
    assert await reserved(hr, company) == ("2.0", "0.0")

    hr.workflow.refuse_starts = False
    assert await hr.sweep() == 1

    found = await hr.get_request(created["id"])
    assert found["workflow_instance_id"] == hr.workflow.instance_of(created["id"])


async def test_a_refused_cancellation_leaves_the_leave_approved(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    created = await ask(hr, company, "2025-06-10", "2025-06-12")  # started yesterday
    await hr.outcome(created, "approved")
    hr.workflow.refuse_starts = True

    response = await cancel(hr, created["id"])

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["cancellation_instance_id"]) == (
        "approved",
        None,
    )
    assert await reserved(hr, company) == ("0.0", "3.0")
    assert await hr.sweep() == 0
    hr.workflow.refuse_starts = False
    again = await cancel(hr, created["id"])  # and it may be asked again
    assert again.json()["status"] == "cancellation_pending"
    assert again.json()["cancellation_instance_id"] == hr.workflow.instance_of(
        created["id"], "leave_cancellation"
    )


# ---- cancelling while workflow decides ---------------------------------------------------------


async def test_cancelling_a_request_workflow_has_just_approved_changes_nothing(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    created = await ask(hr, company, "2025-06-16", "2025-06-17")
    hr.workflow.decide(created["workflow_instance_id"], "approved")  # hr has not heard yet

    body = assert_problem(await cancel(hr, created["id"]), 409, "approval_already_completed")

    assert body["approval_status"] == "approved"
    found = await hr.get_request(created["id"])
    assert (found["status"], found["version"]) == ("pending", created["version"])
    assert await reserved(hr, company) == ("2.0", "0.0")
    assert await hr.events("hr.leave_request.cancelled") == []
    # the approval then reaches hr and is applied: both services say "approved"
    await hr.outcome(created, "approved")
    assert (await hr.get_request(created["id"]))["status"] == "approved"
    assert await reserved(hr, company) == ("0.0", "2.0")
    # and the leave, not started yet, can now be cancelled for real
    again = await cancel(hr, created["id"])
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "cancelled"
    assert await reserved(hr, company) == ("0.0", "0.0")


async def test_cancelling_a_request_workflow_has_just_rejected_changes_nothing(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    created = await ask(hr, company, "2025-06-16", "2025-06-17")
    hr.workflow.decide(created["workflow_instance_id"], "rejected")

    body = assert_problem(await cancel(hr, created["id"]), 409, "approval_already_completed")

    assert body["approval_status"] == "rejected"
    await hr.outcome(created, "rejected")
    assert (await hr.get_request(created["id"]))["status"] == "rejected"
    assert await reserved(hr, company) == ("0.0", "0.0")


async def test_the_withdrawal_reaching_hr_during_the_cancel_finds_it_cancelled(
    hr: HrService, company: Company
) -> None:
    """workflow publishes "withdrawn" at once; hr's consumer may apply it while the cancel is
    still running: it waits for the cancel and then finds nothing left to do."""
    await hr.allocate()
    created = await ask(hr, company, "2025-06-16", "2025-06-17")
    consumer: list[asyncio.Task[bool]] = []

    async def outcome_published_at_once(instance_id: str) -> None:
        consumer.append(asyncio.create_task(hr.outcome(created, "withdrawn")))
        await asyncio.sleep(0.1)  # the consumer gets as far as it can meanwhile

    hr.workflow.on_withdraw = outcome_published_at_once

    response = await cancel(hr, created["id"])

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    [applied] = consumer
    assert await applied  # applied (its cursor moved) — and it changed nothing
    assert (await hr.get_request(created["id"]))["status"] == "cancelled"
    assert await reserved(hr, company) == ("0.0", "0.0")
    [event] = await hr.events("hr.leave_request.cancelled")
    assert event["data"]["reason"] == "cancelled before approval"


async def test_cancelling_a_request_whose_start_answer_was_lost_withdraws_that_approval(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    hr.workflow.lose_answers = True
    created = await ask(hr, company, "2025-06-16", "2025-06-17")
    [instance_id] = hr.workflow.instances
    hr.workflow.lose_answers = False

    response = await cancel(hr, created["id"])

    assert response.status_code == 200, response.text
    cancelled = response.json()
    assert (cancelled["status"], cancelled["workflow_instance_id"]) == ("cancelled", instance_id)
    assert hr.workflow.withdrawn == [instance_id]
    assert list(hr.workflow.instances) == [instance_id]
    assert await reserved(hr, company) == ("0.0", "0.0")
    assert await hr.sweep() == 0


async def test_cancelling_a_request_not_yet_started_while_workflow_is_down_changes_nothing(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    hr.workflow.down = True
    created = await ask(hr, company, "2025-06-16", "2025-06-17")

    assert_problem(await cancel(hr, created["id"]), 503)

    found = await hr.get_request(created["id"])
    assert (found["status"], found["workflow_instance_id"]) == ("pending", None)
    assert await reserved(hr, company) == ("2.0", "0.0")


# ---- the cancellation approval of a leave that has started ----------------------------------


async def test_a_cancellation_asked_while_workflow_is_down_is_started_by_the_sweep(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    created = await ask(hr, company, "2025-06-10", "2025-06-12")  # started yesterday
    await hr.outcome(created, "approved")
    hr.workflow.down = True

    response = await cancel(hr, created["id"])

    assert response.status_code == 200, response.text
    waiting = response.json()
    assert (waiting["status"], waiting["cancellation_instance_id"]) == (
        "cancellation_pending",
        None,
    )
    assert await reserved(hr, company) == ("0.0", "3.0")  # still taken until approved
    hr.workflow.down = False
    assert await hr.sweep() == 1
    instance_id = hr.workflow.instance_of(created["id"], "leave_cancellation")
    found = await hr.get_request(created["id"])
    assert found["cancellation_instance_id"] == instance_id
    assert hr.workflow.instances[instance_id]["data"]["cancellation"] is True
    await hr.outcome(found, "approved", cancellation=True)
    assert (await hr.get_request(created["id"]))["status"] == "cancelled"
    assert await reserved(hr, company) == ("0.0", "0.0")


async def test_a_second_cancellation_whose_answer_is_lost_gets_its_own_approval_once(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    created = await ask(hr, company, "2025-06-10", "2025-06-12")
    await hr.outcome(created, "approved")
    first = (await cancel(hr, created["id"])).json()
    await hr.outcome(first, "rejected", cancellation=True)
    hr.workflow.lose_answers = True

    second = (await cancel(hr, created["id"])).json()

    assert (second["status"], second["cancellation_instance_id"]) == (
        "cancellation_pending",
        None,
    )
    hr.workflow.lose_answers = False
    assert await hr.sweep() == 1
    assert await hr.sweep() == 0
    cancellations = [
        i
        for i, body in hr.workflow.instances.items()
        if body["subject"]["type"] == "leave_cancellation"
    ]
    assert len(cancellations) == 2  # the refused one and this one: no third
    found = await hr.get_request(created["id"])
    assert found["cancellation_instance_id"] == cancellations[1]
    await hr.outcome(found, "approved", cancellation=True)
    assert (await hr.get_request(created["id"]))["status"] == "cancelled"
