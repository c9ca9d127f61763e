"""Performance through hr's API: KPI templates (weights sum to 100), a cycle opening a review for
every active employee in scope, self-assessment then the head's review, calibration, final grades
and coefficients (what payroll reads), statistics, improvement plans, and who sees what."""

from typing import Any

from tests.hr.conftest import Company, HrService
from tests.hr.development_helpers import (
    API,
    INDICATORS,
    cycle,
    review_of,
    run_review,
    scores,
    template,
)


async def test_weights_not_summing_to_100_are_refused(hr: HrService, company: Company) -> None:
    bad = [{**INDICATORS[0], "weight": "49"}, *INDICATORS[1:]]
    answer = await hr.client.post(
        f"{API}/kpi-templates",
        json={"name": "x", "department_id": str(hr.departments["GMO"]), "indicators": bad},
        headers=hr.hr(),
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "kpi_weights_invalid"
    listed = await hr.client.get(f"{API}/kpi-templates", headers=hr.hr())
    assert listed.json()["items"] == []


async def test_only_hr_defines_templates(hr: HrService, company: Company) -> None:
    answer = await hr.client.post(
        f"{API}/kpi-templates",
        json={"name": "x", "department_id": str(hr.departments["RND"]), "indicators": INDICATORS},
        headers=hr.employee(company.rnd_head),
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "hr_only"


async def test_template_changes_honour_if_match(hr: HrService, company: Company) -> None:
    made = await template(hr)
    stale = await hr.client.patch(
        f"{API}/kpi-templates/{made['id']}",
        json={"name": "新名字"},
        headers={**hr.hr(), "If-Match": '"999"'},
    )
    assert stale.status_code == 412
    ok = await hr.client.patch(
        f"{API}/kpi-templates/{made['id']}",
        json={"name": "新名字"},
        headers={**hr.hr(), "If-Match": f'"{made["version"]}"'},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["name"] == "新名字"


async def test_a_cycle_opens_a_review_for_every_active_employee_in_scope(
    hr: HrService, company: Company
) -> None:
    await template(hr)
    leaver = await hr.person("离职者", "RND", status="left")
    opened = await cycle(hr, "RND")
    page = await hr.client.get(
        f"{API}/reviews", params={"cycle_id": opened["id"], "limit": 50}, headers=hr.hr()
    )
    who = {item["employee_id"] for item in page.json()["items"]}
    # RND and RND-FE, not SALES, not the leaver
    assert who == {
        str(company.rnd_head),
        str(company.manager),
        str(company.employee),
        str(company.colleague),
    }
    assert str(leaver) not in who
    events = await hr.events("hr.review_cycle.opened")
    assert events[-1]["data"]["review_count"] == 4


async def test_a_department_without_a_template_is_refused(hr: HrService, company: Company) -> None:
    await template(hr, "RND")
    answer = await hr.client.post(
        f"{API}/review-cycles",
        json={
            "name": "Q4",
            "period": "quarterly",
            "start_date": "2026-10-01",
            "end_date": "2026-12-31",
        },
        headers=hr.hr(),
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "kpi_template_missing"
    listed = await hr.client.get(f"{API}/review-cycles", headers=hr.hr())
    assert listed.json()["items"] == []


async def test_a_review_runs_to_its_grade_and_coefficient(hr: HrService, company: Company) -> None:
    await template(hr)
    opened = await cycle(hr, "RND")
    review = await review_of(hr, opened["id"], company.employee)
    # the head may not review before the self-assessment
    early = await hr.client.post(
        f"{API}/reviews/{review['id']}/manager-review",
        json={"scores": scores("90", "4", "1")},
        headers=hr.employee(company.rnd_head),
    )
    assert early.status_code == 409
    assert early.json()["code"] == "invalid_review_transition"
    final = await run_review(hr, company, review, scores("90", "4", "1"))
    # 90*.5 + 80*.3 + 100*.2 = 89 → A
    assert final["final_score"] == "89.00"
    assert (final["grade"], final["coefficient"], final["below_target"]) == ("A", "1.20", False)
    # payroll's read: a system client, by cycle and employee
    payroll = await hr.client.get(
        f"{API}/reviews",
        params={"cycle_id": opened["id"], "employee_id": str(company.employee)},
        headers=hr.auditor(),
    )
    assert payroll.json()["items"][0]["coefficient"] == "1.20"
    finalized = await hr.events("hr.review.finalized")
    assert finalized[-1]["data"]["grade"] == "A"
    assert finalized[-1]["data"]["coefficient"] == "1.20"
    assert finalized[-1]["data"]["employee_id"] == str(company.employee)


async def test_a_score_outside_its_scale_is_refused_and_changes_nothing(
    hr: HrService, company: Company
) -> None:
    await template(hr)
    opened = await cycle(hr, "RND")
    review = await review_of(hr, opened["id"], company.employee)
    for bad in (scores("90", "6", "1"), scores("90", "4", "0.5"), scores("201", "4", "1")):
        answer = await hr.client.post(
            f"{API}/reviews/{review['id']}/self-assessment",
            json={"scores": bad},
            headers=hr.employee(company.employee),
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == "score_out_of_scale"
    missing = await hr.client.post(
        f"{API}/reviews/{review['id']}/self-assessment",
        json={"scores": scores("90", "4", "1")[:2]},
        headers=hr.employee(company.employee),
    )
    assert missing.json()["code"] == "review_scores_invalid"
    again = await review_of(hr, opened["id"], company.employee)
    assert again["status"] == "self_assessment"
    assert again["self_scores"] is None


async def test_only_the_employee_assesses_themselves_and_only_their_head_reviews(
    hr: HrService, company: Company
) -> None:
    await template(hr)
    opened = await cycle(hr, "RND")
    review = await review_of(hr, opened["id"], company.employee)
    colleague = await hr.client.post(
        f"{API}/reviews/{review['id']}/self-assessment",
        json={"scores": scores("90", "4", "1")},
        headers=hr.employee(company.colleague),
    )
    assert colleague.status_code == 404  # not theirs to see
    await hr.client.post(
        f"{API}/reviews/{review['id']}/self-assessment",
        json={"scores": scores("90", "4", "1")},
        headers=hr.employee(company.employee),
    )
    themselves = await hr.client.post(
        f"{API}/reviews/{review['id']}/manager-review",
        json={"scores": scores("120", "5", "1")},
        headers=hr.employee(company.employee),
    )
    assert themselves.status_code == 403
    # the direct manager may review too
    manager = await hr.client.post(
        f"{API}/reviews/{review['id']}/manager-review",
        json={"scores": scores("80", "4", "1")},
        headers=hr.employee(company.manager),
    )
    assert manager.status_code == 200, manager.text
    not_hr = await hr.client.post(
        f"{API}/reviews/{review['id']}/finalize", headers=hr.employee(company.rnd_head)
    )
    assert not_hr.status_code == 403
    assert not_hr.json()["code"] == "hr_only"


async def test_who_sees_which_reviews(hr: HrService, company: Company) -> None:
    await template(hr)
    opened = await cycle(hr)

    async def seen(headers: dict[str, str]) -> set[str]:
        page = await hr.client.get(
            f"{API}/reviews", params={"cycle_id": opened["id"], "limit": 50}, headers=headers
        )
        assert page.status_code == 200
        return {item["employee_id"] for item in page.json()["items"]}

    everyone = {
        str(p)
        for p in (
            company.rnd_head,
            company.manager,
            company.employee,
            company.colleague,
            company.outsider,
        )
    }
    assert await seen(hr.hr()) == everyone
    assert await seen(hr.auditor()) == everyone
    assert await seen(hr.employee(company.employee)) == {str(company.employee)}
    assert await seen(hr.employee(company.manager)) == {
        str(company.manager),
        str(company.employee),
        str(company.colleague),
    }
    assert await seen(hr.employee(company.rnd_head)) == everyone - {str(company.outsider)}
    theirs = await review_of(hr, opened["id"], company.outsider)
    hidden = await hr.client.get(
        f"{API}/reviews/{theirs['id']}", headers=hr.employee(company.employee)
    )
    assert hidden.status_code == 404


async def test_calibration_adjusts_the_final_score_with_a_reason(
    hr: HrService, company: Company
) -> None:
    await template(hr)
    opened = await cycle(hr, "RND")
    review = await review_of(hr, opened["id"], company.colleague)
    rid = review["id"]
    await hr.client.post(
        f"{API}/reviews/{rid}/self-assessment",
        json={"scores": scores("90", "4", "1")},
        headers=hr.employee(company.colleague),
    )
    await hr.client.post(
        f"{API}/reviews/{rid}/manager-review",
        json={"scores": scores("90", "4", "1")},
        headers=hr.employee(company.rnd_head),
    )
    no_reason = await hr.client.post(
        f"{API}/reviews/{rid}/calibrate", json={"score": "96.00"}, headers=hr.hr()
    )
    assert no_reason.status_code == 422
    out = await hr.client.post(
        f"{API}/reviews/{rid}/calibrate", json={"score": "121", "reason": "x"}, headers=hr.hr()
    )
    assert out.json()["code"] == "score_out_of_scale"
    ok = await hr.client.post(
        f"{API}/reviews/{rid}/calibrate",
        json={"score": "96", "reason": "跨部门校准"},
        headers=hr.hr(),
    )
    assert ok.status_code == 200, ok.text
    final = await hr.client.post(f"{API}/reviews/{rid}/finalize", headers=hr.hr())
    body = final.json()
    assert (body["score"], body["final_score"], body["grade"], body["coefficient"]) == (
        "89.00",
        "96.00",
        "S",
        "1.50",
    )
    assert body["calibration_reason"] == "跨部门校准"


async def test_hr_configures_the_bands(hr: HrService, company: Company) -> None:
    bands = (
        await hr.client.get(f"{API}/grade-bands", headers=hr.employee(company.employee))
    ).json()
    assert [b["grade"] for b in bands["bands"]] == ["S", "A", "B", "C", "D"]
    changed = [
        {"grade": "A", "min_score": "80", "coefficient": "1.30", "below_target": False},
        {"grade": "B", "min_score": "0", "coefficient": "1.00", "below_target": False},
    ]
    refused = await hr.client.put(
        f"{API}/grade-bands", json={"bands": changed[:1]}, headers=hr.hr()
    )
    assert refused.json()["code"] == "grade_bands_invalid"
    not_hr = await hr.client.put(
        f"{API}/grade-bands", json={"bands": changed}, headers=hr.employee(company.rnd_head)
    )
    assert not_hr.status_code == 403
    ok = await hr.client.put(f"{API}/grade-bands", json={"bands": changed}, headers=hr.hr())
    assert ok.status_code == 200, ok.text
    await template(hr)
    opened = await cycle(hr, "RND")
    review = await review_of(hr, opened["id"], company.employee)
    final = await run_review(hr, company, review, scores("90", "4", "1"))
    assert (final["grade"], final["coefficient"]) == ("A", "1.30")


async def test_statistics_per_department_and_closing_the_cycle(
    hr: HrService, company: Company
) -> None:
    await template(hr)
    opened = await cycle(hr, "RND")
    low = await run_review(
        hr, company, await review_of(hr, opened["id"], company.employee), scores("50", "2", "0")
    )
    assert low["grade"] == "D" and low["below_target"] is True
    await run_review(
        hr, company, await review_of(hr, opened["id"], company.colleague), scores("100", "5", "1")
    )
    closing = await hr.client.post(f"{API}/review-cycles/{opened['id']}/close", headers=hr.hr())
    assert closing.status_code == 409
    assert closing.json()["code"] == "reviews_pending"
    stats = await hr.client.get(f"{API}/review-cycles/{opened['id']}/statistics", headers=hr.hr())
    assert stats.status_code == 200, stats.text
    by_department = {d["department_id"]: d for d in stats.json()["departments"]}
    fe = by_department[str(hr.departments["RND-FE"])]
    assert fe["finalized"] == 2
    assert fe["grade_distribution"] == {"S": 1, "A": 0, "B": 0, "C": 0, "D": 1}
    # (100 + (25 + 12 + 0)) / 2 = 68.50
    assert fe["average_score"] == "68.50"
    rnd = by_department[str(hr.departments["RND"])]
    assert {p["employee_id"] for p in rnd["not_finalized"]} == {
        str(company.rnd_head),
        str(company.manager),
    }
    newcomer = await hr.person("新同事", "RND-FE")
    again = await hr.client.get(f"{API}/review-cycles/{opened['id']}/statistics", headers=hr.hr())
    fe_again = {d["department_id"]: d for d in again.json()["departments"]}[
        str(hr.departments["RND-FE"])
    ]
    assert fe_again["without_review"] == [str(newcomer)]
    mine = await hr.client.get(
        f"{API}/review-cycles/{opened['id']}/statistics",
        headers=hr.employee(company.employee),
    )
    assert [d["reviews"] for d in mine.json()["departments"]] == [1]


async def _low_performer(hr: HrService, company: Company) -> dict[str, Any]:
    await template(hr)
    opened = await cycle(hr, "RND")
    review = await review_of(hr, opened["id"], company.employee)
    return await run_review(hr, company, review, scores("50", "2", "0"))


async def test_a_low_performer_gets_an_improvement_plan(hr: HrService, company: Company) -> None:
    low = await _low_performer(hr, company)
    plan = await hr.client.post(
        f"{API}/improvement-plans",
        json={
            "employee_id": str(company.employee),
            "review_id": low["id"],
            "goals": ["交付准时率达到90%"],
            "start_date": "2027-01-04",
            "review_date": "2027-03-31",
        },
        headers=hr.hr(),
    )
    assert plan.status_code == 201, plan.text
    body = plan.json()
    assert body["manager_id"] == str(company.manager)
    second = await hr.client.post(
        f"{API}/improvement-plans",
        json={
            "employee_id": str(company.employee),
            "goals": ["x"],
            "start_date": "2027-01-04",
            "review_date": "2027-03-31",
        },
        headers=hr.hr(),
    )
    assert second.status_code == 409
    assert second.json()["code"] == "improvement_plan_exists"
    # the manager coaches; the employee reads but does not write check-ins
    check = await hr.client.post(
        f"{API}/improvement-plans/{body['id']}/check-ins",
        json={"held_on": "2027-01-29", "notes": "有进步", "progress": "on_track"},
        headers=hr.employee(company.manager),
    )
    assert check.status_code == 201, check.text
    themselves = await hr.client.post(
        f"{API}/improvement-plans/{body['id']}/check-ins",
        json={"held_on": "2027-01-30", "notes": "我很好", "progress": "on_track"},
        headers=hr.employee(company.employee),
    )
    assert themselves.status_code == 403
    for viewer in (hr.employee(company.employee), hr.employee(company.manager), hr.auditor()):
        read = await hr.client.get(f"{API}/improvement-plans/{body['id']}", headers=viewer)
        assert read.status_code == 200
        assert [c["notes"] for c in read.json()["check_ins"]] == ["有进步"]
    hidden = await hr.client.get(
        f"{API}/improvement-plans/{body['id']}", headers=hr.employee(company.colleague)
    )
    assert hidden.status_code == 404
    extend_without_date = await hr.client.post(
        f"{API}/improvement-plans/{body['id']}/outcome",
        json={"outcome": "extended", "note": "再给一个月"},
        headers=hr.hr(),
    )
    assert extend_without_date.status_code == 422
    extended = await hr.client.post(
        f"{API}/improvement-plans/{body['id']}/outcome",
        json={"outcome": "extended", "note": "再给一个月", "review_date": "2027-04-30"},
        headers=hr.hr(),
    )
    assert extended.json()["status"] == "extended"
    done = await hr.client.post(
        f"{API}/improvement-plans/{body['id']}/outcome",
        json={"outcome": "completed", "note": "达成"},
        headers=hr.hr(),
    )
    assert done.json()["status"] == "completed"
    ended = await hr.client.post(
        f"{API}/improvement-plans/{body['id']}/outcome",
        json={"outcome": "failed", "note": "x"},
        headers=hr.hr(),
    )
    assert ended.status_code == 409
    assert ended.json()["code"] == "improvement_plan_closed"
    types = [e["type"] for e in await hr.events() if e["type"].startswith("hr.improvement_plan")]
    assert types == [
        "hr.improvement_plan.opened",
        "hr.improvement_plan.checked_in",
        "hr.improvement_plan.concluded",
        "hr.improvement_plan.concluded",
    ]


async def test_a_plan_follows_only_a_review_below_target(hr: HrService, company: Company) -> None:
    await template(hr)
    opened = await cycle(hr, "RND")
    good = await run_review(
        hr, company, await review_of(hr, opened["id"], company.colleague), scores("100", "5", "1")
    )
    answer = await hr.client.post(
        f"{API}/improvement-plans",
        json={
            "employee_id": str(company.colleague),
            "review_id": good["id"],
            "goals": ["x"],
            "start_date": "2027-01-04",
            "review_date": "2027-03-31",
        },
        headers=hr.hr(),
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "not_below_target"


async def test_a_null_in_a_template_change_changes_nothing(hr: HrService, company: Company) -> None:
    made = await template(hr)
    answer = await hr.client.patch(
        f"{API}/kpi-templates/{made['id']}",
        json={"name": None, "indicators": None, "active": None},
        headers=hr.hr(),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["name"] == made["name"]
    assert len(answer.json()["indicators"]) == 3
