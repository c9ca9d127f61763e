"""Labour contracts: one in force at a time (held by the database too), renewals that keep the
history, the third fixed-term contract (Art. 14), probation limits (Art. 19), who sees which
contracts, the expiring list, and expiry alerts delivered once each to HR and the head."""

import asyncio
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from services.hr.db.people import LabourContract
from services.hr.domain import labour_contracts as contract_rules
from tests.hr.conftest import Company, HrService
from tests.hr.people_helpers import API, FakeInbox, ok
from tests.problems import assert_problem

TERMS = {"position": "工程师", "salary": "20000.00"}


async def sign(hr: HrService, employee: uuid.UUID, **terms: Any) -> Any:
    return await hr.client.post(
        f"{API}/labour-contracts",
        json={"employee_id": str(employee), **TERMS, **terms},
        headers=hr.hr(),
    )


def fixed(start: str, end: str, **more: Any) -> dict[str, Any]:
    return {"kind": "fixed_term", "start_date": start, "end_date": end, **more}


async def renew(hr: HrService, contract: dict[str, Any], **body: Any) -> Any:
    return await hr.client.post(
        f"{API}/labour-contracts/{contract['id']}/renew", json=body, headers=hr.hr()
    )


def inbox_of(hr: HrService) -> FakeInbox:
    assert hr.platform is not None
    return hr.platform.inbox


async def alert_sweep(hr: HrService, today: date) -> int:
    runtime = hr.app.state.runtime
    return await contract_rules.alert_sweep(runtime, runtime.service_client, today)


async def test_a_second_contract_in_force_is_refused(hr: HrService, company: Company) -> None:
    first = ok(await sign(hr, company.employee, **fixed("2024-01-01", "2026-12-31")), 201)
    for terms in (
        fixed("2026-12-31", "2029-12-30"),  # one shared day
        {"kind": "open_ended", "start_date": "2025-01-01"},
        fixed("2023-01-01", "2024-01-01"),
    ):
        response = await sign(hr, company.employee, **terms)
        assert response.status_code == 409, terms
        assert response.json()["code"] == "labour_contract_overlap"
        assert response.json()["overlapping_contract_id"] == first["id"]
    # the day after is free, and another employee is not concerned
    ok(await sign(hr, company.employee, **fixed("2027-01-01", "2027-12-31")), 201)
    ok(await sign(hr, company.colleague, **fixed("2024-01-01", "2026-12-31")), 201)
    events = await hr.events("hr.labour_contract.signed")
    assert len(events) == 3


async def test_the_database_refuses_an_overlap_the_code_did_not_see(
    hr: HrService, company: Company
) -> None:
    ok(await sign(hr, company.employee, kind="open_ended", start_date="2024-01-01"), 201)
    async with hr.app.state.runtime.sessionmaker() as session:
        session.add(
            LabourContract(
                employee_id=company.employee,
                kind="fixed_term",
                start_date=date(2030, 1, 1),
                end_date=date(2030, 12, 31),
                in_force_until=date(2030, 12, 31),
                position="x",
                salary=1,
            )
        )
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_renewals_keep_the_history_and_the_third_fixed_term_must_be_open_ended(
    hr: HrService, company: Company
) -> None:
    first = ok(await sign(hr, company.employee, **fixed("2019-07-01", "2022-06-30")), 201)
    assert (first["fixed_term_sequence"], first["open_ended_required_next"]) == (1, False)
    second = ok(await renew(hr, first, kind="fixed_term", end_date="2025-06-30"), 201)
    assert second["start_date"] == "2022-07-01"
    assert second["previous_contract_id"] == first["id"]
    assert (second["fixed_term_sequence"], second["open_ended_required_next"]) == (2, True)
    assert second["salary"] == "20000.00"
    again = await renew(hr, first, kind="fixed_term", end_date="2028-06-30")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_contract_transition"

    third = await renew(hr, second, kind="fixed_term", end_date="2028-06-30")
    assert third.status_code == 409
    assert third.json()["code"] == "open_ended_contract_required"
    overridden = ok(
        await renew(
            hr,
            second,
            kind="fixed_term",
            end_date="2028-06-30",
            override_reason="员工书面要求订立固定期限合同",
        ),
        201,
    )
    assert overridden["fixed_term_sequence"] == 3
    assert overridden["override_reason"] == "员工书面要求订立固定期限合同"
    history = ok_list(
        await hr.client.get(f"{API}/labour-contracts/{second['id']}/history", headers=hr.hr())
    )
    assert [c["id"] for c in history] == [first["id"], second["id"], overridden["id"]]
    assert [c["status"] for c in history] == ["renewed", "renewed", "active"]
    [renewed] = (await hr.events("hr.labour_contract.renewed"))[:1]
    assert renewed["data"]["open_ended_required_next"] is True


async def test_an_open_ended_renewal_needs_no_override(hr: HrService, company: Company) -> None:
    first = ok(await sign(hr, company.employee, **fixed("2019-07-01", "2022-06-30")), 201)
    second = ok(await renew(hr, first, kind="fixed_term", end_date="2025-06-30"), 201)
    third = ok(await renew(hr, second, kind="open_ended"), 201)
    assert (third["kind"], third["end_date"], third["fixed_term_sequence"]) == (
        "open_ended",
        None,
        0,
    )
    no_more = await renew(hr, third, kind="fixed_term", end_date="2030-01-01")
    assert no_more.status_code == 409


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        (fixed("2025-01-01", "2025-12-31", probation_end_date="2025-03-15"), "probation_too_long"),
        (fixed("2025-01-01", "2025-02-28", probation_end_date="2025-01-15"), "probation_too_long"),
        (
            {"kind": "open_ended", "start_date": "2025-01-01", "end_date": "2027-01-01"},
            "invalid_contract_terms",
        ),
        ({"kind": "internship", "start_date": "2025-01-01"}, "invalid_contract_terms"),
        (fixed("2025-01-01", "2024-12-31"), "dates_out_of_order"),
    ],
)
async def test_terms_the_law_or_the_kind_does_not_allow(
    hr: HrService, company: Company, terms: dict[str, Any], code: str
) -> None:
    response = await sign(hr, company.employee, **terms)
    assert response.status_code == 422
    assert response.json()["code"] == code


async def test_a_probation_is_set_once(hr: HrService, company: Company) -> None:
    first = ok(
        await sign(
            hr,
            company.employee,
            **fixed("2022-01-01", "2024-12-31", probation_end_date="2022-02-28"),
        ),
        201,
    )
    response = await renew(
        hr, first, kind="fixed_term", end_date="2027-12-31", probation_end_date="2025-02-28"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "probation_already_used"


def ok_list(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()
    return items


async def test_employees_see_their_own_contracts_only(hr: HrService, company: Company) -> None:
    mine = ok(await sign(hr, company.employee, **fixed("2024-01-01", "2026-12-31")), 201)
    theirs = ok(await sign(hr, company.colleague, **fixed("2024-01-01", "2026-12-31")), 201)
    me = hr.employee(company.employee)
    page = ok(
        await hr.client.get(f"{API}/labour-contracts", params={"employee_id": "me"}, headers=me)
    )
    assert [c["id"] for c in page["items"]] == [mine["id"]]
    page = ok(await hr.client.get(f"{API}/labour-contracts", headers=me))
    assert [c["id"] for c in page["items"]] == [mine["id"]]
    assert (
        await hr.client.get(f"{API}/labour-contracts/{theirs['id']}", headers=me)
    ).status_code == 404
    # the manager and the head see no contracts of their people (salary terms are HR's)
    head = hr.employee(company.rnd_head)
    assert (
        await hr.client.get(f"{API}/labour-contracts/{mine['id']}", headers=head)
    ).status_code == 404
    assert (
        await hr.client.get(f"{API}/labour-contracts/{mine['id']}", headers=hr.auditor())
    ).status_code == 200
    refused = await hr.client.post(
        f"{API}/labour-contracts/{mine['id']}/terminate",
        json={"terminated_on": "2025-06-30", "reason": "x"},
        headers=me,
    )
    assert refused.status_code == 403


async def test_terminating_frees_the_days_after(hr: HrService, company: Company) -> None:
    first = ok(await sign(hr, company.employee, kind="open_ended", start_date="2020-01-01"), 201)
    ended = ok(
        await hr.client.post(
            f"{API}/labour-contracts/{first['id']}/terminate",
            json={"terminated_on": "2025-06-30", "reason": "协商一致解除"},
            headers=hr.hr(),
        )
    )
    assert (ended["status"], ended["in_force_until"]) == ("terminated", "2025-06-30")
    ok(await sign(hr, company.employee, **fixed("2025-07-01", "2026-06-30")), 201)


async def test_expiring_within_days_lists_active_contracts_ending_soon(
    hr: HrService, company: Company
) -> None:
    # today is 2025-06-11
    soon = ok(await sign(hr, company.employee, **fixed("2023-07-01", "2025-07-10")), 201)
    later = ok(await sign(hr, company.colleague, **fixed("2023-09-01", "2025-08-31")), 201)
    ok(await sign(hr, company.manager, kind="open_ended", start_date="2020-01-01"), 201)
    ok(await sign(hr, company.outsider, **fixed("2020-01-01", "2025-06-10")), 201)

    def ids(page: dict[str, Any]) -> set[str]:
        return {c["id"] for c in page["items"]}

    within = f"{API}/labour-contracts"
    assert ids(
        ok(await hr.client.get(within, params={"expiring_within_days": 30}, headers=hr.hr()))
    ) == {soon["id"]}
    assert ids(
        ok(await hr.client.get(within, params={"expiring_within_days": 90}, headers=hr.hr()))
    ) == {
        soon["id"],
        later["id"],
    }
    bad = await hr.client.get(within, params={"expiring_within_days": -1}, headers=hr.hr())
    assert bad.status_code == 422


async def test_expiry_alerts_reach_hr_and_the_head_once_each(
    hr: HrService, company: Company
) -> None:
    inbox = inbox_of(hr)
    contract = ok(await sign(hr, company.manager, **fixed("2023-09-01", "2025-09-30")), 201)
    today = date(2025, 7, 1)  # 91 days left
    assert await alert_sweep(hr, today) == 0
    today = date(2025, 8, 1)  # 60 days left
    assert await alert_sweep(hr, today) == 1
    assert await alert_sweep(hr, today) == 0
    assert await alert_sweep(hr, today + timedelta(days=5)) == 0
    [notice] = inbox.notices.values()
    assert notice["idempotency_key"] == f"hr-labour-contract-expiry:{contract['id']}:60"
    assert notice["recipients"] == {"roles": ["hr"], "employee_ids": [str(company.rnd_head)]}
    assert notice["link"]["id"] == contract["id"]
    assert await alert_sweep(hr, date(2025, 8, 31)) == 1  # 30 days left
    assert await alert_sweep(hr, date(2025, 9, 15)) == 0
    assert sorted(k.rsplit(":", 1)[1] for k in inbox.notices) == ["30", "60"]
    events = await hr.events("hr.labour_contract.expiring")
    assert [(e["data"]["days_before"], e["data"]["days_left"]) for e in events] == [
        (60, 60),
        (30, 30),
    ]


async def test_a_contract_seen_late_gets_the_nearer_alert_only(
    hr: HrService, company: Company
) -> None:
    ok(await sign(hr, company.employee, **fixed("2023-07-01", "2025-07-01")), 201)
    assert await alert_sweep(hr, date(2025, 6, 11)) == 1  # 20 days left
    [key] = inbox_of(hr).notices
    assert key.endswith(":30")
    assert await alert_sweep(hr, date(2025, 6, 12)) == 0


async def test_alerts_are_restart_safe(hr: HrService, company: Company) -> None:
    """The inbox down: nothing recorded, retried next time; an alert delivered but not recorded
    (hr stopped in between) is delivered again under the same key, which the inbox replays."""
    inbox = inbox_of(hr)
    contract = ok(await sign(hr, company.employee, **fixed("2023-07-01", "2025-08-10")), 201)
    inbox.down = True
    assert await alert_sweep(hr, date(2025, 6, 11)) == 0
    inbox.down = False
    assert await alert_sweep(hr, date(2025, 6, 11)) == 1
    # forget the record, as if hr stopped right after the inbox answered
    async with hr.app.state.runtime.transaction() as session:
        await session.execute(sa.text("DELETE FROM labour_contract_alerts"))
    assert await alert_sweep(hr, date(2025, 6, 11)) == 1
    assert len(inbox.notices) == 1
    assert inbox.posts == 3
    assert contract["id"] in next(iter(inbox.notices))


async def test_the_services_clock_decides_what_is_expiring(hr: HrService, company: Company) -> None:
    ok(await sign(hr, company.employee, **fixed("2023-07-01", "2025-12-31")), 201)
    path = f"{API}/labour-contracts"
    assert (
        ok(await hr.client.get(path, params={"expiring_within_days": 60}, headers=hr.hr()))["items"]
        == []
    )
    hr.now = datetime.combine(date(2025, 11, 15), time(9, tzinfo=UTC))
    assert (
        len(
            ok(await hr.client.get(path, params={"expiring_within_days": 60}, headers=hr.hr()))[
                "items"
            ]
        )
        == 1
    )


async def test_two_overlapping_contracts_signed_at_once_leave_one(
    hr: HrService, company: Company
) -> None:
    """Both requests may pass the code's check before either commits; the database (exclusion
    constraint, or SQLite's triggers and single writer) keeps one."""
    for year in range(2030, 2036):
        first, second = await asyncio.gather(
            sign(hr, company.employee, **fixed(f"{year}-01-01", f"{year}-12-31")),
            sign(hr, company.employee, **fixed(f"{year}-06-01", f"{year}-08-31")),
        )
        assert sorted([first.status_code, second.status_code]) == [201, 409], (
            first.text,
            second.text,
        )
        refused = first if first.status_code == 409 else second
        assert refused.json()["code"] in ("labour_contract_overlap", "write_conflict")
    page = ok(
        await hr.client.get(
            f"{API}/labour-contracts",
            params={"employee_id": str(company.employee), "limit": 100},
            headers=hr.hr(),
        )
    )
    assert len(page["items"]) == 6


async def test_the_employee_filter_takes_me_or_an_id_in_both_forms_only(
    hr: HrService, company: Company
) -> None:
    """What the declared pattern admits is read; what it refuses ("", 35 or 36 zeros, the
    braced form) is a 422 problem (schemathesis: schema-valid yet refused)."""
    ok(await sign(hr, company.employee, **fixed("2024-01-01", "2026-12-31")), 201)
    for value in ("me", str(company.employee), company.employee.hex.upper()):
        found = ok(
            await hr.client.get(f"{API}/labour-contracts?employee_id={value}", headers=hr.hr())
        )
        assert len(found["items"]) == (value != "me"), value
    for value in ("", "0" * 35, "0" * 36, f"{{{company.employee}}}"):
        response = await hr.client.get(
            f"{API}/labour-contracts", params={"employee_id": value}, headers=hr.hr()
        )
        assert_problem(response, 422, "validation_error")
