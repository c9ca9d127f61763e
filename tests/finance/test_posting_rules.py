"""Finance owns the rule table: rules are added, changed (If-Match) and switched off, with their
history; a parked fact is posted by a retry once its rule exists, or dismissed with a reason."""

from decimal import Decimal
from pathlib import Path

from services.finance.reference import load_reference_data
from shared.kit.testing import TokenMinter
from tests.conftest import TestDatabase
from tests.finance.conftest import API, FinanceService, start_finance
from tests.finance.posting_helpers import (
    PAYROLL,
    SALES,
    balance,
    component,
    deliver,
    entries_of,
    envelope,
    exceptions,
    lines_of,
    payroll_fact,
    rules,
)

BONUS_RULE = {
    "fact_type": PAYROLL,
    "component": "annual_bonus",
    "debit_account": "6602.01",
    "credit_account": "2211.01",
    "dimensions": ["department"],
    "description": "年终奖",
}


def bonus_fact(source_id: str) -> dict[str, object]:
    return payroll_fact(
        source_id,
        components=[component("annual_bonus", "5000.00", department_id=str(SALES), project="P1")],
    )


async def test_the_default_rules_are_seeded(finance: FinanceService) -> None:
    payroll = {r["component"]: r for r in await rules(finance, fact_type=PAYROLL)}
    assert (payroll["wages"]["debit_account"], payroll["wages"]["credit_account"]) == (
        "6602.01",
        "2211.01",
    )
    assert payroll["net_pay"]["cash_flow_item"] == "employee_payments"
    travel = await rules(finance, fact_type="logistics.reimbursement.approved")
    assert {(r["component"], r["debit_account"], r["credit_account"]) for r in travel} == {
        ("travel_expense", "6602.02", "2241"),
        ("advance_offset", "2241", "1221"),
    }
    types = await finance.client.get(f"{API}/posting-fact-types", headers=finance.auditor())
    by_type = {t["fact_type"]: t for t in types.json()}
    assert by_type[PAYROLL]["contract"] == "PayrollRunPosted"
    assert by_type[PAYROLL]["rules"] == 7


async def test_a_parked_fact_is_posted_by_a_retry_once_its_rule_is_added(
    finance: FinanceService,
) -> None:
    await deliver(finance, envelope(PAYROLL, bonus_fact("run-bonus")))
    [parked] = await exceptions(finance, status="open")
    early = await finance.client.post(
        f"{API}/posting-exceptions/{parked['id']}/retry", headers=finance.staff()
    )
    assert (early.status_code, early.json()["code"]) == (409, "posting_exception_unresolved")

    created = await finance.client.post(
        f"{API}/posting-rules", json=BONUS_RULE, headers=finance.staff()
    )
    assert created.status_code == 201, created.text
    assert created.json()["dimensions"] == ["department"]
    retried = await finance.client.post(
        f"{API}/posting-exceptions/{parked['id']}/retry",
        headers={**finance.staff(), "If-Match": f'"{parked["version"]}"'},
    )
    assert retried.status_code == 200, retried.text
    assert (retried.json()["status"], retried.json()["resolved_by"]) == (
        "posted",
        "user:finance-staff",
    )
    [entry] = await entries_of(finance)
    lines = await lines_of(finance, entry.id)
    assert [(line.account_code, line.department_id, line.project) for line in lines] == [
        ("6602.01", SALES, None),  # the rule keeps the department, drops the project
        ("2211.01", SALES, None),
    ]
    again = await finance.client.post(
        f"{API}/posting-exceptions/{parked['id']}/retry", headers=finance.staff()
    )
    assert (again.status_code, again.json()["code"]) == (409, "posting_exception_closed")
    fact = await finance.client.get(
        f"{API}/posting-facts/{parked['fact_id']}", headers=finance.staff()
    )
    assert (fact.json()["status"], fact.json()["entry_id"]) == ("posted", str(entry.id))


async def test_a_category_rule_wins_over_the_components_general_rule(
    finance: FinanceService,
) -> None:
    special = {
        **BONUS_RULE,
        "component": "wages",
        "category": "r_and_d",
        "debit_account": "6602.05",
    }
    assert (
        await finance.client.post(f"{API}/posting-rules", json=special, headers=finance.staff())
    ).status_code == 201
    fact = payroll_fact(
        "run-rd",
        components=[
            component("wages", "100.00", category="r_and_d"),
            component("wages", "200.00", category="sales"),
        ],
    )
    await deliver(finance, envelope(PAYROLL, fact))
    [entry] = await entries_of(finance)
    debits = [(line.account_code, line.debit) for line in await lines_of(finance, entry.id)][::2]
    assert debits == [("6602.05", Decimal("100.00")), ("6602.01", Decimal("200.00"))]


async def test_retry_all_posts_what_it_can_and_keeps_the_rest_open(finance: FinanceService) -> None:
    for n in range(3):
        await deliver(finance, envelope(PAYROLL, bonus_fact(f"run-bonus-{n}")))
    await deliver(
        finance,
        envelope(PAYROLL, payroll_fact("run-odd", components=[component("odd", "1.00")])),
    )
    await finance.client.post(f"{API}/posting-rules", json=BONUS_RULE, headers=finance.staff())

    result = await finance.client.post(
        f"{API}/posting-exceptions/retry-all", json={"fact_type": PAYROLL}, headers=finance.staff()
    )

    assert result.status_code == 200, result.text
    assert (result.json()["attempted"], len(result.json()["posted"])) == (4, 3)
    [still] = await exceptions(finance, status="open")
    assert still["source_id"] == "run-odd" and still["attempts"] == 2
    assert len(await entries_of(finance)) == 3
    assert await balance(finance, "6602.01") == (Decimal("15000.00"), Decimal("0"))


async def test_a_dismissed_exception_is_closed_with_its_reason(finance: FinanceService) -> None:
    await deliver(finance, envelope(PAYROLL, bonus_fact("run-wrong")))
    [parked] = await exceptions(finance)
    url = f"{API}/posting-exceptions/{parked['id']}/dismiss"
    no_reason = await finance.client.post(url, json={"reason": ""}, headers=finance.staff())
    assert no_reason.status_code == 422
    by_auditor = await finance.client.post(url, json={"reason": "x"}, headers=finance.auditor())
    assert (by_auditor.status_code, by_auditor.json()["code"]) == (403, "finance_only")

    dismissed = await finance.client.post(
        url, json={"reason": "重复发布，已手工处理"}, headers=finance.staff()
    )

    assert dismissed.status_code == 200, dismissed.text
    assert (dismissed.json()["status"], dismissed.json()["resolution_note"]) == (
        "dismissed",
        "重复发布，已手工处理",
    )
    assert await exceptions(finance, status="open") == []
    read = await finance.client.get(
        f"{API}/posting-exceptions/{parked['id']}", headers=finance.auditor()
    )
    assert (read.json()["status"], read.headers["ETag"]) == ("dismissed", '"2"')
    options = await finance.client.options(
        f"{API}/posting-exceptions/retry-all", headers=finance.staff()
    )
    assert options.headers["Allow"] == "POST"
    await deliver(finance, envelope(PAYROLL, bonus_fact("run-wrong")))  # delivered again
    assert len(await exceptions(finance)) == 1  # nothing new


async def test_a_rule_is_changed_with_if_match_and_its_history_is_kept(
    finance: FinanceService,
) -> None:
    [wages] = await rules(finance, fact_type=PAYROLL, component="wages")
    url = f"{API}/posting-rules/{wages['id']}"
    stale = await finance.client.patch(
        url, json={"debit_account": "6601"}, headers={**finance.staff(), "If-Match": '"99"'}
    )
    assert stale.status_code == 412
    changed = await finance.client.patch(
        url,
        json={"debit_account": "6601", "dimensions": ["department", "employee"]},
        headers={**finance.staff(), "If-Match": f'"{wages["version"]}"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] == f'"{wages["version"] + 1}"'
    off = await finance.client.patch(url, json={"active": False}, headers=finance.staff())
    assert off.json()["active"] is False

    history = await finance.client.get(f"{url}/history", headers=finance.auditor())
    actions = [(h["action"], sorted(h["changes"])) for h in history.json()]
    assert actions[1:] == [
        ("update", ["debit_account", "keep_party", "keep_project"]),
        ("update", ["active"]),
    ]
    assert history.json()[1]["actor"] == "user:finance-staff"

    await deliver(finance, envelope(PAYROLL, payroll_fact("run-off")))
    [parked] = await exceptions(finance)  # an inactive rule counts as none
    assert "wages" in parked["reason"]


async def test_a_rule_names_postable_accounts_and_a_cash_item_on_its_cash_side(
    finance: FinanceService,
) -> None:
    url = f"{API}/posting-rules"
    cases = [
        ({"debit_account": "6602"}, "account_not_postable"),  # has sub-accounts
        ({"debit_account": "9999"}, "unknown_account"),
        ({"debit_account": "2211.01"}, "posting_rule_invalid"),  # both sides the same
        ({"credit_account": "1002"}, "posting_rule_invalid"),  # cash without its item
        ({"cash_flow_item": "employee_payments"}, "posting_rule_invalid"),  # item without cash
        ({"credit_account": "1002", "cash_flow_item": "nothing"}, "invalid_cash_flow_item"),
    ]
    for change, code in cases:
        refused = await finance.client.post(
            url, json={**BONUS_RULE, **change}, headers=finance.staff()
        )
        assert (refused.status_code, refused.json()["code"]) == (422, code), change
    twice = await finance.client.post(
        url, json={**BONUS_RULE, "component": "wages"}, headers=finance.staff()
    )
    assert (twice.status_code, twice.json()["code"]) == (409, "posting_rule_exists")
    null = await finance.client.patch(
        f"{url}/{(await rules(finance, component='wages'))[0]['id']}",
        json={"debit_account": None},
        headers=finance.staff(),
    )
    assert (null.status_code, null.json()["code"]) == (422, "validation_error")
    # a null the document refuses is refused before the version is compared (422, not 412)
    stale_and_null = await finance.client.patch(
        f"{url}/{(await rules(finance, component='wages'))[0]['id']}",
        json={"dimensions": None},
        headers={**finance.staff(), "If-Match": '"99"'},
    )
    assert (stale_and_null.status_code, stale_and_null.json()["code"]) == (
        422,
        "validation_error",
    )
    assert len(await rules(finance, fact_type=PAYROLL)) == 7


async def test_only_finance_changes_rules_and_others_read_nothing(finance: FinanceService) -> None:
    employee = finance.employee("0193a8c0-0000-7000-8000-0000000000e9")
    for method, path in (
        ("GET", "/posting-rules"),
        ("GET", "/posting-exceptions"),
        ("GET", "/posting-facts"),
    ):
        response = await finance.client.request(method, f"{API}{path}", headers=employee)
        assert (response.status_code, response.json()["code"]) == (403, "finance_only")
    by_auditor = await finance.client.post(
        f"{API}/posting-rules", json=BONUS_RULE, headers=finance.auditor()
    )
    assert by_auditor.status_code == 403
    assert (
        await finance.client.get(f"{API}/posting-rules", headers=finance.auditor())
    ).status_code == 200


async def test_the_demo_holds_a_parked_fact_for_finance_to_resolve(
    database_url: TestDatabase, minter: TokenMinter, tmp_path: Path
) -> None:
    async for demo in start_finance(database_url, minter, tmp_path, demo=True):
        [parked] = await exceptions(demo, status="open")
        assert (parked["fact_type"], parked["reason_code"]) == (PAYROLL, "no_posting_rule")
        assert parked["fact"]["components"][0]["component"] == "annual_bonus"
        await load_reference_data(
            url=database_url.url, schema=database_url.schema, data_dir=tmp_path, demo=True
        )
        assert len(await exceptions(demo)) == 1  # loading again adds nothing
