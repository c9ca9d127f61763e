"""The year-end close: closing December carries the year's profit and loss into 4103 本年利润 and
on to 4104 利润分配, by entries the close makes itself."""

from sqlalchemy.ext.asyncio import AsyncSession


async def carry_forward(session: AsyncSession, *, year: int, actor: str | None) -> None:
    """Post the year's closing entries (called by the close of December, in its transaction)."""
