"""Reference and demo data of logistics for spaces, facilities, maintenance and repairs."""

from sqlalchemy.ext.asyncio import AsyncSession


async def load(session: AsyncSession, *, demo: bool) -> None:
    """Add what is missing (never overwrite what the company changed); ``demo`` adds demo data."""
