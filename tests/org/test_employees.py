"""Employees: HR's changes and their refusals, leaving, history, the directory and who sees what."""

import pytest

from tests.org.conftest import API, OrgService
from tests.problems import assert_problem

PERSONAL = {"id_number": "310101199001011234", "birth_date": "1990-01-01"}


async def test_hr_creates_an_employee_with_every_field(org: OrgService) -> None:
    manager = await org.hire("王经理", department="SALES")

    created = await org.hire(
        "陈小红",
        department="SALES",
        employee_number="S-0001",
        email="Chen.XiaoHong@Example.CN",
        phone="+86 138 0000 0000",
        manager_id=manager["id"],
        employment_type="part_time",
        is_management=False,
        status="onboarding",
        hire_date="2025-02-17",
        work_start_date="2019-07-01",
        **PERSONAL,
    )

    assert created["employee_number"] == "S-0001"
    assert created["email"] == "chen.xiaohong@example.cn"
    assert created["manager_id"] == manager["id"]
    assert (created["employment_type"], created["status"]) == ("part_time", "onboarding")
    assert (created["id_number"], created["birth_date"]) == tuple(PERSONAL.values())
    assert created["leave_date"] is None
    assert created["version"] == 1
    read = await org.client.get(f"{API}/employees/{created['id']}", headers=org.hr())
    assert read.headers["etag"] == '"1"'
    assert read.json() == created


async def test_a_duplicate_employee_number_is_refused(org: OrgService) -> None:
    await org.hire("甲", employee_number="R-100")

    response = await org.client.post(
        f"{API}/employees",
        json={
            "employee_number": "R-100",
            "name": "乙",
            "email": "yi@example.cn",
            "department_id": await org.department_id("RND"),
            "hire_date": "2025-01-01",
        },
        headers=org.hr(),
    )

    assert_problem(response, 409, "duplicate_employee_number")
    assert await org.employee_count() == 1


async def test_a_duplicate_email_is_refused_whatever_its_case(org: OrgService) -> None:
    await org.hire("甲", email="jia@example.cn")

    response = await org.client.post(
        f"{API}/employees",
        json={
            "employee_number": "R-200",
            "name": "乙",
            "email": "JIA@example.cn",
            "department_id": await org.department_id("RND"),
            "hire_date": "2025-01-01",
        },
        headers=org.hr(),
    )

    assert_problem(response, 409, "duplicate_email")


async def test_changing_an_email_to_a_colleagues_is_refused(org: OrgService) -> None:
    await org.hire("甲", email="jia@example.cn")
    other = await org.hire("乙", email="yi@example.cn")

    response = await org.client.patch(
        f"{API}/employees/{other['id']}", json={"email": "jia@example.cn"}, headers=org.hr()
    )

    assert_problem(response, 409, "duplicate_email")


async def test_unknown_fields_in_an_employee_are_refused(org: OrgService) -> None:
    body = {
        "employee_number": "R-300",
        "name": "丙",
        "email": "bing@example.cn",
        "department_id": await org.department_id("RND"),
        "hire_date": "2025-01-01",
        "salary": "30000.00",
    }

    created = await org.client.post(f"{API}/employees", json=body, headers=org.hr())
    someone = await org.hire("丁")
    patched = await org.client.patch(
        f"{API}/employees/{someone['id']}", json={"nickname": "小丁"}, headers=org.hr()
    )

    problem = assert_problem(created, 422, "validation_error")
    assert ["body", "salary"] in [e["loc"] for e in problem["errors"]]
    problem = assert_problem(patched, 422, "validation_error")
    assert ["body", "nickname"] in [e["loc"] for e in problem["errors"]]


async def test_an_employee_in_an_unknown_department_is_refused(org: OrgService) -> None:
    response = await org.client.post(
        f"{API}/employees",
        json={
            "employee_number": "X-1",
            "name": "无部门",
            "email": "nobody@example.cn",
            "department_id": "0190f0f0-0000-7000-8000-000000000000",
            "hire_date": "2025-01-01",
        },
        headers=org.hr(),
    )

    assert_problem(response, 422, "unknown_department")


async def test_a_reporting_line_that_would_close_a_cycle_is_refused(org: OrgService) -> None:
    c = await org.hire("丙")
    b = await org.hire("乙", manager_id=c["id"])
    a = await org.hire("甲", manager_id=b["id"])

    response = await org.client.patch(
        f"{API}/employees/{c['id']}", json={"manager_id": a["id"]}, headers=org.hr()
    )

    assert_problem(response, 409, "manager_cycle")
    assert (await org.get_employee(c["id"]))["manager_id"] is None


async def test_nobody_is_their_own_manager(org: OrgService) -> None:
    someone = await org.hire("自己")

    response = await org.client.patch(
        f"{API}/employees/{someone['id']}", json={"manager_id": someone["id"]}, headers=org.hr()
    )

    assert_problem(response, 409, "manager_cycle")


async def test_a_manager_who_left_cannot_be_assigned(org: OrgService) -> None:
    gone = await org.hire("前经理", hire_date="2020-01-01")
    await org.client.post(
        f"{API}/employees/{gone['id']}/leave", json={"leave_date": "2024-01-01"}, headers=org.hr()
    )
    someone = await org.hire("员工")

    response = await org.client.patch(
        f"{API}/employees/{someone['id']}", json={"manager_id": gone["id"]}, headers=org.hr()
    )

    assert_problem(response, 409, "manager_left")


async def test_moving_an_employee_into_an_archived_department_is_refused(org: OrgService) -> None:
    legal = await org.create_department("LEGAL")
    await org.client.patch(
        f"{API}/departments/{legal['id']}", json={"status": "archived"}, headers=org.admin()
    )
    someone = await org.hire("调岗")

    response = await org.client.patch(
        f"{API}/employees/{someone['id']}", json={"department_id": legal["id"]}, headers=org.hr()
    )

    assert_problem(response, 409, "department_archived")


async def test_leaving_sets_the_status_and_the_leave_date(org: OrgService) -> None:
    someone = await org.hire("离职者", hire_date="2021-04-01")

    response = await org.client.post(
        f"{API}/employees/{someone['id']}/leave",
        json={"leave_date": "2025-03-31", "reason": "个人原因"},
        headers={**org.hr(), "If-Match": '"1"'},
    )

    assert response.status_code == 200, response.text
    left = response.json()
    assert (left["status"], left["leave_date"], left["version"]) == ("left", "2025-03-31", 2)
    assert response.headers["etag"] == '"2"'


async def test_leaving_before_being_hired_is_refused(org: OrgService) -> None:
    someone = await org.hire("新人", hire_date="2025-06-01")

    response = await org.client.post(
        f"{API}/employees/{someone['id']}/leave",
        json={"leave_date": "2025-05-31"},
        headers=org.hr(),
    )

    assert_problem(response, 422, "leave_before_hire")


async def test_an_employee_who_left_can_neither_be_edited_nor_leave_again(
    org: OrgService,
) -> None:
    someone = await org.hire("已离职", hire_date="2021-04-01")
    await org.client.post(
        f"{API}/employees/{someone['id']}/leave",
        json={"leave_date": "2025-03-31"},
        headers=org.hr(),
    )

    edit = await org.client.patch(
        f"{API}/employees/{someone['id']}", json={"phone": "123"}, headers=org.hr()
    )
    again = await org.client.post(
        f"{API}/employees/{someone['id']}/leave",
        json={"leave_date": "2025-04-30"},
        headers=org.hr(),
    )

    assert_problem(edit, 409, "employee_left")
    assert_problem(again, 409, "employee_left")
    assert (await org.get_employee(someone["id"]))["phone"] is None


async def test_the_history_shows_every_change_oldest_first(org: OrgService) -> None:
    someone = await org.hire("历史", department="RND", hire_date="2021-04-01", **PERSONAL)
    await org.client.patch(
        f"{API}/employees/{someone['id']}",
        json={"department_id": await org.department_id("TS"), "phone": "021-1234"},
        headers=org.hr(),
    )
    await org.client.post(
        f"{API}/employees/{someone['id']}/leave",
        json={"leave_date": "2025-03-31"},
        headers=org.hr(),
    )

    response = await org.client.get(f"{API}/employees/{someone['id']}/history", headers=org.hr())

    assert response.status_code == 200, response.text
    entries = response.json()["items"]
    assert [e["action"] for e in entries] == ["create", "update", "update"]
    assert entries[0]["changes"]["name"] == {"new": "历史"}
    moved = entries[1]["changes"]
    assert moved["department_id"] == {
        "old": await org.department_id("RND"),
        "new": await org.department_id("TS"),
    }
    assert moved["phone"] == {"old": None, "new": "021-1234"}
    assert entries[2]["changes"]["status"] == {"old": "active", "new": "left"}
    assert entries[2]["changes"]["leave_date"] == {"old": None, "new": "2025-03-31"}
    assert all(e["actor"] == "user:harriet" for e in entries)
    # The history never repeats personal data.
    assert not any({"id_number", "birth_date"} & set(e["changes"]) for e in entries)


async def test_the_history_is_for_hr_auditors_and_the_employee_only(org: OrgService) -> None:
    someone = await org.hire("本人")
    colleague = await org.hire("同事")
    path = f"{API}/employees/{someone['id']}/history"

    assert (await org.client.get(path, headers=org.employee(someone["id"]))).status_code == 200
    assert (await org.client.get(path, headers=org.auditor())).status_code == 200
    assert_problem(
        await org.client.get(path, headers=org.employee(colleague["id"])), 403, "history_hidden"
    )


# ---- the directory -------------------------------------------------------------------


async def _directory(org: OrgService, **params: str) -> set[str]:
    response = await org.client.get(
        f"{API}/employees", params={"limit": 200, **params}, headers=org.employee()
    )
    assert response.status_code == 200, response.text
    return {e["employee_number"] for e in response.json()["items"]}


async def test_the_directory_filters_by_department_status_type_manager_and_search(
    org: OrgService,
) -> None:
    await org.create_department("RND-AI", parent="RND")
    boss = await org.hire("张伟", department="RND", employee_number="R1", email="zhang.wei@corp.cn")
    await org.hire(
        "李娜",
        department="RND-AI",
        employee_number="R2",
        manager_id=boss["id"],
        employment_type="intern",
    )
    await org.hire("王芳", department="SALES", employee_number="S1", employment_type="part_time")
    gone = await org.hire(
        "张伟明", department="SALES", employee_number="S2", hire_date="2020-01-01"
    )
    await org.client.post(
        f"{API}/employees/{gone['id']}/leave", json={"leave_date": "2021-01-01"}, headers=org.hr()
    )
    rnd = await org.department_id("RND")

    assert await _directory(org) == {"R1", "R2", "S1", "S2"}
    assert await _directory(org, department_id=rnd) == {"R1"}
    assert await _directory(org, department_id=rnd, include_subtree="true") == {"R1", "R2"}
    assert await _directory(org, status="left") == {"S2"}
    assert await _directory(org, status="active") == {"R1", "R2", "S1"}
    assert await _directory(org, employment_type="intern") == {"R2"}
    assert await _directory(org, employment_type="part_time") == {"S1"}
    assert await _directory(org, manager_id=boss["id"]) == {"R2"}
    assert await _directory(org, q="张伟") == {"R1", "S2"}
    assert await _directory(org, q="李") == {"R2"}
    assert await _directory(org, q="S1") == {"S1"}
    assert await _directory(org, q="ZHANG.WEI@corp") == {"R1"}
    assert await _directory(org, q="赵") == set()


async def test_an_unknown_status_filter_is_refused(org: OrgService) -> None:
    response = await org.client.get(
        f"{API}/employees", params={"status": "retired"}, headers=org.employee()
    )

    assert_problem(response, 422, "validation_error")


async def test_sorting_by_an_unknown_field_is_refused(org: OrgService) -> None:
    response = await org.client.get(
        f"{API}/employees", params={"sort": "id_number"}, headers=org.hr()
    )

    body = assert_problem(response, 422, "validation_error")
    assert [error["loc"] for error in body["errors"]] == [["query", "sort"]]


# ---- who sees and changes what ---------------------------------------------------------


@pytest.mark.parametrize("role", ["hr", "admin", "auditor"])
async def test_hr_admins_and_auditors_see_personal_data(org: OrgService, role: str) -> None:
    someone = await org.hire("隐私", **PERSONAL)

    one = await org.get_employee(someone["id"], org.as_user(role))
    listed = await org.client.get(f"{API}/employees", headers=org.as_user(role))

    assert (one["id_number"], one["birth_date"]) == tuple(PERSONAL.values())
    assert listed.json()["items"][0]["id_number"] == PERSONAL["id_number"]


async def test_an_employee_sees_their_own_personal_data(org: OrgService) -> None:
    me = await org.hire("本人", **PERSONAL)

    mine = await org.get_employee(me["id"], org.employee(me["id"]))

    assert (mine["id_number"], mine["birth_date"]) == tuple(PERSONAL.values())


@pytest.mark.parametrize("role", ["employee", "gm"])
async def test_another_persons_personal_data_is_absent_for_employees(
    org: OrgService, role: str
) -> None:
    me = await org.hire("本人")
    colleague = await org.hire("同事", **PERSONAL)
    headers = org.as_user(role, employee_id=me["id"])

    one = await org.get_employee(colleague["id"], headers)
    listed = await org.client.get(f"{API}/employees", headers=headers)
    members = await org.client.get(
        f"{API}/departments/{colleague['department_id']}/members", headers=headers
    )

    assert "id_number" not in one and "birth_date" not in one
    assert one["name"] == "同事" and one["email"] == colleague["email"]
    for page in (listed, members):
        entry = next(e for e in page.json()["items"] if e["id"] == colleague["id"])
        assert "id_number" not in entry and "birth_date" not in entry


async def test_employees_read_the_directory_but_neither_create_nor_change_it(
    org: OrgService,
) -> None:
    me = await org.hire("普通员工")
    headers = org.employee(me["id"])

    listed = await org.client.get(f"{API}/employees", headers=headers)
    created = await org.client.post(
        f"{API}/employees",
        json={
            "employee_number": "X-9",
            "name": "自封",
            "email": "self@example.cn",
            "department_id": me["department_id"],
            "hire_date": "2025-01-01",
        },
        headers=headers,
    )
    patched = await org.client.patch(
        f"{API}/employees/{me['id']}", json={"phone": "110"}, headers=headers
    )
    left = await org.client.post(
        f"{API}/employees/{me['id']}/leave", json={"leave_date": "2025-12-31"}, headers=headers
    )

    assert listed.status_code == 200
    assert_problem(created, 403, "hr_only")
    assert_problem(patched, 403, "hr_only")
    assert_problem(left, 403, "hr_only")
    assert (await org.get_employee(me["id"]))["phone"] is None
    assert await org.employee_count() == 1


async def test_a_client_with_only_org_read_reads_but_does_not_write(org: OrgService) -> None:
    someone = await org.hire("被读者")
    reader = org.client_with("org:read")

    listed = await org.client.get(f"{API}/employees", headers=reader)
    chart = await org.client.get(f"{API}/org-chart", headers=reader)
    patched = await org.client.patch(
        f"{API}/employees/{someone['id']}", json={"phone": "1"}, headers=reader
    )
    department = await org.client.post(
        f"{API}/departments", json={"code": "OPS", "name": "运营部"}, headers=reader
    )

    assert listed.status_code == 200 and chart.status_code == 200
    assert_problem(patched, 403)
    assert_problem(department, 403)


async def test_a_client_without_an_org_scope_is_turned_away(org: OrgService) -> None:
    response = await org.client.get(f"{API}/employees", headers=org.client_with("hr:read"))

    assert_problem(response, 403, "insufficient_scope")


async def test_a_client_with_org_write_creates_employees(org: OrgService) -> None:
    response = await org.client.post(
        f"{API}/employees",
        json={
            "employee_number": "SYNC-1",
            "name": "同步",
            "email": "sync@example.cn",
            "department_id": await org.department_id("HR"),
            "hire_date": "2025-01-01",
        },
        headers=org.client_with("org:write"),
    )

    assert response.status_code == 201, response.text


async def test_without_a_token_the_directory_answers_401(org: OrgService) -> None:
    response = await org.client.get(f"{API}/employees")

    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


async def test_an_unknown_employee_is_a_404(org: OrgService) -> None:
    missing = "0190f0f0-0000-7000-8000-000000000000"

    response = await org.client.get(f"{API}/employees/{missing}", headers=org.hr())

    assert_problem(response, 404, "not_found")
