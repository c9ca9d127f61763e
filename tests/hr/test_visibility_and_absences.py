"""Who sees which leave request, and ``/absences``: approved leave covering a date."""

from typing import Any

import httpx

from tests.hr.conftest import API, Company, HrService
from tests.problems import assert_problem


async def requests_of_everyone(hr: HrService, company: Company) -> dict[str, dict[str, Any]]:
    """One pending request per person, by name of the role they play in the company."""
    await hr.allocate()
    made = {}
    for who, start, end in (
        ("employee", "2025-06-16", "2025-06-17"),
        ("colleague", "2025-06-18", "2025-06-19"),
        ("manager", "2025-06-23", "2025-06-23"),
        ("rnd_head", "2025-06-24", "2025-06-24"),
        ("outsider", "2025-06-16", "2025-06-20"),
    ):
        response = await hr.ask(hr.employee(getattr(company, who)), start, end)
        assert response.status_code == 201, response.text
        made[who] = response.json()
    return made


async def listed(hr: HrService, headers: dict[str, str], **params: str) -> set[str]:
    response = await hr.client.get(
        f"{API}/leave-requests", params={"limit": 100, **params}, headers=headers
    )
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def test_each_person_lists_what_they_may_see(hr: HrService, company: Company) -> None:
    made = await requests_of_everyone(hr, company)
    ids = {who: request["id"] for who, request in made.items()}

    assert await listed(hr, hr.employee(company.employee)) == {ids["employee"]}
    assert await listed(hr, hr.employee(company.outsider)) == {ids["outsider"]}
    assert await listed(hr, hr.employee(company.manager)) == {
        ids["manager"],
        ids["employee"],
        ids["colleague"],
    }
    # the head of RND: everyone in RND and RND-FE, and themself
    assert await listed(hr, hr.employee(company.rnd_head)) == {
        ids["rnd_head"],
        ids["manager"],
        ids["employee"],
        ids["colleague"],
    }
    assert await listed(hr, hr.hr()) == set(ids.values())
    assert await listed(hr, hr.auditor()) == set(ids.values())
    # the general manager approves the longest leaves in workflow: they read every request
    assert await listed(hr, hr.as_user("gm", username="gina")) == set(ids.values())
    # an account with no role that sees everyone and no employee sees nothing
    assert await listed(hr, hr.as_user("employee")) == set()


async def test_filters_narrow_what_one_may_see(hr: HrService, company: Company) -> None:
    made = await requests_of_everyone(hr, company)
    await hr.outcome(made["colleague"], "approved")

    manager = hr.employee(company.manager)
    assert await listed(hr, manager, employee_id="me") == {made["manager"]["id"]}
    assert await listed(hr, manager, employee_id=str(company.colleague)) == {
        made["colleague"]["id"]
    }
    assert await listed(hr, manager, status="approved") == {made["colleague"]["id"]}
    assert await listed(hr, manager, employee_id=str(company.outsider)) == set()
    assert await listed(hr, manager, leave_type="sick") == set()


async def read(hr: HrService, request_id: str, headers: dict[str, str]) -> httpx.Response:
    return await hr.client.get(f"{API}/leave-requests/{request_id}", headers=headers)


async def test_reading_one_request(hr: HrService, company: Company) -> None:
    made = await requests_of_everyone(hr, company)
    request_id = made["employee"]["id"]

    for headers in (
        hr.employee(company.employee),
        hr.employee(company.manager),
        hr.employee(company.rnd_head),
        hr.hr(),
        hr.auditor(),
        hr.admin(),
        hr.as_user("gm"),
        hr.as_user("gm", "employee", employee_id=company.outsider),  # a GM who is also staff
    ):
        response = await read(hr, request_id, headers)
        assert response.status_code == 200, response.text
        assert response.json()["id"] == request_id
        assert response.headers["etag"] == f'"{response.json()["version"]}"'
    for headers in (
        hr.employee(company.colleague),
        hr.employee(company.outsider),
        hr.as_user("employee"),  # not linked to anyone
        hr.as_user("finance", "employee", employee_id=company.outsider),
    ):
        assert_problem(await read(hr, request_id, headers), 404)
    assert_problem(await read(hr, "01900000-0000-7000-8000-000000000000", hr.hr()), 404)


async def test_the_general_manager_reads_leave_requests_but_changes_none(
    hr: HrService, company: Company
) -> None:
    made = await requests_of_everyone(hr, company)
    gm = hr.as_user("gm", username="gina")
    request_id = made["employee"]["id"]

    assert (await read(hr, request_id, gm)).json()["status"] == "pending"
    filtered = await listed(hr, gm, employee_id=str(company.outsider))
    assert filtered == {made["outsider"]["id"]}
    # may see, may not change: 403, not 404
    cancel = await hr.client.post(f"{API}/leave-requests/{request_id}/cancel", headers=gm)
    assert_problem(cancel, 403, "forbidden")
    filed = await hr.client.post(
        f"{API}/leave-requests",
        json={
            "employee_id": str(company.employee),
            "leave_type": "annual",
            "start_date": "2025-07-01",
            "end_date": "2025-07-01",
        },
        headers=gm,
    )
    assert_problem(filed, 403, "forbidden")
    assert (await read(hr, request_id, hr.hr())).json()["status"] == "pending"
    # balances stay with the employee, their managers and heads, and HR
    balances = await hr.client.get(
        f"{API}/leave-balances", params={"employee_id": str(company.employee)}, headers=gm
    )
    assert_problem(balances, 404)


async def test_a_manager_change_moves_who_sees(hr: HrService, company: Company) -> None:
    made = await requests_of_everyone(hr, company)
    # org moves the employee under the head of RND directly
    await hr.person(
        "陈小红",
        "RND-FE",
        employee_id=company.employee,
        manager=company.rnd_head,
        event_type="org.employee.updated",
    )

    assert_problem(await read(hr, made["employee"]["id"], hr.employee(company.manager)), 404)
    assert (
        await read(hr, made["employee"]["id"], hr.employee(company.rnd_head))
    ).status_code == 200


# ---- absences -------------------------------------------------------------------------------


async def absences(hr: HrService, headers: dict[str, str], **params: str) -> list[dict[str, Any]]:
    response = await hr.client.get(f"{API}/absences", params=params, headers=headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def test_absences_list_approved_leave_covering_the_date(
    hr: HrService, company: Company
) -> None:
    made = await requests_of_everyone(hr, company)
    for who in ("employee", "outsider"):
        await hr.outcome(made[who], "approved")
    # the colleague's stays pending: not an absence
    rnd = str(hr.departments["RND"])
    viewer = hr.employee(company.colleague)

    away = await absences(hr, viewer, department_id=rnd, date="2025-06-17")

    assert away == [
        {
            "employee_id": str(company.employee),
            "employee_name": "陈小红",
            "department_id": str(hr.departments["RND-FE"]),
            "leave_type": None,  # a colleague learns who is away, not why
            "start_date": "2025-06-16",
            "end_date": "2025-06-17",
            "request_id": made["employee"]["id"],
        }
    ]
    assert await absences(hr, viewer, department_id=rnd, date="2025-06-18") == []
    fe = await absences(hr, viewer, department_id=str(hr.departments["RND-FE"]), date="2025-06-16")
    assert [a["employee_name"] for a in fe] == ["陈小红"]
    sales = await absences(
        hr, viewer, department_id=str(hr.departments["SALES"]), date="2025-06-16"
    )
    assert [a["employee_name"] for a in sales] == ["赵销售"]
    everyone = await absences(hr, hr.hr(), date="2025-06-16")
    assert {a["employee_name"] for a in everyone} == {"陈小红", "赵销售"}
    assert {a["leave_type"] for a in everyone} == {"annual"}
    gmo = await absences(hr, hr.hr(), department_id=str(hr.departments["GMO"]), date="2025-06-16")
    assert len(gmo) == 2
    # the GM, who reads everyone's requests, sees why too
    as_gm = await absences(hr, hr.as_user("gm"), date="2025-06-16")
    assert {a["leave_type"] for a in as_gm} == {"annual"}


async def test_absences_default_to_today(hr: HrService, company: Company) -> None:
    await hr.allocate()
    response = await hr.ask(hr.employee(company.employee), "2025-06-10", "2025-06-12")
    await hr.outcome(response.json(), "approved")

    today = await absences(hr, hr.employee(company.outsider))

    assert [a["request_id"] for a in today] == [response.json()["id"]]


async def test_a_cancelled_leave_is_no_absence_but_one_being_cancelled_still_is(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    started = (await hr.ask(hr.employee(company.employee), "2025-06-10", "2025-06-12")).json()
    future = (await hr.ask(hr.employee(company.employee), "2025-06-16", "2025-06-16")).json()
    for request in (started, future):
        await hr.outcome(request, "approved")
    cancel = f"{API}/leave-requests/{{}}/cancel"
    await hr.client.post(cancel.format(started["id"]), headers=hr.employee(company.employee))
    await hr.client.post(cancel.format(future["id"]), headers=hr.employee(company.employee))

    assert len(await absences(hr, hr.hr(), date="2025-06-11")) == 1  # cancellation pending
    assert await absences(hr, hr.hr(), date="2025-06-16") == []


async def test_absences_need_an_employee_or_a_role_that_sees_everyone(hr: HrService) -> None:
    response = await hr.client.get(f"{API}/absences", headers=hr.as_user("employee"))

    assert_problem(response, 403, "forbidden")
    for roles in (("hr",), ("gm",), ("auditor",)):
        assert (
            await hr.client.get(f"{API}/absences", headers=hr.as_user(*roles))
        ).status_code == 200
