"""Onboarding: an accepted offer opens the checklist and makes the new hire an employee in org
through org's API — exactly once, also when org is down for a while or its answers are lost —
and the employee becomes active when the checklist is complete."""

from datetime import timedelta
from typing import Any

import pytest

from services.hr.domain import onboarding as onboarding_rules
from shared.kit.db import utcnow
from tests.hr.conftest import Company, HrService
from tests.hr.people_helpers import API, Hiring, approved_offer, hiring_of, ok

CONTRACT = {
    "kind": "fixed_term",
    "start_date": "2025-07-01",
    "end_date": "2028-06-30",
    "probation_end_date": "2025-09-30",
    "position": "高级后端工程师",
    "salary": "26000.00",
}


@pytest.fixture
async def hiring(hr: HrService, company: Company) -> Hiring:
    return await hiring_of(hr, company)


async def sweep(hr: HrService) -> int:
    """hr's onboarding sweep, as it runs once every back-off has passed."""
    runtime = hr.app.state.runtime
    return await onboarding_rules.sweep(
        runtime, runtime.service_client, now=utcnow() + timedelta(days=1)
    )


async def accept(hr: HrService, offer: dict[str, Any], **body: Any) -> dict[str, Any]:
    return ok(
        await hr.client.post(f"{API}/offers/{offer['id']}/accept", json=body, headers=hr.hr())
    )


def org_of(hr: HrService) -> Any:
    assert hr.platform is not None
    return hr.platform.org


async def test_accepting_an_offer_creates_the_employee_in_org_once(hiring: Hiring) -> None:
    hr = hiring.hr
    offer = await approved_offer(hiring, "周杰", "zhou.jie@example.com")
    onboarding = await accept(hr, offer, note="电话确认")
    org = org_of(hr)

    assert org.creates() == 1
    [(method, path, body)] = org.calls
    assert (method, path) == ("POST", "/api/v1/org/employees")
    assert body["status"] == "onboarding"
    assert body["name"] == "周杰"
    assert body["email"] == "zhou.jie@example.com"
    assert body["department_id"] == str(hr.departments["RND"])
    assert body["manager_id"] == str(hiring.company.rnd_head)
    assert body["hire_date"] == "2025-07-01"
    [employee] = org.employees.values()
    assert onboarding["employee_id"] == employee["id"]
    assert onboarding["org_status"] == "onboarding"
    assert onboarding["status"] == "open"
    assert [i["item"] for i in onboarding["checklist"]] == [
        "labour_contract_signed",
        "orientation_training",
        "equipment_issued",
        "accounts_created",
    ]
    application = ok(
        await hr.client.get(f"{API}/applications/{offer['application_id']}", headers=hr.hr())
    )
    assert application["stage"] == "hired"
    # the sweep has nothing left to do
    assert await sweep(hr) == 0
    assert org.posts() == 1
    types = {e["type"] for e in await hr.events()}
    assert {"hr.offer.accepted", "hr.onboarding.opened", "hr.onboarding.employee_created"} <= types


async def test_org_down_for_a_while_then_up_gives_exactly_one_employee(hiring: Hiring) -> None:
    hr = hiring.hr
    org = org_of(hr)
    offer = await approved_offer(hiring, "吴敏", "wu.min@example.com")
    org.down = True

    onboarding = await accept(hr, offer)

    assert onboarding["employee_id"] is None
    assert onboarding["org_status"] == "none"
    assert "503" in onboarding["org_error"]
    assert await sweep(hr) == 0
    assert await sweep(hr) == 0
    assert org.creates() == 0
    org.down = False
    assert await sweep(hr) == 1
    assert await sweep(hr) == 0
    assert org.creates() == 1
    assert org.posts() == 4  # the request's own attempt, two while down, one that landed
    keys = {f"hr-onboarding:{offer['id']}"}
    assert set(org.by_key) == keys
    found = ok(await hr.client.get(f"{API}/onboardings/{onboarding['id']}", headers=hr.hr()))
    assert found["employee_id"] == next(iter(org.employees))
    assert found["org_error"] is None


async def test_a_lost_answer_is_asked_again_under_the_same_key(hiring: Hiring) -> None:
    hr = hiring.hr
    org = org_of(hr)
    offer = await approved_offer(hiring, "孙丽", "sun.li@example.com")
    org.lose_answers = True
    onboarding = await accept(hr, offer)
    assert onboarding["employee_id"] is None
    assert org.creates() == 1  # org created it; hr did not hear
    org.lose_answers = False
    assert await sweep(hr) == 1
    assert org.creates() == 1
    found = ok(await hr.client.get(f"{API}/onboardings/{onboarding['id']}", headers=hr.hr()))
    assert found["employee_id"] == next(iter(org.employees))


async def test_an_answer_about_another_employee_is_not_taken_for_the_new_hire(
    hiring: Hiring,
) -> None:
    """A create answered with someone else's record (a mixed-up answer on the way back) is
    asked again, never bound: the onboarding would otherwise activate the wrong person."""
    hr = hiring.hr
    org = org_of(hr)
    first = await accept(hr, await approved_offer(hiring, "钱一", "qian@example.com"))
    org.answer_about = first["employee_id"]
    second = await accept(hr, await approved_offer(hiring, "钱二", "qian.er@example.com"))
    assert second["employee_id"] is None
    assert second["org_status"] == "none"
    assert "another employee" in second["org_error"]
    assert await sweep(hr) == 0
    org.answer_about = None
    assert await sweep(hr) == 1
    found = ok(await hr.client.get(f"{API}/onboardings/{second['id']}", headers=hr.hr()))
    assert found["employee_id"] not in (None, first["employee_id"])
    assert org.employees[found["employee_id"]]["email"] == "qian.er@example.com"
    assert org.creates() == 2


async def test_a_forgotten_key_finds_the_employee_by_number(hiring: Hiring) -> None:
    hr = hiring.hr
    org = org_of(hr)
    offer = await approved_offer(hiring, "郑一", "zheng@example.com")
    org.lose_answers = True
    await accept(hr, offer, employee_number="E2025-001")
    org.lose_answers = False
    org.by_key.clear()  # org no longer remembers the key (kept 24 h)
    assert await sweep(hr) == 1
    assert org.creates() == 1
    [employee] = org.employees.values()
    assert employee["employee_number"] == "E2025-001"
    [found] = ok(await hr.client.get(f"{API}/onboardings", headers=hr.hr()))["items"]
    assert found["employee_id"] == employee["id"]


async def test_the_checklist_completes_and_the_employee_becomes_active(hiring: Hiring) -> None:
    hr = hiring.hr
    org = org_of(hr)
    offer = await approved_offer(hiring, "冯五", "feng@example.com")
    onboarding = await accept(hr, offer)
    path = f"{API}/onboardings/{onboarding['id']}"
    ticked = ok(
        await hr.client.patch(
            path,
            json={"orientation_training": True, "equipment_issued": True, "accounts_created": True},
            headers=hr.hr(),
        )
    )
    assert ticked["status"] == "open"
    assert [i["done"] for i in ticked["checklist"]] == [False, True, True, True]
    # signing the labour contract ticks the last item; org is down meanwhile
    org.down = True
    contract = ok(
        await hr.client.post(
            f"{API}/labour-contracts",
            json={"employee_id": onboarding["employee_id"], **CONTRACT},
            headers=hr.hr(),
        ),
        201,
    )
    assert contract["fixed_term_sequence"] == 1
    found = ok(await hr.client.get(path, headers=hr.hr()))
    assert found["checklist"][0]["done"] is True
    assert (found["status"], found["org_status"]) == ("open", "onboarding")
    org.down = False
    assert await sweep(hr) == 1
    found = ok(await hr.client.get(path, headers=hr.hr()))
    assert (found["status"], found["org_status"]) == ("completed", "active")
    assert org.employees[onboarding["employee_id"]]["status"] == "active"
    assert org.creates() == 1
    [event] = await hr.events("hr.employee.onboarded")
    assert event["data"]["employee_id"] == onboarding["employee_id"]
    late = await hr.client.patch(path, json={"equipment_issued": False}, headers=hr.hr())
    assert late.status_code == 409
    assert late.json()["code"] == "onboarding_completed"


async def test_an_activation_answered_about_another_employee_is_asked_again(
    hiring: Hiring,
) -> None:
    hr = hiring.hr
    org = org_of(hr)
    first = await accept(hr, await approved_offer(hiring, "冯六", "feng6@example.com"))
    second = await accept(hr, await approved_offer(hiring, "冯七", "feng7@example.com"))
    org.answer_about = first["employee_id"]
    path = f"{API}/onboardings/{second['id']}"
    ok(
        await hr.client.post(
            f"{API}/labour-contracts",
            json={"employee_id": second["employee_id"], **CONTRACT},
            headers=hr.hr(),
        ),
        201,
    )
    done = {"orientation_training": True, "equipment_issued": True, "accounts_created": True}
    found = ok(await hr.client.patch(path, json=done, headers=hr.hr()))
    assert (found["status"], found["org_status"]) == ("open", "onboarding")
    assert "another employee" in found["org_error"]
    assert org.employees[second["employee_id"]]["status"] == "onboarding"
    org.answer_about = None
    assert await sweep(hr) == 1
    found = ok(await hr.client.get(path, headers=hr.hr()))
    assert (found["status"], found["org_status"]) == ("completed", "active")
    assert org.employees[second["employee_id"]]["status"] == "active"
    assert org.employees[first["employee_id"]]["status"] == "onboarding"


async def test_who_sees_onboardings(hiring: Hiring) -> None:
    hr, company = hiring.hr, hiring.company
    offer = await approved_offer(hiring, "陈七", "chen7@example.com")
    onboarding = await accept(hr, offer)
    path = f"{API}/onboardings/{onboarding['id']}"
    assert (await hr.client.get(path, headers=hiring.head)).status_code == 200
    assert (await hr.client.get(path, headers=hr.auditor())).status_code == 200
    assert (await hr.client.get(path, headers=hr.employee(company.outsider))).status_code == 404
    response = await hr.client.patch(path, json={"accounts_created": True}, headers=hiring.head)
    assert response.status_code == 403


async def test_the_last_opening_filled_closes_the_plan_and_its_posting(hiring: Hiring) -> None:
    hr = hiring.hr
    for name, email in (("褚八", "chu@example.com"), ("卫九", "wei@example.com")):
        await accept(hr, await approved_offer(hiring, name, email))
    posting = ok(await hr.client.get(f"{API}/job-postings/{hiring.posting['id']}", headers=hr.hr()))
    plan = ok(await hr.client.get(f"{API}/hiring-plans/{hiring.plan['id']}", headers=hr.hr()))
    assert (posting["status"], plan["status"]) == ("closed", "closed")
    assert org_of(hr).creates() == 2
