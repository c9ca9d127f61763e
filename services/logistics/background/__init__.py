"""What runs beside logistics's requests: one module per area, each with ``tasks(runtime, settings)``."""

from services.logistics.background import (
    company_events,
    facilities,
    meetings,
    supplies,
    travel,
    vehicles,
)

AREAS = (
    facilities,
    supplies,
    meetings,
    company_events,
    vehicles,
    travel,
)
