"""Reference data of performance: the default grade bands (S/A/B/C/D) and their performance
coefficients, added only while HR has configured none (HR's later changes are kept)."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.development import GradeBand

# grade, lowest score, performance coefficient, below target (calls for an improvement plan)
GRADE_BANDS = [
    ("S", "95.00", "1.50", False),
    ("A", "85.00", "1.20", False),
    ("B", "70.00", "1.00", False),
    ("C", "60.00", "0.80", True),
    ("D", "0.00", "0.50", True),
]


async def load(session: AsyncSession) -> None:
    """Add the default bands when there are none."""
    if await session.scalar(select(GradeBand.id).limit(1)) is not None:
        return
    for grade, floor, coefficient, below in GRADE_BANDS:
        session.add(
            GradeBand(
                grade=grade,
                min_score=Decimal(floor),
                coefficient=Decimal(coefficient),
                below_target=below,
            )
        )
