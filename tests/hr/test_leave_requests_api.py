"""``POST /leave-requests`` and what follows in hr: refusals, reservations, outcomes, cancelling.

workflow is a stand-in here (see conftest); its outcomes are applied the way hr's
workflow-outcomes consumer applies them, cursor included.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from shared.contracts.events import EventEnvelope, EventSubject
from shared.kit.consumer import read_cursor
from tests.hr.conftest import API, YEAR, Company, HrService
from tests.problems import assert_problem

# TODAY is Wednesday 2025-06-11; the week after it runs from Monday 16 to Friday 20 June.


async def ask_ok(hr: HrService, headers: dict[str, str], start: str, end: str, **more: Any) -> Any:
    response = await hr.ask(headers, start, end, **more)
    assert response.status_code == 201, response.text
    return response.json()


async def nothing_reserved(hr: HrService, company: Company) -> None:
    held = await hr.balance(company.employee)
    assert (held["pending"], held["used"], held["remaining"]) == ("0.0", "0.0", "10.0")


# ---- refusals before workflow is called ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        pytest.param(
            {"start_date": "2025-06-20", "end_date": "2025-06-16"},
            422,
            "dates_out_of_order",
            id="dates-in-the-wrong-order",
        ),
        pytest.param(
            {"start_date": "2025-06-16", "end_date": "2025-07-01"},
            422,
            "insufficient_leave_balance",
            id="more-than-remaining",
        ),
        pytest.param(
            {"leave_type": "sick", "start_date": "2025-06-16", "end_date": "2025-06-17"},
            422,
            "document_required",
            id="sick-without-a-document",
        ),
        pytest.param(
            {"leave_type": "marriage", "start_date": "2025-06-16", "end_date": "2025-06-18"},
            422,
            "document_required",
            id="marriage-without-a-document",
        ),
        pytest.param(
            {"leave_type": "sabbatical", "start_date": "2025-06-16", "end_date": "2025-06-17"},
            422,
            "unknown_leave_type",
            id="unknown-type",
        ),
        pytest.param(
            {"start_date": "2025-06-14", "end_date": "2025-06-15"},
            422,
            "no_working_days",
            id="a-weekend",
        ),
        pytest.param(
            {
                "start_date": "2025-06-16",
                "end_date": "2025-06-16",
                "start_portion": "afternoon",
                "end_portion": "morning",
            },
            422,
            "invalid_leave_dates",
            id="afternoon-to-morning-of-one-day",
        ),
        pytest.param(
            {"start_date": "2025-12-29", "end_date": "2026-01-02"},
            422,
            "spans_years",
            id="across-new-year",
        ),
        pytest.param(
            {
                "leave_type": "marriage",
                "start_date": "2025-06-16",
                "end_date": "2025-06-18",
                "start_portion": "afternoon",
                "attachment_ref": "doc:marriage-certificate",
            },
            422,
            "invalid_leave_unit",
            id="half-a-day-of-marriage-leave",
        ),
        pytest.param(
            {"start_portion": "evening", "start_date": "2025-06-16", "end_date": "2025-06-17"},
            422,
            None,
            id="unknown-portion",
        ),
    ],
)
async def test_a_request_is_refused_before_any_approval_starts(
    hr: HrService, company: Company, body: dict[str, Any], status: int, code: str | None
) -> None:
    await hr.allocate()
    request = {"leave_type": "annual", **body}

    response = await hr.client.post(
        f"{API}/leave-requests", json=request, headers=hr.employee(company.employee)
    )

    assert_problem(response, status, code)
    assert hr.workflow.calls == []
    await nothing_reserved(hr, company)
    assert await hr.events() == []


async def test_more_than_remaining_says_how_much_is_left(hr: HrService, company: Company) -> None:
    await hr.allocate()
    await ask_ok(hr, hr.employee(company.employee), "2025-06-16", "2025-06-20")

    response = await hr.ask(hr.employee(company.employee), "2025-06-23", "2025-06-30")

    problem = assert_problem(response, 422, "insufficient_leave_balance")
    assert (problem["requested"], problem["remaining"]) == ("6", "5.0")
    assert (await hr.balance(company.employee))["pending"] == "5.0"


async def test_without_an_allocated_balance_annual_leave_is_refused(
    hr: HrService, company: Company
) -> None:
    response = await hr.ask(hr.employee(company.employee), "2025-06-16", "2025-06-16")

    problem = assert_problem(response, 422, "insufficient_leave_balance")
    assert problem["remaining"] == "0"
    assert hr.workflow.calls == []


async def test_holidays_alone_are_no_working_day(hr: HrService, company: Company) -> None:
    await hr.allocate()
    await hr.client.put(
        f"{API}/calendars/{YEAR}",
        json={"holidays": [{"date": "2025-06-16"}, {"date": "2025-06-17"}]},
        headers=hr.hr(),
    )

    response = await hr.ask(hr.employee(company.employee), "2025-06-14", "2025-06-17")

    assert_problem(response, 422, "no_working_days")


async def test_a_retired_leave_type_is_refused(hr: HrService, company: Company) -> None:
    retired = await hr.client.patch(
        f"{API}/leave-types/personal", json={"active": False}, headers=hr.hr()
    )
    assert retired.status_code == 200, retired.text

    response = await hr.ask(
        hr.employee(company.employee), "2025-06-16", "2025-06-16", leave_type="personal"
    )

    assert_problem(response, 422, "unknown_leave_type")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(("2025-06-16", "2025-06-18"), ("2025-06-18", "2025-06-20"), id="last-day"),
        pytest.param(("2025-06-16", "2025-06-20"), ("2025-06-17", "2025-06-17"), id="inside"),
        pytest.param(("2025-06-17", "2025-06-17"), ("2025-06-16", "2025-06-20"), id="around"),
        pytest.param(("2025-06-18", "2025-06-20"), ("2025-06-16", "2025-06-18"), id="first-day"),
    ],
)
async def test_overlapping_a_pending_request_is_refused(
    hr: HrService, company: Company, first: tuple[str, str], second: tuple[str, str]
) -> None:
    await hr.allocate()
    existing = await ask_ok(hr, hr.employee(company.employee), *first)
    calls = len(hr.workflow.calls)

    response = await hr.ask(hr.employee(company.employee), *second)

    problem = assert_problem(response, 409, "leave_overlap")
    assert problem["overlapping_request_id"] == existing["id"]
    assert len(hr.workflow.calls) == calls
    assert (await hr.balance(company.employee))["pending"] == existing["days"]


async def test_overlapping_an_approved_request_is_refused_and_a_rejected_one_is_not(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    approved = await ask_ok(hr, hr.employee(company.employee), "2025-06-16", "2025-06-17")
    await hr.outcome(approved, "approved")
    rejected = await ask_ok(hr, hr.employee(company.employee), "2025-06-18", "2025-06-19")
    await hr.outcome(rejected, "rejected")

    assert_problem(
        await hr.ask(hr.employee(company.employee), "2025-06-17", "2025-06-17"),
        409,
        "leave_overlap",
    )
    again = await hr.ask(hr.employee(company.employee), "2025-06-18", "2025-06-19")
    assert again.status_code == 201, again.text


async def test_a_morning_off_and_an_afternoon_off_on_the_same_day_do_not_overlap(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    morning = await ask_ok(
        hr, hr.employee(company.employee), "2025-06-16", "2025-06-17", end_portion="morning"
    )
    afternoon = await hr.ask(
        hr.employee(company.employee), "2025-06-17", "2025-06-18", start_portion="afternoon"
    )
    assert afternoon.status_code == 201, afternoon.text
    assert (morning["days"], afternoon.json()["days"]) == ("1.5", "1.5")
    assert_problem(
        await hr.ask(
            hr.employee(company.employee), "2025-06-17", "2025-06-17", end_portion="morning"
        ),
        409,
        "leave_overlap",
    )


async def test_someone_elses_leave_on_the_same_days_is_no_overlap(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    await ask_ok(hr, hr.employee(company.employee), "2025-06-16", "2025-06-17")

    response = await hr.ask(hr.employee(company.colleague), "2025-06-16", "2025-06-17")

    assert response.status_code == 201, response.text


async def test_an_employee_asks_only_for_themself(hr: HrService, company: Company) -> None:
    await hr.allocate()

    response = await hr.ask(
        hr.employee(company.manager),
        "2025-06-16",
        "2025-06-17",
        employee_id=str(company.employee),
    )

    assert_problem(response, 403, "forbidden")
    await nothing_reserved(hr, company)


async def test_hr_files_leave_for_an_employee(hr: HrService, company: Company) -> None:
    await hr.allocate()

    created = await ask_ok(
        hr, hr.hr(), "2025-06-16", "2025-06-17", employee_id=str(company.employee)
    )

    assert created["employee_id"] == str(company.employee)
    assert (await hr.balance(company.employee))["pending"] == "2.0"


async def test_an_account_without_an_employee_cannot_ask(hr: HrService) -> None:
    response = await hr.ask(hr.hr(), "2025-06-16", "2025-06-17")

    assert_problem(response, 422, "no_employee")


async def test_someone_hr_does_not_know_or_who_left_cannot_ask(
    hr: HrService, company: Company
) -> None:
    gone = await hr.person("已离职", "RND", status="left")
    stranger = "01900000-0000-7000-8000-0000000000aa"

    for employee_id in (gone, stranger):
        response = await hr.ask(hr.employee(employee_id), "2025-06-16", "2025-06-17")
        assert_problem(response, 422, "unknown_employee")


# ---- a request that is accepted -------------------------------------------------------------


async def test_asking_reserves_the_days_and_starts_the_leave_approval(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()

    response = await hr.ask(
        hr.employee(company.employee), "2025-06-16", "2025-06-18", reason="回老家"
    )

    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"{API}/leave-requests/{created['id']}"
    assert response.headers["etag"] == f'"{created["version"]}"'
    assert (created["status"], created["days"], created["leave_type"]) == (
        "pending",
        "3.0",
        "annual",
    )
    assert created["department_id"] == str(hr.departments["RND-FE"])
    held = await hr.balance(company.employee)
    assert (held["pending"], held["used"], held["remaining"]) == ("3.0", "0.0", "7.0")
    [call] = hr.workflow.calls
    method, path, body = call
    assert (method, path) == ("POST", "/api/v1/workflow/instances")
    assert body["definition_key"] == "leave"
    assert body["subject"] == {"service": "hr", "type": "leave_request", "id": created["id"]}
    assert body["requester_employee_id"] == str(company.employee)
    assert body["data"] == {"days": 3.0, "leave_type": "annual", "cancellation": False}
    assert created["workflow_instance_id"] == hr.workflow.by_key[f"leave_request:{created['id']}"]
    [event] = await hr.events()
    assert event["type"] == "hr.leave_request.submitted"
    assert event["subject"] == {"type": "leave_request", "id": created["id"]}
    assert event["data"]["days"] == "3.0"


async def test_half_days_at_each_end(hr: HrService, company: Company) -> None:
    await hr.allocate()

    created = await ask_ok(
        hr,
        hr.employee(company.employee),
        "2025-06-16",
        "2025-06-18",
        start_portion="afternoon",
        end_portion="morning",
    )

    assert created["days"] == "2.0"
    assert (created["start_portion"], created["end_portion"]) == ("afternoon", "morning")
    assert (await hr.balance(company.employee))["pending"] == "2.0"
    assert hr.workflow.started()[0]["data"]["days"] == 2.0


async def test_a_single_half_day(hr: HrService, company: Company) -> None:
    await hr.allocate()

    created = await ask_ok(
        hr, hr.employee(company.employee), "2025-06-16", "2025-06-16", end_portion="morning"
    )

    assert created["days"] == "0.5"
    assert (await hr.balance(company.employee))["remaining"] == "9.5"


async def test_the_calendar_decides_the_days(hr: HrService, company: Company) -> None:
    await hr.allocate()
    await hr.client.put(
        f"{API}/calendars/{YEAR}",
        json={
            "holidays": [{"date": f"2025-10-0{n}"} for n in range(1, 9)],
            "workdays": [{"date": "2025-09-28"}, {"date": "2025-10-11"}],
        },
        headers=hr.hr(),
    )

    created = await ask_ok(hr, hr.employee(company.employee), "2025-09-28", "2025-10-12")

    assert created["days"] == "6.0"  # 28, 29, 30 Sep; 9, 10, 11 Oct


async def test_leave_without_a_balance_reserves_nothing(hr: HrService, company: Company) -> None:
    await hr.allocate()

    sick = await ask_ok(
        hr,
        hr.employee(company.employee),
        "2025-06-16",
        "2025-06-17",
        leave_type="sick",
        attachment_ref="doc:hospital-note",
    )
    marriage = await ask_ok(
        hr,
        hr.employee(company.employee),
        "2025-06-21",  # a Saturday: marriage leave counts calendar days
        "2025-06-29",
        leave_type="marriage",
        attachment_ref="doc:marriage-certificate",
    )

    assert (sick["days"], sick["attachment_ref"]) == ("2.0", "doc:hospital-note")
    assert marriage["days"] == "9.0"
    await nothing_reserved(hr, company)
    await hr.outcome(marriage, "approved")
    assert (await hr.get_request(marriage["id"]))["status"] == "approved"
    await nothing_reserved(hr, company)


# ---- outcomes from workflow ---------------------------------------------------------------


async def test_an_approval_moves_the_days_to_used_exactly_once(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    created = await ask_ok(hr, hr.employee(company.employee), "2025-06-16", "2025-06-18")

    assert await hr.outcome(created, "approved") is True

    read = await hr.get_request(created["id"])
    assert read["status"] == "approved" and read["decided_at"] is not None
    held = await hr.balance(company.employee)
    assert (held["pending"], held["used"], held["remaining"]) == ("0.0", "3.0", "7.0")
    # the same event again is skipped by the cursor; a late duplicate finds nothing pending
    events = await hr.events("hr.leave_request.approved")
    assert len(events) == 1
    assert events[0]["data"]["status"] == "approved"
    assert await hr.outcome(created, "approved") is True  # a new seq: handled, but a no-op
    held = await hr.balance(company.employee)
    assert (held["pending"], held["used"]) == ("0.0", "3.0")
    assert len(await hr.events("hr.leave_request.approved")) == 1


async def test_replaying_the_same_outcome_event_applies_nothing(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    created = await ask_ok(hr, hr.employee(company.employee), "2025-06-16", "2025-06-18")
    await hr.outcome(created, "approved")
    state = await hr.balance(company.employee)

    runtime = hr.app.state.runtime
    async with runtime.sessionmaker() as session:
        cursor = await read_cursor(session, runtime, "workflow-outcomes")
    replayed = EventEnvelope(
        seq=cursor,  # redelivered: at or below the cursor
        id=uuid.uuid4(),
        type="workflow.instance.completed",
        occurred_at=datetime.now(UTC),
        subject=EventSubject(type="instance", id=created["workflow_instance_id"]),
        data={
            "subject": {"service": "hr", "type": "leave_request", "id": created["id"]},
            "outcome": "rejected",
        },
    )
    assert await hr.replay(replayed) is False
    assert await hr.balance(company.employee) == state


async def test_a_rejection_releases_the_days(hr: HrService, company: Company) -> None:
    await hr.allocate()
    created = await ask_ok(hr, hr.employee(company.employee), "2025-06-16", "2025-06-18")

    await hr.outcome(created, "rejected")

    assert (await hr.get_request(created["id"]))["status"] == "rejected"
    await nothing_reserved(hr, company)
    [event] = await hr.events("hr.leave_request.rejected")
    assert event["data"]["reason"] == "rejected"


async def test_a_withdrawal_in_workflow_releases_the_days(hr: HrService, company: Company) -> None:
    await hr.allocate()
    created = await ask_ok(hr, hr.employee(company.employee), "2025-06-16", "2025-06-18")

    await hr.outcome(created, "withdrawn")

    assert (await hr.get_request(created["id"]))["status"] == "withdrawn"
    await nothing_reserved(hr, company)
    [event] = await hr.events("hr.leave_request.cancelled")
    assert event["data"]["reason"] == "withdrawn"


async def test_outcomes_of_other_services_are_ignored(hr: HrService, company: Company) -> None:
    await hr.allocate()
    created = await ask_ok(hr, hr.employee(company.employee), "2025-06-16", "2025-06-18")

    other = EventEnvelope(
        seq=99,
        id=uuid.uuid4(),
        type="workflow.instance.completed",
        occurred_at=datetime.now(UTC),
        subject=EventSubject(type="instance", id="x"),
        data={"subject": {"service": "finance", "type": "expense_claim", "id": created["id"]}},
    )
    assert await hr.replay(other) is True

    assert (await hr.get_request(created["id"]))["status"] == "pending"


# ---- cancelling ----------------------------------------------------------------------------


async def cancel(
    hr: HrService, request_id: str, headers: dict[str, str] | None = None, **extra: str
) -> httpx.Response:
    return await hr.client.post(
        f"{API}/leave-requests/{request_id}/cancel", headers={**(headers or hr.hr()), **extra}
    )


async def test_cancelling_a_pending_request_releases_the_days_and_withdraws_the_approval(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    created = await ask_ok(hr, hr.employee(company.employee), "2025-06-16", "2025-06-18")

    response = await cancel(
        hr, created["id"], hr.employee(company.employee), **{"If-Match": f'"{created["version"]}"'}
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    await nothing_reserved(hr, company)
    assert hr.workflow.withdrawn == [created["workflow_instance_id"]]
    # workflow then reports the withdrawal: the request is already cancelled, nothing more happens
    await hr.outcome(created, "withdrawn")
    assert (await hr.get_request(created["id"]))["status"] == "cancelled"
    await nothing_reserved(hr, company)
    [event] = await hr.events("hr.leave_request.cancelled")
    assert event["data"]["reason"] == "cancelled before approval"


async def test_cancelling_when_workflow_is_unreachable_changes_nothing(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    created = await ask_ok(hr, hr.employee(company.employee), "2025-06-16", "2025-06-18")
    hr.workflow.down = True

    assert_problem(await cancel(hr, created["id"], hr.employee(company.employee)), 503)

    assert (await hr.get_request(created["id"]))["status"] == "pending"
    assert (await hr.balance(company.employee))["pending"] == "3.0"


async def test_cancelling_an_approved_future_leave_returns_the_days_at_once(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    created = await ask_ok(hr, hr.employee(company.employee), "2025-06-16", "2025-06-18")
    await hr.outcome(created, "approved")
    started = len(hr.workflow.instances)

    response = await cancel(hr, created["id"], hr.employee(company.employee))

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    await nothing_reserved(hr, company)
    assert len(hr.workflow.instances) == started
    [event] = await hr.events("hr.leave_request.cancelled")
    assert event["data"]["reason"] == "cancelled before it started"


async def test_cancelling_a_started_leave_needs_approval(hr: HrService, company: Company) -> None:
    await hr.allocate()
    created = await ask_ok(hr, hr.employee(company.employee), "2025-06-10", "2025-06-12")
    await hr.outcome(created, "approved")

    response = await cancel(hr, created["id"], hr.employee(company.employee))

    assert response.status_code == 200, response.text
    pending = response.json()
    assert pending["status"] == "cancellation_pending"
    assert pending["cancellation_instance_id"] not in (None, created["workflow_instance_id"])
    second = hr.workflow.instances[pending["cancellation_instance_id"]]
    assert second["definition_key"] == "leave"
    assert second["subject"] == {"service": "hr", "type": "leave_cancellation", "id": created["id"]}
    assert second["data"]["cancellation"] is True
    held = await hr.balance(company.employee)
    assert (held["used"], held["pending"]) == ("3.0", "0.0")  # still taken until approved
    # approved: the days come back
    await hr.outcome(pending, "approved", cancellation=True)
    assert (await hr.get_request(created["id"]))["status"] == "cancelled"
    await nothing_reserved(hr, company)
    [event] = await hr.events("hr.leave_request.cancelled")
    assert event["data"]["reason"] == "cancellation approved"


async def test_a_refused_cancellation_keeps_the_leave_and_may_be_asked_again(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    created = await ask_ok(hr, hr.employee(company.employee), "2025-06-10", "2025-06-12")
    await hr.outcome(created, "approved")
    first = (await cancel(hr, created["id"], hr.employee(company.employee))).json()

    await hr.outcome(first, "rejected", cancellation=True)

    assert (await hr.get_request(created["id"]))["status"] == "approved"
    assert (await hr.balance(company.employee))["used"] == "3.0"
    again = await cancel(hr, created["id"], hr.employee(company.employee))
    assert again.status_code == 200, again.text
    second = again.json()
    assert second["status"] == "cancellation_pending"
    # a new approval, not the answer workflow stored for the first one
    assert second["cancellation_instance_id"] != first["cancellation_instance_id"]
    await hr.outcome(second, "approved", cancellation=True)
    assert (await hr.get_request(created["id"]))["status"] == "cancelled"
    await nothing_reserved(hr, company)


async def test_what_is_over_cannot_be_cancelled(hr: HrService, company: Company) -> None:
    await hr.allocate()
    created = await ask_ok(hr, hr.employee(company.employee), "2025-06-16", "2025-06-18")
    await hr.outcome(created, "rejected")

    assert_problem(await cancel(hr, created["id"]), 409, "invalid_leave_transition")


async def test_only_the_employee_or_hr_cancels(hr: HrService, company: Company) -> None:
    await hr.allocate()
    created = await ask_ok(hr, hr.employee(company.employee), "2025-06-16", "2025-06-18")

    assert_problem(await cancel(hr, created["id"], hr.employee(company.manager)), 403)
    assert_problem(await cancel(hr, created["id"], hr.employee(company.colleague)), 404)
    assert (await cancel(hr, created["id"], hr.hr())).json()["status"] == "cancelled"


async def test_cancelling_with_a_stale_if_match_is_refused(hr: HrService, company: Company) -> None:
    await hr.allocate()
    created = await ask_ok(hr, hr.employee(company.employee), "2025-06-16", "2025-06-18")
    await hr.outcome(created, "approved")

    stale = await cancel(hr, created["id"], hr.employee(company.employee), **{"If-Match": '"1"'})

    assert_problem(stale, 412, "version_mismatch")
    assert (await hr.get_request(created["id"]))["status"] == "approved"
