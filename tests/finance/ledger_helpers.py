"""Helpers of the ledger's tests: entries through the API and through ``post_entry``."""

from datetime import date
from decimal import Decimal
from typing import Any

from services.finance.domain.ledger import Line, post_entry
from tests.finance.conftest import API, FinanceService

BANK = "1002"
TRAVEL = "6602.02"
OFFICE = "6602.03"
PAYABLE = "2241"
REVENUE = "6001"


def line(
    account: str, debit: str | None = None, credit: str | None = None, **extra: Any
) -> dict[str, Any]:
    """One line as the API takes it."""
    body: dict[str, Any] = {"account": account, **extra}
    if debit is not None:
        body["debit"] = debit
    if credit is not None:
        body["credit"] = credit
    return body


def travel_expense(amount: str = "1200.00", **extra: Any) -> list[dict[str, Any]]:
    """Dr 6602.02 travel / Cr 2241 other payables."""
    return [line(TRAVEL, debit=amount, **extra), line(PAYABLE, credit=amount)]


def draft_body(
    lines: list[dict[str, Any]] | None = None,
    entry_date: str = "2026-03-10",
    memo: str = "差旅费报销",
) -> dict[str, Any]:
    return {"entry_date": entry_date, "memo": memo, "lines": lines or travel_expense()}


async def create_draft(service: FinanceService, **kw: Any) -> dict[str, Any]:
    answer = await service.client.post(
        f"{API}/journal-entries", json=draft_body(**kw), headers=service.staff()
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def post_new(service: FinanceService, **kw: Any) -> dict[str, Any]:
    """A draft created and posted through the API."""
    draft = await create_draft(service, **kw)
    answer = await service.client.post(
        f"{API}/journal-entries/{draft['id']}/post", headers=service.staff()
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def post_direct(
    service: FinanceService,
    lines: list[Line],
    *,
    entry_date: date = date(2026, 3, 10),
    memo: str = "测试凭证",
    source: str = "manual",
) -> str:
    """Post through the domain's ``post_entry`` in a transaction of its own; the entry's id."""
    async with service.app.state.runtime.transaction() as session:
        entry = await post_entry(
            session,
            entry_date=entry_date,
            memo=memo,
            lines=lines,
            source=source,
            source_id=None,
            actor="tester",
        )
        return str(entry.id)


def money(value: str) -> Decimal:
    return Decimal(value)
