"""Deciding: return and resubmit, withdraw, transfer, substitutes acting, decisions racing
on one step, acting on a decided task, and batch approval."""

import asyncio
from datetime import timedelta
from typing import Any

from tests.problems import assert_problem
from tests.workflow.conftest import API, WorkflowService, kinds


def step(key: str, *approvers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"key": key, "name": key, "approvers": list(approvers), **fields}


def employees(wf: WorkflowService, *names: str) -> dict[str, Any]:
    return {"kind": "employees", "employee_ids": [wf.id(name) for name in names]}


FINANCE_ANY = step("finance", {"kind": "role", "role": "finance"}, mode="any")


def task_statuses(wf: WorkflowService, detail: dict[str, Any]) -> list[tuple[int, str, str]]:
    return [
        (t["round"], wf.directory.name_of(t["assignee_employee_id"]), t["status"])
        for t in detail["tasks"]
    ]


# ---- return and resubmit -------------------------------------------------------------------


async def test_a_returned_request_is_resubmitted_with_new_data_and_starts_over_in_round_two(
    wf: WorkflowService,
) -> None:
    started = await wf.start("leave", "erin", {"days": 5})
    await wf.approve("lena", started["id"])

    returned = await wf.decide("rui", started["id"], "return", comment="请补充交接人")

    assert (returned["status"], returned["round"]) == ("returned", 1)
    assert await wf.inbox("rui") == []
    assert "returned" in [n["kind"] for n in await wf.notifications("erin")]

    response = await wf.client.post(
        f"{API}/instances/{started['id']}/resubmit",
        json={"data": {"days": 2, "handover": "frank"}, "comment": "已补充，改为 2 天"},
        headers=wf.as_("erin"),
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["round"], body["current_step"]) == ("pending", 2, 0)
    assert body["data"] == {"days": 2, "handover": "frank"}
    assert [t["round"] for t in await wf.inbox("lena")] == [2]
    # Two days now: the manager alone decides round 2.
    assert (await wf.approve("lena", started["id"]))["status"] == "approved"
    detail = await wf.instance(started["id"])
    assert task_statuses(wf, detail) == [
        (1, "lena", "approved"),
        (1, "rui", "returned"),
        (2, "lena", "approved"),
    ]
    history = kinds(detail["history"])
    assert history.index("returned") < history.index("resubmitted")
    resubmitted = next(e for e in detail["history"] if e["kind"] == "resubmitted")
    assert resubmitted["detail"] == {"round": 2, "comment": "已补充，改为 2 天"}


async def test_only_the_requester_resubmits_and_only_a_returned_request(
    wf: WorkflowService,
) -> None:
    started = await wf.start("leave", "erin", {"days": 2})
    url = f"{API}/instances/{started['id']}/resubmit"

    too_early = await wf.client.post(url, json={"data": {"days": 1}}, headers=wf.as_("erin"))
    await wf.decide("lena", started["id"], "return")
    by_the_approver = await wf.client.post(url, json={}, headers=wf.as_("lena"))
    by_a_stranger = await wf.client.post(url, json={}, headers=wf.as_("uma"))
    invalid = await wf.client.post(url, json={"data": {"reason": "x"}}, headers=wf.as_("erin"))

    assert_problem(too_early, 409, "instance_not_returned")
    assert_problem(by_the_approver, 403, "requester_only")
    assert_problem(by_a_stranger, 404)
    assert_problem(invalid, 422, "invalid_request_data")
    assert (await wf.instance(started["id"]))["status"] == "returned"


# ---- withdraw ------------------------------------------------------------------------------


async def test_the_requester_withdraws_a_pending_request(wf: WorkflowService) -> None:
    started = await wf.start("leave", "erin", {"days": 5})

    response = await wf.client.post(
        f"{API}/instances/{started['id']}/withdraw",
        json={"comment": "计划有变"},
        headers=wf.as_("erin"),
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "withdrawn"
    assert await wf.inbox("lena") == []
    detail = await wf.instance(started["id"])
    assert task_statuses(wf, detail) == [(1, "lena", "cancelled")]
    assert kinds(detail["history"])[-2:] == ["withdrawn", "completed"]


async def test_a_requester_is_not_told_of_their_own_withdrawal_but_the_approvers_are(
    wf: WorkflowService,
) -> None:
    await wf.define("countersign", step("all", employees(wf, "frank", "sam"), mode="all"))
    await wf.delegate("sam", "fiona")
    started = await wf.start("countersign", "erin")
    await wf.approve("frank", started["id"])

    response = await wf.client.post(
        f"{API}/instances/{started['id']}/withdraw", headers=wf.as_("erin")
    )

    assert response.status_code == 200, response.text
    assert [n["kind"] for n in await wf.notifications("erin")] == []
    # sam's task (held by fiona) left both their inboxes; frank had already decided.
    for name in ("sam", "fiona"):
        outcomes = [n for n in await wf.notifications(name) if n["kind"] == "outcome"]
        assert [(n["instance_id"], n["title"]) for n in outcomes] == [
            (
                started["id"],
                {"zh": f"{started['title']}：已撤回", "en": f"{started['title']}: withdrawn"},
            )
        ]
    assert "outcome" not in [n["kind"] for n in await wf.notifications("frank")]


async def test_a_requester_is_told_when_the_owning_service_withdraws_for_them(
    wf: WorkflowService,
) -> None:
    started = await wf.start("leave", "erin", {"days": 2})

    response = await wf.client.post(
        f"{API}/instances/{started['id']}/withdraw", headers=wf.service()
    )

    assert response.status_code == 200, response.text
    assert [n["kind"] for n in await wf.notifications("erin")] == ["outcome"]
    assert "outcome" in [n["kind"] for n in await wf.notifications("lena")]


async def test_a_requester_is_still_told_the_outcome_others_decided(wf: WorkflowService) -> None:
    approved = await wf.start("leave", "erin", {"days": 2})
    rejected = await wf.start("leave", "erin", {"days": 2})

    await wf.approve("lena", approved["id"])
    await wf.decide("lena", rejected["id"], "reject")

    outcomes = [n for n in await wf.notifications("erin") if n["kind"] == "outcome"]
    assert sorted(n["title"]["en"] for n in outcomes) == sorted(
        [f"{approved['title']}: approved", f"{rejected['title']}: rejected"]
    )


async def test_a_returned_request_may_be_withdrawn(wf: WorkflowService) -> None:
    started = await wf.start("leave", "erin", {"days": 2})
    await wf.decide("lena", started["id"], "return")

    response = await wf.client.post(
        f"{API}/instances/{started['id']}/withdraw", headers=wf.as_("erin")
    )

    assert response.json()["status"] == "withdrawn"


async def test_someone_else_may_not_withdraw_and_a_finished_request_cannot_be(
    wf: WorkflowService,
) -> None:
    started = await wf.start("leave", "erin", {"days": 2})
    url = f"{API}/instances/{started['id']}/withdraw"

    by_the_approver = await wf.client.post(url, headers=wf.as_("lena"))
    by_a_stranger = await wf.client.post(url, headers=wf.as_("uma"))
    await wf.approve("lena", started["id"])
    after_the_end = await wf.client.post(url, headers=wf.as_("erin"))

    assert_problem(by_the_approver, 403, "requester_only")
    assert_problem(by_a_stranger, 404)
    assert_problem(after_the_end, 409, "instance_closed")
    assert (await wf.instance(started["id"]))["status"] == "approved"


async def test_the_owning_service_may_withdraw_for_the_requester(wf: WorkflowService) -> None:
    started = await wf.start("leave", "erin", {"days": 2})

    response = await wf.client.post(
        f"{API}/instances/{started['id']}/withdraw", headers=wf.service()
    )

    assert response.json()["status"] == "withdrawn"


# ---- transfer ------------------------------------------------------------------------------


async def test_a_transferred_task_is_decided_by_its_new_assignee_not_the_old(
    wf: WorkflowService,
) -> None:
    started = await wf.start("leave", "erin", {"days": 2})
    old = await wf.task_of("lena", started["id"])

    response = await wf.act(
        "lena", old["id"], "transfer", to_employee_id=wf.id("sam"), comment="我出差"
    )

    assert response.status_code == 200, response.text
    new = response.json()
    assert (new["assignee_employee_id"], new["status"]) == (wf.id("sam"), "pending")
    assert (new["step_key"], new["due_at"]) == (old["step_key"], old["due_at"])
    assert await wf.inbox("lena") == []
    assert [t["id"] for t in await wf.inbox("sam")] == [new["id"]]
    assert_problem(await wf.act("lena", new["id"]), 404)
    assert_problem(await wf.act("lena", old["id"]), 409, "task_already_decided")
    assert (await wf.approve("sam", started["id"]))["status"] == "approved"
    detail = await wf.instance(started["id"])
    assert task_statuses(wf, detail) == [(1, "lena", "transferred"), (1, "sam", "approved")]
    transferred = next(e for e in detail["history"] if e["kind"] == "transferred")
    assert transferred["detail"]["to_employee"] == wf.id("sam")


async def test_a_task_cannot_be_transferred_to_the_requester_or_someone_who_left(
    wf: WorkflowService,
) -> None:
    started = await wf.start("leave", "erin", {"days": 2})
    task = await wf.task_of("lena", started["id"])
    wf.directory.people["frank"].left = True

    to_requester = await wf.act("lena", task["id"], "transfer", to_employee_id=wf.id("erin"))
    to_leaver = await wf.act("lena", task["id"], "transfer", to_employee_id=wf.id("frank"))
    by_a_stranger = await wf.act("uma", task["id"], "transfer", to_employee_id=wf.id("sam"))

    assert_problem(to_requester, 422, "invalid_transfer")
    assert_problem(to_leaver, 422, "unknown_employee")
    assert_problem(by_a_stranger, 404)
    assert [t["id"] for t in await wf.inbox("lena")] == [task["id"]]


async def test_a_task_cannot_be_transferred_to_someone_already_asked_in_the_step(
    wf: WorkflowService,
) -> None:
    await wf.define("countersign", step("all", employees(wf, "frank", "sam"), mode="all"))
    await wf.define("in_turn", step("chain", employees(wf, "frank", "sam"), mode="sequential"))
    countersign = await wf.start("countersign", "erin")
    in_turn = await wf.start("in_turn", "erin")
    franks = await wf.task_of("frank", countersign["id"])
    franks_turn = await wf.task_of("frank", in_turn["id"])

    to_a_fellow_approver = await wf.act(
        "frank", franks["id"], "transfer", to_employee_id=wf.id("sam")
    )
    to_the_next_in_turn = await wf.act(
        "frank", franks_turn["id"], "transfer", to_employee_id=wf.id("sam")
    )

    problem = assert_problem(to_a_fellow_approver, 409, "already_assigned_in_step")
    assert wf.id("sam") in problem["detail"]
    assert_problem(to_the_next_in_turn, 409, "already_assigned_in_step")
    # Nothing changed: frank still holds his tasks and sam was asked once on each request.
    for started in (countersign, in_turn):
        detail = await wf.instance(started["id"])
        assert [
            t["status"] for t in detail["tasks"] if t["assignee_employee_id"] == wf.id("frank")
        ] == ["pending"]
        assert [t["assignee_employee_id"] for t in detail["tasks"]].count(wf.id("sam")) == 1
        assert "transferred" not in kinds(detail["history"])


async def test_a_task_cannot_be_transferred_to_an_approver_whose_substitute_holds_their_task(
    wf: WorkflowService,
) -> None:
    await wf.define("countersign", step("all", employees(wf, "frank", "lena"), mode="all"))
    await wf.delegate("lena", "sam")
    started = await wf.start("countersign", "erin")
    franks = await wf.task_of("frank", started["id"])

    to_lena = await wf.act("frank", franks["id"], "transfer", to_employee_id=wf.id("lena"))
    to_sam = await wf.act("frank", franks["id"], "transfer", to_employee_id=wf.id("sam"))

    # sam holds lena's task for her: lena is already asked, and so is sam (as her substitute).
    assert_problem(to_lena, 409, "already_assigned_in_step")
    assert_problem(to_sam, 409, "already_assigned_in_step")
    assert await wf.pending_approvers(started["id"]) == {"frank", "sam"}


async def test_someone_asked_in_another_step_or_who_handed_the_task_on_may_receive_it(
    wf: WorkflowService,
) -> None:
    # Five days: lena (manager), then rui (head of RND).
    started = await wf.start("leave", "erin", {"days": 5})
    await wf.approve("lena", started["id"])
    ruis = await wf.task_of("rui", started["id"])

    to_lena = await wf.act("rui", ruis["id"], "transfer", to_employee_id=wf.id("lena"))
    assert to_lena.status_code == 200, to_lena.text
    back = await wf.act("lena", to_lena.json()["id"], "transfer", to_employee_id=wf.id("rui"))

    assert back.status_code == 200, back.text
    assert await wf.pending_approvers(started["id"]) == {"rui"}
    assert (await wf.approve("rui", started["id"]))["status"] == "approved"


async def test_a_task_transferred_to_someone_away_goes_to_their_substitute(
    wf: WorkflowService,
) -> None:
    await wf.delegate("frank", "fiona", reason="出差")
    started = await wf.start("leave", "erin", {"days": 2})
    task = await wf.task_of("lena", started["id"])

    response = await wf.act("lena", task["id"], "transfer", to_employee_id=wf.id("frank"))

    assert response.status_code == 200, response.text
    new = response.json()
    assert (new["assignee_employee_id"], new["original_assignee_id"]) == (
        wf.id("fiona"),
        wf.id("frank"),
    )
    assert [t["id"] for t in await wf.inbox("frank")] == [new["id"]]  # both see it
    assert "task_assigned" in [n["kind"] for n in await wf.notifications("fiona")]
    history = await wf.history(started["id"])
    assert kinds(history)[-2:] == ["transferred", "delegated"]
    assert history[-1]["detail"] == {
        "approver": wf.id("frank"),
        "substitute": wf.id("fiona"),
    }

    assert (await wf.approve("fiona", started["id"]))["status"] == "approved"
    decided = (await wf.instance(started["id"]))["tasks"][-1]
    assert (decided["decided_by_employee_id"], decided["on_behalf_of_employee_id"]) == (
        wf.id("fiona"),
        wf.id("frank"),
    )


async def test_a_task_transferred_to_someone_whose_substitute_is_the_requester_stays_with_them(
    wf: WorkflowService,
) -> None:
    await wf.delegate("frank", "erin")
    started = await wf.start("leave", "erin", {"days": 2})
    task = await wf.task_of("lena", started["id"])

    response = await wf.act("lena", task["id"], "transfer", to_employee_id=wf.id("frank"))

    assert response.status_code == 200, response.text
    new = response.json()
    assert (new["assignee_employee_id"], new["original_assignee_id"]) == (wf.id("frank"), None)
    assert await wf.inbox("erin") == []


async def test_a_substitute_handing_a_task_back_to_its_approver_does_not_get_it_again(
    wf: WorkflowService,
) -> None:
    await wf.delegate("lena", "sam")
    started = await wf.start("leave", "erin", {"days": 2})
    held = await wf.task_of("sam", started["id"])

    response = await wf.act("sam", held["id"], "transfer", to_employee_id=wf.id("lena"))

    assert response.status_code == 200, response.text
    new = response.json()
    assert (new["assignee_employee_id"], new["original_assignee_id"]) == (wf.id("lena"), None)
    assert await wf.inbox("sam") == []


# ---- substitutes ---------------------------------------------------------------------------


async def test_a_substitute_receives_new_tasks_and_decides_on_behalf_of_the_approver(
    wf: WorkflowService,
) -> None:
    await wf.delegate("lena", "sam", reason="年假")

    started = await wf.start("leave", "erin", {"days": 2})

    task = await wf.task_of("sam", started["id"])
    assert (task["assignee_employee_id"], task["original_assignee_id"]) == (
        wf.id("sam"),
        wf.id("lena"),
    )
    assert [t["id"] for t in await wf.inbox("lena")] == [task["id"]]  # both see it
    assert "task_assigned" in [n["kind"] for n in await wf.notifications("sam")]

    assert (await wf.approve("sam", started["id"]))["status"] == "approved"

    detail = await wf.instance(started["id"])
    decided = detail["tasks"][0]
    assert (decided["decided_by_employee_id"], decided["on_behalf_of_employee_id"]) == (
        wf.id("sam"),
        wf.id("lena"),
    )
    approved = next(e for e in detail["history"] if e["kind"] == "approved")
    assert (approved["actor_employee_id"], approved["on_behalf_of_employee_id"]) == (
        wf.id("sam"),
        wf.id("lena"),
    )
    assert "delegated" in kinds(detail["history"])


async def test_the_approver_may_still_decide_a_task_their_substitute_holds(
    wf: WorkflowService,
) -> None:
    await wf.delegate("lena", "sam")
    started = await wf.start("leave", "erin", {"days": 2})

    assert (await wf.approve("lena", started["id"]))["status"] == "approved"

    decided = (await wf.instance(started["id"]))["tasks"][0]
    assert (decided["decided_by_employee_id"], decided["on_behalf_of_employee_id"]) == (
        wf.id("lena"),
        None,
    )


async def test_a_substitute_stops_receiving_tasks_when_the_delegation_ends(
    wf: WorkflowService,
) -> None:
    await wf.delegate("lena", "sam", days=1)
    during = await wf.start("leave", "erin", {"days": 2})
    wf.clock.advance(days=2)

    after = await wf.start("leave", "frank", {"days": 2})

    assert await wf.pending_approvers(during["id"]) == {"sam"}
    assert await wf.pending_approvers(after["id"]) == {"lena"}


async def test_a_cancelled_delegation_sends_new_tasks_back_to_the_approver(
    wf: WorkflowService,
) -> None:
    delegation = await wf.delegate("lena", "sam")
    cancel = await wf.client.post(
        f"{API}/delegations/{delegation['id']}/cancel", headers=wf.as_("lena")
    )
    again = await wf.client.post(
        f"{API}/delegations/{delegation['id']}/cancel", headers=wf.as_("lena")
    )

    started = await wf.start("leave", "erin", {"days": 2})

    assert cancel.json()["active"] is False
    assert_problem(again, 409, "delegation_inactive")
    assert await wf.pending_approvers(started["id"]) == {"lena"}


async def test_a_delegation_limited_to_some_definitions_applies_to_those_only(
    wf: WorkflowService,
) -> None:
    await wf.delegate("lena", "sam", definition_keys=["expense_claim"])

    leave = await wf.start("leave", "erin", {"days": 2})
    claim = await wf.start("expense_claim", "erin", {"amount": "10.00"}, service="finance")

    assert await wf.pending_approvers(leave["id"]) == {"lena"}
    assert await wf.pending_approvers(claim["id"]) == {"sam"}


async def test_a_requester_named_as_substitute_never_approves_their_own_request(
    wf: WorkflowService,
) -> None:
    earlier = await wf.start("leave", "sam", {"days": 2})
    await wf.delegate("lena", "sam")

    later = await wf.start("leave", "sam", {"days": 2})

    # The new task stays with lena, and sam cannot act on the older one as her substitute.
    assert await wf.pending_approvers(later["id"]) == {"lena"}
    older_task = await wf.task_of("lena", earlier["id"])
    assert_problem(await wf.act("sam", older_task["id"]), 404)
    assert [t["instance_id"] for t in await wf.inbox("sam")] == []
    # Everyone else's new requests still go to sam.
    other = await wf.start("leave", "erin", {"days": 2})
    assert await wf.pending_approvers(other["id"]) == {"sam"}


async def test_a_substitute_may_decide_a_task_assigned_before_the_delegation(
    wf: WorkflowService,
) -> None:
    started = await wf.start("leave", "erin", {"days": 2})
    task = await wf.task_of("lena", started["id"])
    await wf.delegate("lena", "sam")

    response = await wf.act("sam", task["id"])

    assert response.status_code == 200, response.text
    decided = (await wf.instance(started["id"]))["tasks"][0]
    assert decided["on_behalf_of_employee_id"] == wf.id("lena")


async def test_people_name_their_own_substitutes_and_hr_may_name_anyones(
    wf: WorkflowService,
) -> None:
    body = {
        "employee_id": wf.id("lena"),
        "substitute_employee_id": wf.id("sam"),
        "starts_at": wf.clock.now.isoformat(),
        "ends_at": (wf.clock.now + timedelta(days=1)).isoformat(),
    }

    by_a_colleague = await wf.client.post(f"{API}/delegations", json=body, headers=wf.as_("frank"))
    by_hr = await wf.client.post(f"{API}/delegations", json=body, headers=wf.as_("hana"))
    to_self = await wf.client.post(
        f"{API}/delegations",
        json={**body, "substitute_employee_id": wf.id("lena")},
        headers=wf.as_("lena"),
    )
    backwards = await wf.client.post(
        f"{API}/delegations",
        json={**body, "ends_at": body["starts_at"], "starts_at": body["ends_at"]},
        headers=wf.as_("lena"),
    )

    assert_problem(by_a_colleague, 403)
    assert by_hr.status_code == 201, by_hr.text
    assert_problem(to_self, 422, "invalid_substitute")
    assert_problem(backwards, 422)
    listed = await wf.client.get(f"{API}/delegations", headers=wf.as_("sam"))
    assert [d["id"] for d in listed.json()["items"]] == [by_hr.json()["id"]]


# ---- decisions racing, decided tasks, batches -----------------------------------------------


async def test_two_approvers_of_one_any_step_approving_at_once_exactly_one_decides(
    wf: WorkflowService,
) -> None:
    await wf.define("finance_check", FINANCE_ANY)
    for _ in range(3):
        started = await wf.start("finance_check", "erin")
        tasks = await wf.open_tasks(started["id"])

        answers = await asyncio.gather(
            wf.act("fei", tasks["fei"]["id"]), wf.act("fiona", tasks["fiona"]["id"])
        )

        assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
        loser = next(a for a in answers if a.status_code == 409)
        assert_problem(loser, 409)
        detail = await wf.instance(started["id"])
        assert detail["status"] == "approved"
        assert sorted(t["status"] for t in detail["tasks"]) == ["approved", "cancelled"]
        assert kinds(detail["history"]).count("completed") == 1
        completed = [
            e
            for e in await wf.events("workflow.instance.completed")
            if e["data"]["instance_id"] == started["id"]
        ]
        assert len(completed) == 1


async def test_acting_on_a_decided_task_is_409(wf: WorkflowService) -> None:
    started = await wf.start("leave", "erin", {"days": 2})
    task = await wf.task_of("lena", started["id"])
    assert (await wf.act("lena", task["id"])).status_code == 200

    for verb in ("approve", "reject", "return"):
        assert_problem(await wf.act("lena", task["id"], verb), 409, "task_already_decided")
    transfer = await wf.act("lena", task["id"], "transfer", to_employee_id=wf.id("sam"))
    assert_problem(transfer, 409, "task_already_decided")


async def test_someone_elses_task_is_404_whatever_its_state(wf: WorkflowService) -> None:
    started = await wf.start("leave", "erin", {"days": 2})
    task = await wf.task_of("lena", started["id"])

    pending = await wf.act("frank", task["id"])
    await wf.act("lena", task["id"])
    decided = await wf.act("frank", task["id"])
    unknown = await wf.act("frank", "01a21055-0000-7000-8000-000000000000")

    for response in (pending, decided, unknown):
        assert_problem(response, 404)


async def test_a_service_client_cannot_decide_a_task(wf: WorkflowService) -> None:
    started = await wf.start("leave", "erin", {"days": 2})
    task = await wf.task_of("lena", started["id"])

    response = await wf.client.post(f"{API}/tasks/{task['id']}/approve", headers=wf.service())

    assert_problem(response, 404)


async def test_batch_approve_with_one_task_not_yours_approves_the_others(
    wf: WorkflowService,
) -> None:
    mine = [await wf.start("leave", name, {"days": 2}) for name in ("erin", "frank", "sam")]
    not_mine = await wf.start("leave", "lena", {"days": 2})  # rui approves lena's leave
    ids = [(await wf.task_of("lena", i["id"]))["id"] for i in mine]
    other = (await wf.task_of("rui", not_mine["id"]))["id"]

    response = await wf.client.post(
        f"{API}/tasks/batch-approve",
        json={"task_ids": [ids[0], other, ids[1], ids[2]], "comment": "同意"},
        headers=wf.as_("lena"),
    )

    assert response.status_code == 200, response.text
    results = {r["task_id"]: r for r in response.json()}
    assert [results[i]["status"] for i in ids] == [200, 200, 200]
    assert (results[other]["status"], results[other]["code"]) == (404, "not_found")
    for instance in mine:
        assert (await wf.instance(instance["id"]))["status"] == "approved"
    assert (await wf.instance(not_mine["id"]))["status"] == "pending"
    assert [t["id"] for t in await wf.inbox("rui")] == [other]


async def test_batch_approve_reports_a_task_already_decided(wf: WorkflowService) -> None:
    started = await wf.start("leave", "erin", {"days": 2})
    task = await wf.task_of("lena", started["id"])
    await wf.act("lena", task["id"])

    response = await wf.client.post(
        f"{API}/tasks/batch-approve", json={"task_ids": [task["id"]]}, headers=wf.as_("lena")
    )

    assert response.json() == [
        {
            "task_id": task["id"],
            "status": 409,
            "code": "task_already_decided",
            "detail": "this task is already approved",
        }
    ]
