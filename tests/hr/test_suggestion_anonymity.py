"""The suggestion box: an anonymous suggestion leaves no employee or account id anywhere — not
in any column of any table of hr's schema, not in the log lines of its request — while HR answers
it and the submitter follows the answer with the receipt token."""

import io
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from shared.kit.observability import JsonFormatter
from tests.hr.conftest import Company, HrService
from tests.hr.development_helpers import API

USERNAME = "whistle-blower-7"
SUBJECT = f"user:{USERNAME}"


@contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """Every log line written meanwhile, formatted as hr writes them (JSON, with the caller)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def every_row(hr: HrService) -> set[str]:
    """Every row of every table in hr's schema, as text."""
    engine = hr.app.state.runtime.engine
    schema = hr.db.schema if hr.db.is_postgres else None
    rows: set[str] = set()
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: sa.inspect(c).get_table_names(schema=schema))
        assert "suggestions" in names and "audit_log" in names and "outbox" in names
        for name in names:
            table = sa.table(name, schema=schema)
            result = await conn.execute(sa.select(sa.text("*")).select_from(table))
            for row in result:
                rows.add(f"{name}: {tuple(row)!r}")
    return rows


def traces(text: str, employee: uuid.UUID) -> list[str]:
    marks = (str(employee), employee.hex, SUBJECT, USERNAME)
    return [line for line in text.splitlines() if any(m in line for m in marks)]


async def test_an_anonymous_suggestion_is_provably_unlinkable(
    hr: HrService, company: Company
) -> None:
    me = company.employee
    headers = hr.as_user("employee", employee_id=me, username=USERNAME)
    before = await every_row(hr)
    with captured_logs() as logs:
        filed = await hr.client.post(
            f"{API}/suggestions",
            json={"title": "加装饮水机", "body": "三楼没有饮水机。", "anonymous": True},
            headers=headers,
        )
        assert filed.status_code == 201, filed.text
        token = filed.json()["receipt_token"]
        suggestion = filed.json()["suggestion"]
        assert suggestion["submitter_employee_id"] is None
        answered = await hr.client.post(
            f"{API}/suggestions/{suggestion['id']}/answer",
            json={"answer": "下周安装。"},
            headers=hr.hr(),
        )
        assert answered.status_code == 200, answered.text
        followed = await hr.client.post(
            f"{API}/suggestion-receipts", json={"receipt_token": token}, headers=headers
        )
    assert followed.status_code == 200, followed.text
    assert followed.json()["answer"] == "下周安装。"
    new_rows = await every_row(hr) - before
    assert any("suggestions" in row for row in new_rows)
    assert any(row.startswith("audit_log") and "suggestion" in row for row in new_rows)
    assert any(row.startswith("outbox") and "hr.suggestion.submitted" in row for row in new_rows)
    assert [row for row in new_rows if traces(row, me)] == []
    # the token itself is kept only as its hash
    assert [row for row in new_rows if token in row] == []
    text = logs.getvalue()
    assert "/api/v1/hr/suggestions" in text  # the access log was captured
    assert traces(text, me) == []
    assert token not in text
    events = await hr.events("hr.suggestion.submitted")
    assert events[-1]["data"] == {"category": "other", "anonymous": True, "status": "received"}


async def test_a_signed_suggestion_names_its_submitter(hr: HrService, company: Company) -> None:
    filed = await hr.client.post(
        f"{API}/suggestions",
        json={"title": "t", "body": "b", "category": "process"},
        headers=hr.employee(company.employee),
    )
    assert filed.status_code == 201, filed.text
    assert filed.json()["suggestion"]["submitter_employee_id"] == str(company.employee)
    mine = await hr.client.get(f"{API}/suggestions", headers=hr.employee(company.employee))
    assert [s["title"] for s in mine.json()["items"]] == ["t"]
    theirs = await hr.client.get(f"{API}/suggestions", headers=hr.employee(company.colleague))
    assert theirs.json()["items"] == []
    hidden = await hr.client.get(
        f"{API}/suggestions/{filed.json()['suggestion']['id']}",
        headers=hr.employee(company.colleague),
    )
    assert hidden.status_code == 404


async def test_only_hr_answers_once(hr: HrService, company: Company) -> None:
    filed = await hr.client.post(
        f"{API}/suggestions",
        json={"title": "t", "body": "b", "anonymous": True},
        headers=hr.employee(company.employee),
    )
    sid = filed.json()["suggestion"]["id"]
    auditor = await hr.client.post(
        f"{API}/suggestions/{sid}/answer", json={"answer": "x"}, headers=hr.auditor()
    )
    assert auditor.status_code == 403
    await hr.client.post(f"{API}/suggestions/{sid}/answer", json={"answer": "a"}, headers=hr.hr())
    again = await hr.client.post(
        f"{API}/suggestions/{sid}/answer", json={"answer": "b"}, headers=hr.hr()
    )
    assert again.status_code == 409
    assert again.json()["code"] == "suggestion_answered"
    # the employee cannot find their own anonymous suggestion in the list: it names nobody
    mine = await hr.client.get(f"{API}/suggestions", headers=hr.employee(company.employee))
    assert mine.json()["items"] == []


async def test_an_unknown_receipt_is_404(hr: HrService, company: Company) -> None:
    answer = await hr.client.post(
        f"{API}/suggestion-receipts",
        json={"receipt_token": "x" * 43},
        headers=hr.employee(company.employee),
    )
    assert answer.status_code == 404
    assert answer.json()["code"] == "unknown_receipt"


async def test_an_anonymous_suggestion_refuses_an_idempotency_key(
    hr: HrService, company: Company
) -> None:
    body: dict[str, Any] = {"title": "t", "body": "b", "anonymous": True}
    refused = await hr.client.post(
        f"{API}/suggestions",
        json=body,
        headers={**hr.employee(company.employee), "Idempotency-Key": "k-1"},
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "idempotency_key_not_accepted"
    listed = await hr.client.get(f"{API}/suggestions", headers=hr.hr())
    assert listed.json()["items"] == []
    signed = await hr.client.post(
        f"{API}/suggestions",
        json={**body, "anonymous": False},
        headers={**hr.employee(company.employee), "Idempotency-Key": "k-2"},
    )
    assert signed.status_code == 201
