"""``--demo``: a hiring plan with candidates at several stages and contracts, some ending soon —
made once hr knows org's demo people, whether they come before or after the loader runs."""

from collections import Counter
from pathlib import Path

from services.hr import demo
from services.hr.reference import load_reference_data
from tests.hr.conftest import Company, HrService
from tests.hr.people_helpers import API, ok


async def load_demo(hr: HrService, tmp_path: Path) -> None:
    await load_reference_data(url=hr.db.url, schema=hr.db.schema, data_dir=tmp_path, demo=True)


async def test_the_demo_is_made_once_when_hr_knows_orgs_people(
    hr: HrService, tmp_path: Path
) -> None:
    await load_demo(hr, tmp_path)  # hr knows nobody yet: planted only
    assert ok(await hr.client.get(f"{API}/hiring-plans", headers=hr.hr()))["items"] == []
    assert not await demo.realise_pending(hr.app.state.runtime)

    await company_of(hr)
    assert await demo.realise_pending(hr.app.state.runtime)
    assert not await demo.realise_pending(hr.app.state.runtime)
    await load_demo(hr, tmp_path)  # loading again adds nothing

    [plan] = ok(await hr.client.get(f"{API}/hiring-plans", headers=hr.hr()))["items"]
    assert plan["status"] == "approved"
    stages = Counter(
        a["stage"]
        for a in ok(
            await hr.client.get(f"{API}/applications", params={"limit": 50}, headers=hr.hr())
        )["items"]
    )
    assert stages == Counter(
        ["applied", "screening", "shortlisted", "interviewing", "offer", "rejected", "withdrawn"]
    )
    [offer] = ok(await hr.client.get(f"{API}/offers", headers=hr.hr()))["items"]
    assert offer["status"] == "approved"
    contracts = ok(
        await hr.client.get(f"{API}/labour-contracts", params={"limit": 50}, headers=hr.hr())
    )["items"]
    assert len(contracts) == 5
    soon = ok(
        await hr.client.get(
            f"{API}/labour-contracts", params={"expiring_within_days": 60}, headers=hr.hr()
        )
    )["items"]
    assert len(soon) == 2


async def company_of(hr: HrService) -> Company:
    await hr.department("GMO")
    await hr.department("RND", parent="GMO")
    head = await hr.person("研发负责人", "RND")
    await hr.department("RND", parent="GMO", head=head, update=True)
    people = [await hr.person(name, "RND", manager=head) for name in ("甲", "乙", "丙", "丁")]
    return Company(head, *people)
