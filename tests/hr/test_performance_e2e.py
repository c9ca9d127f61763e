"""Performance through the real platform (issue 15, "Done when"): through the gateway, a review
cycle runs to final grades and coefficients — the employees assess themselves, their department
head reviews them, HR calibrates and finalizes — and the low performer gets an improvement plan
their head coaches and they themselves can read."""

from collections.abc import Iterator

import pytest

from tests.conftest import POSTGRES_URL, TEST_DB
from tests.hr.test_leave_saga_e2e import create_account, eventually, login, ok, warm_up
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform, start_platform

HR = "/api/v1/hr"
ORG = "/api/v1/org"
INDICATORS = [
    {"name": "交付", "weight": "60", "target": "100%", "method": "achievement_percentage"},
    {"name": "质量", "weight": "40", "target": "4", "method": "numeric_scale", "scale_max": 5},
]


def scores(delivery: str, quality: str) -> dict[str, object]:
    return {
        "scores": [
            {"indicator": "交付", "value": delivery},
            {"indicator": "质量", "value": quality},
        ]
    }


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    running = start_platform(
        tmp_path_factory.mktemp("platform"),
        postgres_url=POSTGRES_URL if TEST_DB == "postgresql" else None,
    )
    yield running
    running.stop()
    running.drop_schemas()


def test_a_review_cycle_runs_to_grades_and_a_low_performer_gets_a_plan(
    platform: RunningPlatform,
) -> None:
    admin = login(platform, "admin", ADMIN_PASSWORD)
    warm_up(admin)
    departments = {
        d["code"]: d for d in ok(admin.get(f"{ORG}/departments", params={"limit": 200}))["items"]
    }
    team = ok(
        admin.post(
            f"{ORG}/departments",
            json={"code": "PERF-E2E", "name": "绩效试点组", "parent_id": departments["RND"]["id"]},
        ),
        201,
    )

    def hire(number: str, name: str, department_id: str, **more: str) -> str:
        created = ok(
            admin.post(
                f"{ORG}/employees",
                json={
                    "employee_number": number,
                    "name": name,
                    "email": f"{number.lower()}@example.cn",
                    "department_id": department_id,
                    "hire_date": "2019-03-01",
                    **more,
                },
            ),
            201,
        )
        return str(created["id"])

    head_id = hire("PF-001", "周组长", departments["RND"]["id"])
    ok(admin.patch(f"{ORG}/departments/{team['id']}", json={"head_employee_id": head_id}))
    good_id = hire("PF-002", "吴优秀", team["id"], manager_id=head_id)
    low_id = hire("PF-003", "郑待改进", team["id"], manager_id=head_id)
    create_account(admin, "pf.hr", roles=["hr"])
    create_account(admin, "pf.head", employee_id=head_id)
    create_account(admin, "pf.good", employee_id=good_id)
    create_account(admin, "pf.low", employee_id=low_id)
    hr, head, good, low = (login(platform, n) for n in ("pf.hr", "pf.head", "pf.good", "pf.low"))
    try:
        # hr learns the team from org's feed: the head then sees the low performer's record
        eventually(
            lambda: (
                head.get(f"{HR}/employees/{low_id}/training-record").status_code == 200
                and head.get(f"{HR}/employees/{good_id}/training-record").status_code == 200
            ),
            within=20,
            what="hr knowing the team and its head",
        )
        ok(
            hr.post(
                f"{HR}/kpi-templates",
                json={"name": "试点组KPI", "department_id": team["id"], "indicators": INDICATORS},
            ),
            201,
        )
        cycle = ok(
            hr.post(
                f"{HR}/review-cycles",
                json={
                    "name": "试点季度考核",
                    "period": "quarterly",
                    "start_date": "2026-10-01",
                    "end_date": "2026-12-31",
                    "department_id": team["id"],
                },
            ),
            201,
        )
        reviews = ok(hr.get(f"{HR}/reviews", params={"cycle_id": cycle["id"]}))["items"]
        by_employee = {r["employee_id"]: r for r in reviews}
        assert set(by_employee) == {good_id, low_id}
        for client, employee in ((good, good_id), (low, low_id)):
            mine = ok(client.get(f"{HR}/reviews", params={"employee_id": "me"}))["items"]
            assert [r["id"] for r in mine] == [by_employee[employee]["id"]]
            ok(
                client.post(
                    f"{HR}/reviews/{by_employee[employee]['id']}/self-assessment",
                    json=scores("100", "4"),
                )
            )
        # the head: the good one exceeds, the low one falls short; a score off the scale is refused
        refused = head.post(
            f"{HR}/reviews/{by_employee[low_id]['id']}/manager-review", json=scores("60", "6")
        )
        assert refused.status_code == 422
        assert refused.json()["code"] == "score_out_of_scale"
        ok(
            head.post(
                f"{HR}/reviews/{by_employee[good_id]['id']}/manager-review", json=scores("110", "5")
            )
        )
        ok(
            head.post(
                f"{HR}/reviews/{by_employee[low_id]['id']}/manager-review", json=scores("60", "2")
            )
        )
        # HR calibrates the good one down a little, then finalizes both
        ok(
            hr.post(
                f"{HR}/reviews/{by_employee[good_id]['id']}/calibrate",
                json={"score": "94.00", "reason": "跨组校准"},
            )
        )
        final = {
            employee: ok(hr.post(f"{HR}/reviews/{by_employee[employee]['id']}/finalize"))
            for employee in (good_id, low_id)
        }
        assert (
            final[good_id]["final_score"],
            final[good_id]["grade"],
            final[good_id]["coefficient"],
        ) == (
            "94.00",
            "A",
            "1.20",
        )
        # 60*0.6 + 40*0.4 = 52 → D
        assert (
            final[low_id]["final_score"],
            final[low_id]["grade"],
            final[low_id]["coefficient"],
        ) == (
            "52.00",
            "D",
            "0.50",
        )
        assert final[low_id]["below_target"] is True
        # what payroll reads
        read = ok(hr.get(f"{HR}/reviews", params={"cycle_id": cycle["id"], "employee_id": low_id}))
        assert [(r["grade"], r["coefficient"]) for r in read["items"]] == [("D", "0.50")]
        stats = ok(hr.get(f"{HR}/review-cycles/{cycle['id']}/statistics"))
        assert stats["departments"][0]["grade_distribution"]["A"] == 1
        assert stats["departments"][0]["grade_distribution"]["D"] == 1
        assert stats["departments"][0]["not_finalized"] == []
        ok(hr.post(f"{HR}/review-cycles/{cycle['id']}/close"))
        # the low performer's improvement plan: the head coaches, the employee reads it
        plan = ok(
            hr.post(
                f"{HR}/improvement-plans",
                json={
                    "employee_id": low_id,
                    "review_id": final[low_id]["id"],
                    "goals": ["交付准时率达到90%", "代码评审一次通过率提高"],
                    "start_date": "2027-01-04",
                    "review_date": "2027-03-31",
                },
            ),
            201,
        )
        assert plan["manager_id"] == head_id
        ok(
            head.post(
                f"{HR}/improvement-plans/{plan['id']}/check-ins",
                json={"held_on": "2027-01-29", "notes": "交付有改善", "progress": "on_track"},
            ),
            201,
        )
        seen = ok(low.get(f"{HR}/improvement-plans/{plan['id']}"))
        assert [c["notes"] for c in seen["check_ins"]] == ["交付有改善"]
        assert good.get(f"{HR}/improvement-plans/{plan['id']}").status_code == 404
    finally:
        for client in (admin, hr, head, good, low):
            client.close()
