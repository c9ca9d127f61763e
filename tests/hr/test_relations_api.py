"""Complaints, labour disputes and staff forum sessions: confidential cases seen only by HR and
their handlers (not the auditor), status to resolution with the outcome, and the forum's agenda,
attendees and minutes."""

from typing import Any

from tests.hr.conftest import Company, HrService
from tests.hr.development_helpers import API


async def file(hr: HrService, path: str, headers: dict[str, str], **body: Any) -> Any:
    return await hr.client.post(
        f"{API}/{path}",
        json={"subject": "加班费", "description": "十月加班费少算", **body},
        headers=headers,
    )


async def test_a_confidential_complaint_is_seen_only_by_hr_and_its_handlers(
    hr: HrService, company: Company
) -> None:
    made = await file(
        hr,
        "complaints",
        hr.hr(),
        employee_id=str(company.employee),
        confidential=True,
        handler_id=str(company.manager),
        handler_ids=[str(company.rnd_head)],
    )
    assert made.status_code == 201, made.text
    path = f"{API}/complaints/{made.json()['id']}"
    for allowed in (hr.hr(), hr.employee(company.manager), hr.employee(company.rnd_head)):
        assert (await hr.client.get(path, headers=allowed)).status_code == 200
    for refused in (hr.auditor(), hr.employee(company.employee), hr.employee(company.colleague)):
        assert (await hr.client.get(path, headers=refused)).status_code == 404
        listed = await hr.client.get(f"{API}/complaints", headers=refused)
        assert listed.json()["items"] == []
    # its events name nobody
    opened = await hr.events("hr.relations_case.opened")
    assert opened[-1]["data"] == {"kind": "complaint", "confidential": True, "status": "open"}


async def test_a_complaint_that_is_not_confidential(hr: HrService, company: Company) -> None:
    made = await file(hr, "complaints", hr.employee(company.employee))
    assert made.status_code == 201, made.text
    assert made.json()["employee_id"] == str(company.employee)
    path = f"{API}/complaints/{made.json()['id']}"
    for allowed in (hr.auditor(), hr.employee(company.employee), hr.hr()):
        assert (await hr.client.get(path, headers=allowed)).status_code == 200
    assert (await hr.client.get(path, headers=hr.employee(company.colleague))).status_code == 404
    # an employee files only their own, and names no handlers
    other = await file(
        hr, "complaints", hr.employee(company.employee), employee_id=str(company.colleague)
    )
    assert other.status_code == 403
    handler = await file(
        hr, "complaints", hr.employee(company.employee), handler_id=str(company.manager)
    )
    assert handler.status_code == 403


async def test_a_case_moves_to_its_resolution(hr: HrService, company: Company) -> None:
    made = (
        await file(
            hr,
            "disputes",
            hr.hr(),
            employee_id=str(company.employee),
            handler_id=str(company.manager),
            forum="arbitration",
        )
    ).json()
    path = f"{API}/disputes/{made['id']}"
    stranger = await hr.client.patch(
        path, json={"status": "investigating"}, headers=hr.employee(company.colleague)
    )
    assert stranger.status_code == 404
    employee = await hr.client.patch(
        path, json={"status": "investigating"}, headers=hr.employee(company.employee)
    )
    assert employee.status_code == 403
    step = await hr.client.patch(
        path, json={"status": "investigating"}, headers=hr.employee(company.manager)
    )
    assert step.status_code == 200, step.text
    no_outcome = await hr.client.patch(
        path, json={"status": "resolved"}, headers=hr.employee(company.manager)
    )
    assert no_outcome.status_code == 422
    assert no_outcome.json()["code"] == "outcome_required"
    done = await hr.client.patch(
        path,
        json={"status": "resolved", "outcome": "仲裁调解：补发加班费"},
        headers={**hr.employee(company.manager), "If-Match": f'"{step.json()["version"]}"'},
    )
    assert done.status_code == 200, done.text
    assert done.json()["resolved_at"] is not None
    back = await hr.client.patch(path, json={"status": "open"}, headers=hr.hr())
    assert back.status_code == 409
    assert back.json()["code"] == "invalid_case_transition"
    types = [e["type"] for e in await hr.events() if e["type"].startswith("hr.relations_case")]
    assert types == [
        "hr.relations_case.opened",
        "hr.relations_case.updated",
        "hr.relations_case.resolved",
    ]


async def test_only_hr_records_disputes(hr: HrService, company: Company) -> None:
    answer = await file(hr, "disputes", hr.employee(company.employee))
    assert answer.status_code == 403
    assert answer.json()["code"] == "hr_only"
    # a dispute is not a complaint: each under its own path
    made = (await file(hr, "disputes", hr.hr(), employee_id=str(company.employee))).json()
    assert (
        await hr.client.get(f"{API}/complaints/{made['id']}", headers=hr.hr())
    ).status_code == 404


async def test_a_forum_session_with_agenda_attendees_and_minutes(
    hr: HrService, company: Company
) -> None:
    body = {
        "title": "员工座谈会",
        "held_on": "2027-01-15",
        "location": "大会议室",
        "agenda": ["食堂改进", "弹性工作制"],
        "attendee_ids": [str(company.employee), str(company.colleague)],
    }
    refused = await hr.client.post(
        f"{API}/forum-sessions", json=body, headers=hr.employee(company.employee)
    )
    assert refused.status_code == 403
    made = await hr.client.post(f"{API}/forum-sessions", json=body, headers=hr.hr())
    assert made.status_code == 201, made.text
    path = f"{API}/forum-sessions/{made.json()['id']}"
    held = await hr.client.post(
        f"{path}/minutes",
        json={"minutes": "一、食堂：增设素食窗口。", "attendee_ids": [str(company.employee)]},
        headers=hr.hr(),
    )
    assert held.status_code == 200, held.text
    read = (await hr.client.get(path, headers=hr.employee(company.outsider))).json()
    assert read["status"] == "held"
    assert read["attendee_ids"] == [str(company.employee)]
    assert read["minutes"].startswith("一、")


async def test_a_null_flag_or_list_changes_nothing(hr: HrService, company: Company) -> None:
    made = (
        await file(hr, "complaints", hr.hr(), employee_id=str(company.employee), confidential=True)
    ).json()
    answer = await hr.client.patch(
        f"{API}/complaints/{made['id']}",
        json={"confidential": None, "handler_ids": None},
        headers=hr.hr(),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["confidential"] is True
    assert answer.json()["handler_ids"] == []
