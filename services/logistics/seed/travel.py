"""Demo data of business travel: a year's travel standards (every grade, each city tier, and
the managers' grades a class up). The company sets its own; nothing is loaded without demo."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.travel import TravelStandard

# grade, city tier, hotel cap per night, per diem, transport class
DEMO_STANDARDS: tuple[tuple[str, str, str, str, str], ...] = (
    ("*", "tier1", "500.00", "120.00", "economy"),
    ("*", "tier2", "400.00", "100.00", "economy"),
    ("*", "tier3", "300.00", "80.00", "economy"),
    ("*", "abroad", "1200.00", "400.00", "economy"),
    ("M3", "tier1", "800.00", "150.00", "business"),
    ("M3", "tier2", "600.00", "120.00", "business"),
    ("M3", "tier3", "450.00", "100.00", "premium"),
    ("M3", "abroad", "1800.00", "500.00", "business"),
)
EFFECTIVE_FROM = date(2025, 1, 1)


async def load(session: AsyncSession, *, demo: bool) -> None:
    """With ``demo``, the demo standards that are missing."""
    if not demo:
        return
    existing = {
        (row.grade, row.city_tier) for row in (await session.scalars(select(TravelStandard))).all()
    }
    for grade, tier, hotel, per_diem, transport in DEMO_STANDARDS:
        if (grade, tier) not in existing:
            session.add(
                TravelStandard(
                    grade=grade,
                    city_tier=tier,
                    hotel_cap_per_night=Decimal(hotel),
                    per_diem=Decimal(per_diem),
                    transport_class=transport,
                    effective_from=EFFECTIVE_FROM,
                    created_by="demo",
                )
            )
