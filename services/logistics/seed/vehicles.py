"""Reference and demo data of logistics for vehicles: a demo fleet."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.vehicles import Vehicle

DEMO_FLEET: tuple[dict[str, object], ...] = (
    {
        "plate": "京A12345",
        "make_model": "Buick GL8",
        "seats": 7,
        "odometer_km": 42000,
        "next_maintenance_date": date(2026, 6, 1),
        "next_maintenance_km": 50000,
    },
    {
        "plate": "京A67890",
        "make_model": "Toyota Camry",
        "seats": 5,
        "odometer_km": 18500,
        "next_maintenance_date": date(2026, 4, 15),
        "next_maintenance_km": 20000,
    },
    {
        "plate": "京B24680",
        "make_model": "Toyota Coaster",
        "seats": 23,
        "odometer_km": 96000,
        "next_maintenance_date": date(2026, 5, 1),
        "next_maintenance_km": 100000,
    },
    {
        "plate": "京AD13579",
        "make_model": "BYD Han EV",
        "seats": 5,
        "odometer_km": 7200,
        "next_maintenance_date": date(2026, 9, 1),
        "next_maintenance_km": 20000,
    },
)


async def load(session: AsyncSession, *, demo: bool) -> None:
    """Add what is missing (never overwrite what the company changed); ``demo`` adds a fleet."""
    if not demo:
        return
    existing = set((await session.scalars(select(Vehicle.plate))).all())
    for vehicle in DEMO_FLEET:
        if vehicle["plate"] not in existing:
            session.add(Vehicle(**vehicle, status="available"))
