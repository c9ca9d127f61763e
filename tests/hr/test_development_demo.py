"""``--demo``: a training plan with its courses and a finished review cycle (every active
employee graded, with a coefficient; an improvement plan for who fell below target) — made once,
as soon as hr knows org's people."""

from collections import Counter
from pathlib import Path

from services.hr.domain import development_demo
from services.hr.reference import load_reference_data
from tests.hr.conftest import HrService
from tests.hr.development_helpers import API
from tests.hr.people_helpers import ok


async def load_demo(hr: HrService, tmp_path: Path) -> None:
    await load_reference_data(url=hr.db.url, schema=hr.db.schema, data_dir=tmp_path, demo=True)


async def test_the_demo_has_a_training_plan_and_a_finished_review_cycle(
    hr: HrService, tmp_path: Path
) -> None:
    await load_demo(hr, tmp_path)  # hr knows nobody yet: planted only
    assert ok(await hr.client.get(f"{API}/training-plans", headers=hr.hr()))["items"] == []
    assert not await development_demo.realise_pending(hr.app.state.runtime)

    await hr.department("GMO")
    await hr.department("RND", parent="GMO")
    head = await hr.person("研发负责人", "RND")
    await hr.department("RND", parent="GMO", head=head, update=True)
    for name in ("甲", "乙", "丙", "丁", "戊"):
        await hr.person(name, "RND", manager=head)
    assert await development_demo.realise_pending(hr.app.state.runtime)
    assert not await development_demo.realise_pending(hr.app.state.runtime)
    await load_demo(hr, tmp_path)  # loading again adds nothing

    [plan] = ok(await hr.client.get(f"{API}/training-plans", headers=hr.hr()))["items"]
    assert len(plan["needs"]) == 3
    courses = ok(await hr.client.get(f"{API}/courses", headers=hr.hr()))["items"]
    assert {c["kind"] for c in courses} == {"internal", "external_expert", "external_seminar"}
    [cycle] = ok(await hr.client.get(f"{API}/review-cycles", headers=hr.hr()))["items"]
    assert cycle["status"] == "closed"
    reviews = ok(
        await hr.client.get(
            f"{API}/reviews", params={"cycle_id": cycle["id"], "limit": 50}, headers=hr.hr()
        )
    )["items"]
    assert len(reviews) == 6
    assert all(r["status"] == "finalized" and r["coefficient"] for r in reviews)
    assert Counter(r["grade"] for r in reviews) == Counter(["S", "A", "B", "C", "D", "S"])
    plans = ok(await hr.client.get(f"{API}/improvement-plans", headers=hr.hr()))["items"]
    assert len(plans) == 2
    stats = ok(
        await hr.client.get(f"{API}/review-cycles/{cycle['id']}/statistics", headers=hr.hr())
    )
    assert stats["departments"][0]["not_finalized"] == []
