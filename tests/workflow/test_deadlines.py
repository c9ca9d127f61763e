"""Deadlines, driven by a clock the test moves and ``run_due``: reminders (once, repeated,
never twice for one moment), escalation to the assignee's manager, automatic decisions."""

from datetime import timedelta
from typing import Any

from tests.problems import assert_problem
from tests.workflow.conftest import START, WorkflowService, kinds


def step(key: str, *approvers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"key": key, "name": key, "approvers": list(approvers), **fields}


def employees(wf: WorkflowService, *names: str) -> dict[str, Any]:
    return {"kind": "employees", "employee_ids": [wf.id(name) for name in names]}


async def reminders(wf: WorkflowService, name: str) -> int:
    return [n["kind"] for n in await wf.notifications(name)].count("reminder")


async def test_a_reminder_is_sent_once_when_the_deadline_passes(wf: WorkflowService) -> None:
    await wf.define(
        "remind_once",
        step("manager", {"kind": "manager"}, deadline={"hours": 24, "action": "remind"}),
    )
    started = await wf.start("remind_once", "erin")
    task = await wf.task_of("lena", started["id"])
    assert task["due_at"] == (START + timedelta(hours=24)).isoformat().replace("+00:00", "Z")

    wf.clock.advance(hours=23)
    assert await wf.run_due() == {}
    assert await reminders(wf, "lena") == 0

    wf.clock.advance(hours=2)
    assert await wf.run_due() == {"remind": 1}
    assert await wf.run_due() == {}  # the same moment again: nothing more
    wf.clock.advance(days=5)
    assert await wf.run_due() == {}

    assert await reminders(wf, "lena") == 1
    assert (await wf.instance(started["id"]))["status"] == "pending"
    reminded = [e for e in await wf.history(started["id"]) if e["kind"] == "reminded"]
    assert [e["detail"]["reminder"] for e in reminded] == [1]


async def test_a_repeating_reminder_comes_again_every_repeat_hours(wf: WorkflowService) -> None:
    # The built-in leave reminds the manager after 24 hours, then every 24 hours.
    started = await wf.start("leave", "erin", {"days": 2})

    wf.clock.advance(hours=25)
    assert await wf.run_due() == {"remind": 1}
    assert await wf.run_due() == {}
    assert await reminders(wf, "lena") == 1

    wf.clock.advance(hours=12)
    assert await wf.run_due() == {}
    wf.clock.advance(hours=12)
    assert await wf.run_due() == {"remind": 1}
    assert await reminders(wf, "lena") == 2

    await wf.approve("lena", started["id"])
    wf.clock.advance(days=3)
    assert await wf.run_due() == {}
    assert await reminders(wf, "lena") == 2


async def test_a_late_sweep_sends_one_reminder_not_one_per_missed_interval(
    wf: WorkflowService,
) -> None:
    await wf.start("leave", "erin", {"days": 2})

    wf.clock.advance(hours=100)  # four reminder intervals passed with nobody sweeping
    assert await wf.run_due() == {"remind": 1}
    assert await wf.run_due() == {}
    wf.clock.advance(hours=19)  # the next one is due 24 hours after the last interval (120 h)
    assert await wf.run_due() == {}
    wf.clock.advance(hours=1)
    assert await wf.run_due() == {"remind": 1}

    assert await reminders(wf, "lena") == 2


async def test_an_escalated_countersign_task_is_completed_by_the_manager(
    wf: WorkflowService,
) -> None:
    await wf.define(
        "countersign",
        step(
            "all",
            employees(wf, "frank", "fiona"),
            mode="all",
            deadline={"hours": 8, "action": "escalate"},
        ),
    )
    started = await wf.start("countersign", "erin")
    await wf.approve("fiona", started["id"])
    wf.clock.advance(hours=9)

    assert await wf.run_due() == {"escalate": 1}
    done = await wf.approve("lena", started["id"])  # frank's manager

    assert done["status"] == "approved"


async def test_running_the_sweep_twice_at_the_same_moment_sends_one_reminder(
    wf: WorkflowService,
) -> None:
    for name in ("erin", "frank", "sam"):
        await wf.start("leave", name, {"days": 2})
    wf.clock.advance(hours=24)

    first = await wf.run_due()
    second = await wf.run_due()

    assert (first, second) == ({"remind": 3}, {})
    assert await reminders(wf, "lena") == 3


async def test_an_overdue_task_escalates_to_the_assignees_manager(wf: WorkflowService) -> None:
    # The built-in expense claim escalates the manager step after 72 hours.
    started = await wf.start("expense_claim", "erin", {"amount": "300.00"}, service="finance")
    old = await wf.task_of("lena", started["id"])

    wf.clock.advance(hours=71)
    assert await wf.run_due() == {}
    wf.clock.advance(hours=2)
    assert await wf.run_due() == {"escalate": 1}
    assert await wf.run_due() == {}

    assert await wf.inbox("lena") == []
    new = await wf.task_of("rui", started["id"])
    assert new["due_at"] == (wf.clock.now + timedelta(hours=72)).isoformat().replace("+00:00", "Z")
    assert_problem(await wf.act("lena", old["id"]), 409, "task_already_decided")
    rui_heard = [n["kind"] for n in await wf.notifications("rui")]
    assert sorted(rui_heard) == ["escalation", "task_assigned"]
    escalated = next(e for e in await wf.history(started["id"]) if e["kind"] == "escalated")
    assert escalated["detail"]["to_employee"] == wf.id("rui")

    await wf.approve("rui", started["id"])
    assert await wf.pending_approvers(started["id"]) == {"fei", "fiona"}


async def test_escalation_with_nobody_above_reminds_instead(wf: WorkflowService) -> None:
    await wf.define(
        "gm_only",
        step(
            "gm",
            {"kind": "department_head", "department_code": "GMO"},
            deadline={"hours": 8, "action": "escalate"},
        ),
    )
    started = await wf.start("gm_only", "erin")

    wf.clock.advance(hours=9)

    assert await wf.run_due() == {"remind": 1}
    assert await wf.pending_approvers(started["id"]) == {"guo"}
    assert await reminders(wf, "guo") == 1
    assert await wf.run_due() == {}


async def test_escalation_never_goes_to_the_requester(wf: WorkflowService) -> None:
    # erin approves lena's request; erin's manager is lena herself.
    await wf.define(
        "by_erin", step("erin", employees(wf, "erin"), deadline={"hours": 8, "action": "escalate"})
    )
    started = await wf.start("by_erin", "lena")

    wf.clock.advance(hours=9)

    assert await wf.run_due() == {"remind": 1}
    assert await wf.pending_approvers(started["id"]) == {"erin"}
    assert await wf.inbox("lena") == []


async def test_an_overdue_step_with_action_approve_is_approved_automatically(
    wf: WorkflowService,
) -> None:
    await wf.define(
        "auto_yes",
        step("check", employees(wf, "frank"), deadline={"hours": 8, "action": "approve"}),
        step("manager", {"kind": "manager"}),
    )
    started = await wf.start("auto_yes", "erin")

    wf.clock.advance(hours=8)

    assert await wf.run_due() == {"approve": 1}
    assert await wf.pending_approvers(started["id"]) == {"lena"}
    detail = await wf.instance(started["id"])
    assert detail["tasks"][0]["status"] == "approved"
    assert detail["tasks"][0]["decided_by_employee_id"] is None
    auto = next(e for e in detail["history"] if e["kind"] == "auto_approved")
    assert auto["actor"] == "system"


async def test_an_overdue_step_with_action_reject_is_rejected_automatically(
    wf: WorkflowService,
) -> None:
    await wf.define(
        "auto_no",
        step("check", employees(wf, "frank", "sam"), deadline={"hours": 8, "action": "reject"}),
    )
    started = await wf.start("auto_no", "erin")

    wf.clock.advance(hours=9)

    assert await wf.run_due() == {"reject": 1}
    detail = await wf.instance(started["id"])
    assert detail["status"] == "rejected"
    assert sorted(t["status"] for t in detail["tasks"]) == ["cancelled", "rejected"]
    assert kinds(detail["history"])[-2:] == ["auto_rejected", "completed"]
    assert "outcome" in [n["kind"] for n in await wf.notifications("erin")]


async def test_a_task_decided_before_its_deadline_is_left_alone(wf: WorkflowService) -> None:
    await wf.define(
        "auto_no",
        step("check", employees(wf, "frank"), deadline={"hours": 8, "action": "reject"}),
    )
    started = await wf.start("auto_no", "erin")
    wf.clock.advance(hours=7)
    await wf.approve("frank", started["id"])

    wf.clock.advance(hours=2)

    assert await wf.run_due() == {}
    assert (await wf.instance(started["id"]))["status"] == "approved"


async def test_a_sequential_approvers_deadline_counts_from_their_turn(
    wf: WorkflowService,
) -> None:
    await wf.define(
        "in_turn",
        step(
            "chain",
            employees(wf, "frank", "sam"),
            mode="sequential",
            deadline={"hours": 10, "action": "remind"},
        ),
    )
    started = await wf.start("in_turn", "erin")
    wf.clock.advance(hours=8)
    await wf.approve("frank", started["id"])

    wf.clock.advance(hours=5)  # 13 hours after the start, 5 after sam's turn began
    assert await wf.run_due() == {}
    wf.clock.advance(hours=5)
    assert await wf.run_due() == {"remind": 1}

    assert await reminders(wf, "sam") == 1
    assert await reminders(wf, "frank") == 0


# ---- escalation never asks anyone twice, and honours substitutes ---------------------------


async def test_an_escalation_to_a_manager_already_asked_in_the_step_keeps_their_one_task(
    wf: WorkflowService,
) -> None:
    # erin and frank both report to lena; both are overdue at once.
    await wf.define(
        "countersign",
        step(
            "all",
            employees(wf, "erin", "frank"),
            mode="all",
            deadline={"hours": 8, "action": "escalate"},
        ),
    )
    started = await wf.start("countersign", "uma")
    wf.clock.advance(hours=9)

    assert await wf.run_due() == {"escalate": 2}

    detail = await wf.instance(started["id"])
    statuses = [
        (wf.directory.name_of(t["assignee_employee_id"]), t["status"]) for t in detail["tasks"]
    ]
    assert sorted(statuses) == [("erin", "escalated"), ("frank", "escalated"), ("lena", "pending")]
    escalated = [e for e in detail["history"] if e["kind"] == "escalated"]
    assert [e["detail"]["to_employee"] for e in escalated] == [wf.id("lena")] * 2
    lenas = next(t for t in detail["tasks"] if t["status"] == "pending")
    # The first escalation gave lena her task; the second kept it rather than add another.
    assert sorted(
        (key, value) for e in escalated for key, value in e["detail"].items() if "task" in key
    ) == [("kept_task", lenas["id"]), ("new_task", lenas["id"])]
    heard = [n["kind"] for n in await wf.notifications("lena")]
    assert sorted(heard) == ["escalation", "escalation", "task_assigned"]

    # lena's one approval stands for both overdue countersigners.
    assert (await wf.approve("lena", started["id"]))["status"] == "approved"


async def test_an_escalation_to_the_next_in_turn_starts_their_turn_now(
    wf: WorkflowService,
) -> None:
    await wf.define(
        "in_turn",
        step(
            "chain",
            employees(wf, "frank", "lena"),
            mode="sequential",
            deadline={"hours": 8, "action": "escalate"},
        ),
    )
    started = await wf.start("in_turn", "erin")
    wf.clock.advance(hours=9)

    assert await wf.run_due() == {"escalate": 1}

    detail = await wf.instance(started["id"])
    assert [
        (wf.directory.name_of(t["assignee_employee_id"]), t["status"]) for t in detail["tasks"]
    ] == [
        ("frank", "escalated"),
        ("lena", "pending"),
    ]
    lenas = await wf.task_of("lena", started["id"])
    assert lenas["due_at"] == (wf.clock.now + timedelta(hours=8)).isoformat().replace("+00:00", "Z")
    assert sorted(n["kind"] for n in await wf.notifications("lena")) == [
        "escalation",
        "task_assigned",
    ]
    assert (await wf.approve("lena", started["id"]))["status"] == "approved"


async def test_an_escalated_task_goes_to_the_managers_substitute(wf: WorkflowService) -> None:
    await wf.delegate("rui", "sol", reason="年假")
    # The built-in expense claim escalates the manager step after 72 hours.
    started = await wf.start("expense_claim", "erin", {"amount": "300.00"}, service="finance")
    wf.clock.advance(hours=73)

    assert await wf.run_due() == {"escalate": 1}

    held = await wf.task_of("sol", started["id"])
    assert (held["assignee_employee_id"], held["original_assignee_id"]) == (
        wf.id("sol"),
        wf.id("rui"),
    )
    assert [t["id"] for t in await wf.inbox("rui")] == [held["id"]]  # both see it
    assert sorted(n["kind"] for n in await wf.notifications("sol")) == [
        "escalation",
        "task_assigned",
    ]
    history = await wf.history(started["id"])
    assert kinds(history)[-2:] == ["escalated", "delegated"]
    assert history[-1]["detail"] == {"approver": wf.id("rui"), "substitute": wf.id("sol")}

    await wf.approve("sol", started["id"])
    decided = next(t for t in (await wf.instance(started["id"]))["tasks"] if t["id"] == held["id"])
    assert (decided["decided_by_employee_id"], decided["on_behalf_of_employee_id"]) == (
        wf.id("sol"),
        wf.id("rui"),
    )
    assert await wf.pending_approvers(started["id"]) == {"fei", "fiona"}


async def test_a_task_a_substitute_holds_escalates_to_the_approvers_manager(
    wf: WorkflowService,
) -> None:
    # sam holds lena's task; the escalation goes up lena's chain (rui), not sam's (lena).
    await wf.delegate("lena", "sam")
    started = await wf.start("expense_claim", "erin", {"amount": "300.00"}, service="finance")
    wf.clock.advance(hours=73)

    assert await wf.run_due() == {"escalate": 1}

    assert await wf.pending_approvers(started["id"]) == {"rui"}
    assert await wf.inbox("sam") == []
    assert await wf.inbox("lena") == []


async def test_an_escalation_is_not_handed_back_to_the_substitute_who_let_it_lapse(
    wf: WorkflowService,
) -> None:
    # lena's manager rui is away with lena as his substitute: the escalated task stays with rui.
    await wf.delegate("rui", "lena")
    started = await wf.start("expense_claim", "erin", {"amount": "300.00"}, service="finance")
    wf.clock.advance(hours=73)

    assert await wf.run_due() == {"escalate": 1}

    task = await wf.task_of("rui", started["id"])
    assert (task["assignee_employee_id"], task["original_assignee_id"]) == (wf.id("rui"), None)
    assert await wf.inbox("lena") == []
