"""Individual development plans, and promotions and rotations: approved in workflow
(``general_request``) and then applied to org through its API with ``If-Match`` — retried while
org is down, and exactly once, also when org's answer is lost."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from services.hr.domain import promotions
from tests.hr.conftest import Company, HrService
from tests.hr.development_helpers import API, OrgWithEtags
from tests.hr.people_helpers import ok

POSITION = str(uuid.UUID(int=0xF1))
LATER = datetime.now(UTC) + timedelta(days=1)


def org_of(hr: HrService, company: Company) -> OrgWithEtags:
    """org knowing the employee (position unset, reporting to the manager)."""
    assert hr.platform is not None
    org = OrgWithEtags()
    org.employees[str(company.employee)] = {
        "id": str(company.employee),
        "position_id": None,
        "department_id": str(hr.departments["RND-FE"]),
        "manager_id": str(company.manager),
        "version": 3,
    }
    hr.platform.org = org
    return org


async def propose(hr: HrService, company: Company, headers: Any = None, **more: Any) -> Any:
    return await hr.client.post(
        f"{API}/career-moves",
        json={
            "employee_id": str(company.employee),
            "kind": "promotion",
            "to_position_id": POSITION,
            "to_manager_id": str(company.rnd_head),
            "effective_date": "2027-01-01",
            "reason": "年度考核S",
            **more,
        },
        headers=headers or hr.hr(),
    )


async def approve(hr: HrService, move: dict[str, Any], outcome: str = "approved") -> None:
    assert await hr.conclude(
        promotions.MOVE_SAGA, "workflow-outcomes-career-moves", "career_move", move["id"], outcome
    )


async def sweep(hr: HrService) -> int:
    runtime = hr.app.state.runtime
    return await promotions.sweep(runtime, runtime.service_client, now=LATER)


async def read(hr: HrService, move: dict[str, Any]) -> dict[str, Any]:
    return ok(await hr.client.get(f"{API}/career-moves/{move['id']}", headers=hr.hr()))


async def test_an_approved_promotion_reaches_org_once_even_after_org_was_down(
    hr: HrService, company: Company
) -> None:
    org = org_of(hr, company)
    move = ok(await propose(hr, company), 201)
    assert move["status"] == "pending"
    [started] = [b for b in hr.workflow.started() if b["subject"]["type"] == "career_move"]
    assert started["definition_key"] == "general_request"
    assert started["data"]["category"] == "administration"
    org.down = True
    await approve(hr, move)
    assert (await read(hr, move))["status"] == "approved"
    assert await sweep(hr) == 0
    waiting = await read(hr, move)
    assert waiting["status"] == "approved"
    assert waiting["org_error"]
    org.down = False
    assert await sweep(hr) == 1
    applied = await read(hr, move)
    assert applied["status"] == "applied"
    record = org.employees[str(company.employee)]
    assert (record["position_id"], record["manager_id"]) == (POSITION, str(company.rnd_head))
    assert [body for _, body in org.patches() if body] == [
        {"position_id": POSITION, "manager_id": str(company.rnd_head)}
    ]
    assert await sweep(hr) == 0
    assert len([p for p in org.patches() if p[1]]) == 1
    types = [e["type"] for e in await hr.events() if e["type"].startswith("hr.career_move")]
    assert types == [
        "hr.career_move.requested",
        "hr.career_move.approved",
        "hr.career_move.applied",
    ]


async def test_a_lost_answer_is_not_applied_twice(hr: HrService, company: Company) -> None:
    org = org_of(hr, company)
    move = ok(await propose(hr, company), 201)
    await approve(hr, move)
    org.lose_patch_answers = True
    assert await sweep(hr) == 0
    assert org.employees[str(company.employee)]["position_id"] == POSITION
    org.lose_patch_answers = False
    assert await sweep(hr) == 1
    assert (await read(hr, move))["status"] == "applied"
    assert len(org.patches()) == 1


async def test_an_answer_about_another_employee_is_neither_compared_nor_trusted(
    hr: HrService, company: Company
) -> None:
    """Were org's answer about someone else (mixed up on its way), comparing the move with it
    could find nothing to change and call the move applied: it is asked again instead."""
    org = org_of(hr, company)
    other = str(company.manager)
    org.employees[other] = {"id": other, "position_id": POSITION, "version": 1}
    move = ok(await propose(hr, company), 201)
    await approve(hr, move)
    org.answer_about = other
    assert await sweep(hr) == 0
    waiting = await read(hr, move)
    assert waiting["status"] == "approved"
    assert "another employee" in waiting["org_error"]
    assert org.employees[str(company.employee)]["position_id"] is None
    org.answer_about = None
    assert await sweep(hr) == 1
    assert (await read(hr, move))["status"] == "applied"
    assert org.employees[str(company.employee)]["position_id"] == POSITION


async def test_a_rejected_move_never_reaches_org(hr: HrService, company: Company) -> None:
    org = org_of(hr, company)
    move = ok(await propose(hr, company), 201)
    await approve(hr, move, "rejected")
    assert (await read(hr, move))["status"] == "rejected"
    assert await sweep(hr) == 0
    assert org.patches() == []
    # a new move may follow a rejected one
    assert (await propose(hr, company)).status_code == 201
    again = await propose(hr, company)
    assert again.status_code == 409
    assert again.json()["code"] == "career_move_in_progress"


async def test_who_proposes_and_sees_moves(hr: HrService, company: Company) -> None:
    org_of(hr, company)
    colleague = await propose(hr, company, hr.employee(company.colleague))
    assert colleague.status_code == 403
    by_manager = await propose(hr, company, hr.employee(company.manager))
    assert by_manager.status_code == 201, by_manager.text
    assert by_manager.json()["requester_employee_id"] == str(company.manager)
    path = f"{API}/career-moves/{by_manager.json()['id']}"
    assert (await hr.client.get(path, headers=hr.employee(company.employee))).status_code == 200
    assert (await hr.client.get(path, headers=hr.employee(company.outsider))).status_code == 404
    nothing = await propose(hr, company, to_position_id=None, to_manager_id=None)
    assert nothing.status_code in (409, 422)


async def test_a_pending_move_is_withdrawn(hr: HrService, company: Company) -> None:
    org_of(hr, company)
    move = ok(await propose(hr, company), 201)
    cancelled = await hr.client.post(f"{API}/career-moves/{move['id']}/cancel", headers=hr.hr())
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    again = await hr.client.post(f"{API}/career-moves/{move['id']}/cancel", headers=hr.hr())
    assert again.json()["code"] == "invalid_move_transition"


async def test_a_development_plan_with_goals_and_reviews(hr: HrService, company: Company) -> None:
    body = {
        "employee_id": str(company.employee),
        "year": 2027,
        "goals": [{"goal": "独立负责模块设计", "due": "2027-06-30"}],
    }
    themselves = await hr.client.post(
        f"{API}/development-plans", json=body, headers=hr.employee(company.employee)
    )
    assert themselves.status_code == 403
    plan = await hr.client.post(
        f"{API}/development-plans", json=body, headers=hr.employee(company.manager)
    )
    assert plan.status_code == 201, plan.text
    twice = await hr.client.post(f"{API}/development-plans", json=body, headers=hr.hr())
    assert twice.json()["code"] == "development_plan_exists"
    path = f"{API}/development-plans/{plan.json()['id']}"
    reviewed = await hr.client.post(
        f"{path}/reviews",
        json={
            "reviewed_on": "2027-06-30",
            "notes": "设计评审通过",
            "goals": [{"goal": "独立负责模块设计", "status": "achieved"}],
            "close": True,
        },
        headers=hr.employee(company.manager),
    )
    assert reviewed.status_code == 201, reviewed.text
    mine = ok(await hr.client.get(path, headers=hr.employee(company.employee)))
    assert mine["status"] == "closed"
    assert mine["goals"][0]["status"] == "achieved"
    assert [r["notes"] for r in mine["reviews"]] == ["设计评审通过"]
    assert (await hr.client.get(path, headers=hr.employee(company.colleague))).status_code == 404
    closed = await hr.client.post(
        f"{path}/reviews", json={"reviewed_on": "2027-07-01", "notes": "x"}, headers=hr.hr()
    )
    assert closed.json()["code"] == "development_plan_closed"
