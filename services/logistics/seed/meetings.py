"""Reference and demo data of logistics for rooms, bookings and meetings: demo rooms."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.logistics.db.meetings import Room

DEMO_ROOMS: tuple[dict[str, object], ...] = (
    {
        "name": "长城 Great Wall",
        "building": "A",
        "floor": "3",
        "capacity": 12,
        "equipment": ["projector", "video_conference", "whiteboard"],
    },
    {
        "name": "黄山 Yellow Mountain",
        "building": "A",
        "floor": "3",
        "capacity": 6,
        "equipment": ["tv", "whiteboard"],
    },
    {"name": "西湖 West Lake", "building": "A", "floor": "5", "capacity": 4, "equipment": ["tv"]},
    {
        "name": "泰山 Mount Tai",
        "building": "B",
        "floor": "1",
        "capacity": 40,
        "equipment": ["projector", "microphone", "video_conference"],
    },
    {
        "name": "漓江 Li River",
        "building": "B",
        "floor": "2",
        "capacity": 8,
        "equipment": ["video_conference", "whiteboard"],
    },
)


async def load(session: AsyncSession, *, demo: bool) -> None:
    """Add what is missing (never overwrite what the company changed); ``demo`` adds demo rooms."""
    if not demo:
        return
    existing = set((await session.scalars(select(Room.name))).all())
    for room in DEMO_ROOMS:
        if room["name"] not in existing:
            session.add(Room(**room, active=True))
