"""Reference and demo data of logistics for spaces, facilities, maintenance and repairs.

Reference data: the repairs policy (seven days to confirm a repair). Demo data: spaces of the
head office and a few facilities in them, one with a quarterly maintenance schedule.
"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.facilities import Facility, FacilityPolicy, MaintenanceSchedule, Space
from services.logistics.domain.facilities import DEFAULT_AUTO_CLOSE_DAYS

BUILDING = "总部大楼 HQ"
SPACES = (
    ("1F", "101", "前台大堂 Lobby", "lobby"),
    ("1F", "105", "茶水间 Pantry", "pantry"),
    ("2F", "201", "财务部办公室 Finance office", "office"),
    ("3F", "301", "研发开放办公区 R&D open area", "open_area"),
    ("3F", "302", "库房 Store room", "storage"),
    ("3F", "310", "机房 Server room", "server_room"),
)
# asset tag, name, category, room, purchased, warranty until
FACILITIES = (
    (
        "HQ-AC-0301",
        "中央空调室内机 Air conditioner",
        "hvac",
        "301",
        date(2024, 5, 20),
        date(2027, 5, 19),
    ),
    ("HQ-PRN-0201", "HP 彩色激光打印机 Printer", "it", "201", date(2023, 9, 1), date(2025, 8, 31)),
    (
        "HQ-UPS-0310",
        "UPS 不间断电源 UPS",
        "electrical",
        "310",
        date(2022, 3, 15),
        date(2027, 3, 14),
    ),
    ("HQ-FE-0101", "干粉灭火器 Fire extinguisher", "safety", "101", date(2025, 1, 10), None),
    (
        "HQ-WD-0105",
        "饮水机 Water dispenser",
        "appliance",
        "105",
        date(2024, 11, 2),
        date(2026, 11, 1),
    ),
)


async def load(session: AsyncSession, *, demo: bool) -> None:
    """Add what is missing (never overwrite what the company changed); ``demo`` adds demo data."""
    if await session.scalar(select(FacilityPolicy.id).limit(1)) is None:
        session.add(FacilityPolicy(repair_auto_close_days=DEFAULT_AUTO_CLOSE_DAYS))
        await session.flush()
    if not demo:
        return
    spaces = {
        s.room: s
        for s in (await session.scalars(select(Space).where(Space.building == BUILDING))).all()
    }
    for floor, room, name, kind in SPACES:
        if room not in spaces:
            spaces[room] = Space(building=BUILDING, floor=floor, room=room, name=name, kind=kind)
            session.add(spaces[room])
    await session.flush()
    known = set((await session.scalars(select(Facility.asset_tag))).all())
    for tag, name, category, room, bought, warranty in FACILITIES:
        if tag in known:
            continue
        item = Facility(
            asset_tag=tag,
            name=name,
            category=category,
            status="in_service",
            space_id=spaces[room].id,
            purchased_on=bought,
            warranty_until=warranty,
            created_by="seed",
        )
        session.add(item)
        await session.flush()
        if tag == "HQ-AC-0301":
            session.add(
                MaintenanceSchedule(
                    facility_id=item.id,
                    space_id=item.space_id,
                    title="空调滤网清洗 Clean the filters",
                    interval_unit="month",
                    interval_count=3,
                    starts_on=date(2026, 1, 5),
                    next_due_on=date(2026, 1, 5),
                    created_by="seed",
                )
            )
    await session.flush()
