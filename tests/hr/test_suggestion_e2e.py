"""An anonymous suggestion through the real platform (issue 15, "Done when"): filed through the
gateway, answered by HR, followed with its receipt — and provably unlinkable: no column of any
table in hr's database and no line the platform logged (every service, the gateway too, at INFO)
while it happened holds the submitter's employee id, account id, username or token subject."""

import asyncio
import base64
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import POSTGRES_URL, TEST_DB
from tests.hr.test_leave_saga_e2e import PASSWORD, login, ok, warm_up
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform, start_platform

HR = "/api/v1/hr"
ORG = "/api/v1/org"
USERNAME = "quiet.voice"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    running = start_platform(
        tmp_path_factory.mktemp("platform"),
        postgres_url=POSTGRES_URL if TEST_DB == "postgresql" else None,
        extra_env={"OFFICINA_LOG_LEVEL": "INFO"},
    )
    yield running
    running.stop()
    running.drop_schemas()


def hr_rows(platform: RunningPlatform) -> set[str]:
    """Every row of every table in hr's database, as text."""
    url = platform.env.get("OFFICINA_DATABASE_URL")
    prefix = platform.env.get("OFFICINA_SCHEMA_PREFIX")
    schema = f"{prefix}hr" if url and prefix else None
    url = url or f"sqlite+aiosqlite:///{(platform.data_dir / 'hr.db').resolve()}"

    async def read() -> set[str]:
        engine = create_async_engine(url)
        rows: set[str] = set()
        try:
            async with engine.connect() as conn:
                names = await conn.run_sync(lambda c: sa.inspect(c).get_table_names(schema=schema))
                assert "suggestions" in names and "audit_log" in names
                for name in names:
                    result = await conn.execute(
                        sa.select(sa.text("*")).select_from(sa.table(name, schema=schema))
                    )
                    rows |= {f"{name}: {tuple(row)!r}" for row in result}
        finally:
            await engine.dispose()
        return rows

    return asyncio.run(read())


def token_subject(token: str) -> str:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return str(claims["sub"])


def test_an_anonymous_suggestion_is_answered_and_unlinkable(platform: RunningPlatform) -> None:
    admin = login(platform, "admin", ADMIN_PASSWORD)
    warm_up(admin)
    departments = ok(admin.get(f"{ORG}/departments", params={"limit": 200}))["items"]
    employee = ok(
        admin.post(
            f"{ORG}/employees",
            json={
                "employee_number": "QV-001",
                "name": "匿名者",
                "email": "qv-001@example.cn",
                "department_id": departments[0]["id"],
                "hire_date": "2020-03-01",
            },
        ),
        201,
    )
    employee_id = uuid.UUID(employee["id"])
    account = ok(
        admin.post(
            "/api/v1/auth/users",
            json={"username": USERNAME, "password": PASSWORD, "employee_id": str(employee_id)},
        ),
        201,
    )
    ok(
        admin.post(
            "/api/v1/auth/users", json={"username": "qv.hr", "password": PASSWORD, "roles": ["hr"]}
        ),
        201,
    )
    voice, hr = login(platform, USERNAME), login(platform, "qv.hr")
    subject = token_subject(platform.token(USERNAME, PASSWORD))
    marks = {str(employee_id), employee_id.hex, USERNAME, subject, str(account["id"])}
    try:
        # let the platform settle (hr learning the new employee, feeds catching up) first
        time.sleep(2)
        before_rows = hr_rows(platform)
        log_offset = len(platform.log())
        filed = ok(
            voice.post(
                f"{HR}/suggestions",
                json={
                    "title": "增加夜班餐补",
                    "body": "夜班没有餐补。",
                    "category": "welfare",
                    "anonymous": True,
                },
            ),
            201,
        )
        token = filed["receipt_token"]
        suggestion_id = filed["suggestion"]["id"]
        assert filed["suggestion"]["submitter_employee_id"] is None
        ok(hr.post(f"{HR}/suggestions/{suggestion_id}/answer", json={"answer": "下月起发放。"}))
        followed = ok(voice.post(f"{HR}/suggestion-receipts", json={"receipt_token": token}))
        assert (followed["status"], followed["answer"]) == ("answered", "下月起发放。")
        time.sleep(1)  # the publisher marks the events published
        logged = platform.log()[log_offset:]
        new_rows = hr_rows(platform) - before_rows
        assert any(row.startswith("suggestions") for row in new_rows)
        assert any(row.startswith("audit_log") and suggestion_id in row for row in new_rows)
        linked = [row for row in new_rows if any(mark in row for mark in marks)]
        assert linked == []
        assert [row for row in new_rows if token in row] == []
        # the access logs were on: hr's and the gateway's lines of these requests are searched
        requests = [line for line in logged.splitlines() if "/api/v1/hr/suggestions" in line]
        assert {'"service": "hr"', '"service": "gateway"'} <= {
            part
            for line in requests
            for part in ('"service": "hr"', '"service": "gateway"')
            if part in line
        }
        assert [line for line in logged.splitlines() if any(m in line for m in marks)] == []
        assert token not in logged
        # the submitter cannot find it in their own list either: it names nobody
        assert ok(voice.get(f"{HR}/suggestions"))["items"] == []
    finally:
        for client in (admin, voice, hr):
            client.close()
