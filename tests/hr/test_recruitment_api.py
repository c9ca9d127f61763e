"""Recruitment through hr's API: a department head's hiring plan approved in workflow, a posting,
candidates (duplicates refused), the pipeline's order, interview rounds with scorecards hidden
until submitted, the background check before an offer, and offers within and above the pay band."""

from datetime import timedelta
from typing import Any

import pytest

from services.hr.domain.hiring import PLAN_SAGA
from services.hr.domain.offers import OFFER_SAGA
from shared.kit.consumer import apply_event
from shared.kit.db import utcnow
from tests.hr.conftest import Company, HrService
from tests.hr.people_helpers import API, SCORES, Hiring, approved_plan, later, ok


@pytest.fixture
async def hiring(hr: HrService, company: Company) -> Hiring:
    plan = await approved_plan(hr, company)
    posting = ok(
        await hr.client.post(
            f"{API}/job-postings", json={"hiring_plan_id": plan["id"]}, headers=hr.hr()
        ),
        201,
    )
    return Hiring(hr, company, plan, posting)


async def test_a_department_heads_plan_is_approved_in_workflow_and_posted(
    hiring: Hiring,
) -> None:
    hr = hiring.hr
    assert hiring.plan["rounds"] == [
        {"name": "部门负责人面试 Department head", "kind": "department_head"},
        {"name": "人力资源面试 HR", "kind": "hr"},
    ]
    assert hiring.posting["status"] == "open"
    assert hiring.posting["title"] == "高级后端工程师"
    types = [e["type"] for e in await hr.events()]
    assert {"hr.hiring_plan.submitted", "hr.hiring_plan.approved", "hr.job_posting.opened"} <= set(
        types
    )
    # a second delivery of the outcome (another event of the same instance) changes nothing
    before = ok(await hr.client.get(f"{API}/hiring-plans/{hiring.plan['id']}", headers=hr.hr()))
    instance = hr.workflow.instance_of(hiring.plan["id"], "hiring_plan")
    await apply_event(
        hr.app.state.runtime,
        "workflow-outcomes-hiring",
        hr.workflow.completed(instance, "approved"),
        PLAN_SAGA.apply_outcome,
    )
    after = ok(await hr.client.get(f"{API}/hiring-plans/{hiring.plan['id']}", headers=hr.hr()))
    assert after == before
    assert len(await hr.events("hr.hiring_plan.approved")) == 1


async def test_who_sees_hiring_plans(hr: HrService, company: Company, hiring: Hiring) -> None:
    path = f"{API}/hiring-plans/{hiring.plan['id']}"
    assert (await hr.client.get(path, headers=hiring.head)).status_code == 200
    assert (await hr.client.get(path, headers=hr.auditor())).status_code == 200
    for outsider in (company.outsider, company.employee):
        assert (await hr.client.get(path, headers=hr.employee(outsider))).status_code == 404
        page = ok(await hr.client.get(f"{API}/hiring-plans", headers=hr.employee(outsider)))
        assert page["items"] == []


async def test_only_hr_or_the_head_asks_to_hire(hr: HrService, company: Company) -> None:
    response = await hr.client.post(
        f"{API}/hiring-plans",
        json={
            "department_id": str(hr.departments["RND"]),
            "position": "测试",
            "headcount": 1,
            "reason": "x",
        },
        headers=hr.employee(company.outsider),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_a_rejected_plan_cannot_be_posted(hr: HrService, company: Company) -> None:
    created = ok(
        await hr.client.post(
            f"{API}/hiring-plans",
            json={
                "department_id": str(hr.departments["RND"]),
                "position": "实习生",
                "headcount": 1,
                "reason": "暑期",
            },
            headers=hr.employee(company.rnd_head),
        ),
        201,
    )
    await hr.conclude(
        PLAN_SAGA, "workflow-outcomes-hiring", "hiring_plan", created["id"], "rejected"
    )
    response = await hr.client.post(
        f"{API}/job-postings", json={"hiring_plan_id": created["id"]}, headers=hr.hr()
    )
    assert response.status_code == 409
    assert response.json()["code"] == "hiring_plan_not_approved"


async def test_duplicate_candidates_by_email_or_phone_are_refused_naming_the_first(
    hiring: Hiring,
) -> None:
    first = await hiring.candidate("周杰", "Zhou.Jie@example.com", "+86 138-0000-1234")
    for email, phone in (
        ("zhou.jie@EXAMPLE.com ", None),
        ("other@example.com", "0086 13800001234"),
        ("another@example.com", "138 0000 1234"),
    ):
        response = await hiring.hr.client.post(
            f"{API}/candidates",
            json={"name": "周杰", "email": email, "phone": phone, "source_channel": "referral"},
            headers=hiring.hr.hr(),
        )
        assert response.status_code == 409, (email, phone)
        assert response.json()["code"] == "duplicate_candidate"
        assert response.json()["existing_candidate_id"] == first["id"]
    found = ok(
        await hiring.hr.client.get(
            f"{API}/candidates", params={"phone": "13800001234"}, headers=hiring.hr.hr()
        )
    )
    assert [c["id"] for c in found["items"]] == [first["id"]]


async def test_the_pipeline_moves_in_order_and_ends_with_a_reason(hiring: Hiring) -> None:
    candidate = await hiring.candidate("吴敏", "wu.min@example.com")
    application = await hiring.apply(candidate)
    assert application["stage"] == "applied"
    skipped = await hiring.move(application, "shortlisted")
    assert skipped.status_code == 409
    assert skipped.json()["code"] == "invalid_stage_transition"
    hired = await hiring.move(application, "hired")
    assert hired.status_code == 422  # not a stage a move may name
    ok(await hiring.move(application, "screening"))
    no_reason = await hiring.move(application, "rejected")
    assert no_reason.status_code == 422
    assert no_reason.json()["code"] == "reason_required"
    rejected = ok(await hiring.move(application, "rejected", reason="经验不足"))
    assert (rejected["stage"], rejected["closed_reason"]) == ("rejected", "经验不足")
    again = await hiring.move(application, "screening")
    assert again.status_code == 409
    events = await hiring.hr.events("hr.application.rejected")
    assert events[-1]["data"]["from_stage"] == "screening"


async def test_a_closed_posting_takes_no_applications(hiring: Hiring) -> None:
    candidate = await hiring.candidate("郑一", "zheng@example.com")
    ok(
        await hiring.hr.client.post(
            f"{API}/job-postings/{hiring.posting['id']}/close",
            json={"reason": "暂停招聘"},
            headers=hiring.hr.hr(),
        )
    )
    response = await hiring.hr.client.post(
        f"{API}/applications",
        json={"candidate_id": candidate["id"], "job_posting_id": hiring.posting["id"]},
        headers=hiring.hr.hr(),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "job_posting_closed"


async def test_interviewers_see_only_their_own_scorecard_until_they_submit(
    hiring: Hiring,
) -> None:
    hr, company = hiring.hr, hiring.company
    candidate = await hiring.candidate("孙丽", "sun.li@example.com")
    application = await hiring.apply(candidate)
    await hiring.to_interviewing(application)
    interview = await hiring.interview(
        application, "部门负责人面试 Department head", company.rnd_head, company.manager
    )
    assert interview["kind"] == "department_head"
    scorecards = f"{API}/interviews/{interview['id']}/scorecards"
    head = hiring.head
    manager = hr.employee(company.manager, username="wang")

    # the manager, an interviewer, sees the candidate they interview; an outsider does not
    candidate_path = f"{API}/candidates/{candidate['id']}"
    assert (await hr.client.get(candidate_path, headers=manager)).status_code == 200
    outsider = hr.employee(company.outsider)
    assert (await hr.client.get(candidate_path, headers=outsider)).status_code == 404
    assert (await hr.client.get(scorecards, headers=outsider)).status_code == 404

    out_of_scale = await hr.client.post(
        f"{scorecards}/me/submit",
        json={"scores": [{"criterion": "沟通", "score": 6}], "recommendation": "hire"},
        headers=head,
    )
    assert out_of_scale.status_code == 422
    zero = await hr.client.patch(
        f"{scorecards}/me", json={"scores": [{"criterion": "沟通", "score": 0}]}, headers=head
    )
    assert zero.status_code == 422

    submitted = ok(
        await hr.client.post(
            f"{scorecards}/me/submit",
            json={"scores": SCORES, "recommendation": "hire", "comments": "不错"},
            headers=head,
        )
    )
    assert submitted["submitted"] and submitted["visible"]
    draft = ok(
        await hr.client.patch(
            f"{scorecards}/me",
            json={"scores": [{"criterion": "编码", "score": 2}], "recommendation": "no_hire"},
            headers=manager,
        )
    )
    assert not draft["submitted"]

    # before submitting, the manager sees their own draft but not the head's scorecard
    seen = {
        c["interviewer_id"]: c for c in ok_list(await hr.client.get(scorecards, headers=manager))
    }
    assert seen[str(company.manager)]["scores"] == [
        {"criterion": "编码", "score": 2, "comment": ""}
    ]
    assert seen[str(company.rnd_head)]["visible"] is False
    assert seen[str(company.rnd_head)]["scores"] is None
    assert seen[str(company.rnd_head)]["recommendation"] is None
    # the head (submitted) sees no one's draft; HR sees the submitted one only
    seen = {c["interviewer_id"]: c for c in ok_list(await hr.client.get(scorecards, headers=head))}
    assert seen[str(company.manager)]["scores"] is None
    seen = {
        c["interviewer_id"]: c for c in ok_list(await hr.client.get(scorecards, headers=hr.hr()))
    }
    assert seen[str(company.rnd_head)]["recommendation"] == "hire"
    assert seen[str(company.manager)]["visible"] is False

    ok(
        await hr.client.post(
            f"{scorecards}/me/submit",
            json={"scores": SCORES, "recommendation": "strong_hire"},
            headers=manager,
        )
    )
    seen = {
        c["interviewer_id"]: c for c in ok_list(await hr.client.get(scorecards, headers=manager))
    }
    assert seen[str(company.rnd_head)]["recommendation"] == "hire"
    assert (
        ok(await hr.client.get(f"{API}/interviews/{interview['id']}", headers=hr.hr()))["status"]
        == "completed"
    )
    final = await hr.client.patch(f"{scorecards}/me", json={"comments": "改"}, headers=manager)
    assert final.status_code == 409
    assert final.json()["code"] == "scorecard_submitted"
    # someone who is no interviewer of the round has no scorecard to write
    assert (
        await hr.client.patch(f"{scorecards}/me", json={"comments": "x"}, headers=hr.hr())
    ).status_code == 404


def ok_list(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()
    return items


async def test_rounds_come_from_the_plan_once_each(hiring: Hiring) -> None:
    candidate = await hiring.candidate("钱二", "qian@example.com")
    application = await hiring.apply(candidate)
    early = await hiring.hr.client.post(
        f"{API}/interviews",
        json={
            "application_id": application["id"],
            "round": "人力资源面试 HR",
            "scheduled_at": later(),
            "interviewer_ids": [str(hiring.company.manager)],
        },
        headers=hiring.hr.hr(),
    )
    assert early.status_code == 409
    await hiring.to_interviewing(application)
    unknown = await hiring.hr.client.post(
        f"{API}/interviews",
        json={
            "application_id": application["id"],
            "round": "终面",
            "scheduled_at": later(),
            "interviewer_ids": [str(hiring.company.manager)],
        },
        headers=hiring.hr.hr(),
    )
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_interview_round"
    await hiring.interview(application, "人力资源面试 HR", hiring.company.manager)
    twice = await hiring.hr.client.post(
        f"{API}/interviews",
        json={
            "application_id": application["id"],
            "round": "人力资源面试 HR",
            "scheduled_at": later(3),
            "interviewer_ids": [str(hiring.company.manager)],
        },
        headers=hiring.hr.hr(),
    )
    assert twice.status_code == 409
    assert twice.json()["code"] == "interview_round_exists"


async def test_an_offer_needs_a_passed_background_check(hiring: Hiring) -> None:
    candidate = await hiring.candidate("冯五", "feng@example.com")
    application = await hiring.apply(candidate)
    await hiring.to_interviewing(application)
    unchecked = await hiring.offer(application)
    assert unchecked.status_code == 409
    assert unchecked.json()["code"] == "background_check_required"
    stage = await hiring.move(application, "offer")
    assert stage.status_code == 409
    await hiring.check(application, "failed")
    assert (await hiring.offer(application)).json()["code"] == "background_check_required"
    await hiring.check(application, "passed")
    offer = ok(await hiring.offer(application), 201)
    assert offer["status"] == "approved"  # 26000 is within P5's band
    assert offer["above_band"] is False
    assert offer["salary"] == "26000.00"
    found = ok(
        await hiring.hr.client.get(
            f"{API}/applications/{application['id']}", headers=hiring.hr.hr()
        )
    )
    assert found["stage"] == "offer"
    again = await hiring.offer(application)
    assert again.status_code == 409
    assert again.json()["code"] == "offer_exists"


async def test_a_waived_check_is_not_needed(hr: HrService, company: Company) -> None:
    plan = await approved_plan(hr, company, background_check_waived=True)
    posting = ok(
        await hr.client.post(
            f"{API}/job-postings", json={"hiring_plan_id": plan["id"]}, headers=hr.hr()
        ),
        201,
    )
    hiring = Hiring(hr, company, plan, posting)
    application = await hiring.apply(await hiring.candidate("陈七", "chen7@example.com"))
    await hiring.to_interviewing(application)
    assert (await hiring.offer(application)).status_code == 201


async def test_an_offer_above_the_band_is_approved_in_workflow(hiring: Hiring) -> None:
    hr = hiring.hr
    application = await hiring.apply(await hiring.candidate("褚八", "chu@example.com"))
    await hiring.to_interviewing(application)
    await hiring.check(application)
    offer = ok(await hiring.offer(application, salary="35000.00"), 201)
    assert (offer["status"], offer["above_band"], offer["band_maximum"]) == (
        "pending_approval",
        True,
        "30000.00",
    )
    assert offer["workflow_instance_id"]
    [started] = [b for b in hr.workflow.started() if b["subject"]["type"] == "offer"]
    assert started["definition_key"] == "hiring"
    assert started["requester_employee_id"] == str(hiring.company.rnd_head)
    assert started["data"]["amount"] == "35000.00"
    early = await hr.client.post(f"{API}/offers/{offer['id']}/accept", json={}, headers=hr.hr())
    assert early.status_code == 409
    assert early.json()["code"] == "invalid_offer_transition"
    await hr.conclude(OFFER_SAGA, "workflow-outcomes-offers", "offer", offer["id"], "approved")
    assert ok(await hr.client.get(f"{API}/offers/{offer['id']}", headers=hr.hr()))["status"] == (
        "approved"
    )


async def test_offers_are_for_hr_and_the_departments_head(hiring: Hiring) -> None:
    hr = hiring.hr
    application = await hiring.apply(await hiring.candidate("卫九", "wei@example.com"))
    await hiring.to_interviewing(application)
    await hiring.check(application)
    offer = ok(await hiring.offer(application), 201)
    path = f"{API}/offers/{offer['id']}"
    assert (await hr.client.get(path, headers=hiring.head)).status_code == 200
    assert (
        await hr.client.get(path, headers=hr.employee(hiring.company.outsider))
    ).status_code == 404
    # the head sees it but does not answer for the candidate
    response = await hr.client.post(f"{path}/decline", json={"reason": "x"}, headers=hiring.head)
    assert response.status_code == 403
    assert response.json()["code"] == "hr_only"
    declined = ok(await hr.client.post(f"{path}/decline", json={"reason": "薪资"}, headers=hr.hr()))
    assert declined["status"] == "declined"
    found = ok(await hr.client.get(f"{API}/applications/{application['id']}", headers=hr.hr()))
    assert found["stage"] == "withdrawn"


async def test_a_department_head_sees_their_departments_candidates_only(hiring: Hiring) -> None:
    hr, company = hiring.hr, hiring.company
    applied = await hiring.candidate("甲", "jia@example.com")
    await hiring.apply(applied)
    elsewhere = await hiring.candidate("乙", "yi@example.com")  # applied to nothing
    page = ok(await hr.client.get(f"{API}/candidates", headers=hiring.head))
    assert [c["id"] for c in page["items"]] == [applied["id"]]
    path = f"{API}/candidates/{elsewhere['id']}"
    assert (await hr.client.get(path, headers=hiring.head)).status_code == 404
    # seeing is not changing: the head may not edit a candidate
    response = await hr.client.patch(
        f"{API}/candidates/{applied['id']}", json={"notes": "x"}, headers=hiring.head
    )
    assert response.status_code == 403
    assert response.json()["code"] == "hr_only"
    sales_head = hr.employee(company.outsider)
    assert ok(await hr.client.get(f"{API}/applications", headers=sales_head))["items"] == []


async def test_hr_moves_a_pay_band_and_the_next_offer_follows_it(hiring: Hiring) -> None:
    hr = hiring.hr
    band = ok(
        await hr.client.patch(f"{API}/pay-bands/P5", json={"maximum": "25000.00"}, headers=hr.hr())
    )
    assert band["maximum"] == "25000.00"
    bad = await hr.client.patch(
        f"{API}/pay-bands/P5", json={"minimum": "26000.00"}, headers=hr.hr()
    )
    assert bad.status_code == 422
    head = await hr.client.patch(
        f"{API}/pay-bands/P5", json={"maximum": "1.00"}, headers=hiring.head
    )
    assert head.status_code == 404
    application = await hiring.apply(await hiring.candidate("丙", "bing@example.com"))
    await hiring.to_interviewing(application)
    await hiring.check(application)
    offer = ok(await hiring.offer(application, salary="26000.00"), 201)
    assert (offer["status"], offer["above_band"]) == ("pending_approval", True)


async def test_a_plan_recorded_while_workflow_is_down_is_started_by_its_sweep(
    hr: HrService, company: Company
) -> None:
    hr.workflow.down = True
    created = ok(
        await hr.client.post(
            f"{API}/hiring-plans",
            json={
                "department_id": str(hr.departments["RND"]),
                "position": "测试工程师",
                "headcount": 1,
                "reason": "质量",
            },
            headers=hr.employee(company.rnd_head),
        ),
        201,
    )
    assert created["workflow_instance_id"] is None
    hr.workflow.down = False
    runtime = hr.app.state.runtime
    started = await PLAN_SAGA.sweep(
        runtime, runtime.service_client, now=utcnow() + timedelta(days=1)
    )
    assert started == 1
    plan = ok(await hr.client.get(f"{API}/hiring-plans/{created['id']}", headers=hr.hr()))
    assert plan["workflow_instance_id"] == hr.workflow.instance_of(created["id"], "hiring_plan")
    # leave's saga sweeps its own records only
    assert await hr.sweep() == 0


async def test_withdrawing_a_pending_plan_withdraws_its_approval(
    hr: HrService, company: Company
) -> None:
    created = ok(
        await hr.client.post(
            f"{API}/hiring-plans",
            json={
                "department_id": str(hr.departments["RND"]),
                "position": "运维工程师",
                "headcount": 1,
                "reason": "扩容",
            },
            headers=hr.employee(company.rnd_head),
        ),
        201,
    )
    cancelled = ok(
        await hr.client.post(
            f"{API}/hiring-plans/{created['id']}/cancel",
            json={"reason": "预算冻结"},
            headers=hr.employee(company.rnd_head),
        )
    )
    assert cancelled["status"] == "cancelled"
    assert hr.workflow.withdrawn == [created["workflow_instance_id"]]
    again = await hr.client.post(
        f"{API}/hiring-plans/{created['id']}/cancel", json={"reason": "x"}, headers=hr.hr()
    )
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_hiring_plan_transition"


async def test_hr_withdraws_an_offer_awaiting_approval(hiring: Hiring) -> None:
    hr = hiring.hr
    application = await hiring.apply(await hiring.candidate("丁", "ding@example.com"))
    await hiring.to_interviewing(application)
    await hiring.check(application)
    offer = ok(await hiring.offer(application, salary="40000.00"), 201)
    withdrawn = ok(
        await hr.client.post(
            f"{API}/offers/{offer['id']}/withdraw", json={"reason": "岗位调整"}, headers=hr.hr()
        )
    )
    assert withdrawn["status"] == "withdrawn"
    assert hr.workflow.withdrawn == [offer["workflow_instance_id"]]
    [event] = await hr.events("hr.offer.withdrawn")
    assert event["data"]["reason"] == "岗位调整"
    # a new offer may follow
    assert (await hiring.offer(application)).status_code == 201


async def test_auditors_read_everything_and_change_nothing(hiring: Hiring) -> None:
    hr = hiring.hr
    candidate = await hiring.candidate("戊", "wu5@example.com")
    assert (
        await hr.client.get(f"{API}/candidates/{candidate['id']}", headers=hr.auditor())
    ).status_code == 200
    response = await hr.client.post(
        f"{API}/candidates",
        json={"name": "己", "email": "ji@example.com", "source_channel": "other"},
        headers=hr.auditor(),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "hr_only"


async def test_a_cancelled_round_takes_no_scorecard(hiring: Hiring) -> None:
    hr, company = hiring.hr, hiring.company
    application = await hiring.apply(await hiring.candidate("庚", "geng@example.com"))
    await hiring.to_interviewing(application)
    interview = await hiring.interview(application, "人力资源面试 HR", company.manager)
    path = f"{API}/interviews/{interview['id']}"
    assert ok(await hr.client.post(f"{path}/cancel", headers=hr.hr()))["status"] == "cancelled"
    again = await hr.client.post(f"{path}/cancel", headers=hr.hr())
    assert again.status_code == 409
    assert again.json()["code"] == "interview_closed"
    late = await hr.client.post(
        f"{path}/scorecards/me/submit",
        json={"scores": SCORES, "recommendation": "hire"},
        headers=hr.employee(company.manager),
    )
    assert late.status_code == 409
    assert late.json()["code"] == "interview_closed"
    [event] = await hr.events("hr.interview.cancelled")
    assert event["data"]["interviewer_ids"] == [str(company.manager)]
