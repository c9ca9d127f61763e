"""Pure rules of the fleet: odometer readings and when maintenance is due."""

from datetime import date, timedelta

from shared.kit.errors import Unprocessable


def check_odometer(last_km: int, reading_km: int, what: str = "reading") -> None:
    """A reading lower than the last one is refused (422 ``odometer_decreased``)."""
    if reading_km < last_km:
        raise Unprocessable(
            f"the odometer {what} {reading_km} km is lower than the last one, {last_km} km",
            code="odometer_decreased",
            last_km=last_km,
        )


def maintenance_due(
    *,
    today: date,
    odometer_km: int,
    next_date: date | None,
    next_km: int | None,
    within_days: int,
    within_km: int,
) -> list[str]:
    """Why a vehicle is due for maintenance (empty when it is not): ``date`` when its next
    maintenance date is within ``within_days`` (or past), ``odometer`` when it is within
    ``within_km`` of (or past) its next maintenance reading."""
    reasons = []
    if next_date is not None and next_date <= today + timedelta(days=within_days):
        reasons.append("date")
    if next_km is not None and odometer_km >= next_km - within_km:
        reasons.append("odometer")
    return reasons
