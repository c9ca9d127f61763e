"""Receivables from a contract's payment milestones: one draft each, idempotent per milestone."""

from typing import Any

from tests.finance.conftest import API, FinanceService
from tests.finance.receivables_helpers import CUSTOMER, CUSTOMER_2


def contract(**extra: Any) -> dict[str, Any]:
    return {
        "contract_reference": "HT-2026-0031",
        "party_id": str(CUSTOMER),
        "party_name": "上海云途网络科技有限公司",
        "project": "云途 ERP 实施",
        "milestones": [
            {
                "milestone": "M1",
                "description": "首付款 30%",
                "date": "2026-04-01",
                "amount": "33900.00",
                "vat_rate": "0.13",
            },
            {
                "milestone": "M2",
                "description": "验收款",
                "date": "2026-09-01",
                "amount": "100.00",
                "vat_rate": "0.13",
            },
        ],
        **extra,
    }


async def test_each_milestone_becomes_a_draft_receivable_with_its_vat_split_out(
    finance: FinanceService,
) -> None:
    answer = await finance.client.post(
        f"{API}/receivables/from-contract", json=contract(), headers=finance.staff()
    )
    assert answer.status_code == 201, answer.text
    result = answer.json()
    assert result["created"] == 2
    first, second = result["invoices"]
    assert (first["status"], first["milestone"], first["due_date"], first["issue_date"]) == (
        "draft",
        "M1",
        "2026-04-01",
        "2026-04-01",
    )
    assert (first["net"], first["vat"], first["gross"]) == ("30000.00", "3900.00", "33900.00")
    assert (second["net"], second["vat"], second["gross"]) == ("88.50", "11.50", "100.00")
    assert first["lines"][0]["account"] == "6001"


async def test_calling_again_returns_the_same_invoices_and_adds_only_new_milestones(
    finance: FinanceService,
) -> None:
    made = (
        await finance.client.post(
            f"{API}/receivables/from-contract", json=contract(), headers=finance.staff()
        )
    ).json()
    again = await finance.client.post(
        f"{API}/receivables/from-contract", json=contract(), headers=finance.staff()
    )
    assert again.status_code == 200
    assert again.json()["created"] == 0
    assert [i["id"] for i in again.json()["invoices"]] == [i["id"] for i in made["invoices"]]
    body = contract()
    body["milestones"].append(
        {"milestone": "M3", "date": "2026-12-01", "amount": "500.00", "vat_rate": "0.06"}
    )
    more = await finance.client.post(
        f"{API}/receivables/from-contract", json=body, headers=finance.staff()
    )
    assert (more.status_code, more.json()["created"]) == (201, 1)
    listed = await finance.client.get(
        f"{API}/invoices", params={"contract_reference": "HT-2026-0031"}, headers=finance.staff()
    )
    assert len(listed.json()["items"]) == 3


async def test_a_milestone_repeated_with_other_terms_is_a_conflict(finance: FinanceService) -> None:
    await finance.client.post(
        f"{API}/receivables/from-contract", json=contract(), headers=finance.staff()
    )
    body = contract()
    body["milestones"][0]["amount"] = "34000.00"
    answer = await finance.client.post(
        f"{API}/receivables/from-contract", json=body, headers=finance.staff()
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "milestone_conflict"
    other_party = await finance.client.post(
        f"{API}/receivables/from-contract",
        json=contract(party_id=str(CUSTOMER_2)),
        headers=finance.staff(),
    )
    assert other_party.status_code == 409


async def test_a_milestone_key_given_twice_is_refused(finance: FinanceService) -> None:
    body = contract()
    body["milestones"][1]["milestone"] = "M1"
    answer = await finance.client.post(
        f"{API}/receivables/from-contract", json=body, headers=finance.staff()
    )
    assert answer.status_code == 422
