"""Every change is announced once on the feed; a stale If-Match changes nothing."""

from typing import Any

import pytest

from tests.org.conftest import API, EVENTS, OrgService, csv_rows
from tests.problems import assert_problem


def only(events: list[dict[str, Any]], event_type: str) -> dict[str, Any]:
    """The one event in ``events``, which must be of ``event_type``."""
    assert [e["type"] for e in events] == [event_type], events
    return events[0]


async def test_creating_a_department_emits_one_department_created(org: OrgService) -> None:
    head = await org.feed_head()

    created = await org.client.post(
        f"{API}/departments",
        json={"code": "LEGAL", "name": "法务部", "parent_id": await org.department_id("GMO")},
        headers=org.admin(),
    )

    event = only(await org.events_after(head), "org.department.created")
    assert event["subject"] == {"type": "department", "id": created.json()["id"]}
    assert event["data"]["code"] == "LEGAL"
    assert event["request_id"] == created.headers["x-request-id"]


async def test_changing_a_department_emits_one_department_updated(org: OrgService) -> None:
    rnd = await org.department("RND")
    head = await org.feed_head()

    await org.client.patch(
        f"{API}/departments/{rnd['id']}", json={"name": "研究开发部"}, headers=org.admin()
    )

    event = only(await org.events_after(head), "org.department.updated")
    assert event["subject"]["id"] == rnd["id"]
    assert (event["data"]["name"], event["data"]["changed"]) == ("研究开发部", ["name"])


async def test_hiring_emits_one_employee_created_without_personal_data(org: OrgService) -> None:
    head = await org.feed_head()

    someone = await org.hire("新员工", id_number="310101199001011234", birth_date="1990-01-01")

    event = only(await org.events_after(head), "org.employee.created")
    assert event["subject"] == {"type": "employee", "id": someone["id"]}
    assert (event["data"]["name"], event["data"]["employee_number"]) == (
        "新员工",
        someone["employee_number"],
    )
    assert "id_number" not in event["data"] and "birth_date" not in event["data"]


async def test_changing_an_employee_emits_one_employee_updated_naming_the_fields(
    org: OrgService,
) -> None:
    someone = await org.hire("调岗者", department="RND")
    head = await org.feed_head()

    await org.client.patch(
        f"{API}/employees/{someone['id']}",
        json={"department_id": await org.department_id("TS"), "phone": "400-800"},
        headers=org.hr(),
    )

    event = only(await org.events_after(head), "org.employee.updated")
    assert event["data"]["changed"] == ["department_id", "phone"]
    assert event["data"]["department_id"] == await org.department_id("TS")


async def test_leaving_emits_one_employee_left(org: OrgService) -> None:
    someone = await org.hire("离职者", hire_date="2022-02-01")
    head = await org.feed_head()

    await org.client.post(
        f"{API}/employees/{someone['id']}/leave",
        json={"leave_date": "2025-02-28", "reason": "合同到期"},
        headers=org.hr(),
    )

    event = only(await org.events_after(head), "org.employee.left")
    assert event["subject"]["id"] == someone["id"]
    assert (event["data"]["status"], event["data"]["leave_date"], event["data"]["reason"]) == (
        "left",
        "2025-02-28",
        "合同到期",
    )


async def test_an_import_emits_one_employee_created_per_row(org: OrgService) -> None:
    head = await org.feed_head()
    rows = [(f"EV{i:03d}", f"导入{i}", f"ev{i}@example.cn", "MKT", "2025-01-02") for i in range(25)]

    response = await org.import_csv(csv_rows(rows))
    assert response.status_code == 201, response.text

    events = await org.events_after(head)
    assert {e["type"] for e in events} == {"org.employee.created"}
    assert sorted(e["subject"]["id"] for e in events) == sorted(response.json()["employee_ids"])


async def test_a_change_that_changes_nothing_emits_nothing(org: OrgService) -> None:
    someone = await org.hire("原样", phone="123")
    head = await org.feed_head()

    same = await org.client.patch(
        f"{API}/employees/{someone['id']}", json={"phone": "123"}, headers=org.hr()
    )
    assert same.status_code == 200, same.text
    await org.create_department("MARK")  # a change whose event follows any earlier one

    only(await org.events_after(head), "org.department.created")


async def test_a_department_change_announces_only_the_fields_that_changed(
    org: OrgService,
) -> None:
    rnd = await org.department("RND")
    head = await org.feed_head()

    same = await org.client.patch(
        f"{API}/departments/{rnd['id']}",
        json={"name": rnd["name"], "code": "RND"},
        headers=org.admin(),
    )
    renamed = await org.client.patch(
        f"{API}/departments/{rnd['id']}",
        json={"name": "研究开发部", "code": "RND"},
        headers=org.admin(),
    )

    assert (same.json()["version"], renamed.json()["version"]) == (1, 2)
    event = only(await org.events_after(head), "org.department.updated")
    assert event["data"]["changed"] == ["name"]


async def test_a_refused_change_emits_nothing(org: OrgService) -> None:
    await org.hire("甲", employee_number="DUP-1")
    head = await org.feed_head()

    refused = await org.client.post(
        f"{API}/employees",
        json={
            "employee_number": "DUP-1",
            "name": "乙",
            "email": "yi@example.cn",
            "department_id": await org.department_id("RND"),
            "hire_date": "2025-01-01",
        },
        headers=org.hr(),
    )
    assert_problem(refused, 409, "duplicate_employee_number")
    await org.create_department("MARK")

    only(await org.events_after(head), "org.department.created")


async def test_the_feed_is_for_auditors_admins_and_clients_with_org_read(org: OrgService) -> None:
    for headers in (org.auditor(), org.admin(), org.client_with("org:read")):
        assert (await org.client.get(EVENTS, headers=headers)).status_code == 200
    for headers in (org.hr(), org.employee(), org.client_with("hr:read")):
        assert_problem(await org.client.get(EVENTS, headers=headers), 403)


async def test_the_feed_filters_by_type(org: OrgService) -> None:
    await org.hire("甲")
    await org.create_department("MARK")
    await org.feed_head()

    response = await org.client.get(
        EVENTS, params={"type": "org.department.created"}, headers=org.auditor()
    )

    codes = [e["data"]["code"] for e in response.json()["items"]]
    assert sorted(codes) == sorted(["GMO", "RND", "MKT", "SALES", "TS", "FIN", "HR", "MARK"])


# ---- If-Match --------------------------------------------------------------------------


async def test_a_stale_if_match_on_an_employee_is_refused_and_nothing_changes(
    org: OrgService,
) -> None:
    someone = await org.hire("并发", phone="111")
    first = await org.client.patch(
        f"{API}/employees/{someone['id']}",
        json={"phone": "222"},
        headers={**org.hr(), "If-Match": '"1"'},
    )
    assert first.status_code == 200, first.text
    assert first.headers["etag"] == '"2"'
    head = await org.feed_head()

    stale = await org.client.patch(
        f"{API}/employees/{someone['id']}",
        json={"phone": "333"},
        headers={**org.hr(), "If-Match": '"1"'},
    )

    body = assert_problem(stale, 412, "version_mismatch")
    assert body["current_version"] == 2
    current = await org.get_employee(someone["id"])
    assert (current["phone"], current["version"]) == ("222", 2)
    await org.create_department("MARK")
    only(await org.events_after(head), "org.department.created")


async def test_a_stale_if_match_on_leaving_is_refused(org: OrgService) -> None:
    someone = await org.hire("并发离职", hire_date="2020-01-01")
    await org.client.patch(
        f"{API}/employees/{someone['id']}", json={"phone": "1"}, headers=org.hr()
    )

    response = await org.client.post(
        f"{API}/employees/{someone['id']}/leave",
        json={"leave_date": "2025-01-01"},
        headers={**org.hr(), "If-Match": '"1"'},
    )

    assert_problem(response, 412, "version_mismatch")
    assert (await org.get_employee(someone["id"]))["status"] == "active"


@pytest.mark.parametrize("path", ["company", "department"])
async def test_a_stale_if_match_on_the_company_or_a_department_changes_nothing(
    org: OrgService, path: str
) -> None:
    url = (
        f"{API}/company"
        if path == "company"
        else f"{API}/departments/{await org.department_id('FIN')}"
    )
    before = (await org.client.get(url, headers=org.admin())).json()
    await org.client.patch(url, json={"name": "第一次修改"}, headers=org.admin())

    response = await org.client.patch(
        url,
        json={"name": "第二次修改"},
        headers={**org.admin(), "If-Match": f'"{before["version"]}"'},
    )

    assert_problem(response, 412, "version_mismatch")
    assert (await org.client.get(url, headers=org.admin())).json()["name"] == "第一次修改"


async def test_a_current_if_match_or_a_wildcard_is_accepted(org: OrgService) -> None:
    someone = await org.hire("对版本")

    current = await org.client.patch(
        f"{API}/employees/{someone['id']}",
        json={"phone": "1"},
        headers={**org.hr(), "If-Match": '"1"'},
    )
    wildcard = await org.client.patch(
        f"{API}/employees/{someone['id']}",
        json={"phone": "2"},
        headers={**org.hr(), "If-Match": "*"},
    )

    assert current.status_code == 200 and wildcard.status_code == 200
    assert wildcard.json()["version"] == 3
