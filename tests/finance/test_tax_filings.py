"""Tax registrations, the filing calendar, filings filed, paid (posted) and extended, and the
due-soon notices in finance's inbox. "Today" is 2026-03-11."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from services.finance.db.ledger import JournalEntry, JournalLine
from tests.finance.conftest import API, FinanceService
from tests.finance.posting_helpers import set_period
from tests.finance.tax_helpers import (
    act,
    calendar,
    filing,
    filings,
    on,
    register,
    register_all,
    run_sweep,
)


async def test_a_registration_names_what_its_tax_needs(finance: FinanceService) -> None:
    url = f"{API}/tax-registrations"
    no_kind = await finance.client.post(
        url,
        json={"tax": "vat", "rate": "0.06", "effective_from": "2026-01-01"},
        headers=finance.staff(),
    )
    assert no_kind.status_code == 422
    assert no_kind.json()["code"] == "invalid_tax_registration"
    as_float = await finance.client.post(
        url,
        json={"tax": "cit", "rate": 0.25, "effective_from": "2026-01-01"},
        headers=finance.staff(),
    )
    assert as_float.status_code == 422
    monthly_cit = await finance.client.post(
        url,
        json={
            "tax": "cit",
            "rate": "0.25",
            "filing_frequency": "monthly",
            "effective_from": "2026-01-01",
        },
        headers=finance.staff(),
    )
    assert monthly_cit.json()["code"] == "invalid_tax_registration"

    vat = await register(finance, tax="vat", rate="0.06", taxpayer_kind="general")
    assert (vat["payable_account"], vat["filing_frequency"], vat["rate"]) == (
        "2221.01.03",
        "monthly",
        "0.06",
    )
    cit = await register(finance, tax="cit", rate="0.15", note="高新技术企业")
    assert cit["filing_frequency"] == "quarterly"


async def test_a_rate_change_is_a_new_registration_from_the_day_it_applies(
    finance: FinanceService,
) -> None:
    vat = await register(finance, tax="vat", rate="0.03", taxpayer_kind="small_scale")
    overlapping = await finance.client.post(
        f"{API}/tax-registrations",
        json={
            "tax": "vat",
            "rate": "0.06",
            "taxpayer_kind": "general",
            "effective_from": "2026-07-01",
        },
        headers=finance.staff(),
    )
    assert overlapping.status_code == 409
    assert overlapping.json()["code"] == "tax_registration_overlap"

    stale = await finance.client.patch(
        f"{API}/tax-registrations/{vat['id']}",
        json={"effective_to": "2026-06-30"},
        headers={**finance.staff(), "If-Match": '"7"'},
    )
    assert stale.status_code == 412
    ended = await finance.client.patch(
        f"{API}/tax-registrations/{vat['id']}",
        json={"effective_to": "2026-06-30"},
        headers={**finance.staff(), "If-Match": f'"{vat["version"]}"'},
    )
    assert ended.status_code == 200, ended.text
    await register(
        finance, tax="vat", rate="0.06", taxpayer_kind="general", effective_from="2026-07-01"
    )

    await calendar(finance)
    vat_filings = await filings(finance, tax="vat")
    assert len(vat_filings) == 12
    by_month = {f["period_start"][5:7]: f["registration_id"] for f in vat_filings}
    assert by_month["06"] == vat["id"] and by_month["07"] != vat["id"]


@pytest.mark.parametrize("field", ["filing_frequency", "payable_account", "effective_from", "note"])
async def test_a_registration_field_that_cannot_be_cleared_refuses_null_and_keeps_its_value(
    finance: FinanceService, field: str
) -> None:
    vat = await register(finance, tax="vat", rate="0.13", taxpayer_kind="general")
    url = f"{API}/tax-registrations/{vat['id']}"
    etag = {**finance.staff(), "If-Match": f'"{vat["version"]}"'}

    refused = await finance.client.patch(url, json={field: None}, headers=etag)
    after = (await finance.client.get(url, headers=finance.staff())).json()

    assert (refused.status_code, refused.json()["code"]) == (422, "validation_error")
    assert after[field] == vat[field] and after["version"] == vat["version"]
    # effective_to may be cleared: an ended registration is open again.
    ended = await finance.client.patch(url, json={"effective_to": "2026-06-30"}, headers=etag)
    reopened = await finance.client.patch(
        url,
        json={"effective_to": None},
        headers={**finance.staff(), "If-Match": ended.headers["etag"]},
    )
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["effective_to"] is None


async def test_only_finance_manages_tax_and_the_auditor_reads_it(finance: FinanceService) -> None:
    body = {"tax": "cit", "rate": "0.25", "effective_from": "2026-01-01"}
    for headers in (finance.employee("0193a8c0-0000-7000-8000-0000000000e9"), finance.auditor()):
        refused = await finance.client.post(f"{API}/tax-registrations", json=body, headers=headers)
        assert refused.status_code == 403
        assert refused.json()["code"] == "finance_only"
    await register(finance, **body)
    read = await finance.client.get(f"{API}/tax-registrations", headers=finance.auditor())
    assert read.status_code == 200 and len(read.json()["items"]) == 1
    hidden = await finance.client.get(
        f"{API}/tax-filings", headers=finance.employee("0193a8c0-0000-7000-8000-0000000000e9")
    )
    assert hidden.status_code == 403


async def test_the_calendar_holds_each_return_once_however_often_it_is_generated(
    finance: FinanceService,
) -> None:
    await register_all(finance)

    first = await calendar(finance)
    again = await calendar(finance)

    assert (first["created"], first["filings"]) == (65, 65)  # 5 monthly taxes x 12 + CIT 4 + 1
    assert (again["created"], again["moved"], again["filings"]) == (0, 0, 65)
    assert len(await filings(finance)) == 65
    cit = await filings(finance, tax="cit")
    assert [(f["kind"], f["due_date"]) for f in cit] == [
        ("cit_prepayment", "2026-04-15"),
        ("cit_prepayment", "2026-07-15"),
        ("cit_prepayment", "2026-10-15"),
        ("cit_prepayment", "2027-01-15"),
        ("cit_annual", "2027-05-31"),
    ]


async def test_the_status_filter_agrees_with_each_filings_status(finance: FinanceService) -> None:
    await register_all(finance)
    await calendar(finance)
    february = await filing(finance, "vat", "2026-02-01")
    assert (february["due_date"], february["status"]) == ("2026-03-16", "due")
    filed = await act(
        finance,
        february,
        "file",
        {"filed_on": "2026-03-10", "tax_base": "0.00", "amount": "0.00", "reference": "SB-0"},
    )
    assert filed.json()["status"] == "filed"
    january = await filing(finance, "iit_withheld", "2026-01-01")
    assert (january["due_date"], january["status"]) == ("2026-02-24", "overdue")

    everything = await filings(finance)
    for status in ("upcoming", "due", "filed", "paid", "overdue"):
        expected = sorted(f["id"] for f in everything if f["status"] == status)
        assert sorted(f["id"] for f in await filings(finance, status=status)) == expected
    assert len(await filings(finance, status="overdue")) == 5  # January's five monthly returns
    assert len(await filings(finance, status="due")) == 4  # February's, less the filed VAT


async def test_a_filed_return_is_paid_and_the_payment_is_posted(finance: FinanceService) -> None:
    await register_all(finance)
    await calendar(finance)
    february = await filing(finance, "vat", "2026-02-01")

    unfiled = await act(finance, february, "pay", {"paid_on": "2026-03-11", "amount": "10800.00"})
    assert (unfiled.status_code, unfiled.json()["code"]) == (409, "tax_filing_not_filed")
    early = await act(
        finance,
        await filing(finance, "vat", "2026-03-01"),
        "file",
        {"filed_on": "2026-03-11", "tax_base": "1.00", "amount": "0.06", "reference": "X"},
    )
    assert (early.status_code, early.json()["code"]) == (409, "tax_period_not_ended")

    filed = await act(
        finance,
        february,
        "file",
        {
            "filed_on": "2026-03-11",
            "tax_base": "180000.00",
            "amount": "10800.00",
            "reference": "SB-2026-02",
        },
    )
    assert filed.status_code == 200, filed.text
    assert (filed.json()["status"], filed.json()["amount"]) == ("filed", "10800.00")
    wrong = await act(finance, february, "pay", {"paid_on": "2026-03-11", "amount": "10000.00"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "invalid_tax_payment")
    future = await act(finance, february, "pay", {"paid_on": "2026-03-12", "amount": "10800.00"})
    assert (future.status_code, future.json()["code"]) == (422, "invalid_tax_date")

    paid = await act(
        finance,
        february,
        "pay",
        {"paid_on": "2026-03-11", "amount": "10800.00", "payment_reference": "TX-1"},
    )
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid"
    lines = await _lines(finance, paid.json()["entry_id"])
    assert lines == [
        ("2221.01.03", Decimal("10800.00"), Decimal("0.00"), None),
        ("1002", Decimal("0.00"), Decimal("10800.00"), "tax_payments"),
    ]
    again = await act(finance, february, "pay", {"paid_on": "2026-03-11", "amount": "10800.00"})
    assert (again.status_code, again.json()["code"]) == (409, "tax_filing_already_paid")
    types = [e["type"] for e in await _events(finance)]
    assert types.count("finance.tax_filing.filed") == 1
    assert types.count("finance.tax_filing.paid") == 1


async def test_a_payment_into_a_closed_period_is_refused_and_nothing_changes(
    finance: FinanceService,
) -> None:
    await register(finance, tax="education_surcharge", rate="0.03")
    await calendar(finance)
    january = await filing(finance, "education_surcharge", "2026-01-01")
    await act(
        finance,
        january,
        "file",
        {"filed_on": "2026-02-10", "tax_base": "10000.00", "amount": "300.00", "reference": "FJ-1"},
    )
    await set_period(finance, 2026, 2, "close")

    refused = await act(finance, january, "pay", {"paid_on": "2026-02-10", "amount": "300.00"})

    assert (refused.status_code, refused.json()["code"]) == (409, "period_closed")
    assert (await filing(finance, "education_surcharge", "2026-01-01"))["status"] == "overdue"


async def test_finance_moves_a_due_date_for_an_announced_extension(finance: FinanceService) -> None:
    await register(finance, tax="vat", rate="0.06", taxpayer_kind="general")
    await calendar(finance)
    february = await filing(finance, "vat", "2026-02-01")

    before = await act(finance, february, "extend", {"due_date": "2026-03-13", "reason": "x"})
    assert (before.status_code, before.json()["code"]) == (422, "invalid_tax_date")
    moved = await finance.client.post(
        f"{API}/tax-filings/{february['id']}/extend",
        json={"due_date": "2026-03-20", "reason": "税务总局公告：申报期限延长至3月20日"},
        headers={**finance.staff(), "If-Match": f'"{february["version"]}"'},
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert (body["statutory_due_date"], body["due_date"]) == ("2026-03-16", "2026-03-20")
    assert body["extension_reason"].startswith("税务总局公告")

    await calendar(finance)  # generating again keeps the extension
    assert (await filing(finance, "vat", "2026-02-01"))["due_date"] == "2026-03-20"
    trail = await finance.client.get(
        f"{API}/audit-log",
        params={"entity_type": "tax_filings", "entity_id": february["id"]},
        headers=finance.admin(),
    )
    [change] = [e for e in trail.json()["items"] if e["action"] == "update"]
    assert change["changes"]["due_date"] == {"old": "2026-03-16", "new": "2026-03-20"}
    assert change["actor"] == "user:finance-staff"
    on(finance, date(2026, 3, 19))
    assert (await filing(finance, "vat", "2026-02-01"))["status"] == "due"  # not overdue


async def test_finance_staff_are_told_once_when_a_return_falls_due(finance: FinanceService) -> None:
    await register(finance, tax="vat", rate="0.06", taxpayer_kind="general")

    assert await run_sweep(finance) == 1  # the sweep keeps the year's calendar by itself
    assert await run_sweep(finance) == 0
    [notice] = finance.workflow.delivered("tax_filing_due")
    february = await filing(finance, "vat", "2026-02-01")
    assert notice["recipients"] == {"roles": ["finance"]}
    assert notice["idempotency_key"] == f"finance-tax-due:{february['id']}:2026-03-16"
    assert "2026-03-16" in notice["title"]["zh"] and "2026-02" in notice["title"]["en"]
    assert notice["link"]["id"] == february["id"]

    await act(finance, february, "extend", {"due_date": "2026-03-20", "reason": "延期"})
    assert await run_sweep(finance) == 0  # 20 March is more than five days away
    on(finance, date(2026, 3, 15))
    assert await run_sweep(finance) == 1  # a notice naming the new date
    assert finance.workflow.delivered("tax_filing_due")[-1]["idempotency_key"].endswith(
        "2026-03-20"
    )
    assert len(finance.workflow.delivered("tax_filing_due")) == 2
    on(finance, date(2026, 4, 10))  # March's return is due 15 April
    assert await run_sweep(finance) == 1
    assert len(finance.workflow.delivered("tax_filing_due")) == 3


async def test_a_notice_workflow_did_not_take_is_sent_at_the_next_run(
    finance: FinanceService,
) -> None:
    await register(finance, tax="vat", rate="0.06", taxpayer_kind="general")
    finance.workflow.down = True
    assert await run_sweep(finance) == 0
    finance.workflow.down = False
    assert await run_sweep(finance) == 1
    assert len(finance.workflow.delivered("tax_filing_due")) == 1


async def _lines(finance: FinanceService, entry_id: str) -> list[tuple[Any, ...]]:
    async with finance.app.state.runtime.sessionmaker() as session:
        entry = await session.scalar(select(JournalEntry).where(JournalEntry.id == _uuid(entry_id)))
        assert entry is not None and entry.source == "tax_payment"
        rows = await session.scalars(
            select(JournalLine)
            .where(JournalLine.entry_id == entry.id)
            .order_by(JournalLine.line_no)
        )
        return [(r.account_code, r.debit, r.credit, r.cash_flow_item) for r in rows]


async def _events(finance: FinanceService) -> list[dict[str, Any]]:
    tables = finance.app.state.runtime.tables
    async with finance.app.state.runtime.sessionmaker() as session:
        rows = await session.execute(select(tables.outbox.c.type, tables.outbox.c.data))
        return [{"type": row.type, "data": row.data} for row in rows]


def _uuid(value: str) -> Any:
    import uuid

    return uuid.UUID(value)


async def test_a_nil_return_has_nothing_to_pay_and_a_paid_return_is_not_moved(
    finance: FinanceService,
) -> None:
    await register(finance, tax="iit_withheld")  # no single rate: progressive
    await register(finance, tax="city_construction", rate="0.07")
    await calendar(finance)
    iit = await filing(finance, "iit_withheld", "2026-02-01")
    nil = await act(
        finance,
        iit,
        "file",
        {"filed_on": "2026-03-05", "tax_base": "0.00", "amount": "0.00", "reference": "GS-0"},
    )
    assert nil.json()["status"] == "filed"
    nothing = await act(finance, iit, "pay", {"paid_on": "2026-03-05", "amount": "0.00"})
    assert (nothing.status_code, nothing.json()["code"]) == (409, "tax_nothing_to_pay")
    on(finance, date(2026, 4, 30))
    assert (await filing(finance, "iit_withheld", "2026-02-01"))["status"] == "filed"  # never late

    city = await filing(finance, "city_construction", "2026-02-01")
    await act(
        finance,
        city,
        "file",
        {"filed_on": "2026-03-10", "tax_base": "10800.00", "amount": "756.00", "reference": "C-1"},
    )
    paid = await act(finance, city, "pay", {"paid_on": "2026-03-10", "amount": "756.00"})
    assert paid.status_code == 200, paid.text
    late = await act(finance, city, "extend", {"due_date": "2026-05-20", "reason": "x"})
    assert (late.status_code, late.json()["code"]) == (409, "tax_filing_already_paid")
    refile = await act(
        finance,
        city,
        "file",
        {"filed_on": "2026-03-11", "tax_base": "1.00", "amount": "0.07", "reference": "C-2"},
    )
    assert (refile.status_code, refile.json()["code"]) == (409, "tax_filing_already_paid")


async def test_the_due_date_filters_read_iso_dates_only(finance: FinanceService) -> None:
    await register(finance, tax="vat", rate="0.06", taxpayer_kind="general")
    await calendar(finance)
    march = await filings(finance, due_from="2026-03-01", due_to="2026-03-31")
    assert [f["period_start"] for f in march] == ["2026-02-01"]
    refused = await finance.client.get(
        f"{API}/tax-filings", params={"due_to": "0"}, headers=finance.staff()
    )
    assert refused.status_code == 422
