"""What people see: the inbox (oldest deadline first, in pages), their requests and copies,
who may read an instance, notifications, and the events other services consume."""

from datetime import timedelta
from typing import Any

from tests.problems import assert_problem
from tests.workflow.conftest import API, START, WorkflowService


def step(key: str, *approvers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"key": key, "name": key, "approvers": list(approvers), **fields}


# ---- the inbox -----------------------------------------------------------------------------


async def test_the_inbox_lists_pending_tasks_oldest_deadline_first_in_pages(
    wf: WorkflowService,
) -> None:
    # leave: 24-hour deadline from the start; supply requisition: no deadline (last).
    no_deadline = await wf.start("supply_requisition", "erin", service="logistics")
    wf.clock.now = START + timedelta(hours=10)
    latest = await wf.start("leave", "erin", {"days": 1})
    wf.clock.now = START + timedelta(hours=2)
    middle = await wf.start("leave", "frank", {"days": 1})
    wf.clock.now = START
    earliest = await wf.start("leave", "sam", {"days": 1})
    expected = [earliest["id"], middle["id"], latest["id"], no_deadline["id"]]

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"assignee": "me", "status": "pending", "limit": 3}
        if cursor:
            params["cursor"] = cursor
        response = await wf.client.get(f"{API}/tasks", params=params, headers=wf.as_("lena"))
        assert response.status_code == 200, response.text
        body = response.json()
        seen += [t["instance_id"] for t in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert (seen, pages) == (expected, 2)
    first = (await wf.inbox("lena"))[0]
    assert (first["title"], first["definition_key"], first["requester_employee_id"]) == (
        earliest["title"],
        "leave",
        wf.id("sam"),
    )


async def test_the_inbox_shows_only_pending_tasks_unless_asked(wf: WorkflowService) -> None:
    decided = await wf.start("leave", "erin", {"days": 1})
    await wf.approve("lena", decided["id"])
    waiting = await wf.start("leave", "frank", {"days": 1})

    approved = await wf.client.get(
        f"{API}/tasks", params={"status": "approved"}, headers=wf.as_("lena")
    )

    assert [t["instance_id"] for t in await wf.inbox("lena")] == [waiting["id"]]
    assert [t["instance_id"] for t in approved.json()["items"]] == [decided["id"]]


async def test_only_admins_and_auditors_read_someone_elses_inbox(wf: WorkflowService) -> None:
    started = await wf.start("leave", "erin", {"days": 1})
    params = {"assignee": wf.id("lena")}

    by_a_colleague = await wf.client.get(f"{API}/tasks", params=params, headers=wf.as_("frank"))
    by_the_auditor = await wf.client.get(f"{API}/tasks", params=params, headers=wf.auditor())

    assert_problem(by_a_colleague, 403)
    assert [t["instance_id"] for t in by_the_auditor.json()["items"]] == [started["id"]]


# ---- my requests, my copies ----------------------------------------------------------------


async def test_requester_me_lists_my_requests_newest_first(wf: WorkflowService) -> None:
    first = await wf.start("leave", "erin", {"days": 1})
    await wf.start("leave", "frank", {"days": 1})
    second = await wf.start("leave", "erin", {"days": 2})

    response = await wf.client.get(
        f"{API}/instances", params={"requester": "me"}, headers=wf.as_("erin")
    )

    assert [i["id"] for i in response.json()["items"]] == [second["id"], first["id"]]


async def test_cc_me_lists_the_requests_copied_to_me(wf: WorkflowService) -> None:
    await wf.define(
        "with_copy",
        step("manager", {"kind": "manager"}),
        cc=[{"kind": "employees", "employee_ids": [wf.id("uma")]}, {"kind": "role", "role": "hr"}],
    )
    copied = await wf.start("with_copy", "erin")
    await wf.start("leave", "erin", {"days": 1})

    for name in ("uma", "hana"):
        response = await wf.client.get(
            f"{API}/instances", params={"cc": "me"}, headers=wf.as_(name)
        )
        assert [i["id"] for i in response.json()["items"]] == [copied["id"]]
        assert [(n["kind"], n["instance_id"]) for n in await wf.notifications(name)] == [
            ("cc", copied["id"])
        ]
    detail = await wf.instance(copied["id"], as_="uma")
    assert sorted(detail["cc"]) == sorted([wf.id("uma"), wf.id("hana")])


async def test_a_person_lists_only_the_instances_they_may_see(wf: WorkflowService) -> None:
    mine = await wf.start("leave", "erin", {"days": 1})
    await wf.start("leave", "uma", {"days": 1})

    as_erin = await wf.client.get(f"{API}/instances", headers=wf.as_("erin"))
    as_lena = await wf.client.get(f"{API}/instances", headers=wf.as_("lena"))
    as_auditor = await wf.client.get(f"{API}/instances", headers=wf.auditor())

    assert [i["id"] for i in as_erin.json()["items"]] == [mine["id"]]
    assert [i["id"] for i in as_lena.json()["items"]] == [mine["id"]]
    assert len(as_auditor.json()["items"]) == 2


# ---- visibility ----------------------------------------------------------------------------


async def test_an_unrelated_employee_gets_404_on_an_instance_and_its_tasks(
    wf: WorkflowService,
) -> None:
    started = await wf.start("leave", "erin", {"days": 1})
    task = await wf.task_of("lena", started["id"])

    instance = await wf.client.get(f"{API}/instances/{started['id']}", headers=wf.as_("uma"))
    read_task = await wf.client.get(f"{API}/tasks/{task['id']}", headers=wf.as_("uma"))
    comment = await wf.client.post(
        f"{API}/instances/{started['id']}/comments", json={"comment": "?"}, headers=wf.as_("uma")
    )

    for response in (instance, read_task, comment):
        assert_problem(response, 404)


async def test_the_requester_and_the_approvers_see_an_instance(wf: WorkflowService) -> None:
    started = await wf.start("leave", "erin", {"days": 5})
    await wf.approve("lena", started["id"])

    for name in ("erin", "lena", "rui"):
        response = await wf.client.get(f"{API}/instances/{started['id']}", headers=wf.as_(name))
        assert response.status_code == 200, (name, response.text)


async def test_the_hr_role_sees_hr_subjects_and_not_finance_ones(wf: WorkflowService) -> None:
    leave = await wf.start("leave", "erin", {"days": 1}, service="hr")
    claim = await wf.start("expense_claim", "erin", {"amount": "1.00"}, service="finance")

    hr_leave = await wf.client.get(f"{API}/instances/{leave['id']}", headers=wf.as_("hana"))
    hr_claim = await wf.client.get(f"{API}/instances/{claim['id']}", headers=wf.as_("hana"))
    listed = await wf.client.get(f"{API}/instances", headers=wf.as_("hana"))

    assert hr_leave.status_code == 200
    assert_problem(hr_claim, 404)
    assert [i["id"] for i in listed.json()["items"]] == [leave["id"]]


async def test_the_auditor_sees_every_instance(wf: WorkflowService) -> None:
    leave = await wf.start("leave", "erin", {"days": 1}, service="hr")
    claim = await wf.start("expense_claim", "uma", {"amount": "1.00"}, service="finance")

    for instance in (leave, claim):
        response = await wf.client.get(f"{API}/instances/{instance['id']}", headers=wf.auditor())
        assert response.status_code == 200


async def test_comments_join_the_trail(wf: WorkflowService) -> None:
    started = await wf.start("leave", "erin", {"days": 1})

    response = await wf.client.post(
        f"{API}/instances/{started['id']}/comments",
        json={"comment": "周五前请批"},
        headers=wf.as_("erin"),
    )

    assert response.status_code == 201, response.text
    last = (await wf.history(started["id"]))[-1]
    assert (last["kind"], last["detail"], last["actor_employee_id"]) == (
        "comment",
        {"comment": "周五前请批"},
        wf.id("erin"),
    )


# ---- notifications -------------------------------------------------------------------------


async def test_approvers_are_notified_of_tasks_and_requesters_of_the_outcome(
    wf: WorkflowService,
) -> None:
    started = await wf.start("leave", "erin", {"days": 5})
    await wf.approve("lena", started["id"])
    await wf.decide("rui", started["id"], "reject")

    assert [(n["kind"], n["instance_id"]) for n in await wf.notifications("lena")] == [
        ("task_assigned", started["id"])
    ]
    assert [n["kind"] for n in await wf.notifications("rui")] == ["task_assigned"]
    outcome = await wf.notifications("erin")
    assert [n["kind"] for n in outcome] == ["outcome"]
    assert "已驳回" in outcome[0]["title"]["zh"]
    assert outcome[0]["title"]["en"].endswith(": rejected")


async def test_notifications_are_marked_read_one_by_one_or_all_at_once(
    wf: WorkflowService,
) -> None:
    for name in ("erin", "frank", "sam"):
        await wf.start("leave", name, {"days": 1})
    first, *rest = await wf.notifications("lena")
    wf.clock.advance(minutes=5)

    read = await wf.client.post(f"{API}/notifications/{first['id']}/read", headers=wf.as_("lena"))
    by_someone_else = await wf.client.post(
        f"{API}/notifications/{rest[0]['id']}/read", headers=wf.as_("frank")
    )

    assert read.status_code == 200, read.text
    assert read.json()["read_at"] == wf.clock.now.isoformat().replace("+00:00", "Z")
    assert_problem(by_someone_else, 404)
    unread = await wf.notifications("lena", unread="true")
    assert sorted(n["id"] for n in unread) == sorted(n["id"] for n in rest)

    everything = await wf.client.post(f"{API}/notifications/read-all", headers=wf.as_("lena"))

    assert everything.status_code == 204
    assert await wf.notifications("lena", unread="true") == []
    assert len(await wf.notifications("lena", unread="false")) == 3


async def test_nobody_reads_someone_elses_notifications(wf: WorkflowService) -> None:
    response = await wf.client.get(
        f"{API}/notifications", params={"recipient": wf.id("lena")}, headers=wf.as_("erin")
    )

    assert_problem(response, 403)


# ---- events --------------------------------------------------------------------------------


async def test_started_assigned_and_completed_are_each_published_once(
    wf: WorkflowService,
) -> None:
    started = await wf.start("leave", "erin", {"days": 2})
    task = await wf.task_of("lena", started["id"])
    await wf.approve("lena", started["id"])

    events = [e for e in await wf.events() if e["data"]["instance_id"] == started["id"]]

    assert [e["type"] for e in events] == [
        "workflow.instance.started",
        "workflow.task.assigned",
        "workflow.instance.completed",
    ]
    subject = {"service": "hr", "type": "leave", "id": started["subject_id"]}
    for event in events:
        assert event["subject"] == {"type": "instance", "id": started["id"]}
        assert event["data"]["subject"] == subject
        assert event["data"]["definition_key"] == "leave"
        assert event["data"]["requester_employee_id"] == wf.id("erin")
    assert events[1]["data"]["task_id"] == task["id"]
    assert events[1]["data"]["assignee_employee_id"] == wf.id("lena")
    assert events[2]["data"]["outcome"] == "approved"
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs)


async def test_a_rejection_is_published_with_its_outcome(wf: WorkflowService) -> None:
    started = await wf.start("leave", "erin", {"days": 2})
    await wf.decide("lena", started["id"], "reject")

    completed = [
        e
        for e in await wf.events("workflow.instance.completed")
        if e["data"]["instance_id"] == started["id"]
    ]

    assert [e["data"]["outcome"] for e in completed] == ["rejected"]


async def test_a_multi_step_approval_assigns_each_step_and_completes_once(
    wf: WorkflowService,
) -> None:
    started = await wf.start("leave", "erin", {"days": 11})
    for name in ("lena", "rui", "guo"):
        await wf.approve(name, started["id"])

    events = [e for e in await wf.events() if e["data"]["instance_id"] == started["id"]]

    assert [e["type"] for e in events].count("workflow.instance.started") == 1
    assert [
        e["data"]["assignee_employee_id"] for e in events if e["type"] == "workflow.task.assigned"
    ] == [
        wf.id("lena"),
        wf.id("rui"),
        wf.id("guo"),
    ]
    assert [e["data"]["outcome"] for e in events if e["type"] == "workflow.instance.completed"] == [
        "approved"
    ]


async def test_people_without_the_auditor_role_cannot_read_the_feed(wf: WorkflowService) -> None:
    as_employee = await wf.client.get(f"{API}/events", headers=wf.as_("erin"))
    as_service = await wf.client.get(f"{API}/events", headers=wf.service("workflow:read"))

    assert_problem(as_employee, 403)
    assert as_service.status_code == 200
