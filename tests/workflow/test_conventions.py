"""workflow keeps the platform's conventions: versions as ETag, If-Match honoured on every
change, routes that do not take words for ids, inbox items a person can decide from."""

from typing import Any

import pytest

from tests.problems import assert_problem
from tests.workflow.conftest import API, WorkflowService


def etag(version: int) -> str:
    return f'"{version}"'


async def read_task(wf: WorkflowService, name: str, task_id: str) -> Any:
    response = await wf.client.get(f"{API}/tasks/{task_id}", headers=wf.as_(name))
    assert response.status_code == 200, response.text
    return response


async def test_batch_approve_is_not_read_as_a_task_id(wf: WorkflowService) -> None:
    response = await wf.client.get(f"{API}/tasks/batch-approve", headers=wf.as_("lena"))

    assert_problem(response, 405)
    assert response.headers["allow"] == "POST"


async def test_reads_of_a_task_and_its_request_carry_the_requests_version(
    wf: WorkflowService,
) -> None:
    started = await wf.start("leave", "erin", {"days": 5})
    task = await wf.task_of("lena", started["id"])

    task_read = await read_task(wf, "lena", task["id"])
    instance_read = await wf.client.get(f"{API}/instances/{started['id']}", headers=wf.as_("erin"))

    version = instance_read.json()["version"]
    assert instance_read.headers["etag"] == task_read.headers["etag"] == etag(version)
    assert task_read.json()["instance_version"] == version


async def test_a_decision_on_a_stale_version_is_refused_and_a_current_one_goes_through(
    wf: WorkflowService,
) -> None:
    started = await wf.start("leave", "erin", {"days": 5})
    task = await wf.task_of("lena", started["id"])
    seen = (await read_task(wf, "lena", task["id"])).headers["etag"]
    comment = await wf.client.post(
        f"{API}/instances/{started['id']}/comments",
        json={"comment": "请补充交接安排"},
        headers=wf.as_("erin"),
    )
    assert comment.status_code == 201, comment.text
    assert comment.headers["etag"] != seen  # the trail changed: so did the version

    stale = await wf.client.post(
        f"{API}/tasks/{task['id']}/approve", headers={**wf.as_("lena"), "If-Match": seen}
    )
    current = await wf.client.post(
        f"{API}/tasks/{task['id']}/approve",
        headers={**wf.as_("lena"), "If-Match": comment.headers["etag"]},
    )

    body = assert_problem(stale, 412, "version_mismatch")
    assert etag(body["current_version"]) == comment.headers["etag"]
    assert current.status_code == 200, current.text
    assert current.headers["etag"] == etag(current.json()["version"])
    after = await wf.client.get(f"{API}/instances/{started['id']}", headers=wf.as_("erin"))
    assert after.headers["etag"] == current.headers["etag"]
    assert await wf.pending_approvers(started["id"]) == {"rui"}


@pytest.mark.parametrize(
    ("verb", "body"),
    [("reject", None), ("return", None), ("transfer", {"to_employee_id": "frank"})],
)
async def test_every_decision_honours_if_match(
    wf: WorkflowService, verb: str, body: dict[str, Any] | None
) -> None:
    started = await wf.start("leave", "erin", {"days": 1})
    task = await wf.task_of("lena", started["id"])
    if body and "to_employee_id" in body:
        body = {"to_employee_id": wf.id(body["to_employee_id"])}
    version = (await wf.instance(started["id"]))["version"]

    stale = await wf.client.post(
        f"{API}/tasks/{task['id']}/{verb}",
        json=body,
        headers={**wf.as_("lena"), "If-Match": etag(version - 1)},
    )
    fresh = await wf.client.post(
        f"{API}/tasks/{task['id']}/{verb}",
        json=body,
        headers={**wf.as_("lena"), "If-Match": etag(version)},
    )

    assert_problem(stale, 412, "version_mismatch")
    assert fresh.status_code == 200, fresh.text
    assert fresh.headers["etag"] == etag((await wf.instance(started["id"]))["version"])


async def test_withdraw_resubmit_and_comment_honour_if_match(wf: WorkflowService) -> None:
    started = await wf.start("leave", "erin", {"days": 1})
    await wf.decide("lena", started["id"], "return", comment="请写明原因")
    version = (await wf.instance(started["id"]))["version"]
    stale = {**wf.as_("erin"), "If-Match": etag(version - 1)}
    fresh = {**wf.as_("erin"), "If-Match": etag(version)}
    resubmit_body = {"summary": "家中有事"}

    for path, body in (
        ("comments", {"comment": "好的"}),
        ("resubmit", resubmit_body),
        ("withdraw", None),
    ):
        refused = await wf.client.post(
            f"{API}/instances/{started['id']}/{path}", json=body, headers=stale
        )
        assert_problem(refused, 412, "version_mismatch")

    resubmitted = await wf.client.post(
        f"{API}/instances/{started['id']}/resubmit", json=resubmit_body, headers=fresh
    )
    assert resubmitted.status_code == 200, resubmitted.text
    withdrawn = await wf.client.post(
        f"{API}/instances/{started['id']}/withdraw",
        headers={**wf.as_("erin"), "If-Match": resubmitted.headers["etag"]},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.headers["etag"] == etag(withdrawn.json()["version"])


async def test_a_stranger_learns_nothing_from_if_match(wf: WorkflowService) -> None:
    started = await wf.start("leave", "erin", {"days": 1})
    task = await wf.task_of("lena", started["id"])

    response = await wf.client.post(
        f"{API}/tasks/{task['id']}/approve", headers={**wf.as_("uma"), "If-Match": '"999"'}
    )

    assert_problem(response, 404)


async def test_inbox_tasks_carry_the_requesters_name_and_the_summary(
    wf: WorkflowService,
) -> None:
    response = await wf.client.post(
        f"{API}/instances",
        json={
            "definition_key": "leave",
            "subject": {"service": "hr", "type": "leave_request", "id": "LR-1"},
            "requester_employee_id": wf.id("erin"),
            "title": "年假 2 天",
            "summary": "12 月 1 日至 2 日，回老家",
            "data": {"days": 2},
        },
        headers=wf.service(),
    )
    assert response.status_code == 201, response.text

    [task] = await wf.inbox("lena")
    read = (await read_task(wf, "lena", task["id"])).json()

    for item in (task, read):
        assert item["requester_name"] == "erin"
        assert item["summary"] == "12 月 1 日至 2 日，回老家"
        assert item["title"] == "年假 2 天"
    assert response.json()["requester_name"] == "erin"


async def test_the_list_and_the_read_of_requests_agree_on_who_sees_what(
    wf: WorkflowService,
) -> None:
    leave = await wf.start("leave", "erin", {"days": 5})
    expense = await wf.start("expense_claim", "uma", {"amount": 100}, service="finance")
    everyone = {leave["id"], expense["id"]}

    for name in ("erin", "lena", "rui", "uma", "sol", "fiona", "hana", "frank", "audrey"):
        listed = await wf.client.get(f"{API}/instances", headers=wf.as_(name))
        assert listed.status_code == 200, listed.text
        in_list = {item["id"] for item in listed.json()["items"]} & everyone
        readable = set()
        for instance_id in everyone:
            read = await wf.client.get(f"{API}/instances/{instance_id}", headers=wf.as_(name))
            assert read.status_code in (200, 404), read.text
            if read.status_code == 200:
                readable.add(instance_id)
        assert in_list == readable, name
    # spot checks of the rule itself
    assert await ids_visible_to(wf, "frank") == set()
    assert await ids_visible_to(wf, "hana") == {leave["id"]}  # hr staff: hr's subjects
    assert await ids_visible_to(wf, "fiona") == {expense["id"]}


async def ids_visible_to(wf: WorkflowService, name: str) -> set[str]:
    listed = await wf.client.get(f"{API}/instances", headers=wf.as_(name))
    return {item["id"] for item in listed.json()["items"]}


async def test_ending_a_delegation_honours_if_match(wf: WorkflowService) -> None:
    created = await wf.client.post(
        f"{API}/delegations",
        json={
            "substitute_employee_id": wf.id("frank"),
            "starts_at": wf.clock.now.isoformat(),
            "ends_at": "2026-12-31T00:00:00Z",
        },
        headers=wf.as_("lena"),
    )
    assert created.status_code == 201, created.text
    assert created.headers["etag"] == etag(created.json()["version"])
    path = f"{API}/delegations/{created.json()['id']}/cancel"

    stale = await wf.client.post(path, headers={**wf.as_("lena"), "If-Match": '"0"'})
    ended = await wf.client.post(
        path, headers={**wf.as_("lena"), "If-Match": created.headers["etag"]}
    )

    assert_problem(stale, 412, "version_mismatch")
    assert ended.status_code == 200, ended.text
    assert ended.json()["active"] is False
    assert ended.headers["etag"] == etag(ended.json()["version"])
