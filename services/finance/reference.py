"""Reference data of finance (and, with ``--demo``, its demo data), area by area."""

from pathlib import Path

from services.finance.db.models import KIT
from services.finance.seed import AREAS
from shared.kit.seeding import seeding_session


async def load_reference_data(
    *, url: str, schema: str, data_dir: Path, demo: bool
) -> dict[str, str]:
    """Add each area's missing reference data (and demo data); the company's changes are kept."""
    async with seeding_session(url, schema, KIT) as session:
        for area in AREAS:
            await area.load(session, demo=demo)
            await session.flush()
    return {}
