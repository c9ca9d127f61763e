"""Reference data of hr: the leave types."""

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from services.hr.db.models import KIT, LeaveType
from shared.kit.seeding import seeding_session

# code, name, English name, paid, uses a balance, day basis, minimum unit, needs a document
LEAVE_TYPES = [
    ("annual", "年休假", "Annual", True, True, "working", "0.5", False),
    ("sick", "病假", "Sick", True, False, "working", "0.5", True),
    ("personal", "事假", "Personal", False, False, "working", "0.5", False),
    ("marriage", "婚假", "Marriage", True, False, "calendar", "1", True),
    ("maternity", "产假", "Maternity", True, False, "calendar", "1", True),
    ("paternity", "陪产假", "Paternity", True, False, "calendar", "1", True),
    ("bereavement", "丧假", "Bereavement", True, False, "calendar", "1", False),
    ("compensatory", "调休假", "Compensatory", True, True, "working", "0.5", False),
]


async def load_reference_data(
    *, url: str, schema: str, data_dir: Path, demo: bool
) -> dict[str, str]:
    """Add the leave types that are missing (HR's later changes are kept)."""
    async with seeding_session(url, schema, KIT) as session:
        existing = set((await session.scalars(select(LeaveType.code))).all())
        for code, name, name_en, paid, uses_balance, basis, unit, document in LEAVE_TYPES:
            if code not in existing:
                session.add(
                    LeaveType(
                        code=code,
                        name=name,
                        name_en=name_en,
                        paid=paid,
                        uses_balance=uses_balance,
                        day_basis=basis,
                        min_unit=Decimal(unit),
                        requires_document=document,
                    )
                )
    return {}
