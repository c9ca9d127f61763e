"""The demo company announces what other services copy from org: every employee, and every
department head it names (hr and finance learn heads only from ``org.department.updated``)."""

import asyncio
from pathlib import Path

import sqlalchemy as sa

import shared.kit.migrations
from officina.demo import STAFF, _load_org
from services.org.db.models import KIT, Department, Employee
from services.org.reference import load_reference_data
from shared.kit.db import create_engine_for
from tests.conftest import TestDatabase


async def test_the_demo_company_announces_its_employees_and_heads(
    database_url: TestDatabase, tmp_path: Path
) -> None:
    url, schema = database_url.url, database_url.schema
    await asyncio.to_thread(shared.kit.migrations.upgrade, "org", url, schema)
    await load_reference_data(url=url, schema=schema, data_dir=tmp_path, demo=False)

    assert await _load_org(url, schema) is not None

    engine = create_engine_for(url, schema)
    try:
        async with engine.connect() as conn:
            outbox = KIT.outbox
            events = (await conn.execute(sa.select(outbox.c.type, outbox.c.data))).all()
            heads = {
                row.code: row.head_employee_id
                for row in (
                    await conn.execute(sa.select(Department.code, Department.head_employee_id))
                )
            }
            employees = (
                await conn.execute(sa.select(sa.func.count()).select_from(Employee))
            ).scalar()
    finally:
        await engine.dispose()
    announced = {
        data["code"]: data["head_employee_id"]
        for kind, data in events
        if kind == "org.department.updated" and "head_employee_id" in data["changed"]
    }
    assert set(announced) == {code for code, *_ in STAFF}
    assert all(announced[code] == str(heads[code]) for code in announced)
    assert sum(1 for kind, _ in events if kind == "org.employee.created") == employees
