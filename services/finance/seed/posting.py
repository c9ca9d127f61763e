"""Reference and demo data of finance for posting rules, consumed facts and posting exceptions."""

from sqlalchemy.ext.asyncio import AsyncSession


async def load(session: AsyncSession, *, demo: bool) -> None:
    """Add what is missing (never overwrite what the company changed); ``demo`` adds demo data."""
