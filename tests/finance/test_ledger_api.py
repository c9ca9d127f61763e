"""The ledger's API: chart of accounts, cash-flow items, periods, journal entries."""

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from services.finance.db.ledger import AccountBalance
from shared.kit.outbox import kit_tables_of
from tests.finance.conftest import API, FinanceService
from tests.finance.ledger_helpers import (
    BANK,
    PAYABLE,
    TRAVEL,
    create_draft,
    draft_body,
    line,
    post_new,
    travel_expense,
)


async def events(service: FinanceService, event_type: str) -> list[dict[str, Any]]:
    async with service.app.state.runtime.transaction() as session:
        outbox = kit_tables_of(session).outbox
        rows = await session.execute(
            select(outbox.c.data).where(outbox.c.type == event_type).order_by(outbox.c.occurred_at)
        )
        return [dict(row.data) for row in rows]


# ---- chart of accounts ------------------------------------------------------------------


async def test_the_chart_is_seeded_and_filtered(finance: FinanceService) -> None:
    client, who = finance.client, finance.employee(uuid.uuid4())
    answer = await client.get(f"{API}/accounts", params={"limit": 200}, headers=who)
    assert answer.status_code == 200
    codes = [a["code"] for a in answer.json()["items"]]
    for code in ("1001", "1002", "2221.01.01", "4103", "4104", "6602.02", "6602.05"):
        assert code in codes
    assert codes == sorted(codes)
    parent = {a["code"]: a for a in answer.json()["items"]}["6602"]
    assert parent["is_leaf"] is False and parent["normal_side"] == "debit"

    leaves = await client.get(
        f"{API}/accounts", params={"parent": "6602", "leaf": "true"}, headers=who
    )
    assert [a["code"] for a in leaves.json()["items"]] == [f"6602.0{n}" for n in range(1, 7)]
    income = await client.get(f"{API}/accounts", params={"category": "equity"}, headers=who)
    assert {a["code"] for a in income.json()["items"]} == {"4001", "4002", "4101", "4103", "4104"}
    found = await client.get(f"{API}/accounts", params={"q": "差旅"}, headers=who)
    assert [a["code"] for a in found.json()["items"]] == ["6602.02"]
    found = await client.get(f"{API}/accounts", params={"q": "travel"}, headers=who)
    assert [a["code"] for a in found.json()["items"]] == ["6602.02"]
    one = await client.get(f"{API}/accounts/2221.01.02", headers=who)
    assert one.json()["name"] == "销项税额" and one.json()["normal_side"] == "credit"
    assert one.headers["ETag"] == '"1"'
    assert (await client.get(f"{API}/accounts/9999", headers=who)).status_code == 404
    items = await client.get(f"{API}/cash-flow-items", headers=who)
    assert items.status_code == 200
    listed = items.json()["items"]
    assert len(listed) == 16 and listed[0]["code"] == "sales_receipts"
    assert {i["section"] for i in listed} == {"operating", "investing", "financing"}


async def test_finance_adds_renames_and_deactivates_sub_accounts(finance: FinanceService) -> None:
    client, staff = finance.client, finance.staff()
    made = await client.post(
        f"{API}/accounts",
        json={"parent_code": "6602", "name": "培训费", "name_en": "Training"},
        headers=staff,
    )
    assert made.status_code == 201, made.text
    account = made.json()
    assert account["code"] == "6602.07" and account["category"] == "profit_and_loss"
    assert made.headers["Location"].endswith("/accounts/6602.07")
    bad = await client.post(
        f"{API}/accounts",
        json={"parent_code": "6602", "code": "6601.09", "name": "x", "name_en": "x"},
        headers=staff,
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_account_code"
    dup = await client.post(
        f"{API}/accounts",
        json={"parent_code": "6602", "code": "6602.07", "name": "x", "name_en": "x"},
        headers=staff,
    )
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate_account"
    unknown = await client.post(
        f"{API}/accounts",
        json={"parent_code": "9999", "name": "x", "name_en": "x"},
        headers=staff,
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_account"
    stale = await client.patch(
        f"{API}/accounts/6602.07", json={"name": "培训"}, headers={**staff, "If-Match": '"7"'}
    )
    assert stale.status_code == 412
    renamed = await client.patch(
        f"{API}/accounts/6602.07",
        json={"name": "职工培训费", "active": False},
        headers={**staff, "If-Match": '"1"'},
    )
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "职工培训费" and renamed.json()["active"] is False
    assert renamed.headers["ETag"] == '"2"'
    # an inactive account takes no posting
    refused = await client.post(
        f"{API}/journal-entries",
        json=draft_body([line("6602.07", debit="10.00"), line(PAYABLE, credit="10.00")]),
        headers=staff,
    )
    draft_id = refused.json()["id"]
    posting = await client.post(f"{API}/journal-entries/{draft_id}/post", headers=staff)
    assert posting.status_code == 422 and posting.json()["code"] == "account_not_postable"
    # a parent with active children is not deactivated
    parent = await client.patch(f"{API}/accounts/6602", json={"active": False}, headers=staff)
    assert parent.status_code == 409 and parent.json()["code"] == "account_has_children"
    created = await events(finance, "finance.account.created")
    updated = await events(finance, "finance.account.updated")
    assert created[-1]["code"] == "6602.07" and updated[-1]["active"] is False


async def test_an_account_with_postings_is_never_deleted(finance: FinanceService) -> None:
    client, staff = finance.client, finance.staff()
    await post_new(finance)
    kept = await client.delete(f"{API}/accounts/{TRAVEL}", headers=staff)
    assert kept.status_code == 409 and kept.json()["code"] == "account_has_postings"
    nested = await client.post(
        f"{API}/accounts",
        json={"parent_code": TRAVEL, "name": "国内差旅", "name_en": "Domestic travel"},
        headers=staff,
    )
    assert nested.status_code == 409 and nested.json()["code"] == "account_has_postings"
    parent = await client.delete(f"{API}/accounts/6602", headers=staff)
    assert parent.status_code == 409 and parent.json()["code"] == "account_has_children"
    # one without postings goes, and its parent is a leaf again when it was the last child
    await client.post(
        f"{API}/accounts",
        json={"parent_code": "6603", "name": "利息支出", "name_en": "Interest expense"},
        headers=staff,
    )
    assert (await client.get(f"{API}/accounts/6603", headers=staff)).json()["is_leaf"] is False
    gone = await client.delete(f"{API}/accounts/6603.01", headers=staff)
    assert gone.status_code == 204
    assert (await client.get(f"{API}/accounts/6603.01", headers=staff)).status_code == 404
    assert (await client.get(f"{API}/accounts/6603", headers=staff)).json()["is_leaf"] is True


async def test_only_finance_changes_the_chart(finance: FinanceService) -> None:
    client = finance.client
    body = {"parent_code": "6602", "name": "培训费", "name_en": "Training"}
    for who in (finance.employee(uuid.uuid4()), finance.auditor()):
        answer = await client.post(f"{API}/accounts", json=body, headers=who)
        assert answer.status_code == 403 and answer.json()["code"] == "finance_only"
        answer = await client.patch(f"{API}/accounts/6602.02", json={"name": "x"}, headers=who)
        assert answer.status_code == 403
    assert (
        await client.post(f"{API}/accounts", json=body, headers=finance.admin())
    ).status_code == 201
    assert (await client.get(f"{API}/accounts")).status_code == 401


# ---- periods ----------------------------------------------------------------------------


async def test_periods_close_and_reopen(finance: FinanceService) -> None:
    client, staff = finance.client, finance.staff()
    year = await client.post(f"{API}/periods", json={"year": 2026}, headers=staff)
    assert year.status_code == 201
    assert [p["period"] for p in year.json()["periods"]] == [f"2026-{m:02d}" for m in range(1, 13)]
    again = await client.post(f"{API}/periods", json={"year": 2026}, headers=staff)
    assert again.status_code == 201 and len(again.json()["periods"]) == 12

    draft = await create_draft(finance)
    refused = await client.post(f"{API}/periods/2026-03/close", headers=staff)
    assert refused.status_code == 409 and refused.json()["code"] == "period_has_drafts"
    assert refused.json()["drafts"] == 1
    await client.post(f"{API}/journal-entries/{draft['id']}/post", headers=staff)
    closed = await client.post(f"{API}/periods/2026-03/close", headers={**staff, "If-Match": '"1"'})
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed" and closed.json()["vouchers"] == 1
    assert closed.json()["closed_by"] == "finance-staff"
    twice = await client.post(f"{API}/periods/2026-03/close", headers=staff)
    assert twice.status_code == 409 and twice.json()["code"] == "period_closed"

    # nothing is written or posted into a closed month
    late = await client.post(f"{API}/journal-entries", json=draft_body(), headers=staff)
    assert late.status_code == 409 and late.json()["code"] == "period_closed"
    other = await create_draft(finance, entry_date="2026-04-02")
    moved = await client.patch(
        f"{API}/journal-entries/{other['id']}", json={"entry_date": "2026-03-31"}, headers=staff
    )
    assert moved.status_code == 409 and moved.json()["code"] == "period_closed"

    no_reason = await client.post(f"{API}/periods/2026-03/reopen", json={}, headers=staff)
    assert no_reason.status_code == 422
    auditor = await client.post(
        f"{API}/periods/2026-03/reopen", json={"reason": "x"}, headers=finance.auditor()
    )
    assert auditor.status_code == 403 and auditor.json()["code"] == "finance_only"
    reopened = await client.post(
        f"{API}/periods/2026-03/reopen", json={"reason": "补记漏记的报销"}, headers=staff
    )
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "open"
    assert reopened.json()["reopen_reason"] == "补记漏记的报销"
    open_again = await client.post(
        f"{API}/periods/2026-03/reopen", json={"reason": "again"}, headers=staff
    )
    assert open_again.status_code == 409 and open_again.json()["code"] == "period_open"
    assert (await post_new(finance))["voucher_number"] == "记-2026-03-0002"

    closes = await events(finance, "finance.period.closed")
    reopens = await events(finance, "finance.period.reopened")
    assert closes == [
        {"year": 2026, "month": 3, "status": "closed", "actor": "finance-staff", "entries": 1}
    ]
    assert reopens[0]["reason"] == "补记漏记的报销"
    audit = await client.get(
        f"{API}/audit-log", params={"entity_type": "periods"}, headers=finance.auditor()
    )
    assert any(entry["changes"].get("reopen_reason") for entry in audit.json()["items"]), (
        audit.json()
    )


async def test_periods_are_listed_newest_first_and_only_to_finance(
    finance: FinanceService,
) -> None:
    client = finance.client
    await client.post(f"{API}/periods", json={"year": 2025}, headers=finance.staff())
    await client.post(f"{API}/periods", json={"year": 2026}, headers=finance.staff())
    first = await client.get(f"{API}/periods", params={"limit": 13}, headers=finance.auditor())
    names = [p["period"] for p in first.json()["items"]]
    assert names[:2] == ["2026-12", "2026-11"] and names[-1] == "2025-12"
    rest = await client.get(
        f"{API}/periods",
        params={"limit": 13, "cursor": first.json()["next_cursor"]},
        headers=finance.auditor(),
    )
    assert rest.json()["items"][0]["period"] == "2025-11"
    assert len(rest.json()["items"]) == 11 and rest.json()["next_cursor"] is None
    filtered = await client.get(
        f"{API}/periods", params={"year": 2025, "status": "open"}, headers=finance.staff()
    )
    assert len(filtered.json()["items"]) == 12
    one = await client.get(f"{API}/periods/2025-02", headers=finance.staff())
    assert one.status_code == 200 and one.json()["month"] == 2
    assert (await client.get(f"{API}/periods/2030-01", headers=finance.staff())).status_code == 404
    assert (await client.get(f"{API}/periods/2030-13", headers=finance.staff())).status_code == 422
    nobody = finance.employee(uuid.uuid4())
    answer = await client.get(f"{API}/periods", headers=nobody)
    assert answer.status_code == 403 and answer.json()["code"] == "finance_only"


# ---- journal entries --------------------------------------------------------------------


async def test_a_draft_is_written_changed_and_posted(finance: FinanceService) -> None:
    client, staff = finance.client, finance.staff()
    dept = str(uuid.uuid4())
    draft = await create_draft(finance, lines=travel_expense("800.00", department_id=dept))
    assert draft["status"] == "draft" and draft["voucher_number"] is None
    assert draft["source"] == "manual" and draft["period"] == "2026-03"
    assert draft["total_debit"] == "800.00" and draft["lines"][0]["credit"] == "0.00"
    changed = await client.patch(
        f"{API}/journal-entries/{draft['id']}",
        json={"lines": travel_expense("1200.50", department_id=dept), "memo": "改：差旅费"},
        headers={**staff, "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["total_debit"] == "1200.50" and changed.json()["version"] == 2
    assert [ln["line_no"] for ln in changed.json()["lines"]] == [1, 2]
    stale = await client.post(
        f"{API}/journal-entries/{draft['id']}/post", headers={**staff, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    posted = await client.post(
        f"{API}/journal-entries/{draft['id']}/post", headers={**staff, "If-Match": '"2"'}
    )
    assert posted.status_code == 200, posted.text
    entry = posted.json()
    assert entry["status"] == "posted" and entry["voucher_number"] == "记-2026-03-0001"
    assert (
        entry["posted_by"] == "finance-staff" and posted.headers["ETag"] == f'"{entry["version"]}"'
    )

    for attempt in (
        client.patch(f"{API}/journal-entries/{entry['id']}", json={"memo": "x"}, headers=staff),
        client.delete(f"{API}/journal-entries/{entry['id']}", headers=staff),
        client.post(f"{API}/journal-entries/{entry['id']}/post", headers=staff),
    ):
        answer = await attempt
        assert answer.status_code == 409 and answer.json()["code"] == "entry_posted"

    async with finance.app.state.runtime.transaction() as session:
        rows = (await session.scalars(select(AccountBalance))).all()
        travel = [r for r in rows if r.account_code == TRAVEL]
        assert len(travel) == 1 and str(travel[0].department_id) == dept
        assert travel[0].debit == Decimal("1200.50") and travel[0].credit == 0
    posted_events = await events(finance, "finance.journal_entry.posted")
    assert posted_events[0]["voucher_number"] == "记-2026-03-0001"
    assert posted_events[0]["total"] == "1200.50"
    assert posted_events[0]["lines"][0] == {
        "account": TRAVEL,
        "debit": "1200.50",
        "credit": "0.00",
        "department_id": dept,
        "employee_id": None,
        "party_id": None,
        "project": None,
        "cash_flow_item": None,
    }


async def test_a_draft_is_deleted(finance: FinanceService) -> None:
    draft = await create_draft(finance)
    gone = await finance.client.delete(
        f"{API}/journal-entries/{draft['id']}", headers=finance.staff()
    )
    assert gone.status_code == 204
    again = await finance.client.get(
        f"{API}/journal-entries/{draft['id']}", headers=finance.staff()
    )
    assert again.status_code == 404


async def test_posting_refuses_what_does_not_hold(finance: FinanceService) -> None:
    client, staff = finance.client, finance.staff()

    async def post(lines: list[dict[str, Any]]) -> Any:
        draft = await client.post(f"{API}/journal-entries", json=draft_body(lines), headers=staff)
        if draft.status_code != 201:
            return draft
        return await client.post(f"{API}/journal-entries/{draft.json()['id']}/post", headers=staff)

    unbalanced = await post([line(TRAVEL, debit="100.00"), line(PAYABLE, credit="90.00")])
    assert unbalanced.status_code == 422 and unbalanced.json()["code"] == "entry_unbalanced"
    assert unbalanced.json()["total_debit"] == "100.00"
    assert unbalanced.json()["total_credit"] == "90.00"
    both = await post([line(TRAVEL, debit="1.00", credit="1.00"), line(PAYABLE, credit="1.00")])
    assert both.status_code == 422 and both.json()["code"] == "invalid_line"
    neither = await post([line(TRAVEL), line(PAYABLE, credit="1.00")])
    assert neither.status_code == 422 and neither.json()["code"] == "invalid_line"
    zero = await post([line(TRAVEL, debit="0.00"), line(PAYABLE, credit="0.00")])
    assert zero.status_code == 422 and zero.json()["code"] == "invalid_line"
    negative = await post([line(TRAVEL, debit="-5.00"), line(PAYABLE, credit="-5.00")])
    assert negative.status_code == 422 and negative.json()["code"] == "invalid_line"
    cents = await post([line(TRAVEL, debit="1.005"), line(PAYABLE, credit="1.005")])
    assert cents.status_code == 422
    huge = await post(
        [line(TRAVEL, debit="1000000000000000.00"), line(PAYABLE, credit="1000000000000000.00")]
    )
    assert huge.status_code == 422 and huge.json()["code"] == "invalid_line"
    floats = await client.post(
        f"{API}/journal-entries",
        json=draft_body([{"account": TRAVEL, "debit": 1.5}, line(PAYABLE, credit="1.50")]),
        headers=staff,
    )
    assert floats.status_code == 422
    parent = await post([line("6602", debit="1.00"), line(PAYABLE, credit="1.00")])
    assert parent.status_code == 422 and parent.json()["code"] == "account_not_postable"
    cash = await post([line(BANK, debit="1.00"), line(PAYABLE, credit="1.00")])
    assert cash.status_code == 422 and cash.json()["code"] == "cash_flow_item_required"
    item = await post(
        [line(BANK, debit="1.00", cash_flow_item="nope"), line(PAYABLE, credit="1.00")]
    )
    assert item.status_code == 422 and item.json()["code"] == "invalid_cash_flow_item"
    unknown = await client.post(
        f"{API}/journal-entries",
        json=draft_body([line("9999", debit="1.00"), line(PAYABLE, credit="1.00")]),
        headers=staff,
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_account"
    one = await post([line(TRAVEL, debit="1.00")])
    assert one.status_code == 422 and one.json()["code"] == "entry_unbalanced"
    async with finance.app.state.runtime.transaction() as session:
        assert (await session.scalars(select(AccountBalance))).all() == []


async def test_a_posted_entry_is_reversed_once(finance: FinanceService) -> None:
    client, staff = finance.client, finance.staff()
    original = await post_new(
        finance,
        lines=[
            line(PAYABLE, debit="300.00"),
            line(BANK, credit="300.00", cash_flow_item="other_operating_payments"),
        ],
    )
    draft = await create_draft(finance)
    not_posted = await client.post(f"{API}/journal-entries/{draft['id']}/reverse", headers=staff)
    assert not_posted.status_code == 409 and not_posted.json()["code"] == "entry_not_posted"
    reversed_ = await client.post(
        f"{API}/journal-entries/{original['id']}/reverse",
        json={"memo": "冲销错付"},
        headers=staff,
    )
    assert reversed_.status_code == 201, reversed_.text
    mirror = reversed_.json()
    assert mirror["source"] == "reversal" and mirror["reverses_id"] == original["id"]
    assert mirror["entry_date"] == "2026-03-11"  # today by the service's clock
    assert mirror["voucher_number"] == "记-2026-03-0002" and mirror["memo"] == "冲销错付"
    assert [(ln["account"], ln["debit"], ln["credit"]) for ln in mirror["lines"]] == [
        (PAYABLE, "0.00", "300.00"),
        (BANK, "300.00", "0.00"),
    ]
    again = await client.get(f"{API}/journal-entries/{original['id']}", headers=staff)
    assert again.json()["reversed_by_id"] == mirror["id"]
    twice = await client.post(f"{API}/journal-entries/{original['id']}/reverse", headers=staff)
    assert twice.status_code == 409 and twice.json()["code"] == "entry_already_reversed"
    reversals = await events(finance, "finance.journal_entry.reversed")
    assert reversals == [
        {
            "entry_id": original["id"],
            "voucher_number": "记-2026-03-0001",
            "reversal_id": mirror["id"],
            "reversal_voucher_number": "记-2026-03-0002",
            "reversal_date": "2026-03-11",
            "total": "300.00",
        }
    ]
    async with finance.app.state.runtime.transaction() as session:
        rows = (await session.scalars(select(AccountBalance))).all()
        for row in rows:
            assert row.debit == row.credit  # the entry and its mirror cancel out


async def test_entries_are_listed_with_filters_and_cursor(finance: FinanceService) -> None:
    client, staff = finance.client, finance.staff()
    for day in ("2026-03-02", "2026-03-05", "2026-04-01"):
        await post_new(finance, entry_date=day)
    await create_draft(finance, entry_date="2026-03-09")
    await post_new(
        finance,
        entry_date="2026-03-07",
        lines=[
            line(BANK, debit="50.00", cash_flow_item="sales_receipts"),
            line("6001", credit="50.00"),
        ],
    )
    everything = await client.get(f"{API}/journal-entries", params={"limit": 2}, headers=staff)
    assert [e["entry_date"] for e in everything.json()["items"]] == ["2026-03-02", "2026-03-05"]
    nxt = await client.get(
        f"{API}/journal-entries",
        params={"limit": 2, "cursor": everything.json()["next_cursor"]},
        headers=staff,
    )
    assert [e["entry_date"] for e in nxt.json()["items"]] == ["2026-03-07", "2026-03-09"]

    async def dates(**params: str) -> list[str]:
        answer = await client.get(f"{API}/journal-entries", params=params, headers=staff)
        assert answer.status_code == 200, answer.text
        return [e["entry_date"] for e in answer.json()["items"]]

    assert await dates(period="2026-04") == ["2026-04-01"]
    assert await dates(status="draft") == ["2026-03-09"]
    assert await dates(account="1002") == ["2026-03-07"]
    assert await dates(account="6602") == ["2026-03-02", "2026-03-05", "2026-03-09", "2026-04-01"]
    assert await dates(date_from="2026-03-05", date_to="2026-03-07") == ["2026-03-05", "2026-03-07"]
    assert await dates(source="reversal") == []
    assert await dates(sort="-entry_date", status="posted") == [
        "2026-04-01",
        "2026-03-07",
        "2026-03-05",
        "2026-03-02",
    ]
    bad = await client.get(f"{API}/journal-entries", params={"period": "2026-3"}, headers=staff)
    assert bad.status_code == 422


async def test_only_finance_and_auditors_see_the_journal(finance: FinanceService) -> None:
    client = finance.client
    entry = await post_new(finance)
    url = f"{API}/journal-entries/{entry['id']}"
    employee = finance.employee(uuid.uuid4())
    for attempt in (
        client.get(url, headers=employee),
        client.post(f"{url}/reverse", headers=employee),
        client.patch(url, json={"memo": "x"}, headers=employee),
        client.delete(url, headers=employee),
    ):
        answer = await attempt
        assert answer.status_code == 404
    listed = await client.get(f"{API}/journal-entries", headers=employee)
    assert listed.status_code == 403 and listed.json()["code"] == "finance_only"
    draft = await client.post(f"{API}/journal-entries", json=draft_body(), headers=employee)
    assert draft.status_code == 403
    auditor = finance.auditor()
    assert (await client.get(url, headers=auditor)).status_code == 200
    assert (await client.get(f"{API}/journal-entries", headers=auditor)).status_code == 200
    reverse = await client.post(f"{url}/reverse", headers=auditor)
    assert reverse.status_code == 403 and reverse.json()["code"] == "finance_only"
    admin = await client.post(f"{url}/reverse", headers=finance.admin())
    assert admin.status_code == 201


async def test_system_clients_read_and_write_by_scope(finance: FinanceService) -> None:
    from shared.kit.testing import bearer

    client = finance.client
    reader = bearer(finance.minter.client(["finance:read"], client_id="svc-reports"))
    writer = bearer(finance.minter.client(["finance:write"], client_id="svc-payroll"))
    made = await client.post(f"{API}/journal-entries", json=draft_body(), headers=writer)
    assert made.status_code == 201 and made.json()["created_by"] == "svc-payroll"
    assert (
        await client.get(f"{API}/journal-entries/{made.json()['id']}", headers=reader)
    ).status_code == 200
    refused = await client.post(f"{API}/journal-entries", json=draft_body(), headers=reader)
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    other = bearer(finance.minter.client(["hr:read"], client_id="svc-hr"))
    assert (await client.get(f"{API}/accounts", headers=other)).status_code == 403
