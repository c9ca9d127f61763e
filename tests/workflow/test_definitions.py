"""Definitions: the built-ins, what is refused (and why), who may define, revisions while
instances run, forms, and who may start what."""

from typing import Any

import pytest

from tests.problems import assert_problem
from tests.workflow.conftest import API, WorkflowService

BUILTINS = {
    "budget",
    "document_publish",
    "expense_claim",
    "general_request",
    "hiring",
    "leave",
    "purchase",
    "supply_requisition",
    "travel_request",
    "vehicle_request",
}


def manager_step(key: str = "manager") -> dict[str, Any]:
    return {"key": key, "name": "直属上级", "approvers": [{"kind": "manager"}]}


def definition(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "key": "custom",
        "name": "自定义",
        "subject_type": "custom",
        "steps": [manager_step()],
    }
    body.update(changes)
    return body


def messages(problem: dict[str, Any]) -> str:
    return " | ".join(str(issue["msg"]) for issue in problem.get("errors") or [])


async def test_the_ten_built_in_definitions_are_loaded(wf: WorkflowService) -> None:
    response = await wf.client.get(f"{API}/definitions", headers=wf.as_("erin"))

    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert {d["key"] for d in items} == BUILTINS
    assert all(d["builtin"] and d["revision"] == 1 for d in items)
    startable = await wf.client.get(
        f"{API}/definitions", params={"user_startable": "true"}, headers=wf.as_("erin")
    )
    assert [d["key"] for d in startable.json()["items"]] == ["general_request"]


async def test_an_admin_creates_a_definition(wf: WorkflowService) -> None:
    response = await wf.client.post(f"{API}/definitions", json=definition(), headers=wf.admin())

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["key"], body["revision"], body["is_current"], body["builtin"]) == (
        "custom",
        1,
        True,
        False,
    )
    assert response.headers["location"] == f"{API}/definitions/custom"


async def test_a_definition_key_is_created_once(wf: WorkflowService) -> None:
    await wf.client.post(f"{API}/definitions", json=definition(), headers=wf.admin())

    again = await wf.client.post(f"{API}/definitions", json=definition(), headers=wf.admin())

    assert_problem(again, 409, "duplicate_definition")


@pytest.mark.parametrize("who", ["erin", "guo", "hana", "audrey"])
async def test_only_an_admin_creates_or_changes_a_definition(wf: WorkflowService, who: str) -> None:
    created = await wf.client.post(f"{API}/definitions", json=definition(), headers=wf.as_(who))
    body = definition()
    del body["key"]
    changed = await wf.client.put(f"{API}/definitions/leave", json=body, headers=wf.as_(who))

    assert_problem(created, 403)
    assert_problem(changed, 403)


async def test_a_client_cannot_create_a_definition(wf: WorkflowService) -> None:
    response = await wf.client.post(f"{API}/definitions", json=definition(), headers=wf.service())

    assert_problem(response, 403)


@pytest.mark.parametrize(
    ("case", "changes", "named"),
    [
        ("unknown field", {"colour": "blue"}, "Extra inputs are not permitted"),
        (
            "unknown step field",
            {"steps": [{**manager_step(), "approver": "lena"}]},
            "Extra inputs are not permitted",
        ),
        (
            "unreachable step",
            {"steps": [manager_step(), {**manager_step("never"), "condition": "1 > 2"}]},
            "'never' is unreachable",
        ),
        (
            "condition always false by a constant",
            {"steps": [{**manager_step(), "condition": "false"}]},
            "unreachable",
        ),
        (
            "incomplete condition",
            {"steps": [{**manager_step(), "condition": "amount >"}]},
            "invalid condition 'amount >'",
        ),
        (
            "a call in a condition",
            {"steps": [{**manager_step(), "condition": "__import__('os')"}]},
            "Call is not allowed",
        ),
        (
            "attribute access in a condition",
            {"steps": [{**manager_step(), "condition": "a.b"}]},
            "Attribute is not allowed",
        ),
        (
            "a dunder name in a condition",
            {"steps": [{**manager_step(), "condition": "__class__ > 1"}]},
            "'__class__' is not allowed",
        ),
        (
            "duplicate step keys",
            {"steps": [manager_step("same"), manager_step("same")]},
            "step keys must be unique: same",
        ),
        (
            "bad approver kind",
            {"steps": [{"key": "x", "name": "x", "approvers": [{"kind": "boss"}]}]},
            "'boss'",
        ),
        (
            "unknown role",
            {"steps": [{"key": "x", "name": "x", "approvers": [{"kind": "role", "role": "ceo"}]}]},
            "Input should be 'admin', 'gm'",
        ),
        (
            "no approvers",
            {"steps": [{"key": "x", "name": "x", "approvers": []}]},
            "at least 1",
        ),
        (
            "invalid form_schema",
            {"form_schema": {"type": "strin"}},
            "form_schema is not a valid JSON Schema",
        ),
        (
            "repeat_hours on an escalation",
            {
                "steps": [
                    {
                        **manager_step(),
                        "deadline": {"hours": 4, "action": "escalate", "repeat_hours": 4},
                    }
                ]
            },
            "repeat_hours only applies to reminders",
        ),
        ("no steps", {"steps": []}, "at least 1"),
    ],
)
async def test_a_faulty_definition_is_refused_with_422_naming_the_problem(
    wf: WorkflowService, case: str, changes: dict[str, Any], named: str
) -> None:
    response = await wf.client.post(
        f"{API}/definitions", json=definition(**changes), headers=wf.admin()
    )

    problem = assert_problem(response, 422, "validation_error")
    assert named in messages(problem), (case, problem)
    listed = await wf.client.get(f"{API}/definitions/custom", headers=wf.admin())
    assert listed.status_code == 404


async def test_a_faulty_revision_is_refused_and_the_current_one_stays(
    wf: WorkflowService,
) -> None:
    body = definition(steps=[{**manager_step(), "condition": "__import__('os')"}])
    del body["key"]

    response = await wf.client.put(f"{API}/definitions/leave", json=body, headers=wf.admin())

    assert_problem(response, 422, "validation_error")
    current = await wf.client.get(f"{API}/definitions/leave", headers=wf.admin())
    assert current.json()["revision"] == 1


async def test_a_definition_changed_while_instances_run_keeps_them_on_their_revision(
    wf: WorkflowService,
) -> None:
    await wf.define(
        "reimburse",
        manager_step(),
        {"key": "finance", "name": "财务", "approvers": [{"kind": "role", "role": "finance"}]},
    )
    running = await wf.start("reimburse", "erin")
    revised = definition(
        name="报销 v2",
        steps=[
            {
                "key": "gm",
                "name": "总经理",
                "approvers": [{"kind": "department_head", "department_code": "GMO"}],
            }
        ],
    )
    del revised["key"]

    response = await wf.client.put(f"{API}/definitions/reimburse", json=revised, headers=wf.admin())

    assert response.status_code == 200, response.text
    assert (response.json()["revision"], response.json()["is_current"]) == (2, True)
    # The running instance goes on through revision 1's steps: manager, then finance.
    await wf.approve("lena", running["id"])
    assert await wf.pending_approvers(running["id"]) == {"fei", "fiona"}
    assert (await wf.approve("fiona", running["id"]))["status"] == "approved"
    detail = await wf.instance(running["id"])
    assert detail["definition_revision"] == 1
    assert [s["key"] for s in detail["steps"]] == ["manager", "finance"]
    # A new one follows revision 2.
    fresh = await wf.start("reimburse", "erin")
    assert await wf.pending_approvers(fresh["id"]) == {"guo"}
    assert (await wf.instance(fresh["id"]))["definition_revision"] == 2
    revisions = await wf.client.get(
        f"{API}/definitions", params={"all_revisions": "true"}, headers=wf.admin()
    )
    assert sorted(
        (d["revision"], d["is_current"])
        for d in revisions.json()["items"]
        if d["key"] == "reimburse"
    ) == [(1, False), (2, True)]
    first = await wf.client.get(f"{API}/definitions/reimburse/revisions/1", headers=wf.admin())
    assert [s["key"] for s in first.json()["steps"]] == ["manager", "finance"]


async def test_a_revised_built_in_stays_built_in(wf: WorkflowService) -> None:
    body = definition(name="请假 v2")
    del body["key"]

    response = await wf.client.put(f"{API}/definitions/leave", json=body, headers=wf.admin())

    assert (response.json()["revision"], response.json()["builtin"]) == (2, True)


async def test_revising_an_unknown_definition_is_404(wf: WorkflowService) -> None:
    body = definition()
    del body["key"]

    response = await wf.client.put(f"{API}/definitions/nothing", json=body, headers=wf.admin())

    assert_problem(response, 404)


# ---- starting ------------------------------------------------------------------------------


async def test_a_person_starts_a_general_request_for_themselves(wf: WorkflowService) -> None:
    response = await wf.client.post(
        f"{API}/instances",
        json={
            "definition_key": "general_request",
            "title": "新显示器",
            "data": {"category": "it", "details": "27 寸显示器一台", "amount": "1999.00"},
        },
        headers=wf.as_("erin"),
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["requester_employee_id"] == wf.id("erin")
    assert (body["subject_service"], body["subject_type"]) == ("workflow", "general_request")
    assert response.headers["location"] == f"{API}/instances/{body['id']}"
    assert await wf.pending_approvers(body["id"]) == {"lena"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"category": "it"}, "'details' is a required property"),
        ({"category": "food", "details": "午餐"}, "category: 'food' is not one of"),
        ({"category": "it", "details": "x", "amount": "12.345"}, "amount: '12.345' does not match"),
        ({"category": "it", "details": "x", "colour": "red"}, "Additional properties"),
    ],
)
async def test_a_general_request_must_meet_its_form(
    wf: WorkflowService, data: dict[str, Any], message: str
) -> None:
    response = await wf.client.post(
        f"{API}/instances",
        json={"definition_key": "general_request", "title": "申请", "data": data},
        headers=wf.as_("erin"),
    )

    problem = assert_problem(response, 422, "invalid_request_data")
    assert message in problem["detail"], problem["detail"]


async def test_people_may_not_start_service_owned_definitions(wf: WorkflowService) -> None:
    response = await wf.client.post(
        f"{API}/instances",
        json={"definition_key": "leave", "title": "请假", "data": {"days": 2}},
        headers=wf.as_("erin"),
    )

    assert_problem(response, 403, "not_user_startable")


async def test_a_person_may_not_start_a_request_for_someone_else(wf: WorkflowService) -> None:
    response = await wf.client.post(
        f"{API}/instances",
        json={
            "definition_key": "general_request",
            "title": "代人申请",
            "requester_employee_id": wf.id("frank"),
            "data": {"category": "it", "details": "x"},
        },
        headers=wf.as_("erin"),
    )

    assert_problem(response, 422)


async def test_a_service_with_workflow_write_starts_an_instance_for_its_subject(
    wf: WorkflowService,
) -> None:
    response = await wf.client.post(
        f"{API}/instances",
        json={
            "definition_key": "leave",
            "subject": {"service": "hr", "type": "leave_request", "id": "LR-7"},
            "requester_employee_id": wf.id("erin"),
            "title": "年假 2 天",
            "data": {"days": 2},
        },
        headers=wf.service("workflow:write"),
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["subject_service"], body["subject_type"], body["subject_id"]) == (
        "hr",
        "leave_request",
        "LR-7",
    )
    assert body["requester_employee_id"] == wf.id("erin")
    assert (body["status"], body["round"], body["current_step"]) == ("pending", 1, 0)


async def test_a_service_with_only_workflow_read_cannot_start_one(wf: WorkflowService) -> None:
    response = await wf.start_response("leave", "erin", {"days": 2})
    refused = await wf.client.post(
        f"{API}/instances",
        json={
            "definition_key": "leave",
            "subject": {"service": "hr", "type": "leave_request", "id": "LR-8"},
            "requester_employee_id": wf.id("erin"),
            "title": "年假",
            "data": {"days": 2},
        },
        headers=wf.service("workflow:read"),
    )

    assert response.status_code == 201
    assert_problem(refused, 403, "insufficient_scope")


async def test_a_service_must_name_the_subject_and_the_requester(wf: WorkflowService) -> None:
    response = await wf.client.post(
        f"{API}/instances",
        json={"definition_key": "leave", "title": "年假", "data": {"days": 2}},
        headers=wf.service(),
    )

    assert_problem(response, 422)


async def test_starting_without_a_field_a_condition_reads_is_422(wf: WorkflowService) -> None:
    response = await wf.start_response("leave", "erin", {"reason": "家事"})

    problem = assert_problem(response, 422, "invalid_request_data")
    assert "days" in problem["detail"]


async def test_starting_with_data_a_condition_cannot_use_is_422(wf: WorkflowService) -> None:
    # Refused at the start, rather than failing the finance approver's decision later.
    response = await wf.start_response(
        "expense_claim", "erin", {"amount": "lots"}, service="finance"
    )

    problem = assert_problem(response, 422, "invalid_request_data")
    assert "general_manager" in problem["detail"] and "amount > 50000" in problem["detail"]


async def test_resubmitting_data_a_condition_cannot_use_is_422(wf: WorkflowService) -> None:
    started = await wf.start("expense_claim", "erin", {"amount": "10.00"}, service="finance")
    await wf.decide("lena", started["id"], "return")

    response = await wf.client.post(
        f"{API}/instances/{started['id']}/resubmit",
        json={"data": {"amount": "ten"}},
        headers=wf.as_("erin"),
    )

    assert_problem(response, 422, "invalid_request_data")
    assert (await wf.instance(started["id"]))["data"] == {"amount": "10.00"}


async def test_starting_an_unknown_definition_is_404(wf: WorkflowService) -> None:
    response = await wf.start_response("nothing", "erin")

    assert_problem(response, 404)
