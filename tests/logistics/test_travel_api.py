"""Business travel through logistics' API: standards, a trip approved in workflow, its
reimbursement checked against the standard, and the facts finance posts from."""

import uuid
from datetime import date, timedelta
from typing import Any

from tests.logistics.conftest import API, LogisticsService
from tests.logistics.travel_helpers import (
    DEPARTMENT,
    approved_trip,
    outcome,
    standard,
    trip,
    use_org,
)


async def events(logistics: LogisticsService, event_type: str) -> list[dict[str, Any]]:
    """The events of a type on logistics' feed, once everything committed is published."""
    await logistics.app.state.runtime.publisher.publish_pending()
    answer = await logistics.client.get(
        f"{API}/events", params={"limit": 500}, headers=logistics.auditor()
    )
    return [e for e in answer.json()["items"] if e["type"] == event_type]


def receipt(day: date, category: str, amount: str, **extra: Any) -> dict[str, Any]:
    return {"category": category, "amount": amount, "spent_on": day.isoformat(), **extra}


async def test_a_trip_is_asked_approved_and_its_advance_is_a_fact_for_finance(
    logistics: LogisticsService,
) -> None:
    org = await use_org(logistics)
    traveller = org.person("P5")
    request = await trip(logistics, traveller, days=9, advance="1500.00")
    assert request["status"] == "pending" and request["grade"] == "P5"
    assert request["days"] == 9 and request["department_id"] == str(DEPARTMENT)
    [started] = org.started()
    assert started["definition_key"] == "travel_request"
    assert started["data"]["days"] == 9 and started["data"]["abroad"] is False

    await outcome(logistics, request["workflow_instance_id"], "approved")
    read = await logistics.client.get(
        f"{API}/travel-requests/{request['id']}", headers=logistics.employee(traveller)
    )
    assert read.json()["status"] == "approved"
    [fact] = await events(logistics, "logistics.travel_advance.approved")
    assert fact["data"]["components"] == [
        {
            "component": "advance",
            "amount": "1500.00",
            "category": None,
            "department_id": str(DEPARTMENT),
            "employee_id": str(traveller),
            "party_id": None,
            "project": None,
            "description": "travel advance: 深圳",
        }
    ]
    assert fact["data"]["source_id"] == request["id"]


async def test_abroad_trips_tell_workflow_so_the_gm_is_asked(logistics: LogisticsService) -> None:
    org = await use_org(logistics)
    request = await trip(logistics, org.person(), tier="abroad", advance="0.00")
    assert request["abroad"] is True
    assert org.started()[0]["data"]["abroad"] is True
    await outcome(logistics, request["workflow_instance_id"], "approved")
    assert await events(logistics, "logistics.travel_advance.approved") == []  # no advance


async def test_a_reimbursement_is_checked_against_the_standard_in_force(
    logistics: LogisticsService,
) -> None:
    org = await use_org(logistics)
    await standard(logistics, "*", "tier1", hotel="500.00", per_diem="120.00")
    await standard(logistics, "P5", "tier1", hotel="600.00", per_diem="150.00")
    traveller = org.person("P5")
    request = await approved_trip(logistics, traveller, advance="1000.00")
    start = date.fromisoformat(request["start_date"])
    lines = [
        receipt(start, "hotel", "1300.00", nights=2, justification="展会期间酒店涨价"),
        receipt(start, "meals", "150.00"),
        receipt(start + timedelta(days=1), "transport", "880.00", transport_class="economy"),
        receipt(start + timedelta(days=2), "local_transport", "70.00"),
    ]
    answer = await logistics.client.post(
        f"{API}/reimbursements",
        json={"travel_request_id": request["id"], "lines": lines},
        headers=logistics.employee(traveller),
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["total"] == "2400.00" and body["advance"] == "1000.00"
    assert body["net_payable"] == "1400.00" and body["over_standard"] is True
    checks = [
        (line["within_standard"], line["allowed"], line["findings"]) for line in body["lines"]
    ]
    assert checks == [
        (False, "1200.00", ["over_hotel_cap"]),  # the grade's own standard: 600 a night
        (True, "150.00", []),
        (True, None, []),
        (True, None, []),
    ]
    [started] = [s for s in org.started() if s["definition_key"] == "expense_claim"]
    assert started["subject"]["type"] == "travel_reimbursement"
    assert started["data"]["over_standard"] is True
    assert started["data"]["standard_check"][0]["findings"] == ["over_hotel_cap"]
    assert "超标准" in started["summary"]

    await outcome(logistics, body["workflow_instance_id"], "approved")
    [fact] = await events(logistics, "logistics.reimbursement.approved")
    data = fact["data"]
    assert (data["total"], data["advance_offset"], data["net_payable"]) == (
        "2400.00",
        "1000.00",
        "1400.00",
    )
    components = {(c["component"], c["category"]): c["amount"] for c in data["components"]}
    assert components == {
        ("travel_expense", "hotel"): "1300.00",
        ("travel_expense", "local_transport"): "70.00",
        ("travel_expense", "meals"): "150.00",
        ("travel_expense", "transport"): "880.00",
        ("advance_offset", None): "1000.00",
    }
    read = await logistics.client.get(
        f"{API}/travel-requests/{request['id']}", headers=logistics.employee(traveller)
    )
    assert read.json()["status"] == "reimbursed"


async def test_an_over_standard_line_needs_a_justification_and_nothing_is_filed(
    logistics: LogisticsService,
) -> None:
    org = await use_org(logistics)
    await standard(logistics, "*", "tier1", hotel="500.00")
    traveller = org.person("P4")
    request = await approved_trip(logistics, traveller)
    start = date.fromisoformat(request["start_date"])
    answer = await logistics.client.post(
        f"{API}/reimbursements",
        json={
            "travel_request_id": request["id"],
            "lines": [
                receipt(start, "other", "10.00"),
                receipt(start, "hotel", "501.00", nights=1),
                receipt(start, "transport", "2000.00", transport_class="first"),
            ],
        },
        headers=logistics.employee(traveller),
    )
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["code"] == "justification_required" and problem["lines"] == [1, 2]
    assert problem["findings"] == {"1": ["over_hotel_cap"], "2": ["over_transport_class"]}
    listed = await logistics.client.get(f"{API}/reimbursements", headers=logistics.staff())
    assert listed.json()["items"] == []


async def test_only_an_approved_trip_is_reimbursed_and_only_once(
    logistics: LogisticsService,
) -> None:
    org = await use_org(logistics)
    await standard(logistics)
    traveller = org.person()
    pending = await trip(logistics, traveller)
    start = date.fromisoformat(pending["start_date"])
    body = {"travel_request_id": pending["id"], "lines": [receipt(start, "other", "5.00")]}
    refused = await logistics.client.post(
        f"{API}/reimbursements", json=body, headers=logistics.employee(traveller)
    )
    assert refused.status_code == 409 and refused.json()["code"] == "trip_not_approved"

    approved = await approved_trip(logistics, traveller)
    body["travel_request_id"] = approved["id"]
    body["lines"] = [receipt(date.fromisoformat(approved["start_date"]), "other", "5.00")]
    first = await logistics.client.post(
        f"{API}/reimbursements", json=body, headers=logistics.employee(traveller)
    )
    assert first.status_code == 201
    second = await logistics.client.post(
        f"{API}/reimbursements", json=body, headers=logistics.employee(traveller)
    )
    assert second.status_code == 409 and second.json()["code"] == "reimbursement_exists"
    # withdrawn, the trip may be reimbursed again
    withdrawn = await logistics.client.post(
        f"{API}/reimbursements/{first.json()['id']}/withdraw",
        headers=logistics.employee(traveller),
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = await logistics.client.post(
        f"{API}/reimbursements", json=body, headers=logistics.employee(traveller)
    )
    assert again.status_code == 201


async def test_requests_are_refused_with_a_clear_problem_and_nothing_recorded(
    logistics: LogisticsService,
) -> None:
    org = await use_org(logistics)
    traveller = org.person()
    start = logistics.now.date() + timedelta(days=3)
    base = {
        "destination": "成都",
        "city_tier": "tier2",
        "start_date": start.isoformat(),
        "end_date": start.isoformat(),
        "purpose": "培训",
        "estimated_cost": "1000.00",
    }
    cases = [
        ({"end_date": (start - timedelta(days=1)).isoformat()}, 422, "dates_out_of_order"),
        (
            {
                "start_date": "2026-01-05",
                "end_date": "2026-01-06",
            },
            422,
            "trip_past",
        ),
        ({"advance": "1000.01"}, 422, "advance_exceeds_estimate"),
        ({"estimated_cost": 1000.5}, 422, "validation_error"),
        ({"employee_id": str(uuid.uuid4())}, 403, "forbidden"),
    ]
    for change, status, code in cases:
        answer = await logistics.client.post(
            f"{API}/travel-requests", json={**base, **change}, headers=logistics.employee(traveller)
        )
        assert (answer.status_code, answer.json()["code"]) == (status, code), change
    unknown = await logistics.client.post(
        f"{API}/travel-requests", json=base, headers=logistics.employee(uuid.uuid4())
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_employee"
    org.org_down = True
    down = await logistics.client.post(
        f"{API}/travel-requests", json=base, headers=logistics.employee(traveller)
    )
    assert down.status_code == 503
    listed = await logistics.client.get(f"{API}/travel-requests", headers=logistics.staff())
    assert listed.json()["items"] == []
    assert org.started() == []


async def test_who_sees_and_files_trips(logistics: LogisticsService) -> None:
    org = await use_org(logistics)
    traveller, colleague = org.person(), org.person()
    request = await trip(logistics, traveller)
    path = f"{API}/travel-requests/{request['id']}"
    for headers, status in [
        (logistics.employee(traveller), 200),
        (logistics.staff(), 200),
        (logistics.auditor(), 200),
        (logistics.as_user("finance"), 200),
        (logistics.employee(colleague), 404),
        (logistics.as_user("hr", employee_id=colleague), 404),
    ]:
        assert (await logistics.client.get(path, headers=headers)).status_code == status
    mine = await logistics.client.get(
        f"{API}/travel-requests", headers=logistics.employee(colleague)
    )
    assert mine.json()["items"] == []
    # logistics files for someone else; an employee may not
    staff_filed = await logistics.client.post(
        f"{API}/travel-requests",
        json={
            "employee_id": str(colleague),
            "destination": "北京",
            "city_tier": "tier1",
            "start_date": request["start_date"],
            "end_date": request["end_date"],
            "purpose": "客户拜访",
            "estimated_cost": "3000.00",
        },
        headers=logistics.staff(),
    )
    assert staff_filed.status_code == 201 and staff_filed.json()["employee_id"] == str(colleague)
    # a colleague cannot withdraw someone else's trip (they cannot even see it)
    assert (
        await logistics.client.post(f"{path}/withdraw", headers=logistics.employee(colleague))
    ).status_code == 404
    withdrawn = await logistics.client.post(
        f"{path}/withdraw", headers=logistics.employee(traveller)
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert org.withdrawn == [request["workflow_instance_id"]]


async def test_standards_are_kept_by_logistics_and_finance_without_overlaps(
    logistics: LogisticsService,
) -> None:
    first = await standard(logistics, "P5", "tier2", effective_to=date(2026, 7, 1))
    overlapping = await logistics.client.post(
        f"{API}/travel-standards",
        json={
            "grade": "P5",
            "city_tier": "tier2",
            "hotel_cap_per_night": "400.00",
            "per_diem": "100.00",
            "transport_class": "economy",
            "effective_from": "2026-06-01",
        },
        headers=logistics.as_user("finance"),
    )
    assert overlapping.status_code == 409 and overlapping.json()["code"] == "standard_overlap"
    later = await logistics.client.post(
        f"{API}/travel-standards",
        json={
            "grade": "P5",
            "city_tier": "tier2",
            "hotel_cap_per_night": "450.00",
            "per_diem": "110.00",
            "transport_class": "economy",
            "effective_from": "2026-07-01",
        },
        headers=logistics.as_user("finance"),
    )
    assert later.status_code == 201
    employee = logistics.employee(uuid.uuid4())
    refused = await logistics.client.patch(
        f"{API}/travel-standards/{first['id']}", json={"per_diem": "1.00"}, headers=employee
    )
    assert refused.status_code == 403 and refused.json()["code"] == "logistics_only"
    stale = await logistics.client.patch(
        f"{API}/travel-standards/{first['id']}",
        json={"per_diem": "90.00"},
        headers={**logistics.staff(), "If-Match": '"7"'},
    )
    assert stale.status_code == 412
    changed = await logistics.client.patch(
        f"{API}/travel-standards/{first['id']}",
        json={"per_diem": "90.00"},
        headers={**logistics.staff(), "If-Match": '"1"'},
    )
    assert changed.status_code == 200 and changed.json()["per_diem"] == "90.00"
    in_force = await logistics.client.get(
        f"{API}/travel-standards", params={"on": "2026-08-01", "grade": "P5"}, headers=employee
    )
    assert [s["per_diem"] for s in in_force.json()["items"]] == ["110.00"]
