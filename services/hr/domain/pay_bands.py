"""Pay bands: the monthly salary range of each grade, which decides whether an offer needs
approval. HR changes them; everyone who reads all of hr reads them."""

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.people import PayBand
from services.hr.domain.people_access import Viewer
from shared.contracts.hr_people_events import PayBandUpdated
from shared.kit.errors import Unprocessable, not_found
from shared.kit.outbox import record_event


async def visible(session: AsyncSession, viewer: Viewer) -> Sequence[PayBand]:
    """Every band, for HR, admins and auditors; none for anyone else."""
    if not viewer.reads_all:
        return []
    return (await session.scalars(select(PayBand).order_by(PayBand.grade))).all()


async def get(session: AsyncSession, viewer: Viewer, grade: str) -> PayBand:
    """A grade's band the caller may see, or 404."""
    band = await session.scalar(select(PayBand).where(PayBand.grade == grade))
    if band is None or not viewer.reads_all:
        raise not_found("pay band", grade)
    return band


async def update(
    session: AsyncSession,
    viewer: Viewer,
    band: PayBand,
    *,
    name: str | None,
    minimum: Decimal | None,
    maximum: Decimal | None,
) -> PayBand:
    """New name or bounds (HR); a minimum above the maximum is 422 and changes nothing."""
    viewer.require_manager("pay bands")
    low = band.minimum if minimum is None else minimum
    high = band.maximum if maximum is None else maximum
    if low > high:
        raise Unprocessable("the band's minimum is above its maximum", code="validation_error")
    band.minimum, band.maximum = low, high
    if name is not None:
        band.name = name
    await session.flush()
    await record_event(
        session,
        PayBandUpdated.event_type,
        subject_type="pay_band",
        subject_id=band.id,
        data=PayBandUpdated(
            grade=band.grade,
            minimum=f"{band.minimum:.2f}",
            maximum=f"{band.maximum:.2f}",
            currency=band.currency,
        ),
    )
    return band
