"""hr's migration onto the kit saga keeps the requests that await an approval."""

import asyncio
import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import command

from services.hr.db.models import LeaveRequest
from shared.kit.db import create_engine_for, ensure_schema
from shared.kit.migrations import alembic_config
from tests.conftest import TestDatabase

OLD_COLUMNS = sa.table(
    "leave_requests",
    *(
        sa.column(name, type_)
        for name, type_ in {
            "id": sa.Uuid(),
            "employee_id": sa.Uuid(),
            "department_id": sa.Uuid(),
            "leave_type": sa.String(),
            "start_date": sa.Date(),
            "start_portion": sa.String(),
            "end_date": sa.Date(),
            "end_portion": sa.String(),
            "days": sa.Numeric(6, 1),
            "balance_year": sa.Integer(),
            "reason": sa.Text(),
            "status": sa.String(),
            "workflow_instance_id": sa.Uuid(),
            "cancellation_instance_id": sa.Uuid(),
            "created_at": sa.DateTime(timezone=True),
            "updated_at": sa.DateTime(timezone=True),
            "version": sa.Integer(),
        }.items()
    ),
)


def _request(status: str, version: int, instance: uuid.UUID | None = None) -> dict[str, object]:
    at = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
    return {
        "id": uuid.uuid4(),
        "employee_id": uuid.uuid4(),
        "department_id": uuid.uuid4(),
        "leave_type": "annual",
        "start_date": date(2025, 6, 16),
        "start_portion": "full",
        "end_date": date(2025, 6, 17),
        "end_portion": "full",
        "days": 2,
        "balance_year": 2025,
        "reason": "",
        "status": status,
        "workflow_instance_id": instance,
        "cancellation_instance_id": None,
        "created_at": at,
        "updated_at": at,
        "version": version,
    }


async def test_requests_awaiting_an_approval_keep_the_key_hr_used(
    database_url: TestDatabase,
) -> None:
    url, schema = database_url.url, database_url.schema
    config = alembic_config("hr", url, schema)
    await ensure_schema(url, schema)
    await asyncio.to_thread(command.upgrade, config, "0002")
    waiting = _request("pending", 1)
    cancelling = _request("cancellation_pending", 4, instance=uuid.uuid4())
    started = _request("pending", 2, instance=uuid.uuid4())
    engine = create_engine_for(url, schema)
    try:
        async with engine.begin() as conn:
            await conn.execute(OLD_COLUMNS.insert(), [waiting, cancelling, started])
        await asyncio.to_thread(command.upgrade, config, "head")
        table = LeaveRequest.__table__
        async with engine.connect() as conn:
            rows = {
                row.id: row
                for row in await conn.execute(
                    sa.select(
                        table.c.id,
                        table.c.approval_key,
                        table.c.approval_state,
                        table.c.approval_retry_at,
                        table.c.approval_attempts,
                    )
                )
            }
    finally:
        await engine.dispose()

    assert rows[waiting["id"]].approval_key == f"leave_request:{waiting['id']}"
    assert rows[waiting["id"]].approval_state == "awaiting_start"
    assert rows[waiting["id"]].approval_retry_at == waiting["updated_at"]  # swept at once
    assert rows[cancelling["id"]].approval_key == f"leave_cancellation:{cancelling['id']}:4"
    assert rows[started["id"]].approval_key is None
    assert rows[started["id"]].approval_retry_at is None
    assert {row.approval_attempts for row in rows.values()} == {0}
