"""Reference and demo data of logistics for office supplies: catalogue, stock ledger, purchases, requisitions, stocktakes.

Reference data: the policy (purchases above ¥5,000 go through workflow; seven days to collect
a requisition). Demo data: two pick-up points and a catalogue with opening stock, received
through the ledger so that it adds up like any other stock.
"""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.supplies import PickupPoint, Supply, SupplyPolicy
from services.logistics.domain import stock
from services.logistics.domain.stock import Change
from services.logistics.domain.supplies import DEFAULT_COLLECTION_DAYS, DEFAULT_THRESHOLD

PICKUP_POINTS = (
    ("HQ-1F", "总部一楼前台 HQ front desk", "总部大楼 1F"),
    ("HQ-3F", "三楼库房 3F store room", "总部大楼 3F 302"),
)
# sku, name, unit, category, reorder point, unit cost, pick-up point, opening stock
CATALOGUE = (
    ("PEN-BLK-05", "中性笔 黑色 0.5mm", "支", "stationery", 50, "2.50", "HQ-1F", 200),
    ("PEN-RED-05", "中性笔 红色 0.5mm", "支", "stationery", 20, "2.50", "HQ-1F", 60),
    ("NOTE-A5", "笔记本 A5", "本", "stationery", 30, "8.00", "HQ-1F", 80),
    ("STICKY-76", "便利贴 76×76", "本", "stationery", 40, "3.20", "HQ-1F", 35),
    ("PAPER-A4", "A4 复印纸 70g (500张)", "包", "paper", 20, "24.00", "HQ-3F", 120),
    ("TONER-HP26A", "HP 26A 硒鼓", "个", "printing", 2, "580.00", "HQ-3F", 4),
    ("BATT-AA", "5号电池", "节", "electrical", 24, "1.80", "HQ-3F", 96),
    ("CABLE-HDMI-2M", "HDMI 线 2米", "根", "it", 3, "35.00", "HQ-3F", 6),
    ("TISSUE-BOX", "抽纸", "盒", "pantry", 50, "4.50", "HQ-1F", 150),
    ("CUP-PAPER", "一次性纸杯 (50只)", "包", "pantry", 10, "9.90", "HQ-1F", 8),
)


async def load(session: AsyncSession, *, demo: bool) -> None:
    """Add what is missing (never overwrite what the company changed); ``demo`` adds demo data."""
    if await session.scalar(select(SupplyPolicy.id).limit(1)) is None:
        session.add(
            SupplyPolicy(
                purchase_approval_threshold=DEFAULT_THRESHOLD,
                collection_days=DEFAULT_COLLECTION_DAYS,
            )
        )
        await session.flush()
    if not demo:
        return
    points: dict[str, PickupPoint] = {
        p.code: p for p in (await session.scalars(select(PickupPoint))).all()
    }
    for code, name, location in PICKUP_POINTS:
        if code not in points:
            points[code] = PickupPoint(code=code, name=name, location=location)
            session.add(points[code])
    await session.flush()
    known = set((await session.scalars(select(Supply.sku))).all())
    for sku, name, unit, category, reorder, cost, point, opening in CATALOGUE:
        if sku in known:
            continue
        item = Supply(
            sku=sku,
            name=name,
            unit=unit,
            category=category,
            reorder_point=reorder,
            unit_cost=Decimal(cost),
            pickup_point_id=points[point].id,
            created_by="seed",
        )
        session.add(item)
        await session.flush()
        await stock.move(
            session,
            item,
            item.pickup_point_id,
            kind="receipt",
            change=Change(on_hand=opening),
            cause_type="manual",
            cause_id=None,
            reason="opening stock",
            actor="seed",
        )
    await session.flush()
