"""``/leave-balances``: the yearly allocation, HR's audited adjustments, who sees which balance."""

import uuid
from decimal import Decimal

import httpx
import pytest

from services.hr.db.models import LeaveBalance
from services.hr.domain import balances
from shared.kit.errors import Unprocessable
from tests.hr.conftest import API, YEAR, Company, HrService
from tests.problems import assert_problem


async def test_allocation_gives_every_current_employee_their_balances(
    hr: HrService, company: Company
) -> None:
    result = await hr.allocate()

    # five people, two leave types that use a balance (annual, compensatory)
    assert result == {"year": YEAR, "employees": 5, "created": 10, "updated": 0}
    balances = await hr.client.get(
        f"{API}/leave-balances",
        params={"employee_id": str(company.employee), "year": YEAR},
        headers=hr.hr(),
    )
    assert balances.status_code == 200, balances.text
    by_type = {b["leave_type"]: b for b in balances.json()}
    assert set(by_type) == {"annual", "compensatory"}
    annual = by_type["annual"]
    # work since 2010-07-01: 14 whole years on 1 January 2025
    assert {k: annual[k] for k in ("entitled", "adjusted", "used", "pending", "remaining")} == {
        "entitled": "10.0",
        "adjusted": "0.0",
        "used": "0.0",
        "pending": "0.0",
        "remaining": "10.0",
    }
    assert (annual["year"], annual["employee_id"]) == (YEAR, str(company.employee))
    assert by_type["compensatory"]["entitled"] == "0.0"
    head = await hr.balance(company.rnd_head)
    assert head["entitled"] == "15.0"  # work since 2000-07-01: 24 years


async def test_allocation_is_idempotent(hr: HrService, company: Company) -> None:
    await hr.allocate()
    before = await hr.balance(company.employee)

    again = await hr.allocate()

    assert again == {"year": YEAR, "employees": 5, "created": 0, "updated": 0}
    assert await hr.balance(company.employee) == before


async def test_a_joiner_gets_a_pro_rated_entitlement(hr: HrService, company: Company) -> None:
    joiner = await hr.person(
        "新同事", "RND", hire_date=f"{YEAR}-07-01", work_start_date="2020-01-01"
    )

    await hr.allocate()

    # 5 days * 184 days left / 365 = 2.52 → 2
    assert (await hr.balance(joiner))["entitled"] == "2.0"


async def test_someone_hired_after_the_year_gets_nothing_that_year(
    hr: HrService, company: Company
) -> None:
    later = await hr.person("明年入职", "RND", hire_date=f"{YEAR + 1}-02-01")

    await hr.allocate()

    assert (await hr.balance(later))["entitled"] == "0.0"


async def test_people_who_left_get_no_balance(hr: HrService, company: Company) -> None:
    gone = await hr.person("已离职", "RND", status="left")

    result = await hr.allocate()

    assert result["employees"] == 5
    listed = await hr.client.get(
        f"{API}/leave-balances", params={"employee_id": str(gone)}, headers=hr.hr()
    )
    assert listed.json() == []


async def test_allocation_follows_a_corrected_work_start_date(
    hr: HrService, company: Company
) -> None:
    joiner = await hr.person("转正", "RND", hire_date="2024-09-01", work_start_date=None)
    await hr.allocate()
    assert (await hr.balance(joiner))["entitled"] == "0.0"  # under a year of work

    # org corrects the record: they had worked since 2012
    await hr.person(
        "转正",
        "RND",
        employee_id=joiner,
        hire_date="2024-09-01",
        work_start_date="2012-03-01",
        event_type="org.employee.updated",
    )
    result = await hr.allocate()

    assert result["updated"] == 1 and result["created"] == 0
    assert (await hr.balance(joiner))["entitled"] == "10.0"


async def test_allocation_keeps_an_entitlement_that_would_fall_below_what_is_taken(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    asked = await hr.ask(hr.employee(company.employee), "2025-06-16", "2025-06-20")
    assert asked.status_code == 201, asked.text
    await hr.person(
        "陈小红",
        "RND-FE",
        employee_id=company.employee,
        manager=company.manager,
        work_start_date="2024-12-01",  # now under a year: 0 days
        event_type="org.employee.updated",
    )

    result = await hr.allocate()

    assert result["updated"] == 0
    held = await hr.balance(company.employee)
    assert (held["entitled"], held["pending"]) == ("10.0", "5.0")


async def test_only_hr_allocates(hr: HrService, company: Company) -> None:
    response = await hr.client.post(
        f"{API}/leave-balances/allocate",
        json={"year": YEAR},
        headers=hr.employee(company.employee),
    )

    assert_problem(response, 403, "hr_only")


async def test_allocation_of_an_absurd_year_is_refused(hr: HrService) -> None:
    response = await hr.client.post(
        f"{API}/leave-balances/allocate", json={"year": 1900}, headers=hr.hr()
    )

    assert_problem(response, 422)


# ---- adjustments ---------------------------------------------------------------------------


async def adjust(
    hr: HrService, balance_id: str, delta: str, reason: str = "补发年假", **headers: str
) -> httpx.Response:
    return await hr.client.post(
        f"{API}/leave-balances/{balance_id}/adjustments",
        json={"delta": delta, "reason": reason},
        headers={**hr.hr(), **headers},
    )


async def test_hr_adjusts_a_balance_with_a_reason_and_it_is_audited(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    held = await hr.balance(company.employee)

    response = await adjust(hr, held["id"], "2.5", "加班调休折算", **{"If-Match": '"1"'})

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["adjusted"], body["remaining"], body["version"]) == ("2.5", "12.5", 2)
    assert response.headers["etag"] == '"2"'
    log = await hr.client.get(
        f"{API}/audit-log", params={"entity_type": "balance_adjustments"}, headers=hr.auditor()
    )
    assert log.status_code == 200, log.text
    [entry] = log.json()["items"]
    assert entry["action"] == "create"
    assert entry["actor"] == "user:harriet"
    assert entry["changes"]["reason"]["new"] == "加班调休折算"
    assert Decimal(entry["changes"]["delta"]["new"]) == Decimal("2.5")
    assert entry["changes"]["balance_id"]["new"] == held["id"]
    balance_log = await hr.client.get(
        f"{API}/audit-log",
        params={"entity_type": "leave_balances", "entity_id": held["id"]},
        headers=hr.auditor(),
    )
    update = next(e for e in balance_log.json()["items"] if e["action"] == "update")
    assert Decimal(update["changes"]["adjusted"]["new"]) == Decimal("2.5")


async def test_an_adjustment_may_take_days_away(hr: HrService, company: Company) -> None:
    await hr.allocate()
    held = await hr.balance(company.employee)

    response = await adjust(hr, held["id"], "-10", "离职结算")

    assert response.status_code == 200, response.text
    assert (response.json()["adjusted"], response.json()["remaining"]) == ("-10.0", "0.0")


async def test_an_adjustment_needs_a_reason(hr: HrService, company: Company) -> None:
    await hr.allocate()
    held = await hr.balance(company.employee)

    assert_problem(await adjust(hr, held["id"], "1", ""), 422)
    missing = await hr.client.post(
        f"{API}/leave-balances/{held['id']}/adjustments", json={"delta": "1"}, headers=hr.hr()
    )
    assert_problem(missing, 422)
    assert (await hr.balance(company.employee))["adjusted"] == "0.0"


async def nothing_adjusted(hr: HrService, company: Company) -> None:
    held = await hr.balance(company.employee)
    assert (held["adjusted"], held["remaining"], held["version"]) == ("0.0", "10.0", 1)
    log = await hr.client.get(
        f"{API}/audit-log", params={"entity_type": "balance_adjustments"}, headers=hr.auditor()
    )
    assert log.json()["items"] == []


@pytest.mark.parametrize(
    "delta",
    ["0", "0.0", "-0", "0.3", "1.3", "-0.7", "0.25", 0.3, 2.2, "NaN", "Infinity"],
    ids=str,
)
async def test_only_whole_or_half_days_may_be_adjusted(
    hr: HrService, company: Company, delta: object
) -> None:
    await hr.allocate()
    held = await hr.balance(company.employee)

    response = await hr.client.post(
        f"{API}/leave-balances/{held['id']}/adjustments",
        json={"delta": delta, "reason": "折算"},
        headers=hr.hr(),
    )

    body = assert_problem(response, 422, "validation_error")
    assert [issue["loc"] for issue in body["errors"]] == [["body", "delta"]]
    await nothing_adjusted(hr, company)


@pytest.mark.parametrize(("delta", "adjusted"), [("0.5", "0.5"), ("-1.5", "-1.5"), (3, "3.0")])
async def test_whole_and_half_days_are_adjusted(
    hr: HrService, company: Company, delta: object, adjusted: str
) -> None:
    await hr.allocate()
    held = await hr.balance(company.employee)

    response = await hr.client.post(
        f"{API}/leave-balances/{held['id']}/adjustments",
        json={"delta": delta, "reason": "折算"},
        headers=hr.hr(),
    )

    assert response.status_code == 200, response.text
    assert response.json()["adjusted"] == adjusted


@pytest.mark.parametrize("reason", [" ", "   ", "\t\n", "\u3000"], ids=repr)
async def test_a_blank_reason_is_refused(hr: HrService, company: Company, reason: str) -> None:
    await hr.allocate()
    held = await hr.balance(company.employee)

    body = assert_problem(await adjust(hr, held["id"], "1", reason), 422, "validation_error")

    assert [issue["loc"] for issue in body["errors"]] == [["body", "reason"]]
    await nothing_adjusted(hr, company)


async def test_the_reason_is_kept_without_surrounding_blanks(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    held = await hr.balance(company.employee)

    response = await adjust(hr, held["id"], "1", "  加班调休折算 \n")

    assert response.status_code == 200, response.text
    log = await hr.client.get(
        f"{API}/audit-log", params={"entity_type": "balance_adjustments"}, headers=hr.auditor()
    )
    [entry] = log.json()["items"]
    assert entry["changes"]["reason"]["new"] == "加班调休折算"


@pytest.mark.parametrize(
    ("delta", "reason"), [("0.3", "折算"), ("0", "折算"), ("1", "   "), ("1", "")]
)
async def test_the_balance_rules_refuse_fractions_and_blank_reasons_themselves(
    hr: HrService, company: Company, delta: str, reason: str
) -> None:
    """The rule holds for any caller of the domain, not only for the HTTP body."""
    await hr.allocate()
    held = await hr.balance(company.employee)
    runtime = hr.app.state.runtime

    with pytest.raises(Unprocessable):
        async with runtime.transaction() as session:
            balance = await session.get(LeaveBalance, uuid.UUID(held["id"]))
            await balances.adjust(session, balance, Decimal(delta), reason, "user:harriet")

    await nothing_adjusted(hr, company)


async def test_a_balance_cannot_drop_below_what_is_used_and_pending(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    asked = await hr.ask(hr.employee(company.employee), "2025-06-16", "2025-06-19")
    assert asked.status_code == 201, asked.text
    held = await hr.balance(company.employee)
    assert (held["pending"], held["remaining"]) == ("4.0", "6.0")

    refused = await adjust(hr, held["id"], "-6.5", "多扣")

    assert_problem(refused, 409, "balance_would_go_negative")
    exactly = await adjust(hr, held["id"], "-6", "扣到零")
    assert exactly.status_code == 200, exactly.text
    assert exactly.json()["remaining"] == "0.0"


async def test_an_adjustment_with_a_stale_if_match_is_refused(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()
    held = await hr.balance(company.employee)
    assert (await adjust(hr, held["id"], "1")).status_code == 200

    stale = await adjust(hr, held["id"], "1", **{"If-Match": '"1"'})

    assert_problem(stale, 412, "version_mismatch")
    assert (await hr.balance(company.employee))["adjusted"] == "1.0"


async def test_only_hr_adjusts(hr: HrService, company: Company) -> None:
    await hr.allocate()
    held = await hr.balance(company.employee)

    for headers in (hr.employee(company.employee), hr.employee(company.manager), hr.auditor()):
        response = await hr.client.post(
            f"{API}/leave-balances/{held['id']}/adjustments",
            json={"delta": "5", "reason": "给自己加"},
            headers=headers,
        )
        assert_problem(response, 403, "hr_only")


async def test_adjusting_an_unknown_balance_is_404(hr: HrService) -> None:
    response = await adjust(hr, "01900000-0000-7000-8000-000000000000", "1")

    assert_problem(response, 404)


# ---- who sees which balance -------------------------------------------------------------------


async def balances_of(
    hr: HrService, employee_id: object, headers: dict[str, str]
) -> httpx.Response:
    return await hr.client.get(
        f"{API}/leave-balances", params={"employee_id": str(employee_id)}, headers=headers
    )


async def test_an_employee_sees_their_own_balances(hr: HrService, company: Company) -> None:
    await hr.allocate()

    mine = await hr.client.get(f"{API}/leave-balances", headers=hr.employee(company.employee))
    explicit = await balances_of(hr, company.employee, hr.employee(company.employee))

    assert mine.status_code == explicit.status_code == 200
    assert mine.json() == explicit.json()
    assert {b["employee_id"] for b in mine.json()} == {str(company.employee)}
    assert len(mine.json()) == 2


async def test_managers_and_department_heads_see_their_people(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()

    for viewer in (company.manager, company.rnd_head):
        response = await balances_of(hr, company.employee, hr.employee(viewer))
        assert response.status_code == 200, response.text
        assert len(response.json()) == 2
    # the head of RND sees the manager (RND) too; the manager does not see their own head
    assert (
        await balances_of(hr, company.manager, hr.employee(company.rnd_head))
    ).status_code == 200
    assert_problem(await balances_of(hr, company.rnd_head, hr.employee(company.manager)), 404)


async def test_anyone_else_gets_404(hr: HrService, company: Company) -> None:
    await hr.allocate()

    for viewer in (company.colleague, company.outsider):
        assert_problem(await balances_of(hr, company.employee, hr.employee(viewer)), 404)
    assert_problem(await balances_of(hr, company.employee, hr.as_user("gm")), 404)


async def test_hr_and_auditors_see_everyone(hr: HrService, company: Company) -> None:
    await hr.allocate()

    for headers in (hr.hr(), hr.auditor(), hr.admin()):
        assert (await balances_of(hr, company.outsider, headers)).status_code == 200


async def test_an_account_without_an_employee_has_no_own_balance(hr: HrService) -> None:
    response = await hr.client.get(f"{API}/leave-balances", headers=hr.hr())

    assert_problem(response, 422, "no_employee")


async def test_another_year_has_no_balances_until_allocated(
    hr: HrService, company: Company
) -> None:
    await hr.allocate()

    response = await hr.client.get(
        f"{API}/leave-balances", params={"year": YEAR + 1}, headers=hr.employee(company.employee)
    )

    assert response.json() == []


@pytest.mark.parametrize("year", [1999, 2101, -109593009791534])
async def test_balances_of_a_year_outside_what_the_document_states_are_refused(
    hr: HrService, company: Company, year: int
) -> None:
    response = await hr.client.get(
        f"{API}/leave-balances", params={"year": year}, headers=hr.employee(company.employee)
    )
    document = (await hr.client.get(f"{API}/openapi.json")).json()["paths"]

    # Refused by the bounds the document states (schemathesis found them missing: a year
    # past what the database holds was a value_out_of_range the document did not foresee).
    assert_problem(response, 422, "validation_error")
    parameters = document[f"{API}/leave-balances"]["get"]["parameters"]
    schema = next(p for p in parameters if p["name"] == "year")["schema"]
    bounds = next(s for s in schema["anyOf"] if "minimum" in s)
    assert (bounds["minimum"], bounds["maximum"]) == (2000, 2100)
