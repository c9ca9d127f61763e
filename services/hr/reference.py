"""Reference data of hr: the leave types and the pay bands (monthly salary ranges per grade)."""

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from services.hr import demo as people_demo
from services.hr.db.models import KIT, LeaveType
from services.hr.db.people import PayBand
from services.hr.domain import development_demo, development_seed
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

# grade, name, monthly minimum and maximum (CNY): an offer above the maximum needs approval
PAY_BANDS = [
    ("P1", "助理 Assistant", "5000.00", "8000.00"),
    ("P2", "专员 Associate", "7000.00", "12000.00"),
    ("P3", "工程师 Professional", "10000.00", "18000.00"),
    ("P4", "资深 Senior professional", "14000.00", "24000.00"),
    ("P5", "高级 Expert", "18000.00", "30000.00"),
    ("P6", "专家 Principal", "25000.00", "42000.00"),
    ("M1", "主管 Supervisor", "15000.00", "25000.00"),
    ("M2", "经理 Manager", "22000.00", "38000.00"),
    ("M3", "总监 Director", "35000.00", "60000.00"),
]


async def load_reference_data(
    *, url: str, schema: str, data_dir: Path, demo: bool
) -> dict[str, str]:
    """Add the leave types and pay bands that are missing (HR's later changes are kept); with
    ``demo``, recruitment and contract demo data (see :mod:`services.hr.demo`)."""
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
        bands = set((await session.scalars(select(PayBand.grade))).all())
        for grade, name, minimum, maximum in PAY_BANDS:
            if grade not in bands:
                session.add(
                    PayBand(
                        grade=grade,
                        name=name,
                        minimum=Decimal(minimum),
                        maximum=Decimal(maximum),
                        currency="CNY",
                    )
                )
        await development_seed.load(session)
        if demo:
            await session.flush()
            await people_demo.plant(session)
            await development_demo.plant(session)
    return {}
