"""Reference data of org: the company profile and the seven departments of the regulation."""

from pathlib import Path

from sqlalchemy import select

from services.org.db.models import KIT, Company, Department
from services.org.domain.departments import record_department_event
from services.org.reference_departments import DEPARTMENTS
from shared.kit.seeding import seeding_session

COMPANY_NAME = "示例网络科技有限公司"
ROOT_CODE = "GMO"


async def load_reference_data(
    *, url: str, schema: str, data_dir: Path, demo: bool
) -> dict[str, str]:
    """Create what is missing (idempotent): the company and the departments under the GMO.

    The General Manager's Office is the root of the tree and the six other departments sit
    under it, as in a line-functional structure: the manager chain then reaches the general
    manager from every department.
    """
    async with seeding_session(url, schema, KIT) as session:
        if await session.scalar(select(Company.id).limit(1)) is None:
            session.add(
                Company(name=COMPANY_NAME, structure_type="line_functional", default_currency="CNY")
            )
        existing = {d.code: d for d in (await session.scalars(select(Department))).all()}
        root = existing.get(ROOT_CODE)
        for seed in DEPARTMENTS:
            if seed["code"] in existing:
                continue
            department = Department(
                code=seed["code"],
                name=seed["name"],
                name_en=seed["name_en"],
                charter=seed["charter"],
                charter_en=seed["charter_en"],
                parent_id=None if seed["code"] == ROOT_CODE else (root.id if root else None),
            )
            session.add(department)
            await session.flush()
            if seed["code"] == ROOT_CODE:
                root = department
            await record_department_event(session, "org.department.created", department)
    return {}
