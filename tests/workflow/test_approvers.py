"""Who approves: each approver kind, each mode, conditions on both sides of each threshold,
a requester who is also an approver, and a step that resolves to nobody."""

from typing import Any

import pytest

from tests.problems import assert_problem
from tests.workflow.conftest import WorkflowService, kinds


def step(key: str, *approvers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"key": key, "name": key, "approvers": list(approvers), **fields}


def employees(wf: WorkflowService, *names: str) -> dict[str, Any]:
    return {"kind": "employees", "employee_ids": [wf.id(name) for name in names]}


async def approvers_in_order(wf: WorkflowService, instance_id: str) -> list[set[str]]:
    """Approve step after step (the first approver alphabetically); who was asked at each."""
    asked: list[set[str]] = []
    for _ in range(10):
        instance = await wf.instance(instance_id)
        if instance["status"] != "pending":
            assert instance["status"] == "approved", instance["status"]
            return asked
        names = await wf.pending_approvers(instance_id)
        asked.append(names)
        await wf.approve(sorted(names)[0], instance_id)
    raise AssertionError("the instance never finished")


# ---- approver kinds ------------------------------------------------------------------------


async def test_manager_level_one_is_the_direct_manager(wf: WorkflowService) -> None:
    await wf.define("direct", step("manager", {"kind": "manager", "level": 1}))

    started = await wf.start("direct", "erin")

    assert await wf.pending_approvers(started["id"]) == {"lena"}


async def test_manager_level_two_is_the_managers_manager(wf: WorkflowService) -> None:
    await wf.define("skip_level", step("manager2", {"kind": "manager", "level": 2}))

    started = await wf.start("skip_level", "erin")

    assert await wf.pending_approvers(started["id"]) == {"rui"}


async def test_department_head_defaults_to_the_requesters_own_department(
    wf: WorkflowService,
) -> None:
    await wf.define("own_head", step("head", {"kind": "department_head"}))

    from_rnd = await wf.start("own_head", "erin")
    from_sales = await wf.start("own_head", "uma")

    assert await wf.pending_approvers(from_rnd["id"]) == {"rui"}
    assert await wf.pending_approvers(from_sales["id"]) == {"sol"}


async def test_department_head_by_code_is_that_departments_head(wf: WorkflowService) -> None:
    await wf.define("fin_head", step("head", {"kind": "department_head", "department_code": "FIN"}))

    started = await wf.start("fin_head", "erin")

    assert await wf.pending_approvers(started["id"]) == {"fei"}


async def test_role_approvers_are_everyone_holding_the_role(wf: WorkflowService) -> None:
    await wf.define("finance_check", step("finance", {"kind": "role", "role": "finance"}))

    started = await wf.start("finance_check", "erin")

    assert await wf.pending_approvers(started["id"]) == {"fei", "fiona"}


async def test_named_employees_are_the_approvers(wf: WorkflowService) -> None:
    await wf.define("named", step("pair", employees(wf, "frank", "uma")))

    started = await wf.start("named", "erin")

    assert await wf.pending_approvers(started["id"]) == {"frank", "uma"}


async def test_approvers_named_twice_in_a_step_get_one_task(wf: WorkflowService) -> None:
    await wf.define(
        "overlap", step("both", {"kind": "manager"}, employees(wf, "lena", "frank"), mode="all")
    )

    started = await wf.start("overlap", "erin")

    tasks = (await wf.instance(started["id"]))["tasks"]
    assert sorted(wf.directory.name_of(t["assignee_employee_id"]) for t in tasks) == [
        "frank",
        "lena",
    ]


# ---- modes ---------------------------------------------------------------------------------


async def test_any_mode_the_first_approval_decides_and_the_others_are_cancelled(
    wf: WorkflowService,
) -> None:
    await wf.define("any_of", step("pick", employees(wf, "frank", "sam", "uma"), mode="any"))
    started = await wf.start("any_of", "erin")
    tasks = await wf.open_tasks(started["id"])

    done = await wf.approve("sam", started["id"])

    assert done["status"] == "approved"
    statuses = {
        wf.directory.name_of(t["assignee_employee_id"]): t["status"]
        for t in (await wf.instance(started["id"]))["tasks"]
    }
    assert statuses == {"frank": "cancelled", "sam": "approved", "uma": "cancelled"}
    assert await wf.inbox("frank") == [] and await wf.inbox("uma") == []
    assert_problem(await wf.act("frank", tasks["frank"]["id"]), 409, "task_already_decided")


async def test_countersign_needs_every_approver(wf: WorkflowService) -> None:
    await wf.define("countersign", step("all", employees(wf, "frank", "sam", "uma"), mode="all"))
    started = await wf.start("countersign", "erin")

    after_one = await wf.approve("frank", started["id"])
    after_two = await wf.approve("uma", started["id"])

    assert (after_one["status"], after_two["status"]) == ("pending", "pending")
    assert await wf.pending_approvers(started["id"]) == {"sam"}
    assert (await wf.approve("sam", started["id"]))["status"] == "approved"


async def test_countersign_one_rejection_ends_it_rejected(wf: WorkflowService) -> None:
    await wf.define("countersign", step("all", employees(wf, "frank", "sam", "uma"), mode="all"))
    started = await wf.start("countersign", "erin")
    await wf.approve("frank", started["id"])

    rejected = await wf.decide("sam", started["id"], "reject", comment="预算不足")

    assert rejected["status"] == "rejected"
    statuses = {
        wf.directory.name_of(t["assignee_employee_id"]): t["status"]
        for t in (await wf.instance(started["id"]))["tasks"]
    }
    assert statuses == {"frank": "approved", "sam": "rejected", "uma": "cancelled"}
    assert await wf.inbox("uma") == []


async def test_sequential_asks_each_in_turn_and_the_next_only_after_the_previous(
    wf: WorkflowService,
) -> None:
    await wf.define("in_turn", step("chain", employees(wf, "frank", "sam"), mode="sequential"))
    started = await wf.start("in_turn", "erin")

    assert [t["instance_id"] for t in await wf.inbox("frank")] == [started["id"]]
    assert await wf.inbox("sam") == []

    after_first = await wf.approve("frank", started["id"])

    assert after_first["status"] == "pending"
    assert [t["instance_id"] for t in await wf.inbox("sam")] == [started["id"]]
    assert (await wf.approve("sam", started["id"]))["status"] == "approved"


async def test_sequential_rejection_by_the_first_never_reaches_the_second(
    wf: WorkflowService,
) -> None:
    await wf.define("in_turn", step("chain", employees(wf, "frank", "sam"), mode="sequential"))
    started = await wf.start("in_turn", "erin")

    assert (await wf.decide("frank", started["id"], "reject"))["status"] == "rejected"

    assert await wf.inbox("sam") == []
    sam_task = next(
        t
        for t in (await wf.instance(started["id"]))["tasks"]
        if t["assignee_employee_id"] == wf.id("sam")
    )
    assert sam_task["status"] == "cancelled"


async def test_countersign_completes_when_a_transferred_approvers_successor_approves(
    wf: WorkflowService,
) -> None:
    await wf.define("countersign", step("all", employees(wf, "frank", "sam"), mode="all"))
    started = await wf.start("countersign", "erin")
    frank_task = await wf.task_of("frank", started["id"])
    moved = await wf.act("frank", frank_task["id"], "transfer", to_employee_id=wf.id("uma"))
    assert moved.status_code == 200, moved.text

    await wf.approve("uma", started["id"])
    done = await wf.approve("sam", started["id"])

    assert done["status"] == "approved"


# ---- conditions: the built-in thresholds, both sides -----------------------------------------


@pytest.mark.parametrize(
    ("days", "asked"),
    [
        (3, [{"lena"}]),
        (4, [{"lena"}, {"rui"}]),
        (10, [{"lena"}, {"rui"}]),
        (11, [{"lena"}, {"rui"}, {"guo"}]),
    ],
)
async def test_leave_over_three_days_adds_the_department_head_and_over_ten_the_gm(
    wf: WorkflowService, days: int, asked: list[set[str]]
) -> None:
    started = await wf.start("leave", "erin", {"days": days})

    assert await approvers_in_order(wf, started["id"]) == asked


@pytest.mark.parametrize(
    ("amount", "asked"),
    [
        ("50000.00", [{"lena"}, {"fei", "fiona"}]),
        ("50000.01", [{"lena"}, {"fei", "fiona"}, {"guo"}]),
    ],
)
async def test_expense_claim_over_50000_adds_the_gm(
    wf: WorkflowService, amount: str, asked: list[set[str]]
) -> None:
    started = await wf.start("expense_claim", "erin", {"amount": amount}, service="finance")

    assert await approvers_in_order(wf, started["id"]) == asked


async def test_a_step_whose_condition_is_false_is_skipped_and_the_history_says_why(
    wf: WorkflowService,
) -> None:
    started = await wf.start("leave", "erin", {"days": 2})
    await wf.approve("lena", started["id"])

    skipped = [e for e in await wf.history(started["id"]) if e["kind"] == "step_skipped"]

    assert [(e["detail"]["step_key"], e["detail"]["reason"]) for e in skipped] == [
        ("department_head", "condition_false"),
        ("general_manager", "condition_false"),
    ]


# ---- the requester never approves their own request -----------------------------------------


async def test_a_requester_who_is_also_an_approver_is_skipped_and_the_history_says_so(
    wf: WorkflowService,
) -> None:
    # fiona holds the finance role: the finance step of her own claim goes to fei alone.
    started = await wf.start("expense_claim", "fiona", {"amount": "800.00"}, service="finance")
    await wf.approve("fei", started["id"])  # her manager

    assert await wf.pending_approvers(started["id"]) == {"fei"}
    history = await wf.history(started["id"])
    skipped = [e for e in history if e["kind"] == "requester_skipped"]
    assert [e["detail"]["step_key"] for e in skipped] == ["finance"]
    opened = [e for e in history if e["kind"] == "step_opened"][-1]
    assert opened["detail"]["approvers"] == [wf.id("fei")]


async def test_a_department_head_requesting_skips_their_own_head_step(
    wf: WorkflowService,
) -> None:
    # rui heads RND: his own long leave goes manager (guo), then nobody for his head step, then GM.
    started = await wf.start("leave", "rui", {"days": 5})

    assert await approvers_in_order(wf, started["id"]) == [{"guo"}]
    history = await wf.history(started["id"])
    assert "requester_skipped" in kinds(history)
    assert {
        "step_key": "department_head",
        "reason": "no_approvers",
    }.items() <= next(
        e["detail"]
        for e in history
        if e["kind"] == "step_skipped" and e["detail"]["step_key"] == "department_head"
    ).items()


# ---- a step that resolves to nobody ---------------------------------------------------------


async def test_an_empty_step_is_skipped_with_reason_no_approvers(wf: WorkflowService) -> None:
    # Nobody holds the logistics role in this company.
    await wf.define(
        "nobody_first",
        step("logistics", {"kind": "role", "role": "logistics"}, on_empty="skip"),
        step("manager", {"kind": "manager"}),
    )

    started = await wf.start("nobody_first", "erin")

    assert await wf.pending_approvers(started["id"]) == {"lena"}
    skipped = [e for e in await wf.history(started["id"]) if e["kind"] == "step_skipped"]
    assert [(e["detail"]["step_key"], e["detail"]["reason"]) for e in skipped] == [
        ("logistics", "no_approvers")
    ]


async def test_an_instance_whose_every_step_is_empty_is_approved(wf: WorkflowService) -> None:
    await wf.define("nobody", step("logistics", {"kind": "role", "role": "logistics"}))

    started = await wf.start("nobody", "erin")

    assert started["status"] == "approved"


async def test_an_empty_step_with_on_empty_admin_goes_to_the_admins(wf: WorkflowService) -> None:
    await wf.define(
        "to_admin",
        step("logistics", {"kind": "role", "role": "logistics"}, on_empty="admin"),
    )

    started = await wf.start("to_admin", "erin")

    assert await wf.pending_approvers(started["id"]) == {"ada"}
    assert "routed_to_admin" in kinds(await wf.history(started["id"]))


async def test_the_definitions_on_empty_policy_applies_when_the_step_has_none(
    wf: WorkflowService,
) -> None:
    await wf.define(
        "policy_admin",
        step("head", {"kind": "department_head", "department_code": "NOPE"}),
        on_empty="admin",
    )

    started = await wf.start("policy_admin", "erin")

    assert await wf.pending_approvers(started["id"]) == {"ada"}


async def test_a_manager_level_above_the_top_of_the_chain_is_nobody(wf: WorkflowService) -> None:
    # erin → lena → rui → guo: a fourth level does not exist.
    await wf.define("too_high", step("m4", {"kind": "manager", "level": 4}), on_empty="skip")

    started = await wf.start("too_high", "erin")

    assert started["status"] == "approved"
    assert "no_approvers" in [e["detail"].get("reason") for e in await wf.history(started["id"])]
